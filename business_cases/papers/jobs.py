"""Making a version: asking for one (`paper_generate`) and the job that makes it
(`paper_job`, registered with core.jobs under KIND), which is safe to run twice."""
from __future__ import annotations

import json
import time
import uuid
from datetime import date

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from business_cases.models import CabinetPaper, PaperVersion, final_marking
from business_cases.papers.data import PaperData
from business_cases.papers.rendering import Rendered, documents_render, paper_render
from business_cases.papers.versions import FinalRequest, version_source
from core.documents import document_final, document_from_json
from core.jobs import JobError, JobOutput, job_handler, job_hold, job_request
from core.models import Job

KIND = "business_cases.cabinet_paper"
FINAL_KIND = "business_cases.cabinet_paper_final"
KINDS = (KIND, FINAL_KIND)


def paper_generate(*, paper: CabinetPaper, user, request_id: str = "", today: date | None = None) -> tuple[Job, bool]:
    """Ask for a new version. The same `request_id` (a form's hidden field, an API client's
    key) from the same person gives the same job, so a double click makes one version."""
    try:
        key = f"{KIND}:{paper.pk}:{user.pk}:{uuid.UUID(str(request_id)).hex}"
    except ValueError:
        key = None
    today = today or timezone.localdate()
    return job_request(kind=KIND, created_by=user, target=paper, idempotency_key=key,
                       params={"today": today.isoformat()})


def _store(field, name: str, content: bytes) -> None:
    """Save a file under its fixed name, replacing one a killed run left there."""
    path = field.field.generate_filename(field.instance, name)
    if field.storage.exists(path):
        field.storage.delete(path)
    field.save(name, ContentFile(content), save=False)


def _store_files(version: PaperVersion, out: Rendered) -> None:
    """The version's files (and the public copy's), and what they printed, as JSON."""
    stem = f"{version.paper.programme.slug}-paper-{version.paper_id}-v{version.number}"
    _store(version.pdf, f"{stem}.pdf", out.pdf)
    _store(version.docx, f"{stem}.docx", out.docx)
    if out.public_pdf is not None:
        _store(version.public_pdf, f"{stem}-public.pdf", out.public_pdf)
        _store(version.public_docx, f"{stem}-public.docx", out.public_docx)
    _store(version.source, f"{stem}.json", json.dumps(out.source).encode())


def _save_version(*, job: Job, paper: CabinetPaper, data: PaperData, out: Rendered) -> PaperVersion:
    with transaction.atomic():
        # One version per job: a second run of the job (after its worker was lost) finds the
        # first one's version and keeps it.
        CabinetPaper.objects.select_for_update().filter(pk=paper.pk).first()
        # And none from a run that was reaped meanwhile: its attempt failed, and a retry
        # makes the version that request asked for. Checked before any file is stored.
        job_hold(job=job)
        existing = PaperVersion.objects.filter(job=job).first()
        if existing:
            return existing
        number = (PaperVersion.objects.filter(paper=paper).aggregate(n=Max("number"))["n"] or 0) + 1
        version = PaperVersion(paper=paper, job=job, number=number, made_by_id=job.created_by_id,
                               snapshot_at=data.snapshot_at, pages=out.pages, exempt=paper.is_exempt,
                               unwritten=data.paper.missing_required)
        _store_files(version, out)
        try:
            with transaction.atomic():
                version.save()
        except IntegrityError:
            return PaperVersion.objects.get(job=job)
        return version


@job_handler(KIND)
def paper_job(job: Job, progress) -> JobOutput:
    """Make one version of a paper: its PDF and .docx (and the public copies of an exempt
    paper), kept on a PaperVersion tied to this job."""
    paper = (CabinetPaper.objects.select_related("programme__lead_organisation",
                                                 "business_case", "roster", "template")
             .filter(pk=job.target_id).first())
    if paper is None:
        raise JobError("The paper was deleted before it could be generated. Nothing was made.")
    done = PaperVersion.objects.filter(job=job).first()
    if done:
        return JobOutput(timings={**(job.timings or {}), "version": done.number})
    today = date.fromisoformat(job.params["today"]) if job.params.get("today") else timezone.localdate()
    data, out = paper_render(paper=paper, today=today, progress=progress)
    progress(95, "Saving the version")
    started = time.perf_counter()
    version = _save_version(job=job, paper=paper, data=data, out=out)
    return JobOutput(timings={**out.timings, "save_seconds": round(time.perf_counter() - started, 4),
                              "version": version.number})


def paper_final_request(*, paper: CabinetPaper, request: FinalRequest, user) -> tuple[Job, bool]:
    """Ask for a version to be marked final (checked by versions.final_check): a job prints
    it again from what it kept, marked final with its date of publication. The same
    version and date give the same job, so a double click marks it once."""
    version = request.version
    return job_request(kind=FINAL_KIND, created_by=user, target=paper,
                       idempotency_key=f"{FINAL_KIND}:{version.pk}:{request.published_on.isoformat()}",
                       params={"version": version.number, "published_on": request.published_on.isoformat()})


@job_handler(FINAL_KIND)
def paper_final_job(job: Job, progress) -> JobOutput:
    """Print a version again as the final one: the same words and figures it had (its kept
    documents, not today's data), marked final on every page, without the drafts' notes."""
    paper = CabinetPaper.objects.select_related("programme").filter(pk=job.target_id).first()
    version = PaperVersion.objects.filter(paper=paper, number=job.params.get("version")).first() if paper else None
    if version is None:
        raise JobError("The paper or its version was deleted before it could be marked final. Nothing was changed.")
    if version.is_final:
        return JobOutput(timings={"version": version.number})
    source = version_source(version)
    if source is None:
        raise JobError(f"Version {version.number} kept nothing to print again. Generate a new version and mark "
                       "that one final.")
    published_on = date.fromisoformat(job.params["published_on"])
    marking = final_marking(published_on)
    progress(10, "Printing the final version")
    full = document_final(document_from_json(source["full"]), marking=marking)
    public = document_final(document_from_json(source["public"]), marking=marking) if source.get("public") else None
    out = documents_render(full, public, progress=progress)
    progress(95, "Saving the final version")
    with transaction.atomic():
        version = PaperVersion.objects.select_for_update().get(pk=version.pk)
        version.paper = paper
        job_hold(job=job)
        if version.is_final:
            return JobOutput(timings={**out.timings, "version": version.number})
        # A later version marked final meanwhile: this older one may no longer replace it.
        later = PaperVersion.objects.filter(paper=paper, number__gt=version.number, finalised_at__isnull=False)
        if later.exists():
            raise JobError(f"A later version was marked final while version {version.number} was being printed; "
                           "it stays a draft.")
        _store_files(version, out)
        version.pages = out.pages
        version.published_on = published_on
        version.finalised_at = timezone.now()
        version.finalised_by_id = job.created_by_id
        version.save(update_fields=["pdf", "docx", "public_pdf", "public_docx", "source", "pages",
                                    "published_on", "finalised_at", "finalised_by"])
    return JobOutput(timings={**out.timings, "version": version.number})
