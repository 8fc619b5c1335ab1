"""Every query the programme pages and the API make, scoped to the user and prefetched,
so that a page runs the same number of queries however much data there is."""
from dataclasses import dataclass
from datetime import date

from django.db.models import (
    Case,
    Count,
    DateField,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
    prefetch_related_objects,
)
from django.db.models.functions import RowNumber
from django.utils import timezone

from programmes.access import programmes_for_user
from programmes.council_lists import ENGAGEMENT_KIND, LISTS, council_list, label_expression, use_counts
from programmes.deadlines import DerivedMilestone, derived_deadlines
from programmes.models import (
    ConfidenceAssessment,
    Contract,
    Decision,
    Milestone,
    Programme,
    Workstream,
)

DUE_SOON_DAYS = 30
# The overview lists this many open derived deadlines; the deadlines page has them all.
OVERVIEW_DEADLINES = 8


def _latest_confidence():
    latest = ConfidenceAssessment.objects.filter(programme=OuterRef("pk")).order_by("-period_end")
    return {
        "latest_confidence": Subquery(latest.values("rating")[:1]),
        "latest_confidence_period": Subquery(latest.values("period_end")[:1]),
    }


CARD_FIGURES = ("late_count", "due_soon_count", "milestone_count", "latest_confidence",
                "latest_confidence_period")


def with_card_figures(programmes: QuerySet[Programme], *, today: date) -> QuerySet[Programme]:
    """Each programme with what its card shows (CARD_FIGURES): its late and due-soon counts,
    its milestone count and its latest delivery confidence, in the same query."""
    return programmes.annotate(
        late_count=Count("milestones", filter=Milestone.late_q(today, "milestones__"), distinct=True),
        due_soon_count=Count(
            "milestones", filter=Milestone.due_within_q(today, DUE_SOON_DAYS, "milestones__"),
            distinct=True,
        ),
        milestone_count=Count("milestones", distinct=True),
        **_latest_confidence(),
    )


def programme_cards(*, user, today: date) -> QuerySet[Programme]:
    """The programme list: each programme with its late and due-soon counts and its latest
    delivery confidence, in one query."""
    return with_card_figures(
        programmes_for_user(user).select_related("lead_organisation")
        .prefetch_related(contracts_prefetch()), today=today,
    ).order_by(F("transfer_date").asc(nulls_last=True), "name")


def contracts_prefetch() -> Prefetch:
    """A programme's contract register, each with its counterparty, in one query for any
    number of programmes (Programme.outgoing_provider and contract_end_date read it)."""
    return Prefetch("contracts", queryset=Contract.objects.select_related("counterparty"))


def read_contracts(programme: Programme) -> None:
    """Read the programme's contracts once (one query), so that its derived dates, its ELI
    deadline and its timeline all use the same rows."""
    prefetch_related_objects([programme], "contracts")


def contract_register(*, programme: Programme) -> list[Contract]:
    """The programme's contracts in end-date order, each with its counterparty and the ids
    of the services it covers (`service_ids`), in two queries however many there are."""
    contracts = list(programme.contracts.select_related("counterparty"))
    links = Contract.services.through.objects.filter(contract__programme=programme).values_list(
        "contract_id", "serviceinscope__code")
    codes: dict[int, list[str]] = {}
    for contract_id, code in links.order_by("serviceinscope__code"):
        codes.setdefault(contract_id, []).append(code)
    for c in contracts:
        c.service_codes = codes.get(c.pk, [])
    return contracts


def derived_milestones(*, programme: Programme, today: date | None = None, decisions=None,
                       contracts=None) -> list[DerivedMilestone]:
    """Every derived deadline of the programme (programmes.deadlines), in date order."""
    return derived_deadlines(programme=programme, today=today or timezone.localdate(), decisions=decisions,
                             contracts=contracts)


@dataclass(frozen=True)
class ContractEvent:
    """The next thing to happen under a contract, for the overview's countdown."""

    date: date
    what: str  # "ends", "last day to give notice to end it", ...
    contract: Contract
    days: int  # from today


def next_contract_event(contracts, *, today: date) -> ContractEvent | None:
    """The first of the contracts' ends, notice and extension deadlines and staff transfers
    that is today or later, with the contract it belongs to."""
    events = []
    for c in contracts:
        events.append((c.end_date, "ends", c))
        if c.notice_deadline:
            events.append((c.notice_deadline, "last day to give notice to end it", c))
        if c.extension_deadline:
            events.append((c.extension_deadline, "last day to extend it", c))
        if c.staff_transfer and c.transfer_date:
            events.append((c.transfer_date, "staff transfer", c))
    upcoming = [e for e in events if e[0] >= today]
    if not upcoming:
        return None
    when, what, contract = min(upcoming, key=lambda e: (e[0], e[2].end_date, e[2].pk))
    return ContractEvent(when, what, contract, (when - today).days)


