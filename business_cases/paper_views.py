"""Pages of Cabinet papers, under /programmes/<slug>/business-case/papers/.

Members read papers and download their versions; programme managers and directors write
them and generate versions. Only they (VIEW_EXEMPT_PAPER) get an exempt paper's full copy;
everyone else gets the public copy, in the preview as in the downloads."""
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from business_cases.forms import CabinetPaperForm
from business_cases.models import CabinetPaper, PaperVersion
from business_cases.papers import DOCX_TYPE, KIND, paper_data, paper_document, paper_generate
from core.concurrency import atomic_post
from core.documents import document_context
from core.jobs import job_may_retry, jobs_for
from core.models import Job
from core.roles import Capability
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
        "programme__lead_organisation", "business_case", "roster"),
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
    # A failed job that has been tried again is represented by its newest attempt.
    jobs = [j for j in jobs_for(paper, kind=KIND).select_related("retry")[:RECENT_JOBS]
            if j.status != Job.Status.SUCCEEDED and not hasattr(j, "retry")]
    generates = access.can(Capability.GENERATE_PAPER)
    for j in jobs:
        j.may_retry = (generates and j.status == Job.Status.FAILED
                       and job_may_retry(j, request.user, manages=access.manages_jobs))
    return render(request, "business_cases/paper.html", _ctx(
        access, paper=paper, versions=versions, jobs=jobs, full=_full(access), request_id=uuid.uuid4().hex,
        meeting_passed=paper.meeting_passed(today())))


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
    job = get_object_or_404(jobs_for(paper, kind=KIND), uuid=job_uuid)
    version = PaperVersion.objects.filter(job=job).first() if job.status == Job.Status.SUCCEEDED else None
    template = ("business_cases/includes/paper_job_status.html" if request.headers.get("HX-Request")
                else "business_cases/paper_job.html")
    # Only those who may generate the paper are offered "Try again".
    status = job_pages.status_context(
        request, access, job, retry_url=reverse("business_cases:paper_job_retry", args=[slug, pk, job.uuid]),
        job_url=lambda j: reverse("business_cases:paper_job", args=[slug, pk, j.uuid]),
        offer_retry=access.can(Capability.GENERATE_PAPER))
    return render(request, template, _ctx(access, paper=paper, job=job, version=version, full=_full(access),
                                          **status))


@login_required
@require_POST
def paper_job_retry(request: HttpRequest, slug: str, pk: int, job_uuid) -> HttpResponse:
    access = programme_access(request.user, slug, Capability.GENERATE_PAPER)
    paper = _paper(access, pk)
    job = get_object_or_404(jobs_for(paper, kind=KIND), uuid=job_uuid)
    return redirect("business_cases:paper_job", slug, pk, job_pages.retry_job(request, access, job).uuid)


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
