"""The workforce API permission matrix: every route and method × every member of the cast.
Every member reads the aggregates; only the HR lead (VIEW_PERSONAL_DATA) reads the people on
a version and (EDIT_WORKFORCE) a person's readiness, and sets it; outsiders get 404 and
anonymous clients 401. No answer to anyone but HR carries a member of staff's name."""
from dataclasses import dataclass

import pytest
from django.urls import reverse

from core.roles import Capability
from tests.api_matrix import Endpoint, api_client, run_row
from tests.permissions import history_tables
from tests.workforce.conftest import load_roster, person, staff
from workforce.models import EmployeeRecord, Establishment, PensionRate, Readiness, ReadinessItem, TransferRoster

pytestmark = pytest.mark.django_db
NAMESPACE = "workforce_api"


@dataclass
class World:
    cast: object
    record: EmployeeRecord
    establishment: Establishment
    check: ReadinessItem
    rate: PensionRate


@pytest.fixture
def world(hr_programme) -> World:
    cast = hr_programme
    team = [*staff(8, name=None), *staff(3, team="LD Connections", start=50)]
    load_roster(cast.programme, cast.users["hr"], team)
    load_roster(cast.programme, cast.users["hr"], [*team[1:], person("E0100", name="Zara Newcombe")],
                name="v2.xlsx")
    establishment = Establishment.objects.create(programme=cast.programme, name="Proposed",
                                                 baseline=TransferRoster.objects.get(version=2))
    record = EmployeeRecord.objects.get(roster__version=2, employee_ref="E0100")
    check = ReadinessItem.objects.get(programme=cast.programme, key="phone")
    rate = PensionRate.objects.create(programme=cast.programme, scheme="lgps", employer_rate="19.5")
    return World(cast, record, establishment, check, rate)


def _slug(w) -> dict:
    return {"programme_slug": w.cast.programme.slug}


READ = {"get": (Capability.VIEW, 200)}
ENDPOINTS = {
    "summary": Endpoint(READ, kwargs=_slug),
    "versions": Endpoint(READ, kwargs=_slug),
    # Counts for everyone; the joiners' and leavers' names for HR only.
    "difference": Endpoint(READ, kwargs=_slug, query=lambda w: {"from": 1, "to": 2}),
    "readiness": Endpoint(READ, kwargs=_slug),
    # Costs by scheme and team for everyone; each person's line for HR only.
    "pensions": Endpoint(READ, kwargs=_slug),
    "restructures": Endpoint(READ, kwargs=_slug),
    "establishment": Endpoint(READ, kwargs=lambda w: {**_slug(w), "pk": w.establishment.pk}),
    "people": Endpoint({"get": (Capability.VIEW_PERSONAL_DATA, 200)},
                       kwargs=lambda w: {**_slug(w), "version": 2}),
    "person_readiness": Endpoint(
        {"get": (Capability.EDIT_WORKFORCE, 200), "put": (Capability.EDIT_WORKFORCE, 200)},
        kwargs=lambda w: {**_slug(w), "pk": w.record.pk},
        body=lambda w: {"checks": {"on_payroll": True, "laptop": False}}),
}
EDIT = Capability.EDIT_WORKFORCE
# HR keeps the programme's own day-one checks and its pension rates; every member reads them.
for basename, attr, body in (("readiness-checks", "check", {"label": "Case system access"}),
                             ("pension-rates", "rate", {"scheme": "provider", "employer_rate": "12.5"})):
    ENDPOINTS[f"{basename}-list"] = Endpoint({"get": (Capability.VIEW, 200), "post": (EDIT, 201)},
                                             kwargs=_slug, body=lambda w, b=body: b)
    ENDPOINTS[f"{basename}-detail"] = Endpoint(
        {"get": (Capability.VIEW, 200), "put": (EDIT, 200), "patch": (EDIT, 200), "delete": (EDIT, 204)},
        kwargs=lambda w, a=attr: {**_slug(w), "pk": getattr(w, a).pk}, body=lambda w, b=body: b)
TABLES = history_tables([Readiness, ReadinessItem, PensionRate, EmployeeRecord, TransferRoster, Establishment])
# Staff names on the rosters: the joiner, a leaver (on version 1 only) and one who stays.
NAMES = ("Zara Newcombe", "Person 1", "Person 50")


@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_api_permission_matrix(world, name):
    expected, actual, problems = run_row(world, world.cast, f"{NAMESPACE}:{name}", ENDPOINTS[name], TABLES,
                                         personal=NAMES)
    assert actual == expected
    assert problems == []


def test_hr_gets_the_names_the_others_are_refused(world):
    """The canary the matrix's name check rests on: HR's answers do carry the names."""
    hr = api_client(world.cast, "hr")
    people = hr.get(reverse(f"{NAMESPACE}:people", kwargs={**_slug(world), "version": 2})).content.decode()
    difference = hr.get(reverse(f"{NAMESPACE}:difference", kwargs=_slug(world)), {"from": 1, "to": 2})
    assert "Zara Newcombe" in people and "Person 50" in people
    assert "Zara Newcombe" in difference.content.decode() and "Person 1" in difference.content.decode()
