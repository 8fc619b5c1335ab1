"""Pages of the programme board highlight reports, under
/programmes/<slug>/business-case/highlight-reports/.

Every member reads the reports and downloads their versions; the programme manager and the
director (EDIT_PLAN) write a report's period and commentary and generate its versions."""
import uuid
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from business_cases.forms import HighlightReportForm, HighlightScheduleForm
from business_cases.highlight import KIND, highlight_generate, nth_working_day
from business_cases.models import (
    HIGHLIGHT_SECTIONS,
    HighlightReport,
    HighlightSchedule,
    HighlightSubscription,
    HighlightVersion,
)
from business_cases.papers.rendering import FILE_TYPES
from core.concurrency import atomic_post
from core.jobs import job_may_retry, jobs_for
from core.models import Job
from core.roles import Capability
from programmes import job_pages
from programmes.access import ProgrammeAccess, programme_access
from programmes.record_pages import RecordPages
from programmes.services import record_save
from programmes.views import programme_context, today

ACTIVE = "highlights"
RECENT_JOBS = 10


def _ctx(access: ProgrammeAccess, **extra) -> dict:
    return programme_context(access, ACTIVE, **extra)


def _report(access: ProgrammeAccess, pk: int) -> HighlightReport:
    return get_object_or_404(HighlightReport.objects.select_related("programme__lead_organisation"),
                             pk=pk, programme=access.programme)


def _initial(request, access: ProgrammeAccess) -> dict:
    """A new report covers the last whole month."""
    end = today().replace(day=1) - timedelta(days=1)
    return {"period_start": end.replace(day=1), "period_end": end}


REPORTS = RecordPages(
    key="highlight", model=HighlightReport, form=HighlightReportForm, singular="highlight report",
    capability=Capability.EDIT_PLAN, namespace="business_cases", done="business_cases:highlights",
    context=_ctx, initial=_initial,
    back=lambda r: reverse("business_cases:highlight", args=[r.programme.slug, r.pk]),
    saved_message=lambda r: f"The highlight report for {r.period_start:%-d %B} to {r.period_end:%-d %B %Y} has "
                            "been saved. Generate it when the commentary is written.",
    delete_warning=lambda r: "Its generated versions are deleted with it.")


@login_required
@require_safe
def highlight_list(request: HttpRequest, slug: str) -> HttpResponse:
    access = programme_access(request.user, slug)
    reports = list(HighlightReport.objects.filter(programme=access.programme)
                   .prefetch_related("versions").order_by("-period_end", "-pk"))
    schedule = HighlightSchedule.objects.filter(programme=access.programme, enabled=True).first()
    told = HighlightSubscription.objects.filter(programme=access.programme, user=request.user).exists()
    return render(request, "business_cases/highlights.html", _ctx(
        access, reports=reports, schedule=schedule, next_run=_next_run(schedule) if schedule else None,
        told=told))


@login_required
@require_POST
def highlight_tell_me(request: HttpRequest, slug: str) -> HttpResponse:
    """Any member may ask to be emailed when a new version of a report is ready, and stop."""
    access = programme_access(request.user, slug)
    if request.POST.get("tell") == "yes":
        if not request.user.email:
            messages.error(request, "Your account has no email address to tell you at. Ask your council's "
                                    "administrator to add one.")
        else:
            HighlightSubscription.objects.get_or_create(programme=access.programme, user=request.user)
            messages.success(request, f"You will be emailed at {request.user.email} when a new version of a "
                                      "highlight report is ready.")
    else:
        HighlightSubscription.objects.filter(programme=access.programme, user=request.user).delete()
        messages.success(request, "You will no longer be emailed about highlight reports.")
    return redirect("business_cases:highlights", slug)


def _next_run(schedule: HighlightSchedule):
    day = today()
    this_month = nth_working_day(day.year, day.month, schedule.working_day)
    if this_month >= day:
        return this_month
    following = (day.replace(day=1) + timedelta(days=32)).replace(day=1)
    return nth_working_day(following.year, following.month, schedule.working_day)


