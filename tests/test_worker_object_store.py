"""The object store between processes: a real Celery worker process and this (web) process
share nothing but PostgreSQL, Redis and a moto S3 server, as containers on different
hosts would. An upload received here is read by the worker; a paper the worker makes is
downloaded here.

Runs only with CELERY_BROKER_URL set and the database on PostgreSQL, as
tests/test_worker.py (whose `workers` fixture this uses); the in-process versions of the
same journeys are in tests/test_object_store.py and always run.
"""
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from business_cases.models import PaperVersion
from business_cases.papers import KIND as PAPER_KIND
from business_cases.papers import paper_generate
from core.models import Job, Upload
from finance.models import LedgerTransaction
from finance.services import LEDGER_COMMIT_KIND
from tests.business_cases.conftest import soc_ready  # noqa: F401 - the fixture
from tests.business_cases.test_permissions import make_paper
from tests.finance.conftest import good_rows, make_budget, xlsx
from tests.object_store import azurite_endpoint, object_store, s3_endpoint  # noqa: F401 - the fixtures
from tests.test_worker import _finished, workers  # noqa: F401 - the fixture

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

MAPPING = {"map-transaction_date": "Transaction date", "map-cost_centre": "Cost centre", "map-account_code": "Account",
           "map-amount": "Amount", "map-reference": "Reference"}


@pytest.fixture
def shared_store(workers, object_store):  # noqa: F811
    """The worker started on the same bucket as this process."""
    workers.env.update(object_store.env)
    workers.start("store")
    return object_store


def test_an_upload_received_here_is_loaded_by_the_worker(shared_store, workers, cast, settings,  # noqa: F811
                                                         monkeypatch):
    make_budget(cast.programme, cast.workstream)
    monkeypatch.setattr("finance.services.LEDGER_JOB_THRESHOLD", 2)  # so the commit is a job
    client = cast.client("finance")
    data = xlsx(good_rows(3))
    response = client.post(reverse("finance:ledger_upload", args=["home"]),
                           {"file": SimpleUploadedFile("ledger.xlsx", data)})
    assert response.status_code == 302
    upload = Upload.objects.get()
    assert shared_store.keys() == [upload.file.name] and shared_store.read(upload.file.name) == data
    assert client.post(reverse("finance:ledger_mapping", args=["home", upload.pk]), MAPPING).status_code == 302

    response = client.post(reverse("finance:ledger_commit", args=["home", upload.pk]))
    job = Job.objects.get(kind=LEDGER_COMMIT_KIND)
    assert response["Location"] == reverse("finance:ledger_job", args=["home", job.uuid])
    job = workers.wait_for(lambda: _finished(job.pk), f"job {job.pk} to finish")
    assert job.status == Job.Status.SUCCEEDED, f"{job.error}\n{workers.logs()}"
    assert LedgerTransaction.objects.filter(programme=cast.programme).count() == 3
    assert job.result_file.name in shared_store.keys()
    assert "core.tasks.run_job[" in workers.logs()
    assert not settings.MEDIA_ROOT.exists()


def test_a_paper_the_worker_makes_is_downloaded_here(shared_store, workers, soc_ready, settings):  # noqa: F811
    pm = soc_ready.users["pm"]
    paper = make_paper(soc_ready.programme, pm)
    job, created = paper_generate(paper=paper, user=pm, request_id=uuid.uuid4().hex, today=timezone.localdate())
    assert created and job.kind == PAPER_KIND
    job = workers.wait_for(lambda: _finished(job.pk), f"job {job.pk} to finish")
    assert job.status == Job.Status.SUCCEEDED, f"{job.error}\n{workers.logs()}"
    version = PaperVersion.objects.get(paper=paper)
    assert shared_store.keys() == sorted([version.pdf.name, version.docx.name, version.source.name])

    client = soc_ready.client("director")
    for fmt, field in (("pdf", version.pdf), ("docx", version.docx)):
        download = client.get(reverse("business_cases:paper_download", args=["home", paper.pk, 1, fmt]))
        assert download.status_code == 200
        assert b"".join(download.streaming_content) == shared_store.read(field.name)
    assert not settings.MEDIA_ROOT.exists()
