"""The job runner of core/jobs.py, driven through a test-only handler."""
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import F
from django.utils import timezone

from core import jobs
from core.jobs import JobError, JobOutput, job_handler, job_may_retry, job_request, job_retry, job_run, jobs_reap
from core.models import Job
from tests.factories import UserFactory

KIND = "tests.echo"
CALLS: list[dict] = []


@job_handler(KIND)
def echo_job(job: Job, progress) -> JobOutput:
    """Does what job.params says: fail, crash or report progress, then return a file."""
    CALLS.append({"job_id": job.pk, "attempts": job.attempts, "status": job.status})
    params = job.params
    if params.get("fail"):
        raise JobError(params["fail"])
    if params.get("crash"):
        raise RuntimeError(params["crash"])
    for percent, message in params.get("progress", []):
        progress(percent, message)
        row = Job.objects.get(pk=job.pk)
        CALLS[-1].setdefault("seen", []).append((row.progress, row.progress_message))
    if params.get("paused_and_reaped"):
        _pause_past_the_heartbeat_timeout(job)
    if params.get("taken_over"):
        # The broker handed the task out again and that later run started (see _claim).
        Job.objects.filter(pk=job.pk).update(attempts=F("attempts") + 1, heartbeat_at=timezone.now())
    if params.get("late_fail"):
        raise JobError(params["late_fail"])
    return JobOutput(filename="echo.txt", content=b"hello", content_type="text/plain",
                     timings={"html_seconds": 0.1})


def _pause_past_the_heartbeat_timeout(job: Job) -> None:
    """What the reaper sees of a worker stopped (SIGSTOP, a frozen VM) for longer than the
    heartbeat timeout: a heartbeat that old, and the reaper fails the job."""
    Job.objects.filter(pk=job.pk).update(
        heartbeat_at=timezone.now() - timedelta(seconds=settings.JOB_HEARTBEAT_TIMEOUT_SECONDS + 1))
    assert jobs_reap().failed == [job.pk]


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    """A media folder per test (job numbers repeat between tests on SQLite) and no
    handler calls carried over."""
    settings.MEDIA_ROOT = tmp_path / "media"
    CALLS.clear()
    yield
    CALLS.clear()


@pytest.fixture
def user(db):
    return UserFactory(username="asker")


def _files_of(job: Job) -> list[str]:
    folder = f"jobs/{job.pk}"
    if not default_storage.exists(folder):
        return []
    return default_storage.listdir(folder)[1]


