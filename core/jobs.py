"""Run long work through a Job row and a Celery task.

A domain app registers a handler for a job kind (in its AppConfig.ready) and asks for
work with `job_request`. The handler gets the Job and a `progress` callback and returns
the file it made; raising `JobError` fails the job with a message a person can act on.

One diagnostic kind lives here, "core.sleep": it only waits, reporting progress, so that
an operator (or the worker test) can watch a worker take, lose and re-run a job.
"""
import logging
import time
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
    """What a handler made. A handler that keeps its files on its own records (a paper's
    versions) returns no `content`, and the job then holds no file of its own."""

    filename: str = ""
    content: bytes | None = None
    content_type: str = ""
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
        if not idempotency_key:
            raise
        # Another request with the same key won the race: that job is ours too.
        return Job.objects.get(idempotency_key=idempotency_key), False
    transaction.on_commit(lambda: _enqueue(job.pk))
    return job, True


def _enqueue(job_id: int) -> None:
    from core.tasks import run_job

    try:
        run_job.delay(job_id)
    except Exception:
        # The broker is unreachable. Say so on the job rather than leave it queued forever
        # (or fail the request whose data has already been committed).
        logger.exception("Job %s could not be queued", job_id)
        now = timezone.now()
        Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
            status=Job.Status.FAILED, finished_at=now, heartbeat_at=now, progress_message="Failed",
            error=("The work could not be started because the background service is not "
                   "available. Try again in a few minutes; if it fails again, tell your "
                   f"administrator the job number: {job_id}."),
        )


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
        if output.content is not None:
            # A run killed after saving its file but before committing leaves that file
            # behind; replace it rather than letting the storage add a second, renamed copy.
            name = job.result_file.field.generate_filename(job, output.filename)
            storage = job.result_file.storage
            if storage.exists(name):
                storage.delete(name)
            job.result_file.save(output.filename, ContentFile(output.content), save=False)
        job.result_name = output.filename
        job.result_content_type = output.content_type
        job.timings = output.timings or {}
        job.status = Job.Status.SUCCEEDED
        job.progress = 100
        job.progress_message = "Ready"
        job.error = ""
        job.save()


SLEEP_KIND = "core.sleep"
SLEEP_MAX_SECONDS = 60


@job_handler(SLEEP_KIND)
def sleep_job(job: Job, progress: ProgressFn) -> JobOutput:
    """A diagnostic job: sleeps `params["seconds"]` (at most a minute) in short steps,
    reporting progress, then returns a small text file. No page offers it; operators and
    the worker test use it to see a worker take, lose and re-run a job."""
    seconds = max(0.0, min(float(job.params.get("seconds", 1)), SLEEP_MAX_SECONDS))
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        time.sleep(min(0.2, left))
        done = seconds - max(0.0, deadline - time.monotonic())
        progress(int(100 * done / seconds), f"Slept {done:.1f} of {seconds:g} s")
    return JobOutput(filename="sleep.txt", content=f"Slept {seconds:g} s\n".encode(),
                     content_type="text/plain", timings={"sleep_seconds": seconds})
