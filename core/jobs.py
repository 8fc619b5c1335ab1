"""Run long work through a Job row and a Celery task.

A domain app registers a handler for a job kind (in its AppConfig.ready) and asks for
work with `job_request`. The handler gets the Job and a `progress` callback and returns
the file it made; raising `JobError` fails the job with a message a person can act on.

Nothing hangs: while a handler runs, a thread of the worker writes the job's heartbeat
(and its progress) on a database connection of its own, outside whatever transaction
the handler holds, so the page sees progress move and `jobs_reap` can tell a job whose
worker died from one that is busy. A failed job is never run again in place:
`job_retry` makes a new attempt that points at it.

One diagnostic kind lives here, "core.sleep": it only waits, reporting progress, so that
an operator (or the worker test) can watch a worker take, lose and re-run a job.
"""
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import (
    DatabaseError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    connection,
    connections,
    models,
    transaction,
)
from django.db.models import F, Q
from django.utils import timezone

from core.models import Job

logger = logging.getLogger(__name__)


class JobError(Exception):
    """An expected failure: its message is shown to the person who asked."""


class JobSuperseded(Exception):
    """This run no longer owns its job: the reaper failed it (and someone may have tried
    again since), or a later run took it over. Whatever it made must not be kept."""


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


def jobs_for(target: models.Model, *, kind: str | tuple[str, ...]):
    """The jobs of one kind (or of any of several) about one object, newest first."""
    kinds = (kind,) if isinstance(kind, str) else tuple(kind)
    return Job.objects.filter(
        target_type=ContentType.objects.get_for_model(target), target_id=target.pk, kind__in=kinds
    ).select_related("created_by")


@transaction.atomic
def job_request(
    *, kind: str, created_by, target: models.Model, params: dict | None = None,
    idempotency_key: str | None = None,
) -> tuple[Job, bool]:
    """Record a job and enqueue it once the transaction commits.

    Returns (job, created). A second request with the same idempotency key returns the
    first job and enqueues nothing, so a double click gives one job. Once that job (or its
    latest attempt) has failed, the same request is tried again as a new attempt
    (`job_retry`), so a key never pins a request to its failure.
    """
    if kind not in _handlers:
        raise ValueError(f"No handler is registered for job kind {kind!r}")
    if idempotency_key:
        existing = Job.objects.filter(idempotency_key=idempotency_key).first()
        if existing:
            while (later := Job.objects.filter(retry_of=existing).first()) is not None:
                existing = later
            if existing.status == Job.Status.FAILED:
                return job_retry(job=existing, user=created_by)
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


_beside: ThreadPoolExecutor | None = None
_beside_lock = threading.Lock()


def _run_beside(job_id: int, requeue: int) -> None:
    try:
        job_run(job_id=job_id, requeue=requeue)
    except Exception:  # job_run records every failure it can; this is the last resort
        logger.exception("Job %s could not be run beside the request", job_id)
    finally:
        connections.close_all()  # this thread's own connection


def _enqueue_beside(job_id: int, requeue: int) -> None:
    """In-process tasks without blocking: the job runs on a small pool of threads of this
    process while the request that asked for it returns, and its page shows the progress
    as it does with Celery. At most JOB_THREADS run at once; the rest wait their turn."""
    global _beside
    with _beside_lock:
        if _beside is None:
            _beside = ThreadPoolExecutor(max_workers=settings.JOB_THREADS, thread_name_prefix="insource-job")
    _beside.submit(_run_beside, job_id, requeue)


def jobs_beside_wait(timeout: float = 60) -> None:
    """Wait until the jobs running beside the requests have finished (tests, shutdown)."""
    global _beside
    with _beside_lock:
        pool, _beside = _beside, None
    if pool is not None:
        pool.shutdown(wait=True)


def _enqueue(job_id: int, requeue: int = 0) -> None:
    from core.tasks import run_job

    if settings.JOBS_BESIDE_REQUEST:
        _enqueue_beside(job_id, requeue)
        return
    try:
        run_job.delay(job_id, requeue) if requeue else run_job.delay(job_id)
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


