"""The workforce API: every endpoint × every role, aggregates for all members, people only
for HR (and logged), readiness set by HR."""
import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.conftest import CAST
from tests.workforce.conftest import load_roster, person, staff
from workforce.models import EmployeeRecord, Establishment, PersonalDataView, Readiness, TransferRoster

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_world(hr_programme):
    cast = hr_programme
    load_roster(cast.programme, cast.users["hr"], [*staff(8), *staff(3, team="LD Connections", start=50)])
    load_roster(cast.programme, cast.users["hr"], [*staff(7), *staff(3, team="LD Connections", start=50),
                                                   person("E0100", name="New")], name="v2.xlsx")
    Establishment.objects.create(programme=cast.programme, name="P", baseline=TransferRoster.objects.get(version=2))
    return cast


def client_for(cast, who):
    client = APIClient()
    if who != "anonymous":
        client.force_authenticate(cast.users[who])
    return client


def endpoints(cast):
    slug = cast.programme.slug
    record = EmployeeRecord.objects.filter(roster__version=2).first()
    est = Establishment.objects.get()
    everyone = {"summary": reverse("workforce_api:summary", args=[slug]),
                "versions": reverse("workforce_api:versions", args=[slug]),
                "difference": reverse("workforce_api:difference", args=[slug]),
                "readiness": reverse("workforce_api:readiness", args=[slug]),
                "restructures": reverse("workforce_api:restructures", args=[slug]),
                "establishment": reverse("workforce_api:establishment", args=[slug, est.pk])}
    hr_only = {"people": reverse("workforce_api:people", args=[slug, 2]),
               "person_readiness": reverse("workforce_api:person_readiness", args=[slug, record.pk])}
    return everyone, hr_only


@pytest.mark.parametrize("who", CAST)
def test_every_endpoint_for_every_role(api_world, who):
    everyone, hr_only = endpoints(api_world)
    client = client_for(api_world, who)
    refused = {"anonymous": 401, "outsider": 404}
    for url in everyone.values():
        assert client.get(url).status_code == refused.get(who, 200), url
    for url in hr_only.values():
        assert client.get(url).status_code == refused.get(who, 200 if who == "hr" else 403), url
    put = client.put(hr_only["person_readiness"], {"checks": {"on_payroll": True, "laptop": False}}, format="json")
    assert put.status_code == refused.get(who, 200 if who == "hr" else 403)
    assert Readiness.objects.exists() == (who == "hr")
    if who == "hr":
        assert put.json()["checks"] == {"on_payroll": True, "network_account": False, "laptop": False,
                                        "phone": False, "induction_booked": False}


def test_aggregates_are_suppressed_for_non_hr(api_world):
    data = client_for(api_world, "viewer").get(reverse("workforce_api:summary", args=[api_world.programme.slug])).data
    ld = next(t for t in data["teams"] if t["team"] == "LD Connections")
    assert ld == {**ld, "headcount": "fewer than 5", "fte": None, "suppressed": True}
    hr = client_for(api_world, "hr").get(reverse("workforce_api:summary", args=[api_world.programme.slug])).data
    assert hr["total"]["headcount"] == 11


def test_difference_gives_lists_to_hr_only_and_logs_them(api_world):
    url = reverse("workforce_api:difference", args=[api_world.programme.slug]) + "?from=1&to=2"
    viewer = client_for(api_world, "viewer").get(url).data
    assert "joiners" not in viewer and viewer["counts"]["joiners"] == "fewer than 5"
    assert PersonalDataView.objects.count() == 0
    hr = client_for(api_world, "hr").get(url).data
    assert [j["name"] for j in hr["joiners"]] == ["New"] and len(hr["leavers"]) == 1
    assert PersonalDataView.objects.get().user == api_world.users["hr"]
    bad = client_for(api_world, "hr").get(url.replace("to=2", "to=9"))
    assert bad.status_code == 400


def test_people_are_logged_with_the_version(api_world):
    client_for(api_world, "hr").get(reverse("workforce_api:people", args=[api_world.programme.slug, 1]))
    log = PersonalDataView.objects.get()
    assert log.roster.version == 1 and log.user == api_world.users["hr"]
