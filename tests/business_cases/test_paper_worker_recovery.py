"""Cabinet paper jobs that lose their worker or its database, through real workers.

Like tests/business_cases/test_paper_worker.py, these run only with CELERY_BROKER_URL set
and the database on PostgreSQL. The workers get short timeouts (a heartbeat older than a
few seconds counts as stopped) so that what takes a minute in production takes seconds.
"""
import time
import uuid

import pytest
from django.db import connection
from django.utils import timezone

from business_cases.models import PaperVersion
from business_cases.papers import paper_generate
from core.jobs import CONNECTION_LOST, WORKER_STOPPED, job_retry
from core.models import Job
from tests.business_cases.test_paper_worker import LAYING_OUT, _paper_files, demo  # noqa: F401 - the fixture
from tests.test_worker import _finished, _job_in, workers  # noqa: F401 - the fixture

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

FAST = {"JOB_HEARTBEAT_INTERVAL_SECONDS": "0.5", "JOB_HEARTBEAT_TIMEOUT_SECONDS": "4",
        "JOB_REAP_EVERY_SECONDS": "2"}
FINAL_WITHIN = 120  # seconds after the worker is back: the promise the reaper keeps


def _laying_out(workers, job, worker):  # noqa: F811
    """Wait (polling quickly: the render takes a couple of seconds) until the job is in
    WeasyPrint's layout, where it touches no database."""
    deadline = time.monotonic() + 90
    while True:
        j = _job_in(job.pk, Job.Status.RUNNING)
        if j and j.progress >= LAYING_OUT:
            return j
        if worker.proc.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"job {job.pk} never reached {LAYING_OUT}%\n{workers.logs()}", pytrace=False)
        time.sleep(0.05)


def test_a_paper_job_ends_within_two_minutes_after_its_whole_worker_is_killed(workers, demo):  # noqa: F811
    """kill -9 the whole worker mid-render: its task stays unacknowledged in Redis for the
    visibility timeout (an hour). The next worker's reaper fails the job with a message,
    and trying again makes exactly one version."""
    paper, director = demo
    workers.env.update(FAST)
    first = workers.start("doomed")
    job, _ = paper_generate(paper=paper, user=director, request_id=uuid.uuid4().hex, today=timezone.localdate())
    _laying_out(workers, job, first)
    first.kill()
    assert _job_in(job.pk, Job.Status.RUNNING), "a killed worker leaves its job running"

    started = time.monotonic()
    second = workers.start("rescuer")
    job = workers.wait_for(lambda: _finished(job.pk), f"job {job.pk} to reach a final state",
                           timeout=FINAL_WITHIN, alive=second)
    assert time.monotonic() - started < FINAL_WITHIN
    assert job.status == Job.Status.FAILED, workers.logs()
    assert job.error == WORKER_STOPPED.format(pk=job.pk)
    assert not PaperVersion.objects.filter(paper=paper).exists()
    assert _paper_files(paper) == [], "the killed render must leave no files"

    retry, created = job_retry(job=job, user=director)
    assert created
    retry = workers.wait_for(lambda: _finished(retry.pk), f"job {retry.pk} to finish", alive=second)
    assert retry.status == Job.Status.SUCCEEDED, f"{retry.error}\n{workers.logs()}"
    version = PaperVersion.objects.get(paper=paper)
    assert (version.number, version.job_id) == (1, retry.pk)
    assert len(_paper_files(paper)) == 3  # the PDF, the Word file and what they printed (JSON)
    assert Job.objects.get(pk=job.pk).status == Job.Status.FAILED, "the failed attempt is kept"


def test_a_paper_job_whose_database_connection_drops_fails_with_a_message_and_can_be_retried(
        workers, demo):  # noqa: F811
    """The server ends every connection of the worker while it lays the paper out (a
    database restart, say): the job records its failure on a new connection at once,
    rather than staying running."""
    paper, director = demo
    workers.env.update(FAST)
    worker = workers.start("papers")
    job, _ = paper_generate(paper=paper, user=director, request_id=uuid.uuid4().hex, today=timezone.localdate())
    _laying_out(workers, job, worker)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                       "WHERE datname = current_database() AND pid <> pg_backend_pid()")
        assert cursor.fetchone()[0] >= 1, "the worker had no connection to end"
    job = workers.wait_for(lambda: _finished(job.pk), f"job {job.pk} to reach a final state", alive=worker)
    if job.status == Job.Status.FAILED:
        assert job.error == CONNECTION_LOST.format(pk=job.pk), workers.logs()
        assert not PaperVersion.objects.filter(paper=paper).exists()
        retry, _ = job_retry(job=job, user=director)
        retry = workers.wait_for(lambda: _finished(retry.pk), f"job {retry.pk} to finish", alive=worker)
        assert retry.status == Job.Status.SUCCEEDED, f"{retry.error}\n{workers.logs()}"
        assert PaperVersion.objects.get(paper=paper).job_id == retry.pk
    else:  # it recovered by itself: one version, of this job
        assert PaperVersion.objects.get(paper=paper).job_id == job.pk
    assert PaperVersion.objects.filter(paper=paper).count() == 1
    assert worker.proc.poll() is None, "the worker itself must survive"
