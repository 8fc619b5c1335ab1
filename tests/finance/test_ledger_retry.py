"""A big ledger commit that failed can run again: from its job page ("Try again") or by
pressing Commit again, each a new attempt with the failed one kept."""
import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from core.models import Job
from finance.models import LedgerTransaction
from finance.services import LEDGER_COMMIT_KIND
from tests.finance.conftest import good_rows, receive, xlsx

MAPPING = {"map-transaction_date": "Transaction date", "map-cost_centre": "Cost centre", "map-account_code": "Account",
           "map-amount": "Amount", "map-reference": "Reference"}


@pytest.fixture
def big(cast, budget, monkeypatch):
    """A previewed upload counted as big, and its commit job failed as the reaper leaves it."""
    monkeypatch.setattr("finance.services.LEDGER_JOB_THRESHOLD", 2)
    upload = receive(cast, xlsx(good_rows(3)))
    cast.client("finance").post(reverse("finance:ledger_mapping", args=["home", upload.pk]), MAPPING)
    failed = Job.objects.create(kind=LEDGER_COMMIT_KIND, created_by=cast.users["finance"],
                                target_type=ContentType.objects.get_for_model(cast.programme),
                                target_id=cast.programme.pk, params={"upload": upload.pk},
                                idempotency_key=f"finance-ledger-commit-{upload.pk}", status=Job.Status.FAILED,
                                error="The worker running this stopped before it finished.")
    return upload, failed


def _lines(cast):
    return LedgerTransaction.objects.filter(programme=cast.programme)


def test_try_again_on_the_job_page_loads_the_file(cast, big, django_capture_on_commit_callbacks):
    upload, failed = big
    client = cast.client("finance")
    page = client.get(reverse("finance:ledger_job", args=["home", failed.uuid])).content.decode()
    retry_url = reverse("finance:ledger_job_retry", args=["home", failed.uuid])
    assert "The worker running this stopped" in page and f'action="{retry_url}"' in page and "Try again" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(retry_url)
    retry = Job.objects.get(retry_of=failed)
    assert response["Location"] == reverse("finance:ledger_job", args=["home", retry.uuid])
    retry.refresh_from_db()
    assert retry.status == Job.Status.SUCCEEDED, retry.error
    assert retry.idempotency_key == f"finance-ledger-commit-{upload.pk}#2"
    assert _lines(cast).count() == 3
    failed.refresh_from_db()
    assert failed.status == Job.Status.FAILED and failed.error
    # The failed attempt's page now leads to the new one instead of offering another try.
    page = client.get(reverse("finance:ledger_job", args=["home", failed.uuid])).content.decode()
    assert reverse("finance:ledger_job", args=["home", retry.uuid]) in page and f'action="{retry_url}"' not in page


def test_commit_pressed_again_after_a_failure_runs_a_new_attempt(cast, big, django_capture_on_commit_callbacks):
    upload, failed = big
    with django_capture_on_commit_callbacks(execute=True):
        response = cast.client("pm").post(reverse("finance:ledger_commit", args=["home", upload.pk]))
    retry = Job.objects.get(retry_of=failed)
    assert response["Location"] == reverse("finance:ledger_job", args=["home", retry.uuid])
    retry.refresh_from_db()
    assert retry.status == Job.Status.SUCCEEDED, retry.error
    assert retry.created_by == cast.users["pm"]
    assert _lines(cast).count() == 3
    assert Job.objects.filter(kind=LEDGER_COMMIT_KIND).count() == 2


def test_a_job_that_has_not_failed_is_not_tried_again(cast, big):
    upload, failed = big
    Job.objects.filter(pk=failed.pk).update(status=Job.Status.RUNNING)
    client = cast.client("finance")
    response = client.post(reverse("finance:ledger_job_retry", args=["home", failed.uuid]))
    assert response["Location"] == reverse("finance:ledger_job", args=["home", failed.uuid])
    assert Job.objects.count() == 1
    page = client.get(response["Location"]).content.decode()
    assert "Only work that failed can be tried again" in page
