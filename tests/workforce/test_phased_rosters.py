"""Phased transfers: where staff move under two contracts on different days, a roster
version may cover one contract's staff, and is on time or late against that contract's
ELI deadline; a version for every transfer is measured against the first."""
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import ContractFactory
from tests.workforce.conftest import receive, staff, xlsx
from workforce.models import TransferRoster

pytestmark = pytest.mark.django_db


@pytest.fixture
def phased(hr_programme):
    """The cast's programme: its first contract's staff moved a month ago, and a second
    agreement's staff move five months from now."""
    cast = hr_programme
    first = cast.programme.contracts.get()
    first.transfer_date = timezone.localdate() - timedelta(days=30)
    first.save()
    later = ContractFactory(programme=cast.programme, title="Complex needs agreement",
                            end_date=first.end_date + timedelta(days=182), staff_transfer=True,
                            transfer_date=timezone.localdate() + timedelta(days=152))
    return cast, first, later


def _commit(cast, received_on, **extra):
    # Each version a file of its own (the same file twice is the same upload).
    upload = receive(cast.programme, cast.users["hr"], xlsx(staff(2, start=TransferRoster.objects.count() * 2 + 1)))
    url = reverse("workforce:upload_commit", args=[cast.programme.slug, "roster", upload.pk])
    response = cast.client("hr").post(url, {"as_at": (received_on - timedelta(days=2)).isoformat(),
                                            "received_on": received_on.isoformat(), **extra})
    assert response.status_code == 302, response.content.decode()[:3000]
    return TransferRoster.objects.get(upload=upload)


def test_a_version_for_one_contract_is_measured_against_that_contracts_deadline(phased):
    cast, first, later = phased
    slug = cast.programme.slug
    # The preview offers the contracts whose staff transfer, each with its ELI deadline.
    upload = receive(cast.programme, cast.users["hr"], xlsx(staff(2)))
    preview = cast.client("hr").get(reverse("workforce:upload_preview", args=[slug, "roster", upload.pk]))
    html = preview.content.decode()
    assert f"ELI due by {later.eli_deadline:%-d %B %Y}" in html and "Every transfer" in html

    received = first.eli_deadline + timedelta(days=10)  # after the first deadline, before the second
    own = _commit(cast, received, contract=later.pk)
    every = _commit(cast, received)
    assert (own.contract, own.eli_deadline, own.days_late) == (later, later.eli_deadline, 0)
    assert (every.contract, every.eli_deadline, every.days_late) == (None, first.eli_deadline, 10)

    page = cast.client("pm").get(reverse("workforce:versions", args=[slug])).content.decode()
    assert "Staff transfer in phases" in page
    assert f"Complex needs agreement (ELI due {later.eli_deadline:%-d %b %Y})" in page
    assert "Late by 10 days" in page and "Every transfer" in page
    api = cast.client("pm").get(reverse("workforce_api:versions", kwargs={"programme_slug": slug})).json()
    by_version = {v["version"]: v for v in api["versions"]}
    assert (by_version[own.version]["contract"], by_version[own.version]["late"]) == (later.pk, False)
    assert (by_version[every.version]["days_late"], by_version[every.version]["eli_deadline"]) == (
        10, first.eli_deadline.isoformat())


def test_another_programmes_contract_is_refused_and_one_transfer_asks_nothing(phased, cast):
    cast, first, later = phased
    stranger = cast.other_programme.contracts.first() or ContractFactory(
        programme=cast.other_programme, staff_transfer=True, transfer_date=timezone.localdate() + timedelta(days=90))
    upload = receive(cast.programme, cast.users["hr"], xlsx(staff(2)))
    url = reverse("workforce:upload_commit", args=[cast.programme.slug, "roster", upload.pk])
    response = cast.client("hr").post(url, {"as_at": "2026-01-01", "received_on": "2026-01-02",
                                            "contract": stranger.pk})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not TransferRoster.objects.exists()
    # With one transfer there is nothing to choose.
    later.delete()
    preview = cast.client("hr").get(reverse("workforce:upload_preview", args=[cast.programme.slug, "roster",
                                                                              upload.pk]))
    assert 'name="contract"' not in preview.content.decode()


def test_the_versions_page_reads_the_contracts_once_however_many_versions(phased):
    cast, first, later = phased
    url = reverse("workforce:versions", args=[cast.programme.slug])
    client = cast.client("pm")
    counts = []
    for n in (3, 30):
        while TransferRoster.objects.count() < n:
            _commit(cast, timezone.localdate(), contract=later.pk)
        client.get(url)  # warm the session
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1]