@dataclass
class TrackerFilters:
    workstream: int | None = None
    status: str | None = None
    owner: int | None = None
    late: bool = False
    due_within: int | None = None

    @property
    def narrowed(self) -> bool:
        """Whether any filter is set (a page of one workstream is a filter too)."""
        return bool(self.workstream or self.status or self.owner or self.late
                    or self.due_within is not None)

    def q(self, today: date, prefix: str = "") -> Q:
        """The filters as a condition on milestones (reached through `prefix`)."""
        q = Q()
        if self.workstream:
            q &= Q(**{f"{prefix}workstream_id": self.workstream})
        if self.status:
            q &= Q(**{f"{prefix}status": self.status})
        if self.owner:
            q &= Q(**{f"{prefix}owner_id": self.owner})
        if self.late:
            q &= Milestone.late_q(today, prefix)
        if self.due_within is not None:
            q &= Milestone.due_within_q(today, self.due_within, prefix)
        return q


# The whole plan shows each workstream's first rows, and a link to all of them; one
# workstream's milestones are shown a page at a time. At 3,000 milestones a page of every
# row (each with its status form) was 6 MB and took most of a second to draw.
TRACKER_SECTION_ROWS = 25
TRACKER_PAGE_ROWS = 50


def tracker_order(today: date) -> list:
    """What a programme manager looks at first: late milestones, then the open ones by
    forecast date, then the closed ones, the latest first."""
    closed = Q(status__in=Milestone.CLOSED_STATUSES)
    return [
        Case(When(Milestone.late_q(today), then=Value(0)), When(closed, then=Value(2)), default=Value(1)),
        Case(When(~closed, then=F("forecast_date")), default=None, output_field=DateField()).asc(nulls_last=True),
        F("forecast_date").desc(), "title", "pk",
    ]


@dataclass
class TrackerSection:
    workstream: Workstream
    count: int  # milestones matching the filters
    late: int  # of which late
    rows: list[Milestone]  # the ones shown, each with `late` from the database

    @property
    def more(self) -> bool:
        return self.count > len(self.rows)


@dataclass
class Tracker:
    workstreams: list[Workstream]  # all of the programme's, for the filter
    sections: list[TrackerSection]  # those with a matching milestone
    total: int  # milestones matching the filters
    page: int  # 1 unless one workstream is shown
    pages: int

    @property
    def rows(self) -> list[Milestone]:
        return [m for s in self.sections for m in s.rows]