def _claim(job_id: int, requeue: int = 0) -> Job | None:
    """Mark the job running, unless it has finished.

    A job found already running has been handed out again: Celery re-delivers a task only
    when the worker that had it was lost (late acknowledgement with rejection on a lost
    worker), so that earlier run is dead and this one takes over. Two exceptions: a copy
    the reaper sent again (`requeue`) only starts a job still queued, and a job that was
    sent again and is running with a fresh heartbeat is left to the copy running it.
    """
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.is_finished:
            return None
        if requeue and job.status != Job.Status.QUEUED:
            return None
        now = timezone.now()
        if (job.status == Job.Status.RUNNING and job.requeues and job.heartbeat_at
                and now - job.heartbeat_at < timedelta(seconds=settings.JOB_HEARTBEAT_TIMEOUT_SECONDS)):
            return None
        job.status = Job.Status.RUNNING
        job.attempts += 1
        job.started_at = job.started_at or now
        job.heartbeat_at = now
        job.progress = 0
        job.progress_message = "Started"
        job.save(update_fields=["status", "attempts", "started_at", "heartbeat_at",
                                "progress", "progress_message"])
        return job


def _this_run(job: Job):
    """The job's row while this run still owns it: a reaped job (failed) or one taken over
    by a later run (more attempts) gets no more writes from this one."""
    return Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING, attempts=job.attempts)


def job_hold(*, job: Job) -> None:
    """For a handler that keeps what it made on records of its own (a paper's versions):
    call inside the transaction that writes them. It locks the job's row until that
    transaction ends, so the reaper cannot fail the job meanwhile, and raises
    JobSuperseded if this run no longer owns the job, so that nothing is written.

    Without it, a run that was reaped while paused, and then finished, would leave its
    records beside those of the attempt that replaced it (two versions of one request).
    The heartbeat is renewed too, so the reaper gives the outcome a full timeout to be
    recorded after the records are committed."""
    if not list(_this_run(job).select_for_update().values_list("pk", flat=True)):
        raise JobSuperseded(f"Job {job.pk}: attempt {job.attempts} no longer owns it")
    _this_run(job).update(heartbeat_at=timezone.now())


class _Heartbeat(threading.Thread):
    """Writes the job's heartbeat, and the latest progress, on this thread's own database
    connection (Django gives each thread its own), every few seconds and whenever the
    handler reports progress.

    Its own connection is the point: a ledger commit holds one long transaction, and
    progress written inside it would stay invisible until the end. A write that fails
    (the connection dropped) closes the connection so that the next one reconnects."""

    def __init__(self, job: Job):
        super().__init__(name=f"job-{job.pk}-heartbeat", daemon=True)
        self.job = job
        self.interval = settings.JOB_HEARTBEAT_INTERVAL_SECONDS
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._done = threading.Event()
        self._fields: dict = {}
        self._asked = 0  # progress reports asked for, and written, so far
        self._written = 0
        self._rows = threading.Condition(self._lock)
        self._last_rows: int | None = None

    def run(self) -> None:
        try:
            while not self._done.is_set():
                self._wake.wait(self.interval)
                self._wake.clear()
                if self._done.is_set():
                    break
                self._beat()
        finally:
            connection.close()  # this thread's connection, not the handler's

    def _beat(self) -> None:
        with self._lock:
            fields, asked = dict(self._fields), self._asked
        rows = None
        try:
            with transaction.atomic():
                # Never wait long behind a lock on the row: a heartbeat a few seconds late
                # does no harm, a worker stuck on one does.
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '2s'")
                rows = _this_run(self.job).update(heartbeat_at=timezone.now(), **fields)
        except DatabaseError:
            logger.warning("Job %s: the heartbeat could not be written", self.job.pk, exc_info=True)
            connection.close()
        with self._rows:
            self._written = asked
            self._last_rows = rows
            self._rows.notify_all()

    def report(self, fields: dict, timeout: float = 5) -> int | None:
        """Write progress now and wait for it: the rows written (0 when this connection
        cannot see the job), or None if the write failed or took too long."""
        with self._rows:
            self._fields = fields
            self._asked += 1
            asked = self._asked
            self._wake.set()
            if not self._rows.wait_for(lambda: self._written >= asked, timeout):
                return None
            return self._last_rows

    def stop(self) -> None:
        self._done.set()
        self._wake.set()
        self.join(timeout=10)


CONNECTION_LOST = (
    "The connection to the database was lost while this was being made, so nothing was kept. "
    "Press Try again; if it fails again, tell your administrator the job number: {pk}."
)
CRASHED = (
    "The file could not be made because of a fault in Insource. Try again; "
    "if it fails again, tell your administrator the job number: {pk}."
)
WORKER_STOPPED = (
    "The worker running this stopped before it finished. Press Try again; "
    "if it fails again, tell your administrator the job number: {pk}."
)
NEVER_STARTED = (
    "No worker took this up: the background service may have lost it while restarting. "
    "Press Try again; if it fails again, tell your administrator the job number: {pk}."
)


