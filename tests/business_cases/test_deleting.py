"""Deleting business-case versions and stages follows one rule, in business_cases.services:
only a draft version may go, and a stage only while all its versions are drafts (they go
with it). The API and the admin both ask the service, so they refuse and delete alike."""
import pytest
from django.urls import reverse

from business_cases.models import BusinessCase, BusinessCaseVersion, Stage
from business_cases.services import (
    stage_delete,
    stage_delete_refusal,
    version_create,
    version_delete,
    version_delete_refusal,
    version_submit,
)
from core.protection import DeleteRefused
from tests.business_cases.conftest import write_cases
from tests.business_cases.test_api import client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _two_versions(cast, *, submit_first: bool):
    """A SOC with version 1 (in review, or a superseded draft) and version 2, a draft."""
    pm = cast.users["pm"]
    first = version_create(programme=cast.programme, stage=Stage.SOC, user=pm)
    if submit_first:
        version_submit(version=write_cases(first, pm), user=pm)
    second = version_create(programme=cast.programme, stage=Stage.SOC, user=pm)
    first.refresh_from_db()
    return first.business_case, first, second


def test_a_draft_version_goes_and_one_that_left_draft_stays(soc_ready):
    cast = soc_ready
    pm = cast.users["pm"]
    version = version_create(programme=cast.programme, stage=Stage.SOC, user=pm)
    assert version_delete_refusal(version) == ""
    version_submit(version=write_cases(version, pm), user=pm)
    version.refresh_from_db()
    assert version_delete_refusal(version) == "Only a draft version can be deleted."
    with pytest.raises(DeleteRefused, match="Only a draft"):
        version_delete(version=version, user=pm, reason="Tidying up")
    assert BusinessCaseVersion.objects.filter(pk=version.pk).exists()

    draft = version_create(programme=cast.programme, stage=Stage.SOC, user=pm)
    version_delete(version=draft, user=pm, reason="Started by mistake")
    assert not BusinessCaseVersion.objects.filter(pk=draft.pk).exists()
    gone = BusinessCaseVersion.history.filter(id=draft.pk, history_type="-").get()
    assert (gone.history_user, gone.history_change_reason) == (pm, "Started by mistake")


def test_the_version_is_read_again_before_the_rule_is_asked(soc_ready):
    # A copy read while it was a draft does not let a version submitted since be deleted.
    cast = soc_ready
    pm = cast.users["pm"]
    stale = version_create(programme=cast.programme, stage=Stage.SOC, user=pm)
    version_submit(version=write_cases(BusinessCaseVersion.objects.get(pk=stale.pk), pm), user=pm)
    with pytest.raises(DeleteRefused):
        version_delete(version=stale, user=pm, reason="Tidying up")


def test_a_stage_of_drafts_goes_with_its_versions_and_one_with_a_reviewed_version_stays(soc_ready):
    cast = soc_ready
    pm = cast.users["pm"]
    case, first, second = _two_versions(cast, submit_first=True)
    assert stage_delete_refusal(case) == "This stage has versions that went to review; it cannot be deleted."
    with pytest.raises(DeleteRefused):
        stage_delete(case=case, user=pm, reason="Starting again")
    assert case.versions.count() == 2

    version_delete(version=second, user=pm, reason="x")
    BusinessCaseVersion.objects.filter(pk=first.pk).update(status=BusinessCaseVersion.Status.DRAFT)
    third = version_create(programme=cast.programme, stage=Stage.SOC, user=pm)
    BusinessCaseVersion.objects.filter(pk=first.pk).update(status=BusinessCaseVersion.Status.DRAFT)
    stage_delete(case=case, user=pm, reason="Starting again")
    assert not BusinessCase.objects.filter(pk=case.pk).exists()
    assert not BusinessCaseVersion.objects.filter(pk__in=[first.pk, third.pk]).exists()
    reasons = set(BusinessCaseVersion.history.filter(id__in=[first.pk, third.pk], history_type="-")
                  .values_list("history_user", "history_change_reason"))
    assert reasons == {(pm.pk, "Starting again")}


def test_the_api_refuses_and_deletes_by_the_services_rule(soc_ready):
    cast = soc_ready
    base = f"/api/v1/programmes/{cast.programme.slug}"
    pm = client_for(cast, "pm")
    case, first, second = _two_versions(cast, submit_first=True)
    refused = pm.delete(f"{base}/business-case-versions/{first.pk}/")
    assert (refused.status_code, refused.json()) == (409, {"detail": "Only a draft version can be deleted."})
    refused = pm.delete(f"{base}/business-cases/{case.pk}/")
    assert refused.status_code == 409
    assert refused.json() == {"detail": "This stage has versions that went to review; it cannot be deleted."}
    assert pm.delete(f"{base}/business-case-versions/{second.pk}/").status_code == 204
    gone = BusinessCaseVersion.history.get(id=second.pk, history_type="-")
    assert gone.history_change_reason == "Business case version deleted through the API"


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def test_the_admin_offers_delete_only_where_the_rule_allows_and_deletes_through_the_service(soc_ready, admin_client):
    cast = soc_ready
    case, first, second = _two_versions(cast, submit_first=True)
    in_review = reverse("admin:business_cases_businesscaseversion_delete", args=[first.pk])
    stage = reverse("admin:business_cases_businesscase_delete", args=[case.pk])
    # In review is not settled (it may still be changed), but it is no longer a draft.
    assert admin_client.get(in_review).status_code == 403
    assert admin_client.post(in_review, {"post": "yes"}).status_code == 403
    assert admin_client.post(stage, {"post": "yes"}).status_code == 403
    assert case.versions.count() == 2

    draft = reverse("admin:business_cases_businesscaseversion_delete", args=[second.pk])
    assert admin_client.post(draft, {"post": "yes"}).status_code == 302
    gone = BusinessCaseVersion.history.get(id=second.pk, history_type="-")
    assert gone.history_change_reason == "Deleted in the administration"
    listing = admin_client.get(reverse("admin:business_cases_businesscase_changelist"))
    assert "delete_selected" not in listing.content.decode()


def test_an_admin_that_deletes_through_a_service_must_name_its_rule_and_its_service():
    from django.contrib.admin import AdminSite
    from django.core.exceptions import ImproperlyConfigured

    from core.admin import ServiceDeleteAdmin

    class NoRule(ServiceDeleteAdmin):
        def delete_record(self, obj, *, user, reason):
            obj.delete()

    with pytest.raises(ImproperlyConfigured, match="delete_refusal"):
        NoRule(BusinessCase, AdminSite())
