"""Engagement kinds are the council's own list: the engagement pages and API offer the
programme's council's values (added ones included, retired ones not, another council's
never), the list page shows each event's kind by the council's label (renamed ones too,
a code the list no longer holds as itself), and a kind in use cannot be removed."""
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from programmes.council_lists import ENGAGEMENT_KIND, LISTS, active_choices
from programmes.models import CouncilListValue, EngagementEvent
from programmes.services import council_list_value_add, council_list_value_change
from tests.factories import EngagementEventFactory
from tests.permissions import day
from tests.programmes.test_council_lists import World


@pytest.fixture
def world(cast):
    return World(cast)


def _event(kind: str) -> dict:
    return {"date": day(0), "kind": kind, "group": "Unison", "title": "Pay and grading", "attendees": "9"}


def _api(world) -> str:
    return f"/api/v1/programmes/{world.cast.programme.slug}/engagement-events/"


def _add_webinar(world, council=None, user="admin"):
    return council_list_value_add(council=council or world.council, key=ENGAGEMENT_KIND, value="webinar",
                                  label="Online webinar", user=world.users[user])


def test_todays_kinds_are_the_defaults():
    # The values records already hold, with their labels as they were.
    assert dict(LISTS[ENGAGEMENT_KIND].defaults) == {
        "staff_briefing": "Staff briefing", "trade_union": "Trade-union briefing", "partner": "Partner meeting",
        "member": "Elected members' briefing", "public": "Public and people who use services", "other": "Other"}


def test_a_kind_the_council_adds_is_saved_through_the_page_and_shown_by_its_label(world):
    _add_webinar(world)
    pm = world.cast.client("pm")
    slug = world.cast.programme.slug
    assert 'value="webinar"' in pm.get(reverse("programmes:engagement_create", args=[slug])).content.decode()
    response = pm.post(reverse("programmes:engagement_create", args=[slug]), _event("webinar"))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert EngagementEvent.objects.get().kind == "webinar"
    page = pm.get(reverse("programmes:engagement_list", args=[slug])).content.decode()
    assert "Online webinar" in page


