"""A big ledger commit through a real worker: progress seen while its one transaction is
open, and kill -9 of the whole worker mid-load leaving no line behind, then one load on
trying again. Runs only with CELERY_BROKER_URL set and the database on PostgreSQL."""
import time
from datetime import date, timedelta

import pytest

from core.jobs import WORKER_STOPPED, job_retry
from core.models import Job, Upload
from finance.models import LedgerSummary, LedgerTransaction
from finance.services import ledger_commit_request
from tests.finance.conftest import csv_bytes, receive
from tests.test_worker import _finished, _job_in, workers  # noqa: F401 - the fixture

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

FAST = {"JOB_HEARTBEAT_INTERVAL_SECONDS": "0.5", "JOB_HEARTBEAT_TIMEOUT_SECONDS": "4",
        "JOB_REAP_EVERY_SECONDS": "2"}
LINES = 150_000
WRITING = 60  # the progress write_ledger reports as it starts writing, inside the transaction


def _rows(n: int):
    start = date(2023, 4, 1)
    return [[start + timedelta(days=k % 360), "CC1", "1001", f"Line {k}", "Acme", f"{100 + k % 997}.25", f"J{k}"]
            for k in range(n)]


def test_a_ledger_commit_killed_mid_load_leaves_nothing_and_loads_once_on_retry(workers, cast, budget):  # noqa: F811
    upload = receive(cast, csv_bytes(_rows(LINES)), "big.csv")
    workers.env.update(FAST)
    first = workers.start("doomed")
    job = ledger_commit_request(upload=upload, programme=cast.programme, user=cast.users["finance"])

    # Progress is written on a connection of its own, so this process sees the commit reach
    # "Writing" while the load's transaction is still open (nothing loaded yet).
    deadline = time.monotonic() + 90
    while not ((j := _job_in(job.pk, Job.Status.RUNNING)) and j.progress >= WRITING):
        if first.proc.poll() is not None or time.monotonic() > deadline or _finished(job.pk):
            pytest.fail(f"job {job.pk} was never seen writing\n{workers.logs()}", pytrace=False)
        time.sleep(0.02)
    first.kill()
    assert j.progress_message.startswith("Writing")
    assert not LedgerTransaction.objects.filter(programme=cast.programme).exists(), "no partial load"
    assert not LedgerSummary.objects.filter(programme=cast.programme).exists()
    upload.refresh_from_db()
    assert upload.status == Upload.Status.PREVIEWED

    started = time.monotonic()
    second = workers.start("rescuer")
    job = workers.wait_for(lambda: _finished(job.pk), f"job {job.pk} to reach a final state", timeout=120,
                           alive=second)
    assert time.monotonic() - started < 120
    assert job.status == Job.Status.FAILED and job.error == WORKER_STOPPED.format(pk=job.pk), workers.logs()
    assert not LedgerTransaction.objects.filter(programme=cast.programme).exists()

    # Pressing Commit again is the new attempt (the upload's key with the attempt in it).
    retry = ledger_commit_request(upload=upload, programme=cast.programme, user=cast.users["finance"])
    assert retry.retry_of_id == job.pk and retry.idempotency_key.endswith("#2")
    retry = workers.wait_for(lambda: _finished(retry.pk), f"job {retry.pk} to finish", alive=second)
    assert retry.status == Job.Status.SUCCEEDED, f"{retry.error}\n{workers.logs()}"
    assert LedgerTransaction.objects.filter(programme=cast.programme).count() == LINES
    upload.refresh_from_db()
    assert upload.status == Upload.Status.COMMITTED
    # A second try of the failed attempt finds the retry, and nothing loads twice.
    assert job_retry(job=job, user=cast.users["pm"])[0].pk == retry.pk
    assert LedgerTransaction.objects.filter(programme=cast.programme).count() == LINES
