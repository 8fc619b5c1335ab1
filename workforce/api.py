"""REST API of the workforce app, under /api/v1/programmes/<slug>/workforce/…, with the
pages' rules: every member reads aggregates (small groups suppressed, as on the pages);
only a role with VIEW_PERSONAL_DATA gets people, and each such read is logged."""
from decimal import Decimal

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from core.concurrency import VersionedSchema, as_stored, if_match_conflict, locked_copy, with_etag
from core.formats import decimal_text
from core.roles import Capability
from programmes.access import ProgrammeAccess
from programmes.api import ProgrammeChildViewSet, ProgrammeScopedSerializer
from workforce import reporting, selectors
from workforce.access import workforce_access
from workforce.models import EmployeeRecord, PensionRate, Readiness, ReadinessItem
from workforce.services import personal_data_viewed, readiness_item_delete, readiness_item_save, readiness_save


def _figure(value):
    """Decimals as the serializers write them (core.api), suppressed cells as they are shown."""
    return decimal_text(value) if isinstance(value, Decimal) else value


# The aggregate answers are built from `workforce.reporting`, not a model serializer: the
# schema describes them as JSON objects.
AGGREGATE = extend_schema_view(get=extend_schema(responses=OpenApiTypes.OBJECT))


def _cell(cell: reporting.Cell) -> dict:
    return {"headcount": cell.shown_headcount, "fte": None if cell.hidden else _figure(cell.fte),
            "suppressed": cell.hidden}


class WorkforceAPIView(APIView):
    capability = Capability.VIEW

    def access(self, request, slug: str, capability: Capability | None = None) -> ProgrammeAccess:
        return workforce_access(request.user, slug, capability or self.capability)

    @staticmethod
    def personal(access: ProgrammeAccess) -> bool:
        return access.can(Capability.VIEW_PERSONAL_DATA)


@AGGREGATE
class SummaryView(WorkforceAPIView):
    """Headcount and FTE by team and service line, vacancies, totals and breakdowns."""

    def get(self, request, programme_slug: str):
        access = self.access(request, programme_slug)
        personal = self.personal(access)
        roster = selectors.latest_roster(programme=access.programme)
        rows = reporting.roster_rows(roster)
        s = reporting.team_summary(roster, personal=personal, rows=rows)
        return Response({
            "version": roster.version if roster else None,
            "teams": [{"team": r.team, "service_line": r.service_line, **_cell(r.people), "vacancies": r.vacancies,
                       "vacancy_fte": _figure(r.vacancy_fte)} for r in s.rows],
            "service_lines": [{"service_line": line, **_cell(cell), "vacancies": v}
                              for line, cell, v in s.service_lines],
            "total": {**_cell(s.total), "vacancies": s.vacancies, "vacancy_fte": _figure(s.vacancy_fte)},
            "breakdowns": [{"title": b.title, "groups": [{"group": label, **_cell(cell)} for label, cell in b.rows]}
                           for b in reporting.breakdowns(roster, personal=personal, rows=rows)],
        })


@AGGREGATE
class VersionsView(WorkforceAPIView):
    def get(self, request, programme_slug: str):
        access = self.access(request, programme_slug)
        rosters = selectors.rosters(programme=access.programme)
        rows = reporting.version_rows(rosters, selectors.version_counts(rosters), personal=self.personal(access))
        return Response({"eli_deadline": access.programme.eli_deadline, "versions": [
            {"version": v.roster.version, "as_at": v.roster.as_at, "received_on": v.roster.received_on,
             "contract": v.roster.contract_id, "eli_deadline": v.roster.eli_deadline,
             "days_late": v.roster.days_late, "late": v.roster.is_late, **_cell(v.people), "vacancies": v.vacancies}
            for v in rows]})


class PersonSerializer(serializers.ModelSerializer):
    team = serializers.CharField(source="team.name")
    pay_scale = serializers.CharField(source="pay_scale.code")

    class Meta:
        model = EmployeeRecord
        fields = ["id", "employee_ref", "is_vacancy", "name", "job_title", "team", "service_line", "grade",
                  "pay_scale", "terms", "annual_pay", "contracted_hours", "fte", "contract_type",
                  "continuous_service_date", "pension_scheme", "base_location", "status", "sickness_absence_days",
                  "disciplinary_last_two_years", "grievance_last_two_years", "claims"]


