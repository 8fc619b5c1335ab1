"""Every read of the workforce app that a page, the API or an export makes, each in a
fixed number of queries however many people a roster holds. The aggregate tables are in
`workforce.reporting`; what is here that returns people is for HR only."""
from decimal import Decimal

from django.db.models import Count, Q, Sum

from programmes.models import Programme
from workforce.models import (
    DEFAULT_STANDARD_WEEK,
    EmployeeRecord,
    Establishment,
    PayScale,
    PensionRate,
    Readiness,
    ReadinessItem,
    Team,
    TransferRoster,
    WorkforceSettings,
)


def _sharing(programme: Programme, rosters_: list[TransferRoster]) -> list[TransferRoster]:
    """The caller's copy of the programme on every roster, so that their lateness against
    its ELI deadline (read from its contracts) is worked out once, not once a roster; and
    the contract of each list that covers one contract's staff, read once for them all."""
    contracts = ({c.pk: c for c in programme.contracts.all()}
                 if any(r.contract_id for r in rosters_) else {})
    for r in rosters_:
        r.programme = programme
        if r.contract_id:
            r.contract = contracts[r.contract_id]
    return rosters_


def rosters(*, programme: Programme) -> list[TransferRoster]:
    """The versions, newest first, each with its headcount, FTE and vacancies: one query."""
    return _sharing(programme, list(TransferRoster.objects.filter(programme=programme).annotate(
        people=Count("records", filter=Q(records__is_vacancy=False)),
        people_fte=Sum("records__fte", filter=Q(records__is_vacancy=False)),
        vacancy_count=Count("records", filter=Q(records__is_vacancy=True)),
    ).order_by("-version")))


def roster_versions(*, programme: Programme) -> list[TransferRoster]:
    """The versions, newest first, without their counts (for choosing two to compare)."""
    return _sharing(programme, list(TransferRoster.objects.filter(programme=programme).order_by("-version")))


def version_counts(rosters_: list[TransferRoster]) -> dict[int, tuple[int, Decimal, int]]:
    return {r.pk: (r.people, r.people_fte or Decimal("0"), r.vacancy_count) for r in rosters_}


def latest_roster(*, programme: Programme) -> TransferRoster | None:
    roster = TransferRoster.objects.filter(programme=programme).order_by("-version").first()
    return _sharing(programme, [roster])[0] if roster else None


def roster_by_version(*, programme: Programme, version: int) -> TransferRoster | None:
    roster = TransferRoster.objects.filter(programme=programme, version=version).first()
    return _sharing(programme, [roster])[0] if roster else None


def people(*, roster: TransferRoster, team: int | None = None) -> list[EmployeeRecord]:
    """Everyone on a version (and its vacancies), with team and pay scale. HR only."""
    qs = EmployeeRecord.objects.filter(roster=roster).select_related("team", "pay_scale")
    if team:
        qs = qs.filter(team_id=team)
    return list(qs.order_by("team__name", "is_vacancy", "name", "employee_ref"))


def record_for_detail(*, programme: Programme, pk: int) -> EmployeeRecord | None:
    return (EmployeeRecord.objects.filter(programme=programme, pk=pk)
            .select_related("team", "pay_scale", "roster", "roster__programme").first())


def readiness_of(*, programme: Programme, employee_ref: str) -> Readiness:
    """The person's readiness, or a blank (unsaved) one."""
    found = Readiness.objects.filter(programme=programme, employee_ref__iexact=employee_ref).first()
    return found or Readiness(programme=programme, employee_ref=employee_ref)


def readiness_items(*, programme: Programme) -> list[ReadinessItem]:
    """The programme's own day-one checks, in their order."""
    return list(ReadinessItem.objects.filter(programme=programme))


def readiness_ticks(*, item: ReadinessItem) -> int:
    """How many people of the programme have the check ticked."""
    return sum(item.pk in done for done in Readiness.objects.filter(programme_id=item.programme_id)
               .values_list("done", flat=True))


def readiness_by_ref(*, programme: Programme) -> dict[str, Readiness]:
    return {r.employee_ref.upper(): r for r in Readiness.objects.filter(programme=programme)}


def teams(*, programme: Programme) -> list[Team]:
    return list(Team.objects.filter(programme=programme).order_by("service_line", "name"))


def pay_scales(*, programme: Programme) -> list[PayScale]:
    return list(PayScale.objects.filter(programme=programme).order_by("code"))


def standard_week(*, programme: Programme) -> Decimal:
    found = WorkforceSettings.objects.filter(programme=programme).first()
    return found.standard_weekly_hours if found else DEFAULT_STANDARD_WEEK


def establishments(*, programme: Programme) -> list[Establishment]:
    return list(Establishment.objects.filter(programme=programme).select_related("baseline").annotate(
        posts=Sum("lines__posts"), fte=Sum("lines__fte")).order_by("name"))


def establishment_for(*, programme: Programme, pk: int) -> Establishment | None:
    return (Establishment.objects.filter(programme=programme, pk=pk)
            .select_related("baseline", "baseline__programme").first())


def pension_rates(*, programme: Programme) -> list[PensionRate]:
    return list(PensionRate.objects.filter(programme=programme).order_by("scheme"))


def pension_rosters(*, programme: Programme) -> list[TransferRoster]:
    """The versions the pension cost is worked from, one per phase: the latest version if
    it covers every transfer (or no version names a contract); otherwise, where transfers
    are phased, the latest version of each contract with a list of its own, in the order
    its staff transfer. Two queries at most."""
    versions = roster_versions(programme=programme)
    if not versions or not versions[0].contract_id:
        return versions[:1]
    latest: dict[int, TransferRoster] = {}
    for r in versions:  # newest first
        if r.contract_id and r.contract_id not in latest:
            latest[r.contract_id] = r
    return sorted(latest.values(), key=lambda r: (r.contract.transfer_date or r.as_at, r.contract_id))
