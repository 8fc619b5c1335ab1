"""Rolling back the roster version a restructure is built on is refused with what to do
first, on the page as on the service, and nothing of it is removed."""
import pytest
from django.urls import reverse

from core.uploads import UploadError, upload_rollback
from tests.workforce.conftest import load_roster, staff
from workforce.models import EmployeeRecord, Establishment, TransferRoster

pytestmark = pytest.mark.django_db
EXPECTED = ("This roster version is the baseline of the restructure ‘Locality teams 2026’. "
            "Change that restructure’s baseline or delete it first, then roll back this roster version.")


@pytest.fixture
def baseline(hr_programme):
    cast = hr_programme
    hr = cast.users["hr"]
    load_roster(cast.programme, hr, staff(3), name="one.xlsx")
    second = load_roster(cast.programme, hr, staff(6, start=10), name="two.xlsx")
    roster = TransferRoster.objects.get(version=2)
    Establishment.objects.create(programme=cast.programme, name="Locality teams 2026", baseline=roster)
    return cast, second.upload, roster


def test_the_service_says_why_and_removes_nothing(baseline):
    cast, upload, roster = baseline
    with pytest.raises(UploadError) as refused:
        upload_rollback(upload=upload, user=cast.users["hr"])
    assert refused.value.message == EXPECTED
    assert TransferRoster.objects.filter(pk=roster.pk).exists()
    assert EmployeeRecord.objects.filter(roster=roster).count() == 6
    upload.refresh_from_db()
    assert upload.status == upload.Status.COMMITTED


def test_the_page_shows_the_refusal_as_an_error(baseline):
    cast, upload, roster = baseline
    response = cast.client("hr").post(reverse("workforce:upload_rollback", args=["home", upload.pk]),
                                      follow=True)
    page = response.content.decode()
    assert EXPECTED in page
    assert 'data-message-level="error"' in page and "govuk-notification-banner--success" not in page
    assert EmployeeRecord.objects.filter(roster=roster).count() == 6


def test_once_the_restructure_moves_to_another_baseline_the_rollback_goes_through(baseline):
    cast, upload, roster = baseline
    Establishment.objects.update(baseline=TransferRoster.objects.get(version=1))
    upload_rollback(upload=upload, user=cast.users["hr"])
    assert list(TransferRoster.objects.values_list("version", flat=True)) == [1]


def test_two_restructures_on_one_baseline_are_both_named(baseline):
    cast, upload, roster = baseline
    Establishment.objects.create(programme=cast.programme, name="Single team", baseline=roster)
    with pytest.raises(UploadError) as refused:
        upload_rollback(upload=upload, user=cast.users["hr"])
    assert refused.value.message == (
        "This roster version is the baseline of the restructures ‘Locality teams 2026’ and ‘Single team’. "
        "Change their baseline or delete them first, then roll back this roster version.")
