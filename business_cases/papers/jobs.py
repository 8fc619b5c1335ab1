"""Making a version: asking for one (`paper_generate`) and the job that makes it
(`paper_job`, registered with core.jobs under KIND), which is safe to run twice."""
from __future__ import annotations

import time
import uuid
from datetime import date

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from business_cases.models import CabinetPaper, PaperVersion
from business_cases.papers.data import PaperData
from business_cases.papers.rendering import Rendered, paper_render
from core.jobs import JobError, JobOutput, job_handler, job_hold, job_request
from core.models import Job

KIND = "business_cases.cabinet_paper"


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
                               snapshot_at=data.snapshot_at, pages=out.pages, exempt=paper.is_exempt)
        stem = f"{paper.programme.slug}-paper-{paper.pk}-v{number}"
        _store(version.pdf, f"{stem}.pdf", out.pdf)
        _store(version.docx, f"{stem}.docx", out.docx)
        if out.public_pdf is not None:
            _store(version.public_pdf, f"{stem}-public.pdf", out.public_pdf)
            _store(version.public_docx, f"{stem}-public.docx", out.public_docx)
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
                                                 "business_case", "roster")
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
