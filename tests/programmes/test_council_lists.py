"""The council's own lists: who may manage them, and that the savings pages and API offer
the programme's council's values (added ones included, retired ones not, another
council's never), that a value in use cannot be removed, and that changes keep history."""
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from finance.models import RealisedSaving, SavingsLine
from programmes.council_lists import SAVINGS_CATEGORY, active_choices
from programmes.models import CouncilAdministrator, CouncilListValue
from programmes.services import council_list_value_add, council_list_value_change
from tests.conftest import CAST
from tests.factories import UserFactory
from tests.permissions import ACTION, FORM, LOGIN_URL, Page, history_tables, request

COUNCIL_ADMIN = "council_admin"
PAGES = {
    "council_lists": Page(COUNCIL_ADMIN, **FORM, kwargs=lambda w: {"organisation_id": w.council.pk},
                          data=lambda w: {"list_key": SAVINGS_CATEGORY, "value": "care_packages",
                                          "label": "Care packages"}),
    "council_list_value": Page(COUNCIL_ADMIN, **FORM,
                               kwargs=lambda w: {"organisation_id": w.council.pk, "key": SAVINGS_CATEGORY,
                                                 "value": "property"},
                               data=lambda w: {"label": "Property and estates", "order": "3"}),
    "council_list_value_delete": Page(COUNCIL_ADMIN, **ACTION,
                                      kwargs=lambda w: {"organisation_id": w.council.pk, "key": SAVINGS_CATEGORY,
                                                        "value": "other"}),
}
PEOPLE = [*CAST, "admin", "other_admin"]


class World:
    def __init__(self, cast):
        self.cast = cast
        self.council = cast.programme.lead_organisation
        self.other = cast.other_programme.lead_organisation
        self.users = dict(cast.users)
        self.users["admin"] = UserFactory(username="admin")
        CouncilAdministrator.objects.create(organisation=self.council, user=self.users["admin"])
        self.users["other_admin"] = UserFactory(username="other_admin")
        CouncilAdministrator.objects.create(organisation=self.other, user=self.users["other_admin"])

    def client(self, who: str) -> Client:
        client = Client()
        if who != "anonymous":
            client.force_login(self.users[who])
        return client


@pytest.fixture
def world(cast):
    return World(cast)


def expected(name: str, who: str, method: str) -> int:
    allowed = PAGES[name].get if method == "get" else PAGES[name].post
    if who == "anonymous":
        return 302
    if allowed == 405:
        return 405
    return allowed if who == "admin" else 404


@pytest.mark.parametrize("name", list(PAGES))
def test_only_this_councils_administrator_manages_its_lists(world, name):
    page = PAGES[name]
    url = reverse(f"programmes:{name}", kwargs=page.kwargs(world))
    tables = history_tables([CouncilListValue])
    want, got, problems = {}, {}, []
    for who in PEOPLE:
        for method in ("get", "post"):
            response, changed = request(world, page, url, world.client(who), method, tables)
            key = f"{method.upper()} as {who}"
            want[key], got[key] = expected(name, who, method), response.status_code
            if who == "anonymous" and not response.get("Location", "").startswith(f"{LOGIN_URL}?next="):
                problems.append(f"{key}: not sent to sign in")
            if method == "post" and want[key] == 302 and who == "admin" and not changed:
                problems.append(f"{key}: a valid POST changed nothing")
            elif changed and not (method == "post" and want[key] == 302 and who == "admin"):
                problems.append(f"{key}: a refused request changed something")
    assert got == want
    assert problems == []


def _add_care_packages(world):
    return council_list_value_add(council=world.council, key=SAVINGS_CATEGORY, value="care_packages",
                                  label="Care packages", user=world.users["admin"])


def test_a_value_the_council_adds_is_saved_through_the_page_and_shown_by_its_label(world):
    _add_care_packages(world)
    pm = world.cast.client("pm")
    url = reverse("finance:savings_create", args=[world.cast.programme.slug])
    response = pm.post(url, {"financial_year": "2025/26", "category": "care_packages", "recurrence": "recurrent",
                             "description": "Fewer spot placements", "amount": "£31,000"})
    assert response.status_code == 302, response.content.decode()[:2000]
    line = SavingsLine.objects.get()
    assert line.category == "care_packages" and line.amount == Decimal("31000")
    page = pm.get(reverse("finance:benefits", args=[world.cast.programme.slug])).content.decode()
    assert "Care packages" in page


