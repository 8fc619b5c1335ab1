"""Every query the programme pages and the API make, scoped to the user and prefetched,
so that a page runs the same number of queries however much data there is."""
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery

from programmes.access import programmes_for_user
from programmes.models import (
    ConfidenceAssessment,
    Decision,
    Milestone,
    Programme,
    Workstream,
)

DUE_SOON_DAYS = 30


@dataclass(frozen=True)
class DerivedMilestone:
    """A date the law or the council's rules fix from another date: computed, never typed,
    so it moves when its source moves."""

    key: str
    title: str
    date: date
    workstream_kind: str
    source: str


def _latest_confidence():
    latest = ConfidenceAssessment.objects.filter(programme=OuterRef("pk")).order_by("-period_end")
    return {
        "latest_confidence": Subquery(latest.values("rating")[:1]),
        "latest_confidence_period": Subquery(latest.values("period_end")[:1]),
    }


def programme_cards(*, user, today: date) -> QuerySet[Programme]:
    """The programme list: each programme with its late and due-soon counts and its latest
    delivery confidence, in one query."""
    open_ms = ~Q(milestones__status__in=Milestone.CLOSED_STATUSES)
    return (
        programmes_for_user(user)
        .select_related("lead_organisation", "outgoing_provider")
        .annotate(
            late_count=Count("milestones", filter=open_ms & Q(milestones__forecast_date__lt=today),
                             distinct=True),
            due_soon_count=Count(
                "milestones",
                filter=open_ms & Q(milestones__forecast_date__gte=today,
                                   milestones__forecast_date__lte=today + timedelta(DUE_SOON_DAYS)),
                distinct=True,
            ),
            milestone_count=Count("milestones", distinct=True),
            **_latest_confidence(),
        )
        .order_by("transfer_date", "name")
    )


def derived_milestones(*, programme: Programme, decisions=None) -> list[DerivedMilestone]:
    """The ELI deadline and, for each key decision, the last day to publish it on the
    forward plan."""
    items = [
        DerivedMilestone(
            key="eli-deadline",
            title="TUPE Employee Liability Information due",
            date=programme.eli_deadline,
            workstream_kind=Workstream.Kind.HR,
            source=f"28 days before the transfer date ({programme.transfer_date:%-d %B %Y}), "
                   "TUPE 2006 reg. 11",
        )
    ]
    if decisions is None:
        decisions = programme.decisions.filter(key_decision=True)
    for d in decisions:
        if not d.key_decision:
            continue
        items.append(
            DerivedMilestone(
                key=f"forward-plan-{d.pk}",
                title=f"Publish on forward plan: {d.body}, {d.title}",
                date=d.forward_plan_deadline,
                workstream_kind=Workstream.Kind.GOVERNANCE,
                source=f"28 clear days before the meeting on {d.meeting_date:%-d %B %Y}",
            )
        )
    return sorted(items, key=lambda m: m.date)


@dataclass
class TrackerFilters:
    workstream: int | None = None
    status: str | None = None
    owner: int | None = None
    late: bool = False
    due_within: int | None = None


def milestones_for_tracker(*, programme: Programme, filters: TrackerFilters,
                           today: date) -> QuerySet[Milestone]:
    qs = (
        Milestone.objects.filter(programme=programme)
        # Prefetched, not joined: a dozen workstreams and owners are each loaded once,
        # where a join made a copy of one for every milestone row.
        .prefetch_related("workstream", "owner")
        .order_by("forecast_date", "title")
    )
    if filters.workstream:
        qs = qs.filter(workstream_id=filters.workstream)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.owner:
        qs = qs.filter(owner_id=filters.owner)
    if filters.late:
        qs = qs.late(today)
    if filters.due_within is not None:
        qs = qs.due_within(today, filters.due_within)
    return qs