@AGGREGATE
class PeopleView(WorkforceAPIView):
    """Everyone on one version, with every ELI field. HR only; logged."""

    capability = Capability.VIEW_PERSONAL_DATA

    def get(self, request, programme_slug: str, version: int):
        access = self.access(request, programme_slug)
        roster = selectors.roster_by_version(programme=access.programme, version=version)
        if roster is None:
            raise Http404("No such roster version")
        personal_data_viewed(programme=access.programme, user=request.user, roster=roster,
                             what=f"People on version {version} (API)")
        return Response({"version": version, "people": PersonSerializer(selectors.people(roster=roster),
                                                                        many=True).data})


@AGGREGATE
class DifferenceView(WorkforceAPIView):
    """?from=N&to=M (default: the two latest versions): counts for everyone, lists for HR."""

    api_error_statuses = (400,)  # versions that are not two of the programme's

    def get(self, request, programme_slug: str):
        access = self.access(request, programme_slug)
        rosters = {r.version: r for r in selectors.roster_versions(programme=access.programme)}
        ordered = sorted(rosters, reverse=True)
        try:
            to = int(request.query_params.get("to") or (ordered[0] if ordered else 0))
            frm = int(request.query_params.get("from") or (ordered[1] if len(ordered) > 1 else 0))
        except ValueError:
            return Response({"detail": "from and to must be version numbers"}, status=400)
        if to not in rosters or frm not in rosters or to == frm:
            return Response({"detail": "Give two different versions of this programme's roster"}, status=400)
        personal = self.personal(access)
        diff = reporting.difference(rosters[frm], rosters[to], personal=personal)
        data = {"from": frm, "to": to, "counts": {k: diff.shown(k) for k in diff.counts}}
        if personal:
            personal_data_viewed(programme=access.programme, user=request.user, roster=rosters[to],
                                 what=f"Difference between versions {frm} and {to} (API)")
            data["joiners"] = [{"employee_ref": r["employee_ref"], "name": r["name"], "team": r["team__name"]}
                               for r in diff.joiners]
            data["leavers"] = [{"employee_ref": r["employee_ref"], "name": r["name"], "team": r["team__name"]}
                               for r in diff.leavers]
            data["changed"] = [{"employee_ref": c["ref"], "name": c["name"], "team": c["team"],
                                "changes": [{"field": f, "from": _figure(a), "to": _figure(b)}
                                            for f, a, b in c["changes"]]}
                               for c in diff.changed]
        return Response(data)


@AGGREGATE
class ReadinessView(WorkforceAPIView):
    """Day-one readiness by team: for each of the programme's checks (by its key), how
    many of the team's people have it done, and how many have every check done."""

    def get(self, request, programme_slug: str):
        access = self.access(request, programme_slug)
        roster = selectors.latest_roster(programme=access.programme)
        table = reporting.readiness_by_team(access.programme, roster, personal=self.personal(access),
                                            today=timezone.localdate())

        def row(r):
            hidden = r.people.hidden
            done = None if hidden else {i.key: {"label": i.label, "done": r.done[i.pk], "percent": r.percent(i)}
                                        for i in table.items}
            every = None if hidden else {"done": r.ready, "percent": r.ready_percent}
            return {"team": r.team, **_cell(r.people), "checks": done, "every_check_done": every}

        return Response({"transfer_date": table.transfer_date, "days_to_transfer": table.days_to_transfer,
                         "checks": [{"id": i.pk, "key": i.key, "label": i.label} for i in table.items],
                         "teams": [row(r) for r in table.rows], "total": row(table.total)})


class ReadinessSerializer(serializers.Serializer):
    checks = serializers.DictField(
        child=serializers.BooleanField(),
        help_text="Check key → done. A PUT changes only the checks it names; the keys are the programme's "
                  "(workforce/readiness/checks/)")


