"""The programme board highlight report: for a reporting period, delivery confidence and
its trend, RAG by workstream with the reason, milestones achieved and due next, what is late
or has slipped since the last report, the top risks and issues with what changed, the
decisions the board is asked for, spend against budget and the forecast, the benefits and
the statutory deadlines of the next period, each with the programme manager's commentary.

Everything but the commentary is read from the records in one snapshot (`highlight_data`).
"Since the last report" is worked out from the records' history (django-simple-history):
the baseline is the moment the previous period's report was last generated, or the start of
this period when there is none. Nothing personal is shown: no owner's or member's name."""
from __future__ import annotations

import time
import uuid
from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock

from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone

from business_cases.models import HIGHLIGHT_SECTIONS, HighlightReport, HighlightSchedule, HighlightVersion
from business_cases.paper_templates import council_front
from business_cases.papers.appendices import _budget_table
from business_cases.papers.data import _snapshot
from business_cases.papers.formatting import TONE, paragraphs
from business_cases.papers.rendering import documents_render
from business_cases.papers.sections import benefits_table
from core.documents import Cell, Document, Items, Para, Section, Table
from core.formats import long_date
from core.jobs import JobError, JobOutput, job_handler, job_hold, job_request
from core.models import Job
from core.statutory import working_day
from finance import reporting as finance
from programmes.baselines import in_use
from programmes.models import Baseline, ConfidenceAssessment, Milestone, Rag
from programmes.selectors import derived_milestones
from programmes.services import record_save
from risks.models import Issue, Risk
from risks.selectors import decorate, scored
from risks.services import risk_settings_for

KIND = "business_cases.highlight_report"
TOP_RISKS = 5
RATING_ORDER = [r.value for r in ConfidenceAssessment.Rating]  # best first


@dataclass
class WorkstreamLine:
    name: str
    rag: str
    reason: str


@dataclass
class RiskLine:
    risk: Risk
    change: str  # what changed since the last report, in words


@dataclass
class HighlightData:
    report: HighlightReport
    snapshot_at: datetime
    today: date
    baseline: datetime  # "since the last report" means since this moment
    baseline_label: str
    next_start: date
    next_end: date
    confidence: ConfidenceAssessment | None
    previous_confidence: ConfidenceAssessment | None
    workstreams: list[WorkstreamLine]
    achieved: list[Milestone]
    due_next: list[Milestone]
    late: list[Milestone]
    slipped: list[tuple[Milestone, date]]  # with the forecast it had at the baseline
    risks: list[RiskLine]
    closed_risks: list[Risk]
    issues: list[tuple[Issue, str]]
    resolved_issues: list[Issue]
    decisions: list  # programmes.models.Decision at a meeting in the next period
    budget: object  # finance.budget_against_actual
    benefits: object  # finance.costs_and_benefits
    deadlines: list = field(default_factory=list)  # derived deadlines in the next period, not done
    plan_baseline: Baseline | None = None  # the plan's baseline in use (programmes.baselines)
    all_milestones: list = field(default_factory=list)

    @property
    def behind_plan_baseline(self) -> list[Milestone]:
        """The open milestones and activities forecast after their date in that baseline."""
        return [m for m in self.all_milestones if not m.is_closed and m.slippage_days > 0]

    @property
    def trend(self) -> str:
        now, before = self.confidence, self.previous_confidence
        if now is None:
            return "No delivery confidence has been assessed for this period."
        if before is None:
            return (f"{now.get_rating_display()} for the period ending {long_date(now.period_end)}: the first "
                    "assessment.")
        a, b = RATING_ORDER.index(now.rating), RATING_ORDER.index(before.rating)
        words = "unchanged" if a == b else ("improved" if a < b else "worse")
        return (f"{now.get_rating_display()} for the period ending {long_date(now.period_end)}: {words} since "
                f"{before.get_rating_display()} for the period ending {long_date(before.period_end)}.")


def _month_end(day: date) -> date:
    return date(day.year, day.month, monthrange(day.year, day.month)[1])


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def next_period(start: date, end: date) -> tuple[date, date]:
    """The period after this one: as many whole calendar months when this one is whole
    months (October → November; a quarter → the next quarter), else as many days."""
    if start.day == 1 and end == _month_end(end):
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        following = _add_months(start, months)
        return following, _month_end(_add_months(following, months - 1))
    return end + timedelta(days=1), end + (end - start) + timedelta(days=1)


