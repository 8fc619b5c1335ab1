"""A council's administrator sets up a programme through the API, with no superuser: the
programme, then its members, then (as its programme manager) its contracts. Only a
council's administrators may set one up, and only for a council they administer."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from core.roles import Role
from programmes.models import Membership, Organisation, Programme
from tests.factories import CouncilAdministratorFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _client(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture
def council_admin(cast):
    user = UserFactory(username="council-admin")
    CouncilAdministratorFactory(organisation=cast.programme.lead_organisation, user=user)
    return user


def _day(n: int) -> str:
    return (timezone.localdate() + timedelta(days=n)).isoformat()


def test_an_administrator_sets_up_a_transformation_then_its_members_run_it(cast, council_admin):
    council = cast.programme.lead_organisation
    admin = _client(council_admin)
    response = admin.post(reverse("api:programme-list"), {
        "council": council.pk, "name": "Day services review", "slug": "day-services",
        "kind": "transformation", "summary": "New model for day services, same provider."}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["slug"], body["kind"], body["lead_organisation"]) == ("day-services", "transformation", council.name)
    assert body["transfer_date"] is None and body["has_staff_transfer"] is False and body["eli_deadline"] is None
    programme = Programme.objects.get(slug="day-services")
    assert programme.lead_organisation == council and not programme.memberships.exists()
    created = programme.history.get()
    assert created.history_user == council_admin and "through the API" in created.history_change_reason

    # Its members, through the members API.
    manager = UserFactory(username="new-pm", email="new.pm@example.org")
    members = reverse("api:members-list", kwargs={"programme_slug": "day-services"})
    response = admin.post(members, {"user_email": "new.pm@example.org", "role": "programme_manager"}, format="json")
    assert response.status_code == 201, response.json()
    assert Membership.objects.get(programme=programme, user=manager).role == Role.PROGRAMME_MANAGER

    # Its programme manager records the contract it keeps: no one transfers under it.
    pm = _client(manager)
    assert [p["slug"] for p in pm.get(reverse("api:programme-list")).json()["results"]] == ["day-services"]
    response = pm.post(reverse("api:contracts-list", kwargs={"programme_slug": "day-services"}), {
        "title": "Day services agreement", "counterparty": OrganisationFactory(
            kind=Organisation.Kind.OUTGOING_PROVIDER).pk, "end_date": _day(400), "notice_days": 180,
        "annual_value": "£1,250,000", "staff_transfer": False}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["notice_deadline"] == _day(220) and response.json()["eli_deadline"] is None
    # Where no one transfers, there is no workforce part to reach.
    assert pm.get(reverse("workforce_api:summary", kwargs={"programme_slug": "day-services"})).status_code == 404


def test_a_kind_with_a_go_live_day_needs_one_and_the_error_names_the_field(cast, council_admin):
    response = _client(council_admin).post(reverse("api:programme-list"), {
        "council": cast.programme.lead_organisation_id, "name": "Reablement in-house", "slug": "reablement",
        "kind": "in_house"}, format="json")
    assert response.status_code == 400 and "transfer_date" in response.json(), response.json()
    assert not Programme.objects.filter(slug="reablement").exists()


def test_only_for_a_council_the_caller_administers(cast, council_admin):
    other = cast.other_programme.lead_organisation
    body = {"council": other.pk, "name": "Not ours", "slug": "not-ours", "kind": "transformation"}
    response = _client(council_admin).post(reverse("api:programme-list"), body, format="json")
    assert response.status_code == 400 and "council" in response.json()
    # Someone who administers no council: refused, whatever council they name.
    for who in ("pm", "outsider"):
        response = _client(cast.users[who]).post(
            reverse("api:programme-list"), {**body, "council": cast.programme.lead_organisation_id}, format="json")
        assert response.status_code == 403, who
        assert "administrators" in response.json()["detail"]
    assert APIClient().post(reverse("api:programme-list"), body, format="json").status_code == 401
    assert not Programme.objects.filter(slug="not-ours").exists()


def test_an_administrator_adds_an_organisation_that_a_contract_then_names(cast, council_admin):
    admin = _client(council_admin)
    url = reverse("api:organisation-list")
    response = admin.post(url, {"name": " Sirona  care and health CIC", "kind": "outgoing_provider"}, format="json")
    assert response.status_code == 201, response.json()
    added = Organisation.objects.get(pk=response.json()["id"])
    assert added.name == "Sirona care and health CIC" and added.history.get().history_user == council_admin
    again = admin.post(url, {"name": "sirona CARE and health cic", "kind": "other"}, format="json")
    assert again.status_code == 400 and "already in the list" in str(again.json()["name"])
    assert admin.post(url, {"name": "Elsewhere Council", "kind": "council"}, format="json").status_code == 400
    # Anyone signed in reads the list, to find the id a contract names; only administrators add.
    pm = _client(cast.users["pm"])
    assert added.pk in {o["id"] for o in pm.get(url).json()["results"]}
    refused = pm.post(url, {"name": "Another provider", "kind": "other"}, format="json")
    assert refused.status_code == 403 and not Organisation.objects.filter(name="Another provider").exists()
    response = pm.post(reverse("api:contracts-list", kwargs={"programme_slug": cast.programme.slug}), {
        "title": "Reablement agreement", "counterparty": added.pk, "end_date": _day(300)}, format="json")
    assert response.status_code == 201, response.json()