def milestone_tracker(*, programme: Programme, filters: TrackerFilters, today: date,
                      page: int = 1) -> Tracker:
    """The tracker's plan: per workstream, the count of matching milestones and the first
    TRACKER_SECTION_ROWS of them in `tracker_order`; with one workstream chosen, the
    page-th TRACKER_PAGE_ROWS of its milestones. Two queries whatever the size of the plan:
    the workstreams with their counts, and the rows to show (lateness worked out in SQL)."""
    match = filters.q(today, "milestones__")
    workstreams = list(programme.workstreams.annotate(
        matching=Count("milestones", filter=match),
        late_matching=Count("milestones", filter=match & Milestone.late_q(today, "milestones__")),
    ))
    total = sum(w.matching for w in workstreams)
    qs = (Milestone.objects.filter(filters.q(today), programme=programme)
          .with_lateness(today).select_related("workstream", "owner")
          # What a row and the timeline show: not the notes, nor the owner's password hash.
          .only("kind", "title", "status", "rag_override", "rag_override_reason", "baseline_start_date",
                "baseline_date", "forecast_start_date", "forecast_date", "actual_date", "programme_id",
                "workstream__name", "owner__username", "owner__first_name", "owner__last_name"))
    pages = 1
    if filters.workstream:
        pages = max(1, -(-total // TRACKER_PAGE_ROWS))
        page = min(max(page, 1), pages)
        start = (page - 1) * TRACKER_PAGE_ROWS
        rows = list(qs.order_by(*tracker_order(today))[start:start + TRACKER_PAGE_ROWS])
    else:
        page = 1
        rows = list(qs.annotate(rank=Window(RowNumber(), partition_by=[F("workstream_id")],
                                            order_by=tracker_order(today)))
                    .filter(rank__lte=TRACKER_SECTION_ROWS).order_by("workstream_id", "rank"))
    by_workstream: dict[int, list[Milestone]] = {}
    for m in rows:
        m.read_rag(today)
        by_workstream.setdefault(m.workstream_id, []).append(m)
    sections = [TrackerSection(w, w.matching, w.late_matching, by_workstream.get(w.pk, []))
                for w in workstreams if w.matching]
    return Tracker(workstreams, sections, total, page, pages)


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


@dataclass(frozen=True)
class Overview:
    milestone_total: int
    complete: int
    late_count: int
    due_soon_count: int
    late: list
    due_soon: list
    derived: list
    derived_late: list  # derived deadlines passed undone while their event is still to come
    derived_due: list  # derived deadlines due in the next DUE_SOON_DAYS, not yet done
    notice_warnings: list  # key decisions that now need the general exception or special urgency
    derived_open: list  # the first OVERVIEW_DEADLINES derived deadlines still to meet (late or due)
    latest_confidence: ConfidenceAssessment | None
    confidence_history: list
    decisions: list
    workstream_rows: list
    members: list
    services: list
    partners: list
    contracts: list
    next_event: ContractEvent | None


def programme_overview(*, programme: Programme, today: date) -> Overview:
    """Everything the overview page shows, in a fixed number of queries. The programme's
    milestone counts are the sums of its workstreams' (every milestone is in a workstream of
    its own programme: Milestone.clean), so they cost no query of their own."""
    ms = Milestone.objects.filter(programme=programme)
    # The lists show a title, a forecast date and the workstream's name, and nothing more.
    listed = ("title", "forecast_date", "workstream", "workstream__name")
    late = list(ms.late(today).select_related("workstream").only(*listed).order_by("forecast_date")[:10])
    due = list(ms.due_within(today, DUE_SOON_DAYS).select_related("workstream").only(*listed)
               .order_by("forecast_date")[:10])
    # Every decision once: the derived deadlines need them all, the page the latest five.
    all_decisions = list(Decision.objects.filter(programme=programme))
    decisions = sorted(all_decisions, key=lambda d: d.meeting_date, reverse=True)[:5]
    confidence = list(programme.confidence_assessments.select_related("assessed_by")
                      .order_by("-period_end")[:6])
    workstreams = list(
        programme.workstreams.select_related("lead").annotate(
            total=Count("milestones", distinct=True),
            done=Count("milestones", filter=Q(milestones__status=Milestone.Status.COMPLETE),
                       distinct=True),
            late=Count("milestones", filter=Milestone.late_q(today, "milestones__"), distinct=True),
            due=Count("milestones", filter=Milestone.due_within_q(today, DUE_SOON_DAYS, "milestones__"),
                      distinct=True),
        )
    )
    counts = {name: sum(getattr(w, name) for w in workstreams) for name in ("total", "done", "late", "due")}
    contracts = contract_register(programme=programme)
    derived = derived_milestones(programme=programme, today=today, decisions=all_decisions, contracts=contracts)
    return Overview(
        milestone_total=counts["total"],
        complete=counts["done"],
        late_count=counts["late"],
        due_soon_count=counts["due"],
        late=late,
        due_soon=due,
        derived=derived,
        derived_late=[d for d in derived if d.late(today)],
        derived_due=[d for d in derived if d.due_within(today, DUE_SOON_DAYS)],
        notice_warnings=[d for d in derived if d.warning],
        derived_open=[d for d in derived if d.state in ("late", "due")][:OVERVIEW_DEADLINES],
        latest_confidence=confidence[0] if confidence else None,
        confidence_history=confidence,
        decisions=decisions,
        workstream_rows=workstreams,
        members=list(programme.memberships.select_related("user").order_by("role")),
        services=list(programme.services.all()),
        partners=list(programme.partners.all()),
        contracts=contracts,
        next_event=next_contract_event(contracts, today=today),
    )


def plan_rows(*, programme: Programme, today: date | None = None):
    """Milestones and derived dates together, in date order, for exports."""
    milestones = list(
        Milestone.objects.filter(programme=programme)
        .select_related("workstream", "owner")
        .prefetch_related(Prefetch("depends_on", queryset=Milestone.objects.only("id", "title")))
        .order_by("forecast_date", "title")
    )
    read_contracts(programme)
    return milestones, derived_milestones(programme=programme, today=today)


def council_lists_overview(council) -> list[tuple]:
    """Every list of the council with its values, each with how many records hold it:
    (CouncilList, [(ListEntry, uses)]). A query per list and per model using it."""
    overview = []
    for key, spec in LISTS.items():
        uses = use_counts(key, council)
        overview.append((spec, [(e, uses.get(e.value, 0)) for e in council_list(council, key)]))
    return overview


def engagement_kind_label():
    """The label of an engagement event's kind in its council's list: a subquery, no query per row."""
    return label_expression(ENGAGEMENT_KIND, "kind")
