"""The ledger's Commit takes "Load anyway" only as the key of the warnings shown: "*" (what
scripts pass to accept every warning) or any other string is no confirmation, never
reaches a job's parameters or its key, and cannot make a second job for one upload."""
from datetime import date

import pytest
from django.urls import reverse

from core.models import Job, Upload
from finance.models import LedgerTransaction
from finance.services import LEDGER_COMMIT_KIND
from tests.finance.conftest import good_rows, receive, xlsx

pytestmark = pytest.mark.django_db

MAPPING = {"map-transaction_date": "Transaction date", "map-cost_centre": "Cost centre", "map-account_code": "Account",
           "map-amount": "Amount", "map-reference": "Reference"}


def _with_warnings():
    # CC999 is a cost centre the programme does not know: a warning, not an error.
    return good_rows(2) + [[date(2023, 8, 1), "CC999", "1001", "x", "", 40, "U1"]]


def _lines(cast):
    return LedgerTransaction.objects.filter(programme=cast.programme)


@pytest.mark.parametrize("sent", ["*", "f" * 500])
def test_a_small_file_with_warnings_is_not_loaded_by_what_the_request_sends(cast, budget, sent):
    upload = receive(cast, xlsx(_with_warnings()))
    client = cast.client("finance")
    client.post(reverse("finance:ledger_mapping", args=["home", upload.pk]), MAPPING)
    response = client.post(reverse("finance:ledger_commit", args=["home", upload.pk]), {"accept_warnings": sent})
    assert response.status_code == 302 and "?confirm=" in response["Location"]
    assert "Load anyway" in client.get(response["Location"]).content.decode()
    assert not _lines(cast).exists() and Upload.objects.get(pk=upload.pk).status == Upload.Status.PREVIEWED


@pytest.mark.parametrize("sent", ["*", "f" * 500])
def test_a_big_file_with_warnings_recorded_makes_no_job(cast, budget, monkeypatch, sent):
    monkeypatch.setattr("finance.services.LEDGER_JOB_THRESHOLD", 2)
    upload = receive(cast, xlsx(_with_warnings()))
    client = cast.client("finance")
    client.post(reverse("finance:ledger_mapping", args=["home", upload.pk]), MAPPING)
    response = client.post(reverse("finance:ledger_commit", args=["home", upload.pk]), {"accept_warnings": sent})
    assert response.status_code == 302 and "?confirm=" in response["Location"]
    assert not Job.objects.exists() and not _lines(cast).exists()


def test_a_big_file_whose_warnings_are_not_known_yet_is_not_loaded_with_a_star(
        cast, budget, monkeypatch, django_capture_on_commit_callbacks):
    """Committed before its mapping was checked, the upload has no warnings recorded: the
    job finds them, and "*" from the request must not have accepted them."""
    monkeypatch.setattr("finance.services.LEDGER_JOB_THRESHOLD", 2)
    upload = receive(cast, xlsx(_with_warnings()))
    assert not upload.warnings and not upload.row_count
    with django_capture_on_commit_callbacks(execute=True):
        response = cast.client("finance").post(reverse("finance:ledger_commit", args=["home", upload.pk]),
                                               {"accept_warnings": "*"})
    job = Job.objects.get(kind=LEDGER_COMMIT_KIND)
    assert response["Location"] == reverse("finance:ledger_job", args=["home", job.uuid])
    assert job.params["accept_warnings"] == "" and job.idempotency_key == f"finance-ledger-commit-{upload.pk}"
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and "the file has warnings" in job.error
    assert not _lines(cast).exists()


def test_a_long_or_changing_value_neither_breaks_the_job_key_nor_makes_a_second_job(cast, budget, monkeypatch):
    monkeypatch.setattr("finance.services.LEDGER_JOB_THRESHOLD", 2)
    upload = receive(cast, xlsx(good_rows(3)))
    client = cast.client("finance")
    client.post(reverse("finance:ledger_mapping", args=["home", upload.pk]), MAPPING)
    url = reverse("finance:ledger_commit", args=["home", upload.pk])
    answers = [client.post(url, {"accept_warnings": sent})
               for sent in ("x" * 500, "0123456789abcdef", "fedcba9876543210", "*")]
    job = Job.objects.get(kind=LEDGER_COMMIT_KIND)
    assert [a["Location"] for a in answers] == [reverse("finance:ledger_job", args=["home", job.uuid])] * 4
    assert job.idempotency_key == f"finance-ledger-commit-{upload.pk}" and job.params["accept_warnings"] == ""
