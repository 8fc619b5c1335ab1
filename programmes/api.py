"""REST API for programmes and their plans, under the same access rules as the pages.

Every list and object is reached through a programme (`/api/v1/programmes/<slug>/...`):
the programme is found with `programme_access`, so an outsider gets 404 and a member
without the right role gets 403, exactly as on the pages.
"""
import django_filters as df
from django.db import models, transaction
from django.db.models import ProtectedError
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS
from rest_framework.relations import MANY_RELATION_KWARGS, PKOnlyObject
from rest_framework.response import Response

from core.api import ChoiceLabelField, VersionedRecordMixin
from core.concurrency import VersionedSchema, as_stored, if_match_conflict, locked_copy, with_etag
from core.protection import DeleteRefused, refusal_message
from core.roles import Capability
from core.scoping import scope_serializer
from programmes.access import councils_administered, programme_access, programme_members
from programmes.baselines import baseline_holding, baseline_take, baseline_use, name_taken, tidy_name
from programmes.council_lists import ENGAGEMENT_KIND, active_choices
from programmes.councils import ADDABLE_ORGANISATION_KINDS, organisation_name_problem
from programmes.deadlines import DeadlineState, derived_deadlines, find_deadline
from programmes.forms import LOOP_MESSAGE
from programmes.models import (
    Baseline,
    BaselineDate,
    ConfidenceAssessment,
    Contract,
    Decision,
    EngagementEvent,
    Lesson,
    Milestone,
    Organisation,
    Programme,
    Rag,
    ServiceInScope,
    Workstream,
)
from programmes.selectors import CARD_FIGURES, programme_cards, with_card_figures
from programmes.services import (
    deadline_mark_done,
    deadline_mark_not_done,
    milestone_save,
    record_delete,
    record_save,
)


class ServiceSerializer(serializers.ModelSerializer):
    class Meta:
        model = ServiceInScope
        fields = ["id", "code", "name", "share_of_contract"]


class ProgrammeSerializer(serializers.ModelSerializer):
    lead_organisation = serializers.CharField(source="lead_organisation.name", read_only=True)
    outgoing_provider = serializers.CharField(source="outgoing_provider.name", read_only=True,
                                              default=None)
    # Read from the contract register (the first contract to end, and the first staff
    # transfer's ELI deadline); each contract's own are under /contracts/.
    contract_end_date = serializers.DateField(read_only=True, allow_null=True)
    eli_deadline = serializers.DateField(read_only=True, allow_null=True)
    has_staff_transfer = serializers.BooleanField(read_only=True)
    services = ServiceSerializer(many=True, read_only=True)
    # What the programme list's card shows (selectors.with_card_figures, the same rule as
    # the overview's counts), and the days to transfer of the countdown.
    days_to_transfer = serializers.IntegerField(source="days_left", read_only=True, allow_null=True)
    late_count = serializers.IntegerField(read_only=True)
    due_soon_count = serializers.IntegerField(read_only=True)
    milestone_count = serializers.IntegerField(read_only=True)
    latest_confidence = serializers.ChoiceField(choices=ConfidenceAssessment.Rating.choices, read_only=True,
                                                allow_null=True)
    latest_confidence_period = serializers.DateField(read_only=True, allow_null=True)

    class Meta:
        model = Programme
        fields = ["slug", "name", "kind", "summary", "status", "lead_organisation", "outgoing_provider",
                  "contract_end_date", "transfer_date", "has_staff_transfer", "eli_deadline", "days_to_transfer",
                  "director", "reg13_information_days", "reg13_measures_days", "call_in_working_days",
                  "services", "late_count", "due_soon_count", "milestone_count", "latest_confidence",
                  "latest_confidence_period"]
        read_only_fields = ["slug"]

    def to_representation(self, instance):
        today = timezone.localdate()
        if "late_count" not in instance.__dict__:
            # A programme just written, not read through `with_card_figures`.
            figures = (with_card_figures(Programme.objects.filter(pk=instance.pk), today=today)
                       .values(*CARD_FIGURES).get())
            instance.__dict__.update(figures)
        instance.days_left = instance.days_to_transfer(today)  # as the list page sets it
        return super().to_representation(instance)