def _baseline(report: HighlightReport) -> tuple[datetime, str]:
    previous = (HighlightVersion.objects.filter(report__programme_id=report.programme_id,
                                                report__period_end__lt=report.period_end)
                .select_related("report").order_by("-report__period_end", "-number").first())
    if previous is not None:
        return previous.snapshot_at, (f"the last report (period ending {long_date(previous.report.period_end)}, "
                                      f"made {timezone.localtime(previous.snapshot_at):%-d %B %Y})")
    start = timezone.make_aware(datetime.combine(report.period_start, clock.min))
    return start, f"the start of the period ({long_date(report.period_start)}), there being no earlier report"


def _workstream_line(workstream, milestones: list[Milestone], today: date) -> WorkstreamLine:
    open_ = [m for m in milestones if not m.is_closed]
    late = [m for m in open_ if m.is_late(today)]
    rags = {m.read_rag(today).rag_shown for m in open_}
    rag = Rag.RED if Rag.RED in rags else Rag.AMBER if Rag.AMBER in rags else Rag.GREEN
    if not milestones:
        return WorkstreamLine(workstream.name, "", "No milestones yet.")
    if late:
        reason = f"{len(late)} late: " + "; ".join(m.title for m in late[:3]) + ("; …" if len(late) > 3 else "") + "."
    elif rag != Rag.GREEN:
        flagged = [m.title for m in open_ if m.rag_shown == rag]
        reason = f"{rag.label} on {len(flagged)} milestone{'s' if len(flagged) != 1 else ''}: " + "; ".join(
            flagged[:3]) + "."
    elif not open_:
        reason = "Every milestone is complete."
    else:
        reason = f"{len(open_)} open milestone{'s' if len(open_) != 1 else ''}, none late."
    return WorkstreamLine(workstream.name, rag, reason)


def _risk_change(risk: Risk, then: Risk | None) -> str:
    if then is None:
        return "New"
    before = then.residual_likelihood * then.residual_impact
    if risk.residual_score > before:
        return f"Up from {before}"
    if risk.residual_score < before:
        return f"Down from {before}"
    return "Unchanged"