def _checks_of(item: Readiness, items) -> dict:
    return {"employee_ref": item.employee_ref, "checks": {i.key: item.has(i) for i in items}}


@extend_schema_view(get=extend_schema(responses=ReadinessSerializer),
                    put=extend_schema(request=ReadinessSerializer, responses=ReadinessSerializer))
class PersonReadinessView(WorkforceAPIView):
    """One person's day-one checks: HR reads and sets them (PUT). Once set, they carry a
    version (ETag) that a PUT with If-Match must still match."""

    capability = Capability.EDIT_WORKFORCE
    schema = VersionedSchema()
    single_record = True

    def _record(self, access, pk):
        record = selectors.record_for_detail(programme=access.programme, pk=pk)
        if record is None:
            raise Http404("No such record")
        return record

    def get(self, request, programme_slug: str, pk: int):
        access = self.access(request, programme_slug)
        record = self._record(access, pk)
        item = selectors.readiness_of(programme=access.programme, employee_ref=record.employee_ref)
        items = selectors.readiness_items(programme=access.programme)
        response = Response({**_checks_of(item, items), "employee_ref": record.employee_ref})
        return with_etag(response, item) if item.pk else response

    @transaction.atomic
    def put(self, request, programme_slug: str, pk: int):
        access = self.access(request, programme_slug)
        record = self._record(access, pk)
        current = selectors.readiness_of(programme=access.programme, employee_ref=record.employee_ref)
        if current.pk:
            conflict = if_match_conflict(request, locked_copy(Readiness, current.pk))
            if conflict:
                return Response(conflict.as_data(), status=412)
        serializer = ReadinessSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        items = selectors.readiness_items(programme=access.programme)
        by_key = {i.key: i for i in items}
        given = serializer.validated_data["checks"]
        unknown = sorted(set(given) - set(by_key))
        if unknown:
            raise serializers.ValidationError({"checks": [
                f"The programme has no day-one check with the key {k!r}" for k in unknown]})
        done = {pk_ for pk_ in current.done if pk_ in {i.pk for i in items}}
        done = (done - {by_key[k].pk for k in given}) | {by_key[k].pk for k, v in given.items() if v}
        item = readiness_save(programme=access.programme, employee_ref=record.employee_ref, user=request.user,
                              done=sorted(done), reason="Readiness updated through the API")
        item = as_stored(item)
        return with_etag(Response({**_checks_of(item, items), "employee_ref": record.employee_ref}), item)


class _WorkforceRecordViewSet(ProgrammeChildViewSet):
    """A workforce record kept by HR: read by every member where staff transfer, written
    by EDIT_WORKFORCE; 404 where the programme has no staff transfer, as the pages."""

    edit_capability = Capability.EDIT_WORKFORCE

    def initial(self, request, *args, **kwargs):
        viewsets.ModelViewSet.initial(self, request, *args, **kwargs)
        self.access = workforce_access(request.user, kwargs["programme_slug"], self.required_capability(request))


class ReadinessItemSerializer(ProgrammeScopedSerializer):
    key = serializers.CharField(read_only=True, help_text="Made from the first label; never changes")

    class Meta:
        model = ReadinessItem
        fields = ["id", "key", "label", "owner", "due_date", "position"]
        read_only_fields = ["position"]

    def validate_label(self, value):
        label = ReadinessItem.label_tidied(value)
        if ReadinessItem.label_taken(self.context["programme"], label, instance=self.instance):
            raise serializers.ValidationError(ReadinessItem.LABEL_TAKEN)
        return label


class ReadinessItemViewSet(_WorkforceRecordViewSet):
    """The programme's own day-one checks. Deleting one removes every tick of it."""

    model = ReadinessItem
    serializer_class = ReadinessItemSerializer
    save_service = staticmethod(readiness_item_save)
    delete_service = staticmethod(readiness_item_delete)

    def get_queryset(self):
        return super().get_queryset().order_by("position", "pk")


class PensionRateSerializer(ProgrammeScopedSerializer):
    class Meta:
        model = PensionRate
        fields = ["id", "scheme", "fund", "employer_rate"]

    def validate_scheme(self, value):
        if PensionRate.scheme_taken(self.context["programme"], value, instance=self.instance):
            raise serializers.ValidationError(PensionRate.SCHEME_TAKEN)
        return value