def job_run(*, job_id: int, requeue: int = 0) -> None:
    """Do the work of one job. Safe to call twice: a finished job is left alone, and of
    two runs that both finish, only the first result is kept."""
    job = _claim(job_id, requeue)
    if job is None:
        return
    handler = _handlers.get(job.kind)
    # SQLite (development, most tests) has one writer at a time: there the handler's own
    # connection writes the progress, and no reaper runs to need a heartbeat.
    heartbeat = _Heartbeat(job) if connection.vendor == "postgresql" else None
    if heartbeat:
        heartbeat.start()

    def progress(percent: int, message: str) -> None:
        nonlocal heartbeat
        fields = {"progress": max(0, min(100, int(percent))), "progress_message": message[:200]}
        if heartbeat:
            rows = heartbeat.report(fields)
            if rows != 0:
                return
            # Another connection cannot see the job: it was made in a transaction that has
            # not committed (a test's). Only this connection can write it, then.
            heartbeat.stop()
            heartbeat = None
        _this_run(job).update(heartbeat_at=timezone.now(), **fields)

    try:
        try:
            if handler is None:
                raise JobError(f"This installation cannot make {job.kind!r} files.")
            output = handler(job, progress)
        finally:
            if heartbeat:
                heartbeat.stop()
    except JobSuperseded:
        logger.warning("Job %s (%s): attempt %s was overtaken (reaped, or taken over by a later "
                       "run) before it kept what it made; nothing of it is kept", job_id, job.kind,
                       job.attempts)
        return
    except JobError as exc:
        _finish_surely(job_id, attempt=job.attempts, error=str(exc))
        return
    except (OperationalError, InterfaceError):
        logger.exception("Job %s (%s) lost its database connection", job_id, job.kind)
        _finish_surely(job_id, attempt=job.attempts, error=CONNECTION_LOST.format(pk=job_id))
        return
    except Exception:
        logger.exception("Job %s (%s) crashed", job_id, job.kind)
        _finish_surely(job_id, attempt=job.attempts, error=CRASHED.format(pk=job_id))
        return
    _finish_surely(job_id, attempt=job.attempts, output=output)


def _finish_surely(job_id: int, **outcome) -> None:
    """Record the outcome, on a fresh connection if the handler's one has broken (a
    database restart, a dropped network): otherwise the job would stay running, its
    failure unrecorded, until the reaper noticed."""
    try:
        _finish(job_id, **outcome)
    except (OperationalError, InterfaceError):
        if connection.in_atomic_block:
            raise  # the caller's transaction is lost with it; nothing sound to do here
        logger.warning("Job %s: recording its outcome failed; trying a new connection", job_id, exc_info=True)
        connection.close()
        _finish(job_id, **outcome)


def _finish(job_id: int, *, attempt: int, output: JobOutput | None = None, error: str = "") -> None:
    """Record the outcome of run number `attempt`, if it still owns the job.

    A run that was reaped (a worker paused past the heartbeat timeout) may well finish
    later: by then the job says it failed, and someone may have tried again. Its success
    would turn that failure into a second result, and its error would fail a job that a
    later run took over; either way it is the job's story that must stand, so the outcome
    is only logged."""
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job_id)
        if job.status != Job.Status.RUNNING or job.attempts != attempt:
            logger.warning("Job %s: attempt %s finished (%s) after the job was %s at attempt %s; "
                           "its outcome is not kept", job_id, attempt,
                           "succeeded" if output is not None else "failed", job.status, job.attempts)
            return
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


# --- Trying again ------------------------------------------------------------------------

def job_may_retry(job: Job, user, *, manages: bool) -> bool:
    """Whether `user` may try a failed job again: the person who asked for it, or one who
    manages the programme it is about (`manages`; the view decides from their role)."""
    return manages or (user.is_authenticated and job.created_by_id == user.pk)


