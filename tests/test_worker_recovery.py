"""Jobs the broker lost, through a real worker running Celery beat's schedule (-B).

Runs only with CELERY_BROKER_URL set and the database on PostgreSQL, like
tests/test_worker.py, whose fixture it uses; it empties the broker's Redis database.
"""
import time

import pytest
import redis

from core.jobs import SLEEP_KIND, job_request
from core.models import Job
from tests.factories import UserFactory
from tests.test_worker import BROKER, _finished, workers  # noqa: F401 - the fixture

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_job_lost_by_the_broker_is_sent_again_by_the_reaper_on_beat(workers):  # noqa: F811
    """The broker loses its data (FLUSHDB: a Redis restart without its volume) while a job
    waits: no worker will ever get its task. The reaper, run by beat, sends it again, and
    no job is running, so that send counts as one of the few before giving up."""
    user = UserFactory(username="operator")
    broker = redis.Redis.from_url(BROKER)
    broker.flushdb()  # what earlier tests left there is not this test's
    job, _ = job_request(kind=SLEEP_KIND, created_by=user, target=user, params={"seconds": 0.5})
    assert broker.llen("celery") == 1, "the task should be waiting in the broker"
    broker.flushdb()
    # With the timeouts of production: the reaper every minute, a job queued a minute sent
    # again. That is the promise: a final state within two minutes of the restart.
    for name in ("JOB_QUEUED_TIMEOUT_SECONDS", "JOB_REAP_EVERY_SECONDS", "JOB_MAX_REQUEUES"):
        workers.env.pop(name, None)
    started = time.monotonic()
    worker = workers.start("beat", beat=True)
    job = workers.wait_for(lambda: _finished(job.pk), f"job {job.pk} to finish", timeout=150, alive=worker)
    assert time.monotonic() - started < 120, workers.logs()
    assert job.status == Job.Status.SUCCEEDED, f"{job.error}\n{workers.logs()}"
    assert job.requeues == 1 and job.idle_requeues == 1 and job.attempts == 1
    assert "Sending due task reap-jobs (core.tasks.reap_jobs)" in worker.output()