class ProgrammeCreateSerializer(ProgrammeSerializer):
    """A new programme, set up by an administrator of its lead council (`council`: the id
    of a council they administer), with its own slug; the rest as the set-up page has it.
    Its contracts, workstreams and members come next, under its own URLs."""

    council = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.none(), write_only=True,
        help_text="The id of the council that leads the programme: one you administer.")

    class Meta(ProgrammeSerializer.Meta):
        fields = ["council", *ProgrammeSerializer.Meta.fields]
        read_only_fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        # Only the councils the caller administers can be chosen (none, without a request).
        user = getattr(request, "user", None)
        self.fields["council"].queryset = (councils_administered(user) if user is not None
                                           else Organisation.objects.none())


class OrganisationSerializer(serializers.ModelSerializer):
    """An organisation a contract or a programme can name (the id a contract's
    `counterparty` takes). A council's administrator adds one; a council is never added."""

    class Meta:
        model = Organisation
        fields = ["id", "name", "short_name", "kind"]

    def validate_kind(self, value):
        if value not in dict(ADDABLE_ORGANISATION_KINDS):
            raise serializers.ValidationError("A council that uses the service is set up by the site, not added here.")
        return value

    def validate_name(self, value):
        name, problem = organisation_name_problem(value)
        if problem:
            raise serializers.ValidationError(problem)
        return name