class PensionRateViewSet(_WorkforceRecordViewSet):
    """The employer contribution rate of each pension scheme, which the pension costs use."""

    model = PensionRate
    serializer_class = PensionRateSerializer


def _cost(cell: reporting.CostCell) -> dict:
    """A pension cost cell: the cost as a plain figure, or null with the reason there is
    none (suppressed, or nobody costed); the people left out are counted, never as £0."""
    shown = not cell.hidden and (cell.costed or not cell.people)
    return {"people": cell.shown_people, "annual_employer_cost": _figure(cell.cost) if shown else None,
            "no_pay": cell.shown_no_pay, "no_rate": cell.shown_no_rate, "not_in_a_scheme": cell.shown_no_scheme,
            "suppressed": cell.hidden, "shown_as": cell.shown_cost}


@AGGREGATE
class PensionsView(WorkforceAPIView):
    """The annual employer pension cost by scheme and team per phase, and the rates it is
    worked from; each person's line for HR only (logged)."""

    def get(self, request, programme_slug: str):
        access = self.access(request, programme_slug)
        personal = self.personal(access)
        rosters = selectors.pension_rosters(programme=access.programme)
        costs = reporting.pension_costs(rosters, selectors.pension_rates(programme=access.programme),
                                        personal=personal)
        if personal and rosters:
            personal_data_viewed(programme=access.programme, user=request.user, roster=rosters[-1],
                                 what="Employer pension cost by person (API)")

        def phase(p: reporting.PensionPhase) -> dict:
            data = {"version": p.roster.version, "contract": p.roster.contract_id, "total": _cost(p.total),
                    "schemes": [{"scheme": r.scheme, "label": r.label, "fund": r.fund,
                                 "employer_rate": _figure(r.rate), **_cost(r.cell)} for r in p.schemes],
                    "teams": [{"team": r.team, "service_line": r.service_line, **_cost(r.cell)} for r in p.teams]}
            if personal:
                data["people"] = [{"id": x.record_id, "employee_ref": x.employee_ref, "name": x.name,
                                   "team": x.team, "scheme": x.scheme, "annual_pay": _figure(x.annual_pay),
                                   "employer_rate": _figure(x.rate), "annual_employer_cost": _figure(x.cost),
                                   "no_cost_because": x.why_none or None} for x in p.people]
            return data

        return Response({
            "rates": [{"id": r.pk, "scheme": r.scheme, "label": r.get_scheme_display(), "fund": r.fund,
                       "employer_rate": _figure(r.employer_rate)} for r in costs.rates],
            "unrated_schemes": costs.unrated, "phases": [phase(p) for p in costs.phases],
            "total": _cost(costs.total)})


@extend_schema_view(get=extend_schema(responses=OpenApiTypes.OBJECT,
                                      operation_id="programmes_workforce_restructures_list"))
class RestructuresView(WorkforceAPIView):
    def get(self, request, programme_slug: str):
        access = self.access(request, programme_slug)
        return Response({"establishments": [
            {"id": e.pk, "name": e.name, "baseline_version": e.baseline.version, "site": e.site,
             "first_dismissal_date": e.first_dismissal_date, "posts": e.posts or 0,
             "fte": _figure(e.fte or Decimal("0"))} for e in selectors.establishments(programme=access.programme)]})


@AGGREGATE
class EstablishmentView(WorkforceAPIView):
    def get(self, request, programme_slug: str, pk: int):
        access = self.access(request, programme_slug)
        found = selectors.establishment_for(programme=access.programme, pk=pk)
        if found is None:
            raise Http404("No such establishment")
        c = reporting.establishment_compare(found, personal=self.personal(access))

        def row(r):
            return {k: _figure(v) for k, v in r.__dict__.items()}

        return Response({"name": found.name, "baseline_version": found.baseline.version,
                         "site": found.site, "first_dismissal_date": found.first_dismissal_date,
                         "teams": [row(r) for r in c.rows], "total": row(c.total)})
