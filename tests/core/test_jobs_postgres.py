"""The job runner against PostgreSQL itself: progress seen from another connection while a
handler holds a long transaction, and a connection dropped mid-job. Skipped on SQLite,
whose one writer at a time is why progress is written on the handler's connection there."""
import threading

import pytest
from django.db import connection, transaction

from core.jobs import CONNECTION_LOST, JobOutput, job_handler, job_request, job_retry
from core.models import Job
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

SEEN: list = []
DROP = {"once": True}


@pytest.fixture(autouse=True)
def _postgres(settings, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("needs DATABASE_URL pointing at PostgreSQL")
    settings.MEDIA_ROOT = tmp_path / "media"
    SEEN.clear()
    DROP["once"] = True


def _read_elsewhere(job_id: int) -> tuple:
    """The job as a page would see it: from a connection of another thread."""
    out = []

    def read():
        try:
            out.append(Job.objects.values_list("progress", "progress_message").get(pk=job_id))
        finally:
            connection.close()

    t = threading.Thread(target=read)
    t.start()
    t.join(10)
    return out[0]


@job_handler("tests.long_transaction")
def long_transaction_job(job: Job, progress) -> JobOutput:
    """Like a ledger commit: every step inside one transaction that also writes rows."""
    with transaction.atomic():
        for percent, message in ((20, "Checking"), (60, "Writing"), (90, "Summing")):
            UserFactory(username=f"row-{percent}")
            progress(percent, message)
            SEEN.append(_read_elsewhere(job.pk))
    return JobOutput(filename="done.txt", content=b"ok", content_type="text/plain")


def test_progress_is_seen_while_the_handler_holds_its_transaction():
    user = UserFactory(username="asker")
    job, _ = job_request(kind="tests.long_transaction", created_by=user, target=user)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert SEEN == [(20, "Checking"), (60, "Writing"), (90, "Summing")]


@job_handler("tests.dropped_connection")
def dropped_connection_job(job: Job, progress) -> JobOutput:
    """Has the server end this connection (as a database restart or a network cut would),
    then carries on using it."""
    progress(40, "Laying out the pages")
    if DROP["once"]:
        DROP["once"] = False
        pid = connection.connection.info.backend_pid
        killer = []

        def terminate():
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
                    killer.append(cursor.fetchone()[0])
            finally:
                connection.close()

        t = threading.Thread(target=terminate)
        t.start()
        t.join(10)
        assert killer == [True]
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JobOutput(filename="done.txt", content=b"ok", content_type="text/plain")


def test_a_dropped_connection_fails_the_job_with_a_message_and_it_can_be_retried():
    user = UserFactory(username="asker")
    job, _ = job_request(kind="tests.dropped_connection", created_by=user, target=user)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.error == CONNECTION_LOST.format(pk=job.pk)
    assert job.finished_at is not None
    retry, created = job_retry(job=job, user=user)
    retry.refresh_from_db()
    assert created and retry.status == Job.Status.SUCCEEDED

