"""Pages of Cabinet papers, under /programmes/<slug>/business-case/papers/.

Members read papers and download their versions; programme managers and directors write
them and generate versions. Only they (VIEW_EXEMPT_PAPER) get an exempt paper's full copy;
everyone else gets the public copy, in the preview as in the downloads."""
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from business_cases.forms import CabinetPaperForm, PaperCompareForm, PaperFinalForm
from business_cases.models import CabinetPaper, PaperVersion
from business_cases.papers import (
    DOCX_TYPE,
    FINAL_KIND,
    KINDS,
    final_blocked,
    final_check,
    latest_final,
    paper_changes,
    paper_data,
    paper_document,
    paper_final_request,
    paper_generate,
)
from core.concurrency import atomic_post
from core.documents import document_context
from core.jobs import job_may_retry, jobs_for
from core.models import Job
from core.roles import Capability
from core.statutory import AGENDA_INSPECTION
from programmes import job_pages
from programmes.access import ProgrammeAccess, programme_access
from programmes.history import history_entries
from programmes.services import record_save
from programmes.views import programme_context, today

ACTIVE = "papers"
RECENT_JOBS = 10


def _ctx(access: ProgrammeAccess, **extra) -> dict:
    return programme_context(access, ACTIVE, **extra)


def _paper(access: ProgrammeAccess, pk: int) -> CabinetPaper:
    return get_object_or_404(CabinetPaper.objects.select_related(
        "programme__lead_organisation", "business_case", "roster", "template"),
        pk=pk, programme=access.programme)


def _full(access: ProgrammeAccess) -> bool:
    return access.may[Capability.VIEW_EXEMPT_PAPER.value]


@login_required
@require_safe
def paper_list(request: HttpRequest, slug: str) -> HttpResponse:
    access = programme_access(request.user, slug)
    papers = list(CabinetPaper.objects.filter(programme=access.programme).select_related("business_case")
                  .prefetch_related(Prefetch("versions", queryset=PaperVersion.objects.select_related("made_by"))))
    return render(request, "business_cases/papers.html", _ctx(access, papers=papers))


