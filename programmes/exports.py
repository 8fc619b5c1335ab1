"""The plan as a spreadsheet, a calendar feed and an A4 landscape PDF."""
import time
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone
from icalendar import Calendar, Event

from core.exports import xlsx_bytes
from core.jobs import JobError, JobOutput, job_handler
from core.models import Job
from core.pdf import render_pdf
from programmes import selectors
from programmes.models import Programme
from programmes.timeline import legend_items, timeline_svg

# An activity's baseline, forecast and actual dates are its end; its starts are in the
# columns after Notes (added there so that the earlier columns keep their places).
PLAN_HEADERS = ["Workstream", "Milestone", "Owner", "Baseline date", "Forecast date",
                "Actual date", "Slippage (days)", "Status", "RAG", "Depends on", "Derived from",
                "Notes", "Kind", "Baseline start date", "Forecast start date", "RAG from dates",
                "RAG override reason"]


def _plan_table(programme: Programme, today: date):
    milestones, derived = selectors.plan_rows(programme=programme)
    rows = []
    for m in milestones:
        m.read_rag(today)
        rows.append((m.forecast_date, [
            m.workstream.name, m.title, str(m.owner) if m.owner else "", m.baseline_date,
            m.forecast_date, m.actual_date, m.slippage_days, m.get_status_display(),
            m.rag_shown_label, "; ".join(d.title for d in m.depends_on.all()), "", m.notes,
            m.get_kind_display(), m.baseline_start_date, m.forecast_start_date,
            m.rag_from_dates_label, m.rag_override_reason if m.rag_overridden else "",
        ]))
    for d in derived:
        rows.append((d.date, ["", d.title, "", d.date, d.date, None, 0, "Derived", "", "",
                              d.source, "", "Derived deadline", None, None, "", ""]))
    rows.sort(key=lambda r: r[0])
    return [r for _, r in rows]


def plan_workbook(*, programme: Programme, today: date) -> bytes:
    """The whole plan as an xlsx workbook: one sheet of milestones and derived dates,
    one of the programme's key facts."""
    facts = [
        ("Programme", programme.name),
        ("Lead organisation", programme.lead_organisation.name),
        ("Kind", programme.get_kind_display()),
        ("First contract end date", programme.contract_end_date),
        ("Go-live day", programme.transfer_date),
        ("First ELI deadline", programme.eli_deadline),
        ("Days to go-live", programme.days_to_transfer(today)),
        ("Exported on", today),
    ]
    return xlsx_bytes([
        ("Plan", PLAN_HEADERS, _plan_table(programme, today)),
        ("Programme", ["Item", "Value"], facts),
    ])