def test_a_value_the_council_adds_is_saved_through_the_api(world):
    _add_care_packages(world)
    response = world.cast.client("pm").post(
        f"/api/v1/programmes/{world.cast.programme.slug}/finance/realised-savings/",
        {"financial_year": "2025/26", "category": "care_packages", "amount": "900.00"}, content_type="application/json")
    assert response.status_code == 201, response.content
    assert RealisedSaving.objects.get().category == "care_packages"


def test_another_councils_value_is_never_offered_nor_accepted(world):
    council_list_value_add(council=world.other, key=SAVINGS_CATEGORY, value="care_packages",
                           label="Care packages", user=world.users["other_admin"])
    assert "care_packages" not in dict(active_choices(world.council.pk, SAVINGS_CATEGORY))
    pm = world.cast.client("pm")
    response = pm.post(reverse("finance:savings_create", args=[world.cast.programme.slug]),
                       {"financial_year": "2025/26", "category": "care_packages", "recurrence": "recurrent",
                        "amount": "10"})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    api = pm.post(f"/api/v1/programmes/{world.cast.programme.slug}/finance/savings/",
                  {"financial_year": "2025/26", "category": "care_packages", "recurrence": "recurrent",
                   "amount": "10.00"}, content_type="application/json")
    assert api.status_code == 400 and "category" in api.json()
    assert not SavingsLine.objects.exists()


def test_a_retired_value_is_not_offered_for_a_new_record_but_kept_on_an_old_one(world):
    old = SavingsLine.objects.create(programme=world.cast.programme, financial_year="2025/26",
                                     category="property", amount=Decimal("5"))
    council_list_value_change(council=world.council, key=SAVINGS_CATEGORY, value="property", label="Property",
                              order=4, retired=True, user=world.users["admin"])
    assert "property" not in dict(active_choices(world.council.pk, SAVINGS_CATEGORY))
    assert "property" in dict(active_choices(world.council.pk, SAVINGS_CATEGORY, keep="property"))
    pm = world.cast.client("pm")
    new = pm.get(reverse("finance:savings_create", args=[world.cast.programme.slug])).content.decode()
    assert 'value="property"' not in new
    edit = pm.get(reverse("finance:savings_edit", args=[world.cast.programme.slug, old.pk])).content.decode()
    assert 'value="property"' in edit


def test_a_value_in_use_cannot_be_removed_only_retired(world):
    SavingsLine.objects.create(programme=world.cast.programme, financial_year="2025/26", category="other",
                               amount=Decimal("5"))
    admin = world.client("admin")
    url = reverse("programmes:council_list_value_delete", args=[world.council.pk, SAVINGS_CATEGORY, "other"])
    response = admin.post(url, follow=True)
    assert "cannot be removed" in response.content.decode()
    # Refused as a whole: still in the list (nothing, not even the council's copy, was written).
    assert "other" in dict(active_choices(world.council.pk, SAVINGS_CATEGORY))


def test_changes_are_in_the_history_with_who_made_them(world):
    admin = world.client("admin")
    admin.post(reverse("programmes:council_list_value", args=[world.council.pk, SAVINGS_CATEGORY, "property"]),
               {"label": "Property and estates", "order": "4"})  # its place among the defaults
    row = CouncilListValue.objects.get(organisation=world.council, value="property")
    assert row.label == "Property and estates"
    latest = row.history.first()
    assert latest.history_user == world.users["admin"] and latest.history_change_reason == "Renamed"
    labels = SavingsLine(programme=world.cast.programme, category="property")
    assert labels.get_category_display() == "property"  # no annotation: the code, never a wrong label


def _lists_page_queries(world, n):
    for i in range(n):
        council_list_value_add(council=world.council, key=SAVINGS_CATEGORY, value=f"extra_{n}_{i}",
                               label=f"Extra {i}", user=world.users["admin"])
        SavingsLine.objects.create(programme=world.cast.programme, financial_year="2025/26",
                                   category=f"extra_{n}_{i}", amount=Decimal("1"))
    client = world.client("admin")
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("programmes:council_lists", args=[world.council.pk])).status_code == 200
    CouncilListValue.objects.filter(value__startswith=f"extra_{n}_").delete()
    SavingsLine.objects.all().delete()
    return len(ctx)


def test_lists_page_query_count_is_the_same_at_3_and_30_values(world):
    assert _lists_page_queries(world, 3) == _lists_page_queries(world, 30)