@login_required
@require_http_methods(["GET", "POST"])
@atomic_post  # the version check locks the row until the save
def highlight_schedule(request: HttpRequest, slug: str) -> HttpResponse:
    """When the report is made without anyone asking: the Nth working day of each month."""
    access = programme_access(request.user, slug, Capability.EDIT_PLAN)
    schedule = (HighlightSchedule.objects.filter(programme=access.programme).first()
                or HighlightSchedule(programme=access.programme))
    form = HighlightScheduleForm(request.POST or None, instance=schedule, programme=access.programme)
    if request.method == "POST" and form.is_valid():
        schedule = form.save(commit=False)
        schedule.set_by = request.user
        record_save(instance=schedule, user=request.user, reason="Schedule set")
        if schedule.enabled:
            messages.success(request, f"The highlight report will be made on working day {schedule.working_day} "
                                      "of each month, for the month before.")
        else:
            messages.success(request, "The highlight report is no longer made on a schedule.")
        return redirect("business_cases:highlights", slug)
    return render(request, "programmes/form.html", _ctx(
        access, form=form, heading="Make the highlight report on a schedule", submit="Save the schedule",
        cancel_url=reverse("business_cases:highlights", args=[slug])))


@login_required
@require_safe
def highlight_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = programme_access(request.user, slug)
    report = _report(access, pk)
    versions = list(report.versions.select_related("made_by"))
    jobs = [j for j in jobs_for(report, kind=KIND).select_related("retry")[:RECENT_JOBS]
            if j.status != Job.Status.SUCCEEDED and not hasattr(j, "retry")]
    generates = access.can(Capability.EDIT_PLAN)
    for j in jobs:
        j.may_retry = (generates and j.status == Job.Status.FAILED
                       and job_may_retry(j, request.user, manages=access.manages_jobs))
    sections = [(title, report.commentary(key)) for key, title in HIGHLIGHT_SECTIONS.items()]
    return render(request, "business_cases/highlight.html", _ctx(
        access, report=report, versions=versions, jobs=jobs, sections=sections, request_id=uuid.uuid4().hex))


@login_required
@require_POST
def highlight_generate_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = programme_access(request.user, slug)
    report = _report(access, pk)
    access.require(Capability.EDIT_PLAN)
    job, _ = highlight_generate(report=report, user=request.user, request_id=request.POST.get("request_id", ""),
                                today=today())
    return redirect("business_cases:highlight_job", slug, pk, job.uuid)


@login_required
@require_safe
def highlight_job(request: HttpRequest, slug: str, pk: int, job_uuid) -> HttpResponse:
    access = programme_access(request.user, slug)
    report = _report(access, pk)
    job = get_object_or_404(jobs_for(report, kind=KIND), uuid=job_uuid)
    version = HighlightVersion.objects.filter(job=job).first() if job.status == Job.Status.SUCCEEDED else None
    template = ("business_cases/includes/highlight_job_status.html" if request.headers.get("HX-Request")
                else "business_cases/highlight_job.html")
    status = job_pages.status_context(
        request, access, job, retry_url=reverse("business_cases:highlight_job_retry", args=[slug, pk, job.uuid]),
        job_url=lambda j: reverse("business_cases:highlight_job", args=[slug, pk, j.uuid]),
        offer_retry=access.can(Capability.EDIT_PLAN))
    return render(request, template, _ctx(access, report=report, job=job, version=version, **status))


@login_required
@require_POST
def highlight_job_retry(request: HttpRequest, slug: str, pk: int, job_uuid) -> HttpResponse:
    access = programme_access(request.user, slug)
    report = _report(access, pk)
    access.require(Capability.EDIT_PLAN)
    job = get_object_or_404(jobs_for(report, kind=KIND), uuid=job_uuid)
    return redirect("business_cases:highlight_job", slug, pk, job_pages.retry_job(request, access, job).uuid)


@login_required
@require_safe
def highlight_download(request: HttpRequest, slug: str, pk: int, number: int, fmt: str) -> HttpResponse:
    access = programme_access(request.user, slug)
    report = _report(access, pk)
    version = get_object_or_404(HighlightVersion, report=report, number=number)
    if fmt not in FILE_TYPES:
        raise Http404("No such format")
    file = version.pdf if fmt == "pdf" else version.docx
    name = f"{slug}-highlight-{report.period_end:%Y-%m-%d}-v{number}.{fmt}"
    return FileResponse(file.open("rb"), as_attachment=True, filename=name, content_type=FILE_TYPES[fmt])