def highlight_data(*, report: HighlightReport, today: date) -> HighlightData:
    """Everything the report shows, read once and as at one moment."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost:
            _snapshot()
        programme = report.programme
        snapshot_at = timezone.now()
        baseline, baseline_label = _baseline(report)
        next_start, next_end = next_period(report.period_start, report.period_end)
        assessments = list(programme.confidence_assessments.filter(period_end__lte=report.period_end)
                           .order_by("-period_end")[:2])
        milestones = list(Milestone.objects.filter(programme=programme).select_related("workstream")
                          .order_by("forecast_date", "pk"))
        by_workstream: dict[int, list[Milestone]] = {}
        for m in milestones:
            by_workstream.setdefault(m.workstream_id, []).append(m)
        then = {h.id: h for h in Milestone.history.as_of(baseline).filter(programme_id=programme.pk)}
        settings = risk_settings_for(programme=programme)
        risks = list(scored(Risk.objects.filter(programme=programme)).select_related("workstream")
                     .order_by("-residual", "-inherent", "number"))
        decorate(risks, settings=settings, today=today)
        risks_then = {h.id: h for h in Risk.history.as_of(baseline).filter(programme_id=programme.pk)}
        open_risks = [r for r in risks if r.status == Risk.Status.OPEN]
        issues = list(Issue.objects.filter(programme=programme).order_by("status", "raised_on", "pk"))
        issues_then = {h.id: h for h in Issue.history.as_of(baseline).filter(programme_id=programme.pk)}
        decisions = list(programme.decisions.filter(meeting_date__range=(next_start, next_end))
                         .order_by("meeting_date"))
        deadlines = [d for d in derived_milestones(programme=programme, today=today)
                     if next_start <= d.date <= next_end and not d.done_on]
        facts = finance.ledger_facts(programme=programme)
        return HighlightData(
            report=report, snapshot_at=snapshot_at, today=today, baseline=baseline, baseline_label=baseline_label,
            next_start=next_start, next_end=next_end,
            confidence=assessments[0] if assessments else None,
            previous_confidence=assessments[1] if len(assessments) > 1 else None,
            workstreams=[_workstream_line(w, by_workstream.get(w.pk, []), today)
                         for w in programme.workstreams.order_by("order", "name")],
            achieved=[m for m in milestones if m.actual_date and report.period_start <= m.actual_date
                      <= report.period_end],
            due_next=[m for m in milestones if not m.is_closed and next_start <= m.forecast_date <= next_end],
            late=[m for m in milestones if m.is_late(today)],
            slipped=[(m, then[m.pk].forecast_date) for m in milestones
                     if m.pk in then and m.forecast_date > then[m.pk].forecast_date],
            risks=[RiskLine(r, _risk_change(r, risks_then.get(r.pk))) for r in open_risks[:TOP_RISKS]],
            closed_risks=[r for r in risks if r.status != Risk.Status.OPEN and r.pk in risks_then
                          and risks_then[r.pk].status == Risk.Status.OPEN],
            issues=[(i, "" if i.pk in issues_then else "New") for i in issues if i.status == Issue.Status.OPEN],
            resolved_issues=[i for i in issues if i.status != Issue.Status.OPEN and i.pk in issues_then
                             and issues_then[i.pk].status == Issue.Status.OPEN],
            decisions=decisions,
            plan_baseline=in_use(programme), all_milestones=milestones,
            budget=finance.budget_against_actual(programme=programme, facts=facts),
            benefits=finance.costs_and_benefits(programme=programme),
            deadlines=deadlines,
        )


# --- The document -----------------------------------------------------------------------------

def _commentary(section: Section, report: HighlightReport, key: str) -> None:
    for p in paragraphs(report.commentary(key)):
        section.add(Para(p, numbered=False))


def _milestone_rows(milestones, *, date_of) -> tuple:
    return tuple((m.title, m.workstream.name if m.workstream_id else "—", long_date(date_of(m))) for m in milestones)


def highlight_document(data: HighlightData) -> Document:
    report = data.report
    programme = report.programme
    organisation, logo = council_front(programme.lead_organisation)
    doc = Document(
        title=report.title, organisation=organisation, logo=logo,
        printed_at=timezone.localtime(data.snapshot_at),
        front=[("Programme", programme.name), ("Reported to", report.board),
               ("Reporting period", f"{long_date(report.period_start)} to {long_date(report.period_end)}"),
               ("Next period", f"{long_date(data.next_start)} to {long_date(data.next_end)}"),
               ("Figures as at", f"{timezone.localtime(data.snapshot_at):%-d %B %Y %H:%M}"),
               ("Changes are since", data.baseline_label)])
    sections = {key: doc.section(title) for key, title in HIGHLIGHT_SECTIONS.items()}
    for key, section in sections.items():
        _commentary(section, report, key)

    s = sections["confidence"]
    s.add(Para(data.trend, numbered=False, strong=True))
    if data.confidence and data.confidence.commentary:
        s.add(Para(f"The assessment says: {data.confidence.commentary}", numbered=False))

    s = sections["workstreams"]
    if data.workstreams:
        s.add(Table(caption="RAG by workstream", headers=("Workstream", "RAG", "Why"),
                    rows=tuple((w.name, Cell(Rag(w.rag).label, TONE.get(w.rag, "neutral")) if w.rag else "—",
                                w.reason) for w in data.workstreams)))
    else:
        s.add(Para("The programme has no workstreams yet.", numbered=False))

    s = sections["milestones"]
    s.add(Para(f"{len(data.achieved)} milestone{'s' if len(data.achieved) != 1 else ''} achieved in the period; "
               f"{len(data.due_next)} due in the next.", numbered=False))
    if data.achieved:
        s.add(Table(caption="Achieved this period", headers=("Milestone", "Workstream", "Achieved"),
                    rows=_milestone_rows(data.achieved, date_of=lambda m: m.actual_date)))
    if data.due_next:
        s.add(Table(caption="Due next period", headers=("Milestone", "Workstream", "Forecast"),
                    rows=_milestone_rows(data.due_next, date_of=lambda m: m.forecast_date)))

    s = sections["slippage"]
    s.add(Para(f"{len(data.late)} milestone{'s are' if len(data.late) != 1 else ' is'} late; "
               f"{len(data.slipped)} slipped since {data.baseline_label}.", numbered=False))
    if data.plan_baseline is not None:
        behind = data.behind_plan_baseline
        most = max((m.slippage_days for m in behind), default=0)
        s.add(Para(f"Against the plan's baseline “{data.plan_baseline.name}” (taken "
                   f"{long_date(timezone.localdate(data.plan_baseline.created_at))}), {len(behind)} open "
                   f"milestone{'s and activities are' if len(behind) != 1 else ' or activity is'} forecast later"
                   + (f", by up to {most} day{'s' if most != 1 else ''}." if behind else "."), numbered=False))
    if data.late:
        s.add(Table(caption="Late now", headers=("Milestone", "Workstream", "Was due"),
                    rows=_milestone_rows(data.late, date_of=lambda m: m.forecast_date)))
    if data.slipped:
        s.add(Table(caption="Slipped since the last report", headers=("Milestone", "Was forecast", "Now forecast"),
                    rows=tuple((m.title, long_date(before), long_date(m.forecast_date))
                               for m, before in data.slipped)))

    s = sections["risks"]
    if data.risks:
        s.add(Table(caption=f"The top {len(data.risks)} open risks, by score after mitigation",
                    headers=("Ref", "Risk", "Workstream", "Score", "Since the last report"),
                    rows=tuple((line.risk.reference, line.risk.title,
                                line.risk.workstream.name if line.risk.workstream_id else "—",
                                Cell(f"{line.risk.residual_score} ({line.risk.residual_rag.capitalize()})",
                                     TONE.get(line.risk.residual_rag, "neutral")), line.change)
                               for line in data.risks), numeric=frozenset({3})))
    else:
        s.add(Para("No risk is open.", numbered=False))
    if data.closed_risks:
        s.add(Para("Closed since the last report: " + "; ".join(f"{r.reference} {r.title}" for r in data.closed_risks)
                   + ".", numbered=False))
    if data.issues:
        s.add(Table(caption="Open issues", headers=("Issue", "Priority", "Raised", "Since the last report"),
                    rows=tuple((i.title, i.get_priority_display(), long_date(i.raised_on), change or "Open before")
                               for i, change in data.issues)))
    if data.resolved_issues:
        s.add(Para("Resolved since the last report: " + "; ".join(i.title for i in data.resolved_issues) + ".",
                   numbered=False))

    s = sections["decisions"]
    asks = [line.strip() for line in report.decisions_commentary.splitlines() if line.strip()]
    s.blocks = [Items(tuple(asks), ordered=True)] if asks else [Para("The board is asked for no decision this "
                                                                     "period.", numbered=False)]
    if data.decisions:
        s.add(Table(caption="Decisions at meetings in the next period", headers=("Meeting", "Body", "Decision"),
                    rows=tuple((long_date(d.meeting_date), d.body, d.title) for d in data.decisions)))

    s = sections["finance"]
    b = data.budget
    if b.years:
        s.add(_budget_table("Budget, spend and the expected outturn by year", "Year", b.by_year, b.total))
    else:
        s.add(Para("No budget or spend has been recorded.", numbered=False))

    s = sections["benefits"]
    if data.benefits.years:
        s.add(benefits_table(data.benefits))
    else:
        s.add(Para("No investment, income or savings have been planned.", numbered=False))

    s = sections["deadlines"]
    if data.deadlines:
        s.add(Table(caption="Statutory deadlines in the next period", headers=("Deadline", "Date", "Rule"),
                    rows=tuple((d.title, long_date(d.date), d.reference or d.source) for d in data.deadlines)))
    else:
        s.add(Para("No statutory deadline falls in the next period.", numbered=False))
    return doc


def highlight_render(*, report: HighlightReport, today: date, progress=lambda p, m: None):
    """The report's data, and its PDF and Word file (made side by side, as a paper's are),
    timed step by step."""
    t0 = time.perf_counter()
    data = highlight_data(report=report, today=today)
    t1 = time.perf_counter()
    doc = highlight_document(data)
    t2 = time.perf_counter()
    out = documents_render(doc, None, progress=progress)
    out.timings = {"data_seconds": round(t1 - t0, 4), "build_seconds": round(t2 - t1, 4), **out.timings}
    return data, out


# --- Versions, made by a job --------------------------------------------------------------------

def highlight_generate(*, report: HighlightReport, user, request_id: str = "",
                       today: date | None = None) -> tuple[Job, bool]:
    """Ask for a new version of the report; the same request id gives the same job."""
    try:
        key = f"{KIND}:{report.pk}:{user.pk if user else 0}:{uuid.UUID(request_id).hex}"
    except ValueError:
        key = None
    return job_request(kind=KIND, created_by=user, target=report, idempotency_key=key,
                       params={"today": (today or timezone.localdate()).isoformat()})


@job_handler(KIND)
def highlight_job(job: Job, progress) -> JobOutput:
    report = HighlightReport.objects.select_related("programme__lead_organisation").filter(pk=job.target_id).first()
    if report is None:
        raise JobError("The highlight report was deleted before it could be generated.")
    today = date.fromisoformat(job.params["today"]) if job.params.get("today") else timezone.localdate()
    progress(10, "Reading the figures")
    data, out = highlight_render(report=report, today=today, progress=progress)
    progress(95, "Saving the version")
    with transaction.atomic():
        HighlightReport.objects.select_for_update().filter(pk=report.pk).first()
        job_hold(job=job)
        existing = HighlightVersion.objects.filter(job=job).first()
        if existing:
            return JobOutput(timings={**out.timings, "version": existing.number})
        number = (HighlightVersion.objects.filter(report=report).aggregate(n=Max("number"))["n"] or 0) + 1
        version = HighlightVersion(report=report, job=job, number=number, made_by_id=job.created_by_id,
                                   snapshot_at=data.snapshot_at, pages=out.pages)
        stem = f"{report.programme.slug}-highlight-{report.period_end:%Y-%m-%d}-v{number}"
        version.pdf.save(f"{stem}.pdf", ContentFile(out.pdf), save=False)
        version.docx.save(f"{stem}.docx", ContentFile(out.docx), save=False)
        try:
            with transaction.atomic():
                version.save()
        except IntegrityError:
            raise JobError("Another version was saved at the same moment. Try again.") from None
        transaction.on_commit(lambda: notify_ready(version, scheduled=bool(job.params.get("scheduled"))))
    return JobOutput(timings={**out.timings, "version": number})


def notify_ready(version: HighlightVersion, *, scheduled: bool) -> int:
    """Email the members who asked to be told that a new version is ready (not the one who
    asked for it on demand: their page shows it), unless they have turned these emails off.
    Only members of the programme still, and only what the report's page shows anyone: its
    period and a link. How many were sent."""
    import logging

    from django.conf import settings
    from django.urls import reverse

    from business_cases.duties import HIGHLIGHT
    from business_cases.models import HighlightSubscription
    from programmes.models import Membership
    from programmes.notify import kind_email, wants

    report = version.report
    programme = report.programme
    members = Membership.objects.filter(programme=programme).values("user_id")
    people = [s.user for s in HighlightSubscription.objects.filter(programme=programme, user_id__in=members)
              .select_related("user") if s.user.email and s.user.is_active
              and (scheduled or s.user_id != version.made_by_id) and wants(s.user, HIGHLIGHT.key)]
    if not people:
        return 0
    period = f"{long_date(report.period_start)} to {long_date(report.period_end)}"
    context = {"version": version, "programme": programme, "period": period, "scheduled": scheduled,
               "link": settings.SITE_URL + reverse("business_cases:highlight", args=[programme.slug, report.pk]),
               "list_link": settings.SITE_URL + reverse("business_cases:highlights", args=[programme.slug])}
    subject = f"Highlight report ready: {programme.name}, {period}"
    sent = 0
    for person in people:
        try:
            sent += kind_email(user=person, kind=HIGHLIGHT.key, subject=subject,
                               template="business_cases/email/highlight_ready", context=context)
        except Exception:  # noqa: BLE001 - the report is made; a mail server's trouble is logged
            logging.getLogger(__name__).exception("Could not tell %s that a highlight report is ready", person.pk)
    return sent


# --- On a schedule ------------------------------------------------------------------------------

def nth_working_day(year: int, month: int, n: int) -> date:
    """The nth working day of the month (Monday to Friday, not a bank holiday in England)."""
    day, count = date(year, month, 1), 0
    while True:
        if working_day(day):
            count += 1
            if count == n:
                return day
        day += timedelta(days=1)


def scheduled_reports(*, today: date) -> list[Job]:
    """For each programme whose schedule falls today, last month's report (made if it does
    not exist yet, with the schedule's board) and a job that generates a version of it, in
    the name of the member who set the schedule. Running it twice in a day asks once."""
    asked = []
    for schedule in HighlightSchedule.objects.filter(enabled=True).select_related("programme", "set_by"):
        if nth_working_day(today.year, today.month, schedule.working_day) != today:
            continue
        end = today.replace(day=1) - timedelta(days=1)
        with transaction.atomic():
            report = HighlightReport.objects.filter(programme=schedule.programme, period_start=end.replace(day=1),
                                                    period_end=end).first()
            if report is None:
                report = record_save(instance=HighlightReport(
                    programme=schedule.programme, period_start=end.replace(day=1), period_end=end,
                    board=schedule.board, created_by=schedule.set_by), user=schedule.set_by,
                    reason="Made on the programme's schedule")
            job, _ = job_request(kind=KIND, created_by=schedule.set_by, target=report,
                                 idempotency_key=f"{KIND}:schedule:{report.pk}:{today.isoformat()}",
                                 params={"today": today.isoformat(), "scheduled": True})
        asked.append(job)
    return asked