@login_required
@require_http_methods(["GET", "POST"])
@atomic_post  # the version check locks the row until the save
def paper_edit(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    access = programme_access(request.user, slug, Capability.EDIT_BUSINESS_CASE)
    paper = _paper(access, pk) if pk else CabinetPaper(programme=access.programme, created_by=request.user)
    form = CabinetPaperForm(request.POST or None, instance=paper, programme=access.programme)
    cancel = (reverse("business_cases:paper", args=[slug, pk]) if pk
              else reverse("business_cases:papers", args=[slug]))
    if request.method == "POST" and form.is_valid():
        paper = record_save(instance=form.save(commit=False), user=request.user,
                            reason=(request.POST.get("change_reason") or
                                    ("Paper edited" if pk else "Paper started"))[:100])
        messages.success(request, f"“{paper.title}” saved. Preview it, then generate the PDF and Word file.")
        return redirect("business_cases:paper", slug, paper.pk)
    return render(request, "programmes/form.html", _ctx(
        access, form=form, heading=f"Edit “{paper.title}”" if pk else "Start a Cabinet paper",
        submit="Save the paper", ask_reason=bool(pk), cancel_url=cancel))


@login_required
@require_safe
def paper_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = programme_access(request.user, slug)
    paper = _paper(access, pk)
    versions = list(paper.versions.select_related("made_by", "job"))
    final = next((v for v in versions if v.is_final), None)  # newest first: the standing final
    for v in versions:
        v.replaced = v.is_final and v is not final
        # A draft with what it printed, newer than the final version, may be marked final.
        v.may_publish = not final_blocked(paper=paper, version=v, final=final)
        v.previous = next((o.number for o in versions if o.number < v.number and o.source), None)
    # A failed job that has been tried again is represented by its newest attempt.
    jobs = [j for j in jobs_for(paper, kind=KINDS).select_related("retry")[:RECENT_JOBS]
            if j.status != Job.Status.SUCCEEDED and not hasattr(j, "retry")]
    for j in jobs:
        j.may_retry = (access.can(_retry_capability(j)) and j.status == Job.Status.FAILED
                       and job_may_retry(j, request.user, manages=access.manages_jobs))
        j.marks_final = j.kind == FINAL_KIND
    return render(request, "business_cases/paper.html", _ctx(
        access, paper=paper, versions=versions, jobs=jobs, full=_full(access), request_id=uuid.uuid4().hex,
        meeting_passed=paper.meeting_passed(today()), final=final,
        changed_since_final=_changed_since(paper, final, full=_full(access)) if final else None))


def _changed_since(paper: CabinetPaper, final: PaperVersion, *, full: bool) -> int | None:
    """How many figures of the paper, as it would print today, differ from the final
    version's (None when the final version kept nothing to compare)."""
    changes = paper_changes(paper, final, None, full=full, today=today())
    return None if changes is None else len(changes)


def _retry_capability(job: Job) -> Capability:
    return Capability.PUBLISH_PAPER if job.kind == FINAL_KIND else Capability.GENERATE_PAPER


@login_required
@require_safe
def paper_preview(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The paper as it would print now, from the same HTML the PDF is made from."""
    access = programme_access(request.user, slug)
    paper = _paper(access, pk)
    doc = paper_document(paper_data(paper=paper, today=today()), full=_full(access))
    note = "Preview with today's figures. Generate a version to get the PDF and the Word file."
    if paper.is_exempt and not _full(access):
        note += " This is the public copy: the exempt parts are withheld."
    html = render_to_string("core/documents/document.html", document_context(
        doc, for_pdf=False, preview_note=note, back_url=reverse("business_cases:paper", args=[slug, pk])),
        request=request)
    return HttpResponse(html)


@login_required
@require_POST
def paper_generate_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = programme_access(request.user, slug, Capability.GENERATE_PAPER)
    paper = _paper(access, pk)
    job, _ = paper_generate(paper=paper, user=request.user, request_id=request.POST.get("request_id", ""),
                            today=today())
    return redirect("business_cases:paper_job", slug, pk, job.uuid)


@login_required
@require_safe
def paper_job(request: HttpRequest, slug: str, pk: int, job_uuid) -> HttpResponse:
    access = programme_access(request.user, slug)
    paper = _paper(access, pk)
    job = get_object_or_404(jobs_for(paper, kind=KINDS), uuid=job_uuid)
    marks_final = job.kind == FINAL_KIND
    version = None
    if job.status == Job.Status.SUCCEEDED:
        versions = PaperVersion.objects.filter(paper=paper)
        version = (versions.filter(number=job.params.get("version")) if marks_final
                   else versions.filter(job=job)).first()
    template = ("business_cases/includes/paper_job_status.html" if request.headers.get("HX-Request")
                else "business_cases/paper_job.html")
    # Only those who may do what the job does are offered "Try again".
    status = job_pages.status_context(
        request, access, job, retry_url=reverse("business_cases:paper_job_retry", args=[slug, pk, job.uuid]),
        job_url=lambda j: reverse("business_cases:paper_job", args=[slug, pk, j.uuid]),
        offer_retry=access.can(_retry_capability(job)))
    return render(request, template, _ctx(access, paper=paper, job=job, version=version, full=_full(access),
                                          marks_final=marks_final, **status))


@login_required
@require_POST
def paper_job_retry(request: HttpRequest, slug: str, pk: int, job_uuid) -> HttpResponse:
    access = programme_access(request.user, slug)
    paper = _paper(access, pk)
    job = get_object_or_404(jobs_for(paper, kind=KINDS), uuid=job_uuid)
    access.require(_retry_capability(job))
    return redirect("business_cases:paper_job", slug, pk, job_pages.retry_job(request, access, job).uuid)


@login_required
@require_http_methods(["GET", "POST"])
def paper_final(request: HttpRequest, slug: str, pk: int, number: int) -> HttpResponse:
    """The director marks a version final with its date of publication: a job prints it
    again, from what it printed, marked so on every page."""
    access = programme_access(request.user, slug)
    paper = _paper(access, pk)  # a paper of another programme is 404 whatever the role
    access.require(Capability.PUBLISH_PAPER)
    version = get_object_or_404(PaperVersion.objects.select_related("made_by"), paper=paper, number=number)
    initial = {}
    if paper.meeting_date:
        latest = AGENDA_INSPECTION.latest_date(paper.meeting_date)
        initial["published_on"] = max(latest, timezone.localdate(version.made_at))
    final = latest_final(paper)
    blocked = final_blocked(paper=paper, version=version, final=final)
    form = PaperFinalForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and not blocked and form.is_valid():
        try:
            asked = final_check(paper=paper, version=version, published_on=form.cleaned_data["published_on"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            job, _ = paper_final_request(paper=paper, request=asked, user=request.user)
            if asked.late:
                messages.warning(request, asked.late)
            return redirect("business_cases:paper_job", slug, pk, job.uuid)
    return render(request, "business_cases/paper_final.html", _ctx(
        access, paper=paper, version=version, form=form, final=final, blocked=blocked,
        inspection_by=AGENDA_INSPECTION.latest_date(paper.meeting_date) if paper.meeting_date else None,
        inspection=AGENDA_INSPECTION))


@login_required
@require_safe
def paper_compare(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The figures that differ between two versions, or between a version and the paper as
    it would print today. Those who may not see exempt information compare public copies."""
    access = programme_access(request.user, slug)
    paper = _paper(access, pk)
    versions = list(paper.versions.all())
    kept = [v for v in versions if v.source]
    full = _full(access)
    data = request.GET if "before" in request.GET else None
    if data is None and kept:
        final = next((v for v in kept if v.is_final), None)
        data = {"before": str((final or kept[0]).number), "after": PaperCompareForm.NOW}
    form = PaperCompareForm(data, versions=kept)
    changes = before = after = None
    if data is not None and form.is_valid():
        by_number = {str(v.number): v for v in kept}
        before = by_number[form.cleaned_data["before"]]
        after = by_number.get(form.cleaned_data["after"])
        changes = paper_changes(paper, before, after, full=full, today=today())
    return render(request, "business_cases/paper_compare.html", _ctx(
        access, paper=paper, form=form, changes=changes, before=before, after=after, kept=kept,
        unkept=len(versions) - len(kept), full=full))


@login_required
@require_safe
def paper_download(request: HttpRequest, slug: str, pk: int, number: int, fmt: str) -> HttpResponse:
    access = programme_access(request.user, slug)
    paper = _paper(access, pk)
    version = get_object_or_404(PaperVersion, paper=paper, number=number)
    if fmt not in ("pdf", "docx"):
        raise Http404("No such format")
    full = _full(access)
    file = version.file_for(fmt, full=full)
    if not file:
        raise Http404("This version has no such file")
    public = version.exempt and not full
    name = f"{slug}-paper-{paper.pk}-v{number}{'-public' if public else ''}.{fmt}"
    return FileResponse(file.open("rb"), as_attachment=True, filename=name,
                        content_type="application/pdf" if fmt == "pdf" else DOCX_TYPE)


@login_required
@require_safe
def paper_history(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = programme_access(request.user, slug)
    paper = _paper(access, pk)
    return render(request, "programmes/history.html", _ctx(
        access, object=paper, entries=history_entries(paper), heading="Cabinet paper",
        back_url=reverse("business_cases:paper", args=[slug, pk])))