@transaction.atomic
def job_retry(*, job: Job, user) -> tuple[Job, bool]:
    """Try a failed job again as a new job (`retry_of` the failed one, which is kept with
    its error), enqueued after the transaction commits.

    Returns (new job, created). A second press of the button finds the first retry, so a
    double click makes one attempt. Raises JobError if the job has not failed.
    """
    failed = Job.objects.select_for_update().get(pk=job.pk)
    if failed.status != Job.Status.FAILED:
        raise JobError("Only work that failed can be tried again; this has not failed.")
    if failed.kind not in _handlers:
        raise JobError(f"This installation cannot make {failed.kind!r} files any more.")
    existing = Job.objects.filter(retry_of=failed).first()
    if existing:
        return existing, False
    attempt, earlier = 2, failed
    while earlier.retry_of_id:
        attempt += 1
        earlier = Job.objects.only("pk", "retry_of_id", "idempotency_key").get(pk=earlier.retry_of_id)
    # The first request's key with the attempt number: the key of a request is its own, and
    # an attempt is a new request that must not find the failed job again.
    key = f"{earlier.idempotency_key[:100]}#{attempt}" if earlier.idempotency_key else None
    retry = Job.objects.create(kind=failed.kind, created_by=user, target_type_id=failed.target_type_id,
                               target_id=failed.target_id, params=failed.params, retry_of=failed,
                               idempotency_key=key)
    transaction.on_commit(lambda: _enqueue(retry.pk))
    return retry, True


# --- The reaper ----------------------------------------------------------------------------

@dataclass
class ReapReport:
    """What one pass of the reaper did, by job number."""

    failed: list[int] = field(default_factory=list)  # running, but their worker stopped
    requeued: list[int] = field(default_factory=list)  # queued, sent to the broker again
    gave_up: list[int] = field(default_factory=list)  # queued and sent again too often

    def __bool__(self) -> bool:
        return bool(self.failed or self.requeued or self.gave_up)


def jobs_reap(*, now=None) -> ReapReport:
    """Bring jobs that can no longer end by themselves to an end.

    A running job whose heartbeat is older than JOB_HEARTBEAT_TIMEOUT_SECONDS lost its
    worker (killed, or its machine gone): it is failed with a message, ready to be tried
    again. A job still queued JOB_QUEUED_TIMEOUT_SECONDS after it was sent is sent again:
    a copy only starts a job still queued, so a spare one costs nothing. Whether the wait
    means anything depends on the workers: while some job runs with a fresh heartbeat, a
    worker is busy and the job may simply be waiting its turn behind long work, so it
    waits on; with none running, the message was most likely lost (a broker restarted
    without its data), and after JOB_MAX_REQUEUES such sends the job is failed.
    Each change is conditional on the row being as it was read, so a heartbeat or a claim
    that lands meanwhile wins.
    """
    now = now or timezone.now()
    report = ReapReport()
    stale = now - timedelta(seconds=settings.JOB_HEARTBEAT_TIMEOUT_SECONDS)
    stopped = Q(heartbeat_at__lt=stale) | Q(heartbeat_at__isnull=True, started_at__lt=stale)
    for pk in Job.objects.filter(stopped, status=Job.Status.RUNNING).values_list("pk", flat=True):
        if Job.objects.filter(stopped, pk=pk, status=Job.Status.RUNNING).update(
                status=Job.Status.FAILED, finished_at=now, progress_message="Failed",
                error=WORKER_STOPPED.format(pk=pk)):
            report.failed.append(pk)

    waited = now - timedelta(seconds=settings.JOB_QUEUED_TIMEOUT_SECONDS)
    # Up to and including the timeout: the reaper passes about as often as the timeout, and
    # a pass that lands on it to the second must not leave the job for the next one.
    lost = Q(heartbeat_at__lte=waited) | Q(heartbeat_at__isnull=True, created_at__lte=waited)
    waiting = list(Job.objects.filter(lost, status=Job.Status.QUEUED).values_list("pk", "requeues", "idle_requeues"))
    # Read after the dead runs were failed above, so that they do not count as busy.
    busy = bool(waiting) and Job.objects.filter(status=Job.Status.RUNNING, heartbeat_at__gte=stale).exists()
    for pk, requeues, idle in waiting:
        unchanged = Job.objects.filter(lost, pk=pk, status=Job.Status.QUEUED, requeues=requeues)
        if not busy and idle >= settings.JOB_MAX_REQUEUES:
            if unchanged.update(status=Job.Status.FAILED, finished_at=now, progress_message="Failed",
                                error=NEVER_STARTED.format(pk=pk)):
                report.gave_up.append(pk)
        # heartbeat_at of a queued job is when it was last sent, so the wait starts again.
        elif unchanged.update(requeues=F("requeues") + 1, heartbeat_at=now,
                              idle_requeues=F("idle_requeues") + (0 if busy else 1)):
            report.requeued.append(pk)
            _enqueue(pk, requeues + 1)
    if report:
        logger.warning("Job reaper: failed %s (worker stopped), sent again %s%s, gave up on %s",
                       report.failed, report.requeued, " (workers busy)" if busy else "", report.gave_up)
    return report


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
