"""Run long work through a Job row and a Celery task.

A domain app registers a handler for a job kind (in its AppConfig.ready) and asks for
work with `job_request`. The handler gets the Job and a `progress` callback and returns
the file it made; raising `JobError` fails the job with a message a person can act on.
"""
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from core.models import Job

logger = logging.getLogger(__name__)


class JobError(Exception):
    """An expected failure: its message is shown to the person who asked."""


@dataclass(frozen=True)
class JobOutput:
    filename: str
    content: bytes
    content_type: str
    timings: dict | None = None


ProgressFn = Callable[[int, str], None]
Handler = Callable[[Job, ProgressFn], JobOutput]

_handlers: dict[str, Handler] = {}


def job_handler(kind: str) -> Callable[[Handler], Handler]:
    """Register the function that does the work for jobs of `kind`."""

    def register(func: Handler) -> Handler:
        _handlers[kind] = func
        return func

    return register


def jobs_for(target: models.Model, *, kind: str):
    """The jobs of one kind about one object, newest first."""
    return Job.objects.filter(
        target_type=ContentType.objects.get_for_model(target), target_id=target.pk, kind=kind
    ).select_related("created_by")


@transaction.atomic
def job_request(
    *, kind: str, created_by, target: models.Model, params: dict | None = None,
    idempotency_key: str | None = None,
) -> tuple[Job, bool]:
    """Record a job and enqueue it once the transaction commits.

    Returns (job, created). A second request with the same idempotency key returns the
    first job and enqueues nothing, so a double click gives one job.
    """
    if kind not in _handlers:
        raise ValueError(f"No handler is registered for job kind {kind!r}")
    if idempotency_key:
        existing = Job.objects.filter(idempotency_key=idempotency_key).first()
        if existing:
            return existing, False
    try:
        with transaction.atomic():
            job = Job.objects.create(
                kind=kind,
                created_by=created_by,
                target_type=ContentType.objects.get_for_model(target),
                target_id=target.pk,
                params=params or {},
                idempotency_key=idempotency_key or None,
            )
    except IntegrityError:
        # Another request with the same key won the race: that job is ours too.
        return Job.objects.get(idempotency_key=idempotency_key), False
    transaction.on_commit(lambda: _enqueue(job.pk))
    return job, True


def _enqueue(job_id: int) -> None:
    from core.tasks import run_job

    run_job.delay(job_id)


def _claim(job_id: int) -> Job | None:
    """Mark the job running, unless it has finished.

    A job found already running has been handed out again: Celery re-delivers a task only
    when the worker that had it was lost (late acknowledgement with rejection on a lost
    worker), so that earlier run is dead and this one takes over.
    """
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.is_finished:
            return None
        now = timezone.now()
        job.status = Job.Status.RUNNING
        job.attempts += 1
        job.started_at = job.started_at or now
        job.heartbeat_at = now
        job.progress = 0
        job.progress_message = "Started"
        job.save(update_fields=["status", "attempts", "started_at", "heartbeat_at",
                                "progress", "progress_message"])
        return job


def job_run(*, job_id: int) -> None:
    """Do the work of one job. Safe to call twice: a finished job is left alone, and of
    two runs that both finish, only the first result is kept."""
    job = _claim(job_id)
    if job is None:
        return
    handler = _handlers.get(job.kind)

    def progress(percent: int, message: str) -> None:
        Job.objects.filter(pk=job_id).update(
            progress=max(0, min(100, int(percent))), progress_message=message[:200],
            heartbeat_at=timezone.now(),
        )

    try:
        if handler is None:
            raise JobError(f"This installation cannot make {job.kind!r} files.")
        output = handler(job, progress)
    except JobError as exc:
        _finish(job_id, error=str(exc))
        return
    except Exception:
        logger.exception("Job %s (%s) crashed", job_id, job.kind)
        _finish(
            job_id,
            error=(
                "The file could not be made because of a fault in Insource. Try again; "
                f"if it fails again, tell your administrator the job number: {job_id}."
            ),
        )
        return
    _finish(job_id, output=output)


def _finish(job_id: int, *, output: JobOutput | None = None, error: str = "") -> None:
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job_id)
        if job.status == Job.Status.SUCCEEDED:
            return  # a concurrent run finished first; keep its result
        job.finished_at = timezone.now()
        job.heartbeat_at = job.finished_at
        if output is None:
            job.status = Job.Status.FAILED
            job.error = error
            job.progress_message = "Failed"
            job.save(update_fields=["status", "error", "progress_message", "finished_at",
                                    "heartbeat_at"])
            return
        job.result_file.save(output.filename, ContentFile(output.content), save=False)
        job.result_name = output.filename
        job.result_content_type = output.content_type
        job.timings = output.timings or {}
        job.status = Job.Status.SUCCEEDED
        job.progress = 100
        job.progress_message = "Ready"
        job.error = ""
        job.save()