def actions_calendar(*, duties, name: str, host: str, base: str) -> bytes:
    """A person's dated duties (programmes.reach) as all-day events: what is theirs to do
    and by when, with its programme and a link to the page where it is done."""
    cal = Calendar()
    cal.add("prodid", "-//Insource//My actions//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"{name}: my actions")
    stamp = timezone.now()
    for d in duties:
        if d.when is None:
            continue
        ev = Event()
        ev.add("uid", f"{d.key}-{d.kind}@{host}")
        ev.add("summary", f"{d.what}: {d.title}")
        ev.add("dtstart", d.when)
        ev.add("dtend", d.when + timedelta(days=1))
        ev.add("dtstamp", stamp)
        ev.add("description", "\n".join(filter(None, [d.programme.name, d.detail])))
        ev.add("url", base + d.path)
        ev.add("categories", [d.programme.name])
        cal.add_component(ev)
    return cal.to_ical()


def plan_calendar(*, programme: Programme, host: str) -> bytes:
    """Milestones and derived deadlines as all-day events; an activity as one event
    spanning its days, from its forecast start to its forecast (or actual) end."""
    milestones, derived = selectors.plan_rows(programme=programme)
    cal = Calendar()
    cal.add("prodid", "-//Insource//Programme plan//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"{programme.name} – milestones")
    stamp = timezone.now()
    for m in milestones:
        ev = Event()
        ev.add("uid", f"milestone-{m.pk}@{host}")
        ev.add("summary", f"{m.title} [{m.get_status_display()}]")
        when = m.actual_date or m.forecast_date
        start = min(m.forecast_start_date, when) if m.forecast_start_date else when
        ev.add("dtstart", start)
        # An all-day event's end is the day after its last (RFC 5545).
        ev.add("dtend", when + timedelta(days=1))
        ev.add("dtstamp", stamp)
        baseline = (f"{m.baseline_start_date:%-d %b %Y} to {m.baseline_date:%-d %b %Y}" if m.baseline_start_date
                    else f"{m.baseline_date:%-d %b %Y}")
        ev.add("description", f"{m.get_kind_display()}\nWorkstream: {m.workstream.name}\nBaseline: "
                              f"{baseline}\nOwner: {m.owner or 'nobody yet'}")
        ev.add("categories", [m.workstream.name])
        cal.add_component(ev)
    # The go-live day, where the programme has one, after its derived dates.
    for d in derived + ([None] if programme.transfer_date else []):
        ev = Event()
        if d is None:
            ev.add("uid", f"transfer-{programme.pk}@{host}")
            ev.add("summary", f"Transfer day: {programme.name}")
            ev.add("dtstart", programme.transfer_date)
            ev.add("dtend", programme.transfer_date + timedelta(days=1))
        else:
            ev.add("uid", f"{d.key}-{programme.pk}@{host}")
            ev.add("summary", d.title)
            ev.add("dtstart", d.date)
            ev.add("dtend", d.date + timedelta(days=1))
            ev.add("description", f"Computed: {d.source}")
        ev.add("dtstamp", stamp)
        cal.add_component(ev)
    return cal.to_ical()


def plan_pdf_context(*, programme: Programme, today: date) -> dict:
    milestones, derived = selectors.plan_rows(programme=programme)
    workstreams = list(programme.workstreams.all())
    for m in milestones:
        m.late = m.is_late(today)
        m.read_rag(today)
    items = [(m.forecast_date, "m", m) for m in milestones] + [(d.date, "d", d) for d in derived]
    items.sort(key=lambda t: (t[0], t[1]))
    return {
        "programme": programme,
        "today": today,
        "days_to_transfer": programme.days_to_transfer(today),
        "svg": timeline_svg(programme=programme, milestones=milestones, derived=derived,
                            workstreams=workstreams, today=today, width=1050),
        "legend": legend_items(),
        "items": items,
        "late_count": sum(1 for m in milestones if m.late),
        "milestone_count": len(milestones),
        "printed_at": timezone.localtime(),
    }


@job_handler("programmes.plan_pdf")
def plan_pdf_job(job: Job, progress) -> JobOutput:
    """Render the milestone plan to an A4 landscape PDF."""
    programme = Programme.objects.select_related("lead_organisation").filter(pk=job.target_id).first()
    if programme is None:
        raise JobError("The programme has been deleted, so its plan cannot be printed.")
    today = date.fromisoformat(job.params["today"]) if job.params.get("today") else timezone.localdate()
    progress(10, "Gathering the plan")
    started = time.perf_counter()
    context = plan_pdf_context(programme=programme, today=today)
    context_seconds = time.perf_counter() - started
    progress(30, "Laying out the pages")
    asked_by = get_user_model().objects.filter(pk=job.created_by_id).first()
    context["asked_by"] = asked_by
    pdf = render_pdf("pdf/plan.html", context, title=f"Milestone plan – {programme.name}")
    progress(95, "Saving the file")
    stamp = timezone.localtime().strftime("%Y-%m-%d-%H%M")
    return JobOutput(
        filename=f"{programme.slug}-plan-{stamp}.pdf",
        content=pdf.content,
        content_type="application/pdf",
        # Our queries, our template, then WeasyPrint's layout and drawing.
        timings={"context_seconds": round(context_seconds, 4),
                 "html_seconds": round(pdf.html_seconds, 4),
                 "render_seconds": round(pdf.render_seconds, 4)},
    )