def dependency_warnings(milestones) -> dict[int, list[Milestone]]:
    """Milestone id → the open milestones it depends on that are forecast after it (with
    their title, forecast date and status), in one query however many milestones there
    are. It reads the links as plain values: prefetching every milestone's dependencies
    cost the tracker more than all its other queries together."""
    open_ms = {m.pk: m for m in milestones if not m.is_closed}
    links = (
        Milestone.depends_on.through.objects.filter(from_milestone_id__in=list(open_ms))
        .exclude(to_milestone__status__in=Milestone.CLOSED_STATUSES)
        .order_by("to_milestone__forecast_date", "to_milestone__title")
        .values_list("from_milestone_id", "to_milestone_id", "to_milestone__title",
                     "to_milestone__forecast_date", "to_milestone__status")
    )
    warnings: dict[int, list[Milestone]] = {}
    for from_id, pk, title, forecast, status in links:
        if forecast > open_ms[from_id].forecast_date:
            warnings.setdefault(from_id, []).append(
                Milestone(pk=pk, title=title, forecast_date=forecast, status=status))
    return warnings


def key_decisions(*, programme: Programme) -> QuerySet[Decision]:
    return programme.decisions.filter(key_decision=True).order_by("meeting_date")


@dataclass(frozen=True)
class Overview:
    milestone_total: int
    complete: int
    late_count: int
    due_soon_count: int
    late: list
    due_soon: list
    derived: list
    latest_confidence: ConfidenceAssessment | None
    confidence_history: list
    decisions: list
    workstream_rows: list
    members: list
    services: list
    partners: list


def programme_overview(*, programme: Programme, today: date) -> Overview:
    """Everything the overview page shows, in a fixed number of queries."""
    ms = Milestone.objects.filter(programme=programme)
    open_ = ~Q(status__in=Milestone.CLOSED_STATUSES)
    counts = ms.aggregate(
        total=Count("pk"),
        complete=Count("pk", filter=Q(status=Milestone.Status.COMPLETE)),
        late=Count("pk", filter=open_ & Q(forecast_date__lt=today)),
        due=Count("pk", filter=open_ & Q(forecast_date__gte=today,
                                          forecast_date__lte=today + timedelta(DUE_SOON_DAYS))),
    )
    late = list(ms.late(today).select_related("workstream", "owner").order_by("forecast_date")[:10])
    due = list(ms.due_within(today, DUE_SOON_DAYS).select_related("workstream", "owner")
               .order_by("forecast_date")[:10])
    decisions = list(programme.decisions.order_by("-meeting_date")[:5])
    all_key = list(key_decisions(programme=programme))
    confidence = list(programme.confidence_assessments.select_related("assessed_by")
                      .order_by("-period_end")[:6])
    open_q = ~Q(milestones__status__in=Milestone.CLOSED_STATUSES)
    workstreams = list(
        programme.workstreams.select_related("lead").annotate(
            total=Count("milestones", distinct=True),
            done=Count("milestones", filter=Q(milestones__status=Milestone.Status.COMPLETE),
                       distinct=True),
            late=Count("milestones", filter=open_q & Q(milestones__forecast_date__lt=today),
                       distinct=True),
        )
    )
    return Overview(
        milestone_total=counts["total"],
        complete=counts["complete"],
        late_count=counts["late"],
        due_soon_count=counts["due"],
        late=late,
        due_soon=due,
        derived=derived_milestones(programme=programme, decisions=all_key),
        latest_confidence=confidence[0] if confidence else None,
        confidence_history=confidence,
        decisions=decisions,
        workstream_rows=workstreams,
        members=list(programme.memberships.select_related("user").order_by("role")),
        services=list(programme.services.all()),
        partners=list(programme.partners.all()),
    )


def plan_rows(*, programme: Programme):
    """Milestones and derived dates together, in date order, for exports."""
    milestones = list(
        Milestone.objects.filter(programme=programme)
        .select_related("workstream", "owner")
        .prefetch_related(Prefetch("depends_on", queryset=Milestone.objects.only("id", "title")))
        .order_by("forecast_date", "title")
    )
    derived = derived_milestones(programme=programme, decisions=list(key_decisions(programme=programme)))
    return milestones, derived
