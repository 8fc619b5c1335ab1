"""Plan-wide baselines (programmes.models.Baseline): taking one, choosing which one the
plan is measured against, what either would move, and comparing the forecast with any.

Taking a baseline snapshots every milestone's and activity's forecast dates, names the
snapshot and records why. The baseline in use writes its dates into each milestone's own
baseline dates, so that slippage, RAG, the tracker, the timeline, the highlight report
and the paper all measure against it without each knowing about baselines; a milestone
added after it keeps the baseline dates it was given. Before either, the programme manager
sees what would move."""
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from simple_history.utils import bulk_update_with_history

from programmes.models import Baseline, BaselineDate, Milestone, Programme
from programmes.services import record_save

Span = tuple[date | None, date]  # (start, end): a milestone's start is None


@dataclass
class Move:
    """A milestone whose baseline dates a re-baselining changes."""

    milestone: Milestone
    before: Span
    after: Span

    @property
    def days(self) -> int:
        """How far its baseline end moves: later is positive."""
        return (self.after[1] - self.before[1]).days


def forecast_spans(milestones) -> dict[int, Span]:
    """The dates a baseline taken now would hold: each one's forecast (an activity's start
    and end, a milestone's one date)."""
    return {m.pk: (m.forecast_start_date if m.is_activity else None, m.forecast_date) for m in milestones}


def baseline_spans(baseline: Baseline) -> dict[int, Span]:
    return {d.milestone_id: (d.start_date, d.end_date) for d in baseline.dates.all()}


def moves(milestones, spans: dict[int, Span]) -> list[Move]:
    """What writing `spans` into these milestones' baseline dates would change, in the
    order of the new dates."""
    found = []
    for m in milestones:
        after = spans.get(m.pk)
        before = (m.baseline_start_date if m.is_activity else None, m.baseline_date)
        if after is not None and after != before:
            found.append(Move(m, before, after))
    return sorted(found, key=lambda mv: (mv.after[1], mv.milestone.title))


def plan_milestones(programme: Programme) -> list[Milestone]:
    return list(Milestone.objects.filter(programme=programme).select_related("workstream")
                .order_by("forecast_date", "title"))


def in_use(programme: Programme) -> Baseline | None:
    return Baseline.objects.filter(programme=programme, in_use=True).first()


def baseline_holding(milestone: Milestone) -> Baseline | None:
    """The baseline in use, where it holds this milestone's dates (it was in the plan when
    that baseline was taken): then only re-baselining moves them."""
    if not milestone.pk:
        return None
    return Baseline.objects.filter(in_use=True, programme_id=milestone.programme_id,
                                   dates__milestone=milestone).first()


def tidy_name(name: str) -> str:
    return " ".join(name.split())


def name_taken(programme: Programme, name: str) -> bool:
    """Whether the programme has a baseline of this name, ignoring case and spacing (the
    page's form, the API and the service all ask)."""
    return Baseline.objects.filter(programme=programme, name__iexact=tidy_name(name)).exists()


def present_spans(milestones) -> dict[int, Span]:
    """The baseline dates the milestones have now: what a plan brought in with its own
    baseline (or a programme's first baseline, naming the one it has) keeps."""
    return {m.pk: (m.baseline_start_date if m.is_activity else None, m.baseline_date) for m in milestones}


KEEP = {"forecast": forecast_spans, "present": present_spans}


@transaction.atomic
def baseline_take(*, programme: Programme, name: str, reason: str, user, keep: str = "forecast") -> Baseline:
    """Snapshot the plan as a new baseline and measure the plan against it: today's
    forecast dates, or (`keep="present"`) the baseline dates it has now, given a name."""
    Programme.objects.select_for_update().filter(pk=programme.pk).first()  # one re-baselining at a time
    if name_taken(programme, name):
        raise ValidationError({"name": Baseline.NAME_TAKEN})
    milestones = plan_milestones(programme)
    name = tidy_name(name)
    baseline = record_save(instance=Baseline(programme=programme, name=name, reason=reason, taken_by=user),
                           user=user, reason=f"Baseline taken: {name}")
    BaselineDate.objects.bulk_create([BaselineDate(baseline=baseline, milestone_id=pk, start_date=start, end_date=end)
                                      for pk, (start, end) in KEEP[keep](milestones).items()])
    _use(baseline, milestones=milestones, user=user)
    return baseline


@transaction.atomic
def baseline_use(*, baseline: Baseline, user) -> list[Move]:
    """Measure the plan against an earlier baseline again. Returns what moved."""
    Programme.objects.select_for_update().filter(pk=baseline.programme_id).first()
    return _use(baseline, milestones=plan_milestones(baseline.programme), user=user)


def _use(baseline: Baseline, *, milestones: list[Milestone], user) -> list[Move]:
    spans = baseline_spans(baseline)
    moved = moves(milestones, spans)
    for mv in moved:
        m = mv.milestone
        m.baseline_start_date, m.baseline_date = mv.after if m.is_activity else (None, mv.after[1])
    reason = f"Re-baselined: {baseline.name}"[:100]
    bulk_update_with_history([mv.milestone for mv in moved], Milestone, ["baseline_start_date", "baseline_date"],
                             default_user=user, default_change_reason=reason)
    for other in Baseline.objects.filter(programme_id=baseline.programme_id, in_use=True).exclude(pk=baseline.pk):
        other.in_use = False
        record_save(instance=other, user=user, reason=f"No longer in use: {baseline.name} is"[:100])
    if not baseline.in_use:
        baseline.in_use = True
        record_save(instance=baseline, user=user, reason="In use: the plan is measured against it")
    return moved


def compare_with(milestones, baseline: Baseline | None) -> None:
    """Let these milestones (in memory only) measure against `baseline` instead of the one
    in use: its dates become their baseline dates, and one it does not hold is marked
    `not_in_baseline` (it was added later). One query."""
    if baseline is None:
        return
    spans = dict((d.milestone_id, (d.start_date, d.end_date)) for d in
                  BaselineDate.objects.filter(baseline=baseline, milestone__in=[m.pk for m in milestones]))
    for m in milestones:
        span = spans.get(m.pk)
        m.not_in_baseline = span is None
        if span is not None:
            m.baseline_start_date, m.baseline_date = span if m.is_activity else (None, span[1])