def test_request_creates_a_job_and_runs_it_after_commit(user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        job, created = job_request(kind=KIND, created_by=user, target=user, params={"a": 1})
        # Nothing runs before the transaction commits.
        assert CALLS == []
    assert created
    assert len(callbacks) == 1
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert job.created_by == user
    assert job.target_id == user.pk
    assert job.params == {"a": 1}
    assert job.attempts == 1
    assert job.progress == 100
    assert job.started_at and job.finished_at and job.finished_at >= job.started_at
    assert job.result_name == "echo.txt"
    assert job.result_content_type == "text/plain"
    assert job.timings == {"html_seconds": 0.1}
    with job.result_file.open("rb") as f:
        assert f.read() == b"hello"
    assert len(CALLS) == 1


def test_same_idempotency_key_gives_one_job_enqueued_once(user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first, created_first = job_request(kind=KIND, created_by=user, target=user, idempotency_key="k-1")
        second, created_second = job_request(kind=KIND, created_by=user, target=user, idempotency_key="k-1")
    assert first.pk == second.pk
    assert (created_first, created_second) == (True, False)
    assert len(callbacks) == 1
    assert len(CALLS) == 1
    assert Job.objects.filter(kind=KIND).count() == 1


def test_without_a_key_each_request_is_its_own_job(user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        a, _ = job_request(kind=KIND, created_by=user, target=user)
        b, _ = job_request(kind=KIND, created_by=user, target=user, idempotency_key="")
    assert a.pk != b.pk
    assert a.idempotency_key is None and b.idempotency_key is None
    assert len(CALLS) == 2


def test_an_unknown_kind_is_refused(user):
    with pytest.raises(ValueError, match="no.such.kind"):
        job_request(kind="no.such.kind", created_by=user, target=user)
    assert not Job.objects.exists()


def test_a_job_that_cannot_be_queued_fails_with_a_message(user, django_capture_on_commit_callbacks, monkeypatch):
    class DownBroker:
        @staticmethod
        def delay(job_id):
            raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr("core.tasks.run_job", DownBroker)
    with django_capture_on_commit_callbacks(execute=True):
        job, created = job_request(kind=KIND, created_by=user, target=user)
    assert created
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "background service is not available" in job.error
    assert str(job.pk) in job.error and "6379" not in job.error
    assert CALLS == []


def test_running_a_job_twice_keeps_one_result(user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        job, _ = job_request(kind=KIND, created_by=user, target=user)
    job_run(job_id=job.pk)
    job.refresh_from_db()
    first = (job.result_file.name, job.finished_at)
    job_run(job_id=job.pk)
    job.refresh_from_db()
    assert len(CALLS) == 1, "the second run of a succeeded job must do nothing"
    assert job.status == Job.Status.SUCCEEDED
    assert job.attempts == 1
    assert (job.result_file.name, job.finished_at) == first
    assert _files_of(job) == ["echo.txt"]


def test_a_missing_job_is_ignored(db):
    job_run(job_id=987654)
    assert CALLS == []


def test_job_error_fails_the_job_with_exactly_its_message(user, django_capture_on_commit_callbacks):
    message = "The roster has no rows: add staff and try again."
    with django_capture_on_commit_callbacks(execute=True):
        job, _ = job_request(kind=KIND, created_by=user, target=user, params={"fail": message})
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.error == message
    assert job.is_finished and job.finished_at
    assert not job.result_file
    # A failed job is finished: running it again does nothing.
    job_run(job_id=job.pk)
    assert len(CALLS) == 1


def test_a_crash_fails_the_job_with_its_number_and_no_traceback(user, django_capture_on_commit_callbacks, caplog):
    with django_capture_on_commit_callbacks(execute=True):
        job, _ = job_request(kind=KIND, created_by=user, target=user,
                             params={"crash": "secret internals /srv/app/x.py line 3"})
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert str(job.pk) in job.error
    for leak in ("Traceback", "RuntimeError", "secret internals", "x.py", "line 3"):
        assert leak not in job.error
    # The detail goes to the log for the administrator instead.
    assert any(r.exc_info and "secret internals" in str(r.exc_info[1]) for r in caplog.records)


def test_a_job_whose_handler_has_gone_fails_cleanly(user, django_capture_on_commit_callbacks, monkeypatch):
    with django_capture_on_commit_callbacks(execute=False):
        job, _ = job_request(kind=KIND, created_by=user, target=user)
    monkeypatch.delitem(jobs._handlers, KIND)
    job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert KIND in job.error


def test_progress_is_stored(user, django_capture_on_commit_callbacks):
    steps = [[20, "Reading the roster"], [150, "Over the top"], [-5, "x" * 300]]
    with django_capture_on_commit_callbacks(execute=True):
        job, _ = job_request(kind=KIND, created_by=user, target=user, params={"progress": steps})
    assert CALLS[0]["seen"] == [(20, "Reading the roster"), (100, "Over the top"), (0, "x" * 200)]
    job.refresh_from_db()
    assert (job.progress, job.progress_message) == (100, "Ready")


def test_a_redelivered_running_job_is_taken_over(user, django_capture_on_commit_callbacks):
    """A worker killed mid-run leaves the job RUNNING; the re-delivered task takes it over."""
    with django_capture_on_commit_callbacks(execute=False):
        job, _ = job_request(kind=KIND, created_by=user, target=user)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, attempts=1, progress=40,
                                         progress_message="Laying out the pages")
    job_run(job_id=job.pk)
    job.refresh_from_db()
    assert CALLS == [{"job_id": job.pk, "attempts": 2, "status": Job.Status.RUNNING}]
    assert job.status == Job.Status.SUCCEEDED
    assert job.attempts == 2
    assert _files_of(job) == ["echo.txt"]


def test_a_run_reaped_while_paused_does_not_overwrite_the_failure_when_it_finishes(
        user, django_capture_on_commit_callbacks, caplog):
    """The worker pauses past the heartbeat timeout, the reaper fails the job, someone tries
    again; then the paused run wakes and finishes. The failure and the retry stand."""
    with django_capture_on_commit_callbacks(execute=False):
        job, _ = job_request(kind=KIND, created_by=user, target=user, params={"paused_and_reaped": True})
    job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.error == jobs.WORKER_STOPPED.format(pk=job.pk)
    assert not job.result_file and job.result_name == "" and job.progress_message == "Failed"
    assert _files_of(job) == []
    assert "its outcome is not kept" in caplog.text
    # Try again still works on it, as on any failed job.
    with django_capture_on_commit_callbacks(execute=False):
        retry, created = job_retry(job=job, user=user)
    assert created and retry.retry_of == job


def test_a_late_success_after_a_retry_leaves_the_retry_the_only_result(user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        job, _ = job_request(kind=KIND, created_by=user, target=user)
    jobs._claim(job.pk)
    paused = Job.objects.get(pk=job.pk)  # the run's own view of its job, as job_run holds it
    _pause_past_the_heartbeat_timeout(paused)
    with django_capture_on_commit_callbacks(execute=True):
        retry, _ = job_retry(job=paused, user=user)
    jobs._finish(paused.pk, attempt=paused.attempts, output=JobOutput(
        filename="echo.txt", content=b"late", content_type="text/plain"))
    job.refresh_from_db()
    retry.refresh_from_db()
    assert (job.status, retry.status) == (Job.Status.FAILED, Job.Status.SUCCEEDED)
    assert _files_of(job) == [] and _files_of(retry) == ["echo.txt"]


def test_an_earlier_runs_error_does_not_fail_a_job_a_later_run_took_over(user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        job, _ = job_request(kind=KIND, created_by=user, target=user,
                             params={"taken_over": True, "late_fail": "The sheet is empty."})
    job_run(job_id=job.pk)
    job.refresh_from_db()
    # The later run (attempt 2) still has it; the earlier one's failure is not its outcome.
    assert (job.status, job.attempts, job.error, job.finished_at) == (Job.Status.RUNNING, 2, "", None)
    # Nor its success.
    jobs._finish(job.pk, attempt=1, output=JobOutput(filename="echo.txt", content=b"old", content_type="text/plain"))
    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING and _files_of(job) == []
    # The later run's own outcome is recorded.
    jobs._finish(job.pk, attempt=2, output=JobOutput(filename="echo.txt", content=b"new", content_type="text/plain"))
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    with job.result_file.open("rb") as f:
        assert f.read() == b"new"


def test_job_hold_refuses_a_run_that_no_longer_owns_its_job(user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        job, _ = job_request(kind=KIND, created_by=user, target=user)
    run = jobs._claim(job.pk)
    Job.objects.filter(pk=job.pk).update(heartbeat_at=_ago(3600))
    jobs.job_hold(job=run)  # still its own: the heartbeat is renewed
    assert timezone.now() - Job.objects.get(pk=job.pk).heartbeat_at < timedelta(seconds=5)
    later = jobs._claim(job.pk)  # taken over by a redelivered copy
    with pytest.raises(jobs.JobSuperseded):
        jobs.job_hold(job=run)
    jobs.job_hold(job=later)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.FAILED)
    with pytest.raises(jobs.JobSuperseded):
        jobs.job_hold(job=later)


def test_a_file_left_by_a_killed_run_is_replaced_not_doubled(user, django_capture_on_commit_callbacks):
    """A run killed after writing its file but before committing leaves the file behind."""
    with django_capture_on_commit_callbacks(execute=False):
        job, _ = job_request(kind=KIND, created_by=user, target=user)
    default_storage.save(f"jobs/{job.pk}/echo.txt", ContentFile(b"half-written"))
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, attempts=1)
    job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert _files_of(job) == ["echo.txt"]
    with job.result_file.open("rb") as f:
        assert f.read() == b"hello"


def test_the_diagnostic_sleep_job_reports_progress(user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job, _ = job_request(kind=jobs.SLEEP_KIND, created_by=user, target=user, params={"seconds": 0.3})
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert job.result_content_type == "text/plain"
    assert job.timings == {"sleep_seconds": 0.3}


def test_job_string_and_duration(user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job, _ = job_request(kind=KIND, created_by=user, target=user)
    job.refresh_from_db()
    assert str(job) == f"{KIND} #{job.pk} (Ready)"
    assert job.duration_seconds is not None and job.duration_seconds >= 0


# Trying again ------------------------------------------------------------------------------

def _failed_job(user, django_capture_on_commit_callbacks, **params):
    with django_capture_on_commit_callbacks(execute=True):
        job, _ = job_request(kind=KIND, created_by=user, target=user, idempotency_key="req-1",
                             params={"fail": "The sheet is empty.", **params})
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    return job


def test_a_retry_is_a_new_job_and_the_failed_one_is_kept(user, django_capture_on_commit_callbacks):
    failed = _failed_job(user, django_capture_on_commit_callbacks)
    other = UserFactory(username="manager")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        retry, created = job_retry(job=failed, user=other)
    assert created and len(callbacks) == 1
    retry.refresh_from_db()
    failed.refresh_from_db()
    assert retry.pk != failed.pk
    assert retry.retry_of == failed and failed.retry == retry
    assert (retry.kind, retry.target_id, retry.params) == (failed.kind, failed.target_id, failed.params)
    assert retry.created_by == other
    # The key of the request with the attempt number: a new request, not the failed one.
    assert retry.idempotency_key == "req-1#2"
    # The failed attempt stays as it was, its error visible.
    assert failed.status == Job.Status.FAILED and failed.error == "The sheet is empty."
    # The retry ran (and, with the same params, failed the same way).
    assert retry.status == Job.Status.FAILED and len(CALLS) == 2
    # A retry of the retry is attempt 3, and points at attempt 2.
    with django_capture_on_commit_callbacks(execute=False):
        third, _ = job_retry(job=retry, user=user)
    assert third.retry_of == retry and third.idempotency_key == "req-1#3"
    assert Job.objects.filter(kind=KIND).count() == 3


def test_pressing_try_again_twice_gives_one_retry(user, django_capture_on_commit_callbacks):
    failed = _failed_job(user, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first, created_first = job_retry(job=failed, user=user)
        second, created_second = job_retry(job=failed, user=user)
    assert first.pk == second.pk and (created_first, created_second) == (True, False)
    assert len(callbacks) == 1


@pytest.mark.parametrize("status", [Job.Status.QUEUED, Job.Status.RUNNING, Job.Status.SUCCEEDED])
def test_only_a_failed_job_can_be_tried_again(user, status, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        job, _ = job_request(kind=KIND, created_by=user, target=user)
    Job.objects.filter(pk=job.pk).update(status=status)
    with pytest.raises(JobError, match="Only work that failed"):
        job_retry(job=job, user=user)
    assert Job.objects.count() == 1


def test_who_may_try_again(user, django_capture_on_commit_callbacks):
    failed = _failed_job(user, django_capture_on_commit_callbacks)
    someone = UserFactory(username="someone")
    assert job_may_retry(failed, user, manages=False)
    assert job_may_retry(failed, someone, manages=True)
    assert not job_may_retry(failed, someone, manages=False)


# The reaper --------------------------------------------------------------------------------

def _ago(seconds: float):
    return timezone.now() - timedelta(seconds=seconds)


def test_a_running_job_whose_heartbeat_stopped_is_failed_and_can_be_retried(
        user, settings, django_capture_on_commit_callbacks):
    settings.JOB_HEARTBEAT_TIMEOUT_SECONDS = 45
    with django_capture_on_commit_callbacks(execute=False):
        dead, _ = job_request(kind=KIND, created_by=user, target=user)
        alive, _ = job_request(kind=KIND, created_by=user, target=user)
        never_beat, _ = job_request(kind=KIND, created_by=user, target=user)
    Job.objects.filter(pk=dead.pk).update(status=Job.Status.RUNNING, attempts=1, started_at=_ago(600),
                                          heartbeat_at=_ago(46))
    Job.objects.filter(pk=alive.pk).update(status=Job.Status.RUNNING, attempts=1, started_at=_ago(600),
                                           heartbeat_at=_ago(30))
    Job.objects.filter(pk=never_beat.pk).update(status=Job.Status.RUNNING, attempts=1, started_at=_ago(60))
    report = jobs_reap()
    assert sorted(report.failed) == sorted([dead.pk, never_beat.pk])
    assert report.requeued == report.gave_up == []
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert dead.status == Job.Status.FAILED and dead.finished_at
    assert dead.error == (f"The worker running this stopped before it finished. Press Try again; if it fails "
                          f"again, tell your administrator the job number: {dead.pk}.")
    assert alive.status == Job.Status.RUNNING
    # A second pass finds nothing more to do.
    assert not jobs_reap()
    # The reaped job can be tried again, and the retry runs to the end.
    with django_capture_on_commit_callbacks(execute=True):
        retry, created = job_retry(job=dead, user=user)
    retry.refresh_from_db()
    assert created and retry.status == Job.Status.SUCCEEDED
    # The dead run's task, handed out again by the broker an hour later, does nothing.
    job_run(job_id=dead.pk)
    dead.refresh_from_db()
    assert dead.status == Job.Status.FAILED and len(CALLS) == 1


def test_the_default_timeouts_end_a_lost_job_within_two_minutes(settings):
    # A lost job is sent again at the first reaper pass after the queued timeout.
    assert settings.JOB_QUEUED_TIMEOUT_SECONDS + settings.JOB_REAP_EVERY_SECONDS <= 120


def test_a_queued_job_no_worker_took_is_sent_again_then_failed(
        user, settings, django_capture_on_commit_callbacks):
    timeout, limit = settings.JOB_QUEUED_TIMEOUT_SECONDS, settings.JOB_MAX_REQUEUES
    with django_capture_on_commit_callbacks(execute=False):
        lost, _ = job_request(kind=KIND, created_by=user, target=user)
        waiting, _ = job_request(kind=KIND, created_by=user, target=user)
        given_up, _ = job_request(kind=KIND, created_by=user, target=user)
    Job.objects.filter(pk=lost.pk).update(created_at=_ago(timeout + 1))
    Job.objects.filter(pk=waiting.pk).update(created_at=_ago(timeout - 5))
    Job.objects.filter(pk=given_up.pk).update(created_at=_ago(3000), heartbeat_at=_ago(timeout + 1),
                                              requeues=limit + 4, idle_requeues=limit)
    report = jobs_reap()
    assert report.requeued == [lost.pk]
    assert report.gave_up == [given_up.pk]
    lost.refresh_from_db()
    given_up.refresh_from_db()
    waiting.refresh_from_db()
    # Sent again (tasks run in-process here), it ran: the lost job is done.
    assert (lost.requeues, lost.idle_requeues, lost.status) == (1, 1, Job.Status.SUCCEEDED)
    assert [c["job_id"] for c in CALLS] == [lost.pk]
    assert waiting.status == Job.Status.QUEUED and waiting.requeues == 0
    assert given_up.status == Job.Status.FAILED
    assert given_up.error.startswith("No worker took this up") and str(given_up.pk) in given_up.error


class _Broker:
    """Stands in for the broker's queue: keeps what is sent, runs nothing, so that a job
    the reaper sends again stays queued as it would behind a busy worker."""

    def __init__(self):
        self.sent = []

    def delay(self, *args):
        self.sent.append(args)


def _reap_every_minute(minutes: int, *, start, running: Job | None = None):
    """The reaper's passes for `minutes` minutes from `start`; `running` (if given) is a job
    whose worker beats all along, as one busy with a long ledger commit does."""
    reports = []
    for minute in range(1, minutes + 1):
        now = start + timedelta(seconds=settings.JOB_REAP_EVERY_SECONDS * minute)
        if running:
            Job.objects.filter(pk=running.pk).update(heartbeat_at=now - timedelta(seconds=2))
        reports.append(jobs_reap(now=now))
    return reports


def test_a_job_waiting_behind_long_work_is_never_given_up(user, monkeypatch, django_capture_on_commit_callbacks):
    broker = _Broker()
    monkeypatch.setattr("core.tasks.run_job", broker)
    with django_capture_on_commit_callbacks(execute=False):
        long_one, _ = job_request(kind=KIND, created_by=user, target=user)
        behind, _ = job_request(kind=KIND, created_by=user, target=user)
    start = timezone.now()
    Job.objects.filter(pk=long_one.pk).update(status=Job.Status.RUNNING, attempts=1, started_at=start,
                                              heartbeat_at=start)
    Job.objects.filter(pk=behind.pk).update(created_at=start)
    # Half an hour of a long job running, with the reaper passing every minute.
    reports = _reap_every_minute(30, start=start, running=long_one)
    behind.refresh_from_db()
    assert behind.status == Job.Status.QUEUED, behind.error
    assert not any(r.gave_up or r.failed for r in reports)
    # Sent again on the way, harmlessly, but none of those sends counts towards giving up.
    assert behind.requeues >= 10 and behind.idle_requeues == 0
    assert broker.sent[0] == (behind.pk, 1) and len(broker.sent) == behind.requeues
    # The long job ends; its worker takes the job that waited, from any copy.
    Job.objects.filter(pk=long_one.pk).update(status=Job.Status.SUCCEEDED, finished_at=timezone.now())
    job_run(job_id=behind.pk, requeue=behind.requeues)
    behind.refresh_from_db()
    assert behind.status == Job.Status.SUCCEEDED and behind.attempts == 1


def test_with_no_worker_busy_a_lost_job_is_failed_after_its_sends(
        user, settings, monkeypatch, django_capture_on_commit_callbacks):
    broker = _Broker()
    monkeypatch.setattr("core.tasks.run_job", broker)
    with django_capture_on_commit_callbacks(execute=False):
        lost, _ = job_request(kind=KIND, created_by=user, target=user)
        done, _ = job_request(kind=KIND, created_by=user, target=user)
        dead, _ = job_request(kind=KIND, created_by=user, target=user)
    start = timezone.now()
    Job.objects.filter(pk=lost.pk).update(created_at=start)
    # A finished job and one whose worker died (failed by the same pass) are no busy worker.
    Job.objects.filter(pk=done.pk).update(status=Job.Status.SUCCEEDED, heartbeat_at=start, finished_at=start)
    Job.objects.filter(pk=dead.pk).update(status=Job.Status.RUNNING, attempts=1, started_at=start,
                                          heartbeat_at=start)
    reports = _reap_every_minute(settings.JOB_MAX_REQUEUES + 1, start=start)
    assert reports[0].failed == [dead.pk]
    assert [r.requeued for r in reports] == [[lost.pk]] * settings.JOB_MAX_REQUEUES + [[]]
    assert reports[-1].gave_up == [lost.pk]
    lost.refresh_from_db()
    assert lost.status == Job.Status.FAILED and lost.error == jobs.NEVER_STARTED.format(pk=lost.pk)
    assert lost.idle_requeues == lost.requeues == settings.JOB_MAX_REQUEUES
    assert broker.sent == [(lost.pk, n) for n in range(1, settings.JOB_MAX_REQUEUES + 1)]


def test_sends_while_busy_do_not_count_but_earlier_idle_ones_still_do(
        user, settings, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr("core.tasks.run_job", _Broker())
    with django_capture_on_commit_callbacks(execute=False):
        long_one, _ = job_request(kind=KIND, created_by=user, target=user)
        lost, _ = job_request(kind=KIND, created_by=user, target=user)
    start = timezone.now()
    Job.objects.filter(pk=lost.pk).update(created_at=start, heartbeat_at=start, requeues=2,
                                          idle_requeues=settings.JOB_MAX_REQUEUES)
    Job.objects.filter(pk=long_one.pk).update(status=Job.Status.RUNNING, attempts=1, heartbeat_at=start)
    assert _reap_every_minute(1, start=start, running=long_one)[0].requeued == [lost.pk]
    lost.refresh_from_db()
    assert (lost.status, lost.requeues, lost.idle_requeues) == (Job.Status.QUEUED, 3, settings.JOB_MAX_REQUEUES)
    Job.objects.filter(pk=long_one.pk).update(status=Job.Status.SUCCEEDED)
    later = start + timedelta(seconds=settings.JOB_REAP_EVERY_SECONDS)
    assert _reap_every_minute(1, start=later)[0].gave_up == [lost.pk]


def test_a_job_sent_again_is_not_started_twice(user, django_capture_on_commit_callbacks):
    """The copy the reaper sends again only starts a job still queued: when the first copy
    turns up after all, the second does nothing."""
    with django_capture_on_commit_callbacks(execute=False):
        job, _ = job_request(kind=KIND, created_by=user, target=user)
    Job.objects.filter(pk=job.pk).update(requeues=1)
    job_run(job_id=job.pk)
    job_run(job_id=job.pk, requeue=1)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and job.attempts == 1 and len(CALLS) == 1
    # And a running job that was sent again, with a fresh heartbeat, is left to its runner.
    with django_capture_on_commit_callbacks(execute=False):
        busy, _ = job_request(kind=KIND, created_by=user, target=user)
    Job.objects.filter(pk=busy.pk).update(status=Job.Status.RUNNING, attempts=1, requeues=1,
                                          heartbeat_at=timezone.now())
    job_run(job_id=busy.pk)
    busy.refresh_from_db()
    assert (busy.status, busy.attempts, len(CALLS)) == (Job.Status.RUNNING, 1, 1)


def test_beat_runs_the_reaper_and_the_clean_ups():
    from config.celery import app

    app.loader.import_default_modules()  # what a worker does at start: find every tasks.py
    schedule = app.conf.beat_schedule
    tasks = {entry["task"] for entry in schedule.values()}
    assert tasks == {"core.tasks.reap_jobs", "core.tasks.purge_abandoned_uploads",
                     "workforce.tasks.purge_workforce_personal_data",
                     "business_cases.tasks.make_scheduled_highlight_reports",
                     "programmes.tasks.send_reminders"}
    assert all(task in app.tasks for task in tasks), "every scheduled task must be registered"
    reaper = next(e for e in schedule.values() if e["task"] == "core.tasks.reap_jobs")
    assert reaper["schedule"] == 60


def test_the_same_request_after_a_failure_is_a_new_attempt(user, django_capture_on_commit_callbacks):
    """A big ledger commit's key is the upload's: pressing Commit again after it failed must
    run it again (attempt 2, with the attempt in its key), not find the failure."""
    failed = _failed_job(user, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        again, created = job_request(kind=KIND, created_by=user, target=user, idempotency_key="req-1",
                                     params={"fail": "ignored: the attempt keeps the request's params"})
        same, created_same = job_request(kind=KIND, created_by=user, target=user, idempotency_key="req-1")
    assert created and again.retry_of_id == failed.pk and again.idempotency_key == "req-1#2"
    assert again.params == failed.params
    assert (same.pk, created_same) == (again.pk, False)
    assert len(callbacks) == 1
