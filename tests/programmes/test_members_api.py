"""The members API as the council's administrator uses it: list, add (by id or by email),
change a role and remove, through the same services as the page, each in the history with
its author; another council's administrator gets 404 on every method."""
import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from core.roles import Role
from programmes.models import Membership
from tests.factories import CouncilAdministratorFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(cast):
    user = UserFactory(username="council-admin")
    CouncilAdministratorFactory(organisation=cast.programme.lead_organisation, user=user)
    client = APIClient()
    client.force_login(user)
    return user, client


def test_list_add_change_remove(cast, admin):
    user, client = admin
    url = reverse("api:members-list", kwargs={"programme_slug": "home"})
    listed = client.get(url).json()["results"]
    assert {m["username"] for m in listed} == {"pm", "finance", "hr", "director", "viewer"}
    assert {"id", "user", "username", "name", "email", "role"} == set(listed[0])

    newcomer = UserFactory(username="newcomer", email="new.comer@example.org")
    response = client.post(url, {"user_email": "NEW.COMER@example.org", "role": "finance_officer"},
                           format="json")
    assert response.status_code == 201, response.json()
    membership = Membership.objects.get(programme=cast.programme, user=newcomer)
    assert membership.role == Role.FINANCE_OFFICER
    assert membership.history.first().history_user == user

    detail = reverse("api:members-detail", kwargs={"programme_slug": "home", "pk": membership.pk})
    response = client.patch(detail, {"role": "director"}, format="json")
    assert response.status_code == 200 and response.json()["role"] == "director"
    assert membership.history.first().history_change_reason.startswith("Role changed:")

    assert client.delete(detail).status_code == 204
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert Membership.history.filter(id=membership.pk, history_type="-").get().history_user == user


def test_bad_input_names_the_field(cast, admin):
    _, client = admin
    url = reverse("api:members-list", kwargs={"programme_slug": "home"})
    response = client.post(url, {"user_email": "nobody@example.org", "role": "viewer"}, format="json")
    assert response.status_code == 400 and "user_email" in response.json()
    response = client.post(url, {"user": cast.users["pm"].pk, "role": "viewer"}, format="json")
    assert response.status_code == 400 and "already a member" in str(response.json())
    response = client.post(url, {"user": cast.users["outsider"].pk, "role": "king"}, format="json")
    assert response.status_code == 400 and "role" in response.json()
    assert not Membership.objects.filter(programme=cast.programme, user=cast.users["outsider"]).exists()


def test_another_councils_administrator_gets_404(cast):
    other = UserFactory(username="far-admin")
    CouncilAdministratorFactory(organisation=OrganisationFactory(name="Far"), user=other)
    client = APIClient()
    client.force_login(other)
    url = reverse("api:members-list", kwargs={"programme_slug": "home"})
    assert client.get(url).status_code == 404
    assert client.post(url, {"user": other.pk, "role": "viewer"}, format="json").status_code == 404
    pk = Membership.objects.get(programme=cast.programme, user=cast.users["viewer"]).pk
    detail = reverse("api:members-detail", kwargs={"programme_slug": "home", "pk": pk})
    assert client.patch(detail, {"role": "director"}, format="json").status_code == 404
    assert client.delete(detail).status_code == 404