class ProgrammeScopedSerializer(serializers.ModelSerializer):
    """Every related choice — nested ones too — is limited to the programme in the
    serializer's context, and every person to its members (core.scoping): another
    programme's id is "Invalid pk", a field error. Without a programme in the context
    nothing can be chosen at all, so a view that forgets it fails closed."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        programme = self.context.get("programme")
        scope_serializer(self, tenant=programme,
                         members=None if programme is None else programme_members(programme))
        council_list_choices(self, council=None if programme is None else programme.lead_organisation_id)


@extend_schema_field({"type": "string", "description": "A code from the council's own list (its lists page "
                                                       "names them); a retired code is refused for a new record"})
class CouncilListField(serializers.ChoiceField):
    """A code from one of the council's own lists (programmes.council_lists). Its choices
    are filled in by the serializer from the programme's council: the active values, and
    the value an updated record already holds."""

    def __init__(self, *, key: str, **kwargs):
        self.key = key
        super().__init__(choices=[], **kwargs)


def council_list_choices(serializer: serializers.BaseSerializer, *, council) -> None:
    """Give every CouncilListField of `serializer` its council's choices; with no council
    (no programme in the context) there is nothing to choose, so nothing is accepted."""
    instance = serializer.instance if isinstance(serializer.instance, models.Model) else None
    for name, field in serializer.fields.items():
        if isinstance(field, CouncilListField) and not field.read_only:
            keep = getattr(instance, name, None) if instance is not None else None
            field.choices = [] if council is None else active_choices(council, field.key, keep=keep)


class ContractSerializer(ProgrammeScopedSerializer):
    """A contract of the register; its dates to act by are worked out, never written."""

    notice_deadline = serializers.DateField(read_only=True, allow_null=True)
    extension_deadline = serializers.DateField(read_only=True, allow_null=True)
    eli_deadline = serializers.DateField(read_only=True, allow_null=True)

    class Meta:
        model = Contract
        fields = ["id", "title", "counterparty", "services", "start_date", "end_date", "notice_days",
                  "notice_deadline", "extension_options", "extension_notice_days", "extension_deadline",
                  "annual_value", "staff_transfer", "transfer_date", "eli_deadline"]
        extra_kwargs = {"counterparty": {"required": True, "allow_null": False}}


class WorkstreamSerializer(ProgrammeScopedSerializer):
    class Meta:
        model = Workstream
        fields = ["id", "name", "kind", "lead", "order"]


class PageIdsManyField(serializers.ManyRelatedField):
    """A to-many field of ids that reads them from `<name>_ids` on the record when a list has
    set it for the whole page in one query (MilestoneViewSet.list), and from the relation
    otherwise. Prefetching built a manager and a filtered queryset for every record of a
    page, which was the list's biggest cost; writing and validating are DRF's own."""

    def get_attribute(self, instance):
        ids = instance.__dict__.get(f"{self.source}_ids")
        if ids is None:
            return super().get_attribute(instance)
        return [PKOnlyObject(pk) for pk in ids]


class PageIdsRelatedField(serializers.PrimaryKeyRelatedField):
    """A primary key field whose many=True form is PageIdsManyField (made as DRF's
    RelatedField.many_init makes a ManyRelatedField)."""

    @classmethod
    def many_init(cls, *args, **kwargs):
        return PageIdsManyField(child_relation=cls(*args, **kwargs),
                                **{k: v for k, v in kwargs.items() if k in MANY_RELATION_KWARGS})


def _holds_up(milestone: Milestone, forecast, status) -> bool:
    """The tracker's warning (selectors.dependency_warnings): an open milestone depends on an
    open one forecast after it."""
    return (not milestone.is_closed and status not in Milestone.CLOSED_STATUSES
            and forecast > milestone.forecast_date)


class MilestoneSerializer(ProgrammeScopedSerializer):
    serializer_related_field = PageIdsRelatedField
    # What the tracker shows of each milestone: its slip against the baseline, whether it
    # is late (the one rule: `late` from Milestone.with_lateness when the list read it,
    # Milestone.is_late otherwise) and its status and RAG as the page words them.
    slippage_days = serializers.IntegerField(read_only=True)
    late = serializers.BooleanField(read_only=True)
    status_label = ChoiceLabelField("status")
    # The RAG as the tracker shows it, the one the dates and status give, and the override
    # (with its reason, who set it and when) where someone has set one: Milestone's rule.
    rag = serializers.ChoiceField(choices=Rag.choices, source="rag_shown", read_only=True)
    rag_label = serializers.CharField(source="rag_shown_label", read_only=True)
    rag_derived = serializers.ChoiceField(choices=Rag.choices, source="rag_from_dates", read_only=True)
    rag_overridden = serializers.BooleanField(read_only=True)
    # False: typed by a person. The dates worked out from others are under milestones/derived/.
    derived = serializers.SerializerMethodField()
    # The tracker's "behind" warning: the open milestones it depends on that are forecast after it.
    behind = serializers.SerializerMethodField()

    class Meta:
        model = Milestone
        fields = ["id", "kind", "title", "workstream", "owner", "baseline_start_date", "baseline_date",
                  "forecast_start_date", "forecast_date", "actual_date", "slippage_days", "late", "status",
                  "status_label", "rag", "rag_label", "rag_derived", "rag_overridden", "rag_override",
                  "rag_override_reason", "rag_override_by", "rag_override_at", "depends_on", "behind", "notes",
                  "derived"]
        read_only_fields = ["rag_override_by", "rag_override_at"]

    def get_derived(self, obj) -> bool:
        return False

    def get_behind(self, obj) -> list[int]:
        known = obj.__dict__.get("behind_ids")
        if known is not None:
            return known
        return [d.pk for d in obj.depends_on.all() if _holds_up(obj, d.forecast_date, d.status)]

    def to_representation(self, instance):
        today = timezone.localdate()
        if "late" not in instance.__dict__:
            # A milestone just written, not read through `with_lateness`.
            instance.late = instance.is_late(today)
        instance.read_rag(today)
        return super().to_representation(instance)

    def validate(self, attrs):
        """Baseline dates held by the baseline in use move only by re-baselining (the
        page's form does not offer them)."""
        attrs = super().validate(attrs)
        if self.instance is not None:
            changed = [f for f in ("baseline_start_date", "baseline_date")
                       if f in attrs and attrs[f] != getattr(self.instance, f)]
            held_by = baseline_holding(self.instance) if changed else None
            if held_by is not None:
                raise serializers.ValidationError({f: f"Set by the baseline “{held_by.name}”: the programme "
                                                      "manager re-baselines the plan to move it" for f in changed})
        return attrs

    def validate_depends_on(self, deps):
        """The same rule as the page's form: no loops back to this milestone."""
        if self.instance is not None and self.instance.would_loop(deps):
            raise serializers.ValidationError(LOOP_MESSAGE)
        return deps


class BaselineDateSerializer(serializers.ModelSerializer):
    class Meta:
        model = BaselineDate
        fields = ["milestone", "start_date", "end_date"]
        read_only_fields = fields  # a baseline's dates are the forecast when it was taken


class BaselineSerializer(ProgrammeScopedSerializer):
    """A plan-wide baseline: its name and reason are given when it is taken; its dates are
    the forecast of that moment (programmes.baselines)."""

    taken_at = serializers.DateTimeField(source="created_at", read_only=True)
    dates = BaselineDateSerializer(many=True, read_only=True)
    keep = serializers.ChoiceField(choices=[("forecast", "Today's forecast dates"),
                                            ("present", "The baseline dates the milestones have now")],
                                   default="forecast", write_only=True)

    class Meta:
        model = Baseline
        fields = ["id", "name", "reason", "keep", "taken_at", "taken_by", "in_use", "dates"]
        read_only_fields = ["taken_by", "in_use"]

    def validate_name(self, value):
        if name_taken(self.context["programme"], value):
            raise serializers.ValidationError(Baseline.NAME_TAKEN)
        return tidy_name(value)


class DecisionSerializer(ProgrammeScopedSerializer):
    forward_plan_deadline = serializers.DateField(read_only=True)
    private_meeting = serializers.BooleanField(read_only=True)

    class Meta:
        model = Decision
        fields = ["id", "body", "meeting_date", "title", "key_decision", "forward_plan_ref",
                  "forward_plan_deadline", "classification", "private_meeting", "wards", "decision",
                  "delegations", "published_on"]


class LessonSerializer(ProgrammeScopedSerializer):
    class Meta:
        model = Lesson
        fields = ["id", "title", "kind", "recorded_on", "workstream", "detail", "action"]


class EngagementEventSerializer(ProgrammeScopedSerializer):
    # The council's own engagement kinds, not a fixed list.
    kind = CouncilListField(key=ENGAGEMENT_KIND)

    class Meta:
        model = EngagementEvent
        fields = ["id", "date", "kind", "group", "title", "attendees", "notes"]


class ConfidenceAssessmentSerializer(ProgrammeScopedSerializer):
    class Meta:
        model = ConfidenceAssessment
        fields = ["id", "period_end", "scale", "rating", "commentary", "assessed_by"]


class AdministratorsCreate:
    """A viewset whose create is a council administrator's: refused (403) to anyone who
    administers no council, and the schema says so (core.schema's api_error_statuses)."""

    @property
    def api_error_statuses(self) -> tuple:
        return (403,) if getattr(self, "action", None) == "create" else ()

    def create_refusal(self, request, what: str) -> Response | None:
        if councils_administered(request.user).exists():
            return None
        return Response({"detail": f"Only a council's administrators can {what}."},
                        status=status.HTTP_403_FORBIDDEN)


class ProgrammeViewSet(AdministratorsCreate, viewsets.GenericViewSet):
    """Programmes the user belongs to. Programme managers and directors may edit details."""

    serializer_class = ProgrammeSerializer
    lookup_field = "slug"
    lookup_value_converter = "slug"  # the URL converter the API's router uses
    schema = VersionedSchema()

    def get_queryset(self):
        return programme_cards(user=self.request.user, today=timezone.localdate()).prefetch_related("services")

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def get_serializer_class(self):
        return ProgrammeCreateSerializer if self.action == "create" else ProgrammeSerializer


    def create(self, request):
        """Set up a programme: for a council's administrators only (403 for anyone else, who
        administers no council). The programme starts with no members; add them under
        /members/."""
        if refused := self.create_refusal(request, "set up a programme"):
            return refused
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        council = data.pop("council")
        instance = Programme(lead_organisation=council, **data)
        _save(instance, request.user, f"Programme set up through the API by an administrator of {council.name}")
        return Response(ProgrammeSerializer(instance, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)

    def retrieve(self, request, slug=None):
        programme_access(request.user, slug)
        programme = self.get_queryset().get(slug=slug)
        return with_etag(Response(self.get_serializer(programme).data), programme)

    @transaction.atomic
    def partial_update(self, request, slug=None):
        access = programme_access(request.user, slug, Capability.EDIT_PROGRAMME)
        # The row as it is now, locked: the write starts from it, not from the copy read
        # before the lock, so a change made in between is neither missed nor undone.
        instance = locked_copy(type(access.programme), access.programme.pk)
        conflict = if_match_conflict(request, instance)
        if conflict:
            return Response(conflict.as_data(), status=status.HTTP_412_PRECONDITION_FAILED)
        serializer = self.get_serializer(instance, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        for k, v in serializer.validated_data.items():
            setattr(instance, k, v)
        _save(instance, request.user, "Programme details edited through the API")
        instance = as_stored(instance)
        return with_etag(Response(self.get_serializer(instance).data), instance)


class OrganisationViewSet(AdministratorsCreate, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Every organisation, for any signed-in user (their ids are what contracts and
    programmes name); adding one is for a council's administrators (403 for anyone else)."""

    serializer_class = OrganisationSerializer
    queryset = Organisation.objects.order_by("name")

    def create(self, request):
        if refused := self.create_refusal(request, "add an organisation"):
            return refused
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        instance = Organisation(**serializer.validated_data)
        record_save(instance=instance, user=request.user, reason="Added through the API by a council's administrator")
        return Response(self.get_serializer(instance).data, status=status.HTTP_201_CREATED)


def _save(instance, user, reason, m2m=None, *, service=None):
    """Save through the service (`record_save` unless an app has its own). A model's
    validation error (from full_clean) answers 400 in DRF's shape: see core.api."""
    if service is None:
        record_save(instance=instance, user=user, reason=reason, m2m=m2m)
    elif m2m:
        service(instance=instance, user=user, reason=reason, m2m=m2m)
    else:
        service(instance=instance, user=user, reason=reason)


class ProgrammeChildViewSet(VersionedRecordMixin, viewsets.ModelViewSet):
    """Records that belong to one programme. Read for members; write for the roles that
    `edit_capability` names. A single record answers with its version as an ETag; a
    change or delete sent with If-Match is refused (412) if the record has changed since."""

    schema = VersionedSchema()
    lookup_value_converter = "int"  # the URL converter the API's router uses
    model = None
    edit_capability = Capability.EDIT_PLAN
    select_related: tuple = ()
    prefetch_related: tuple = ()
    m2m_fields: tuple = ()
    # A write service taking (instance=, user=, reason=), for records whose saving does
    # more than record_save (numbering a risk, say); None means record_save.
    save_service = None
    # A delete service taking (instance=, user=, reason=), for records whose deleting has a
    # rule (which may refuse with core.protection.DeleteRefused, a 409 here) or takes other
    # records with it; None means record_delete.
    delete_service = None

    def required_capability(self, request) -> Capability:
        return Capability.VIEW if request.method in SAFE_METHODS else self.edit_capability

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.access = programme_access(request.user, kwargs["programme_slug"],
                                       self.required_capability(request))

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.model.objects.none()
        qs = self.model.objects.filter(programme=self.access.programme)
        if self.select_related:
            # Only when named: select_related() with no names joins every non-null foreign
            # key, and theirs, making a programme and its council for every row.
            qs = qs.select_related(*self.select_related)
        return qs.prefetch_related(*self.prefetch_related).order_by("pk")

    def get_serializer_context(self):
        ctx = super().get_serializer_context()
        if hasattr(self, "access"):
            ctx["programme"] = self.access.programme
        return ctx

    def _write(self, serializer, instance):
        data = dict(serializer.validated_data)
        m2m = {name: data.pop(name) for name in self.m2m_fields if name in data}
        for k, v in data.items():
            setattr(instance, k, v)
        instance.programme = self.access.programme
        verb = "edited" if instance.pk else "added"
        _save(instance, self.request.user,
              f"{self.model._meta.verbose_name.capitalize()} {verb} through the API", m2m,
              service=self.save_service)
        return instance

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        instance = self._write(serializer, self.model())
        return Response(self.get_serializer(instance).data, status=status.HTTP_201_CREATED)

    @transaction.atomic
    def update(self, request, *args, **kwargs):
        instance = self._locked_object()
        if stale := self.stale_response(instance):
            return stale
        serializer = self.get_serializer(instance, data=request.data,
                                         partial=kwargs.pop("partial", False))
        serializer.is_valid(raise_exception=True)
        instance = as_stored(self._write(serializer, instance))
        return with_etag(Response(self.get_serializer(instance).data), instance)

    @transaction.atomic
    def destroy(self, request, *args, **kwargs):
        instance = self._locked_object()
        if stale := self.stale_response(instance):
            return stale
        try:
            (self.delete_service or record_delete)(
                instance=instance, user=request.user,
                reason=f"{self.model._meta.verbose_name.capitalize()} deleted through the API")
        except ProtectedError as e:
            return Response({"detail": refusal_message(e, instance=instance)},
                            status=status.HTTP_409_CONFLICT)
        except DeleteRefused as e:
            return Response({"detail": str(e)}, status=status.HTTP_409_CONFLICT)
        return Response(status=status.HTTP_204_NO_CONTENT)


class WorkstreamViewSet(ProgrammeChildViewSet):
    model = Workstream
    serializer_class = WorkstreamSerializer
    edit_capability = Capability.EDIT_PROGRAMME


class MilestoneFilter(df.FilterSet):
    """Beside the model's filters (core.filters): late or not, by Milestone.late_q."""

    late = df.BooleanFilter(method="by_lateness", help_text="Open and forecast before today")

    class Meta:
        model = Milestone
        fields = []

    def by_lateness(self, queryset, name, value):
        late = Milestone.late_q(timezone.localdate())
        return queryset.filter(late) if value else queryset.exclude(late)


class MilestoneViewSet(ProgrammeChildViewSet):
    model = Milestone
    serializer_class = MilestoneSerializer
    m2m_fields = ("depends_on",)
    save_service = staticmethod(milestone_save)
    filterset_class = MilestoneFilter

    @property
    def prefetch_related(self):
        # One record's links are read with it, so that its ETag is the version of the copy
        # that was serialized; a list reads a whole page's links in one query (list below).
        return () if self.action == "list" else ("depends_on",)

    # A PATCH of only these is a status update, which finance and HR leads may make too
    # (as on the pages); anything more needs `edit_capability`.
    status_fields = frozenset({"status", "actual_date"})

    def get_queryset(self):
        qs = super().get_queryset()
        return qs if getattr(self, "swagger_fake_view", False) else qs.with_lateness(timezone.localdate())

    def _write(self, serializer, instance):
        instance = super()._write(serializer, instance)
        instance.__dict__.pop("late", None)  # read before the write: worked out again from it
        return instance

    def required_capability(self, request) -> Capability:
        data = request.data
        if (request.method == "PATCH" and hasattr(data, "keys") and data
                and set(data.keys()) <= self.status_fields):
            return Capability.UPDATE_MILESTONE_STATUS
        return super().required_capability(request)

    def list(self, request, *args, **kwargs):
        """A page of milestones, with what each depends on read for the whole page in one
        query of ids (in the order the relation gives them: Milestone's ordering)."""
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        if page is None:
            return super().list(request, *args, **kwargs)
        ids = {m.pk: [] for m in page}
        behind = {m.pk: [] for m in page}
        by_pk = {m.pk: m for m in page}
        links = (Milestone.depends_on.through.objects.filter(from_milestone_id__in=list(ids))
                 .order_by("to_milestone__forecast_date", "to_milestone__title")
                 .values_list("from_milestone_id", "to_milestone_id", "to_milestone__forecast_date",
                              "to_milestone__status"))
        for from_id, to_id, forecast, to_status in links:
            ids[from_id].append(to_id)
            if _holds_up(by_pk[from_id], forecast, to_status):
                behind[from_id].append(to_id)
        for m in page:
            m.depends_on_ids = ids[m.pk]
            m.behind_ids = behind[m.pk]
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class DerivedDeadlineSerializer(serializers.Serializer):
    """A derived deadline (programmes.deadlines) as the tracker shows it: worked out, never
    typed, with the rule that made it and whether it is done."""

    key = serializers.CharField(read_only=True, help_text="The rule and the source record; stays when the date moves")
    title = serializers.CharField(read_only=True)
    date = serializers.DateField(read_only=True)
    derived = serializers.SerializerMethodField(help_text="Always true: worked out from another date")
    rule = serializers.CharField(read_only=True, help_text="Which rule made it, as eli or forward-plan")
    rule_words = serializers.CharField(source="source", read_only=True,
                                       help_text="The rule in words, with its legal reference")
    reference = serializers.CharField(read_only=True)
    source_date = serializers.DateField(source="event_date", read_only=True, allow_null=True,
                                        help_text="The date it is worked out from, where it comes before it")
    workstream_kind = serializers.ChoiceField(choices=Workstream.Kind.choices, read_only=True)
    workstream_label = serializers.CharField(read_only=True)
    state = serializers.ChoiceField(choices=DeadlineState.choices, read_only=True)
    late = serializers.SerializerMethodField()
    done_on = serializers.DateField(read_only=True, allow_null=True)
    warning = serializers.CharField(read_only=True, help_text="What the law allows now that it has passed undone")

    def get_derived(self, obj) -> bool:
        return True

    def get_late(self, obj) -> bool:
        return obj.state == "late"


class DeadlineDoneSerializer(serializers.Serializer):
    done_on = serializers.DateField()
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")

    def validate_done_on(self, value):
        if value > timezone.localdate():
            raise serializers.ValidationError("The day it was done must be today or earlier.")
        return value


class DerivedDeadlineViewSet(viewsets.ViewSet):
    """The programme's derived deadlines, beside its milestones: read for every member;
    marking one done (with the day), or taking the mark back, for those who update a
    milestone's status. Their dates cannot be written: they follow their sources."""

    lookup_field = "key"
    lookup_value_converter = "slug"
    serializer_class = DerivedDeadlineSerializer

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        needs = Capability.VIEW if request.method in SAFE_METHODS else Capability.UPDATE_MILESTONE_STATUS
        self.access = programme_access(request.user, kwargs["programme_slug"], needs)

    def _all(self):
        return derived_deadlines(programme=self.access.programme, today=timezone.localdate())

    def _one(self, key: str):
        found = find_deadline(programme=self.access.programme, key=key, today=timezone.localdate())
        if found is None:
            raise Http404("No such derived deadline")
        return found

    @extend_schema(responses=DerivedDeadlineSerializer(many=True))
    def list(self, request, programme_slug: str):
        return Response(DerivedDeadlineSerializer(self._all(), many=True).data)

    @extend_schema(responses=DerivedDeadlineSerializer)
    def retrieve(self, request, programme_slug: str, key: str):
        return Response(DerivedDeadlineSerializer(self._one(key)).data)

    @extend_schema(methods=["POST"], request=DeadlineDoneSerializer, responses=DerivedDeadlineSerializer)
    @extend_schema(methods=["DELETE"], request=None, responses={200: DerivedDeadlineSerializer})
    @action(detail=True, methods=["post", "delete"])
    def done(self, request, programme_slug: str, key: str):
        """POST marks the deadline done on `done_on`; DELETE takes the mark back."""
        deadline = self._one(key)
        programme = self.access.programme
        if request.method == "DELETE":
            deadline_mark_not_done(programme=programme, key=key, title=deadline.title, user=request.user)
        else:
            body = DeadlineDoneSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            deadline_mark_done(programme=programme, key=key, title=deadline.title, user=request.user,
                               **body.validated_data)
        # Worked out again: a mark changes more than its own state (a forward-plan notice
        # given in time has no warning, and no general-exception deadline follows it).
        return Response(DerivedDeadlineSerializer(self._one(key)).data)


class ContractViewSet(ProgrammeChildViewSet):
    model = Contract
    serializer_class = ContractSerializer
    edit_capability = Capability.EDIT_PROGRAMME
    select_related = ("counterparty",)
    prefetch_related = ("services",)
    m2m_fields = ("services",)


class BaselineViewSet(ProgrammeChildViewSet):
    """The plan's baselines. Every member reads them; the programme manager takes one
    (POST: the forecast of now, named, with a reason, and in use from then on) or goes back
    to an earlier one (POST …/use/). A baseline is not edited or deleted."""

    model = Baseline
    serializer_class = BaselineSerializer
    edit_capability = Capability.BASELINE_PLAN
    prefetch_related = ("dates",)
    http_method_names = ["get", "post", "head", "options"]

    def initial(self, request, *args, **kwargs):
        if request.method.lower() not in self.http_method_names and request.user.is_authenticated:
            raise exceptions.MethodNotAllowed(request.method)  # for every member, whatever their role
        super().initial(request, *args, **kwargs)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        taken = baseline_take(programme=self.access.programme, user=request.user, **serializer.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=taken.pk)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=BaselineSerializer)
    @action(detail=True, methods=["post"])
    def use(self, request, *args, **kwargs):
        baseline = self.get_object()
        baseline_use(baseline=baseline, user=request.user)
        return Response(self.get_serializer(self.get_queryset().get(pk=baseline.pk)).data)


class DecisionViewSet(ProgrammeChildViewSet):
    model = Decision
    serializer_class = DecisionSerializer


class LessonViewSet(ProgrammeChildViewSet):
    model = Lesson
    serializer_class = LessonSerializer


class EngagementEventViewSet(ProgrammeChildViewSet):
    model = EngagementEvent
    serializer_class = EngagementEventSerializer


class ConfidenceAssessmentViewSet(ProgrammeChildViewSet):
    model = ConfidenceAssessment
    serializer_class = ConfidenceAssessmentSerializer