def test_a_kind_the_council_adds_is_saved_through_the_api(world):
    _add_webinar(world)
    response = world.cast.client("pm").post(_api(world), {**_event("webinar"), "attendees": 9},
                                            content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "webinar"
    assert EngagementEvent.objects.get().kind == "webinar"


def test_another_councils_kind_is_never_offered_nor_accepted(world):
    _add_webinar(world, council=world.other, user="other_admin")
    assert "webinar" not in dict(active_choices(world.council.pk, ENGAGEMENT_KIND))
    pm = world.cast.client("pm")
    slug = world.cast.programme.slug
    assert 'value="webinar"' not in pm.get(reverse("programmes:engagement_create", args=[slug])).content.decode()
    response = pm.post(reverse("programmes:engagement_create", args=[slug]), _event("webinar"))
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    api = pm.post(_api(world), {**_event("webinar"), "attendees": 9}, content_type="application/json")
    assert api.status_code == 400 and "kind" in api.json()
    assert not EngagementEvent.objects.exists()


def test_a_retired_kind_is_not_offered_for_a_new_event_but_kept_on_an_old_one(world):
    old = EngagementEventFactory(programme=world.cast.programme, kind="partner", attendees=5)
    council_list_value_change(council=world.council, key=ENGAGEMENT_KIND, value="partner", label="Partner meeting",
                              order=3, retired=True, user=world.users["admin"])
    pm = world.cast.client("pm")
    slug = world.cast.programme.slug
    new = pm.get(reverse("programmes:engagement_create", args=[slug])).content.decode()
    assert 'value="partner"' not in new and 'value="trade_union"' in new
    assert pm.post(reverse("programmes:engagement_create", args=[slug]), _event("partner")).status_code == 200
    api = pm.post(_api(world), {**_event("partner"), "attendees": 9}, content_type="application/json")
    assert api.status_code == 400 and "kind" in api.json()
    edit_url = reverse("programmes:engagement_edit", args=[slug, old.pk])
    assert 'value="partner"' in pm.get(edit_url).content.decode()
    # The old event is edited without being forced off its kind, on the page and through the API.
    response = pm.post(edit_url, {**_event("partner"), "title": "Renamed on the page"})
    assert response.status_code == 302, response.content.decode()[:2000]
    api = pm.patch(f"{_api(world)}{old.pk}/", {"kind": "partner", "title": "Renamed by the API"},
                   content_type="application/json")
    assert api.status_code == 200, api.content
    old.refresh_from_db()
    assert (old.kind, old.title) == ("partner", "Renamed by the API")
    assert EngagementEvent.objects.count() == 1


def test_a_kind_in_use_cannot_be_removed_from_the_lists_page(world):
    EngagementEventFactory(programme=world.cast.programme, kind="other")
    admin = world.client("admin")
    page = admin.get(reverse("programmes:council_list_value", args=[world.council.pk, ENGAGEMENT_KIND, "other"]))
    assert "cannot be removed while records hold it" in page.content.decode()
    url = reverse("programmes:council_list_value_delete", args=[world.council.pk, ENGAGEMENT_KIND, "other"])
    response = admin.post(url, follow=True)
    assert "cannot be removed" in response.content.decode()
    assert "other" in dict(active_choices(world.council.pk, ENGAGEMENT_KIND))
    assert not CouncilListValue.objects.filter(list_key=ENGAGEMENT_KIND).exists()
    # One no record holds goes.
    url = reverse("programmes:council_list_value_delete", args=[world.council.pk, ENGAGEMENT_KIND, "public"])
    admin.post(url)
    assert "public" not in dict(active_choices(world.council.pk, ENGAGEMENT_KIND))


def test_the_lists_page_shows_the_engagement_kinds_and_how_many_events_hold_each(world):
    EngagementEventFactory.create_batch(2, programme=world.cast.programme, kind="trade_union")
    EngagementEventFactory(programme=world.cast.other_programme, kind="trade_union")  # another council's
    page = world.client("admin").get(reverse("programmes:council_lists", args=[world.council.pk])).content.decode()
    assert "Engagement kinds" in page and "Savings categories" in page
    row = page[page.index("<code>trade_union</code>"):]
    row = row[:row.index("</tr>")]
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">2</td>' in row
    assert '<option value="engagement_kind">Engagement kinds</option>' in page


def test_the_label_follows_a_rename_and_a_code_no_longer_listed_shows_itself(world):
    programme = world.cast.programme
    EngagementEventFactory(programme=programme, kind="member", title="Lead member briefing")
    EngagementEventFactory(programme=programme, kind="roadshow", title="Old roadshow", date=date(2023, 1, 5))
    pm = world.cast.client("pm")
    url = reverse("programmes:engagement_list", args=[programme.slug])
    page = pm.get(url).content.decode()
    assert "Elected members&#x27; briefing" in page and "Add an engagement event" in page
    world.client("admin").post(
        reverse("programmes:council_list_value", args=[world.council.pk, ENGAGEMENT_KIND, "member"]),
        {"label": "Councillors' briefing", "order": "4"})
    page = pm.get(url).content.decode()
    assert "Councillors&#x27; briefing" in page and "Elected members" not in page
    assert ">roadshow<" in page
    # Another council's rename is not this council's label.
    council_list_value_change(council=world.other, key=ENGAGEMENT_KIND, value="trade_union", label="Union meeting",
                              order=2, retired=False, user=world.users["other_admin"])
    EngagementEventFactory(programme=programme, kind="trade_union")
    page = pm.get(url).content.decode()
    assert "Trade-union briefing" in page and "Union meeting" not in page


def _list_queries(world, n: int) -> tuple[int, int]:
    programme = world.cast.programme
    for i in range(n):
        council_list_value_add(council=world.council, key=ENGAGEMENT_KIND, value=f"kind_{n}_{i}",
                               label=f"Kind {i}", user=world.users["admin"])
        EngagementEventFactory(programme=programme, kind=f"kind_{n}_{i}")
    pm = world.cast.client("pm")
    counts = []
    for url in (reverse("programmes:engagement_list", args=[programme.slug]), _api(world)):
        with CaptureQueriesContext(connection) as ctx:
            response = pm.get(url)
        assert response.status_code == 200
        assert f"Kind {n - 1}" in response.content.decode() or url == _api(world)
        counts.append(len(ctx))
    EngagementEvent.objects.all().delete()
    CouncilListValue.objects.filter(value__startswith=f"kind_{n}_").delete()
    return tuple(counts)


def test_engagement_list_and_api_query_counts_are_the_same_at_3_and_30_council_kinds(world):
    assert _list_queries(world, 3) == _list_queries(world, 30)


def test_the_history_of_an_event_names_its_kinds_by_the_councils_labels(world):
    _add_webinar(world)
    pm = world.cast.client("pm")
    slug = world.cast.programme.slug
    assert pm.post(reverse("programmes:engagement_create", args=[slug]), _event("trade_union")).status_code == 302
    event = EngagementEvent.objects.get()
    assert pm.post(reverse("programmes:engagement_edit", args=[slug, event.pk]),
                   _event("webinar")).status_code == 302
    html = pm.get(reverse("programmes:engagement_history", args=[slug, event.pk])).content.decode()
    default = dict(LISTS[ENGAGEMENT_KIND].defaults)["trade_union"]
    assert default in html and "Online webinar" in html
    assert "trade_union" not in html and ">webinar<" not in html
