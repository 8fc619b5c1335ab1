"""The API lists' filters and ordering (core.filters), one library for all: the same
filters on every list, made from its model, and a bad value refused with 400 naming the
field, never dropped."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from programmes import api_urls
from tests.api_matrix import api_client
from tests.factories import MilestoneFactory, RiskFactory

pytestmark = pytest.mark.django_db


def day(n: int):
    return timezone.localdate() + timedelta(days=n)


def titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [r["title"] for r in response.json()["results"]]


def test_milestones_filter_by_status_owner_workstream_and_date_range_and_order(cast):
    pm, hr = cast.users["pm"], cast.users["hr"]
    cast.milestone.delete()
    MilestoneFactory(programme=cast.programme, workstream=cast.workstream, title="Early", owner=pm,
                     status="complete", forecast_date=day(-10), baseline_date=day(-10), actual_date=day(-10))
    MilestoneFactory(programme=cast.programme, workstream=cast.workstream, title="Soon", owner=hr,
                     status="in_progress", forecast_date=day(5), baseline_date=day(5))
    MilestoneFactory(programme=cast.programme, workstream=cast.workstream, title="Later", owner=pm,
                     status="not_started", forecast_date=day(50), baseline_date=day(50))
    client = api_client(cast, "viewer")
    url = reverse("api:milestones-list", kwargs={"programme_slug": cast.programme.slug})
    assert titles(client.get(url, {"status": ["in_progress", "not_started"], "ordering": "-forecast_date"})) == [
        "Later", "Soon"]
    assert titles(client.get(url, {"owner": pm.pk, "ordering": "title"})) == ["Early", "Later"]
    assert titles(client.get(url, {"forecast_date_after": str(day(0)), "forecast_date_before": str(day(30))})) == [
        "Soon"]
    assert len(titles(client.get(url, {"workstream": cast.workstream.pk}))) == 3


@pytest.mark.parametrize(("query", "field"), [
    ({"status": "finished"}, "status"),
    ({"owner": "Priya"}, "owner"),
    ({"forecast_date_after": "31/02/2026"}, "forecast_date"),
    ({"ordering": "shoe_size"}, "ordering"),
])
def test_a_bad_filter_value_is_refused_with_the_field_named(cast, query, field):
    url = reverse("api:milestones-list", kwargs={"programme_slug": cast.programme.slug})
    response = api_client(cast, "viewer").get(url, query)
    assert response.status_code == 400
    assert field in response.json(), response.json()


def test_the_risk_list_takes_the_same_filters(cast):
    RiskFactory(programme=cast.programme, title="Agency costs", owner=cast.users["pm"])
    RiskFactory(programme=cast.programme, title="Data quality", owner=cast.users["hr"])
    client = api_client(cast, "viewer")
    url = reverse("risks_api:risks-list", kwargs={"programme_slug": cast.programme.slug})
    assert titles(client.get(url, {"owner": cast.users["hr"].pk})) == ["Data quality"]
    assert client.get(url, {"status": "maybe"}).status_code == 400


def test_every_programme_list_answers_its_filters_and_ordering(cast):
    """Each list takes ordering by id both ways and refuses an unknown one."""
    client = api_client(cast, "pm")
    for segment in api_urls.CHILDREN:
        url = reverse(f"api:{segment}-list", kwargs={"programme_slug": cast.programme.slug})
        assert client.get(url, {"ordering": "-id"}).status_code == 200, segment
        assert client.get(url, {"ordering": "nonsense"}).status_code == 400, segment


def test_late_milestones_and_red_risks(cast):
    cast.milestone.delete()
    MilestoneFactory(programme=cast.programme, workstream=cast.workstream, title="Behind", status="in_progress",
                     forecast_date=day(-3), baseline_date=day(-3))
    MilestoneFactory(programme=cast.programme, workstream=cast.workstream, title="Ahead", status="in_progress",
                     forecast_date=day(3), baseline_date=day(3))
    client = api_client(cast, "viewer")
    url = reverse("api:milestones-list", kwargs={"programme_slug": cast.programme.slug})
    assert titles(client.get(url, {"late": "true"})) == ["Behind"]
    assert titles(client.get(url, {"late": "false"})) == ["Ahead"]
    RiskFactory(programme=cast.programme, title="Severe", residual_likelihood=5, residual_impact=5)
    RiskFactory(programme=cast.programme, title="Mild", residual_likelihood=1, residual_impact=1)
    risks = reverse("risks_api:risks-list", kwargs={"programme_slug": cast.programme.slug})
    assert titles(client.get(risks, {"rag": "red"})) == ["Severe"]
    assert titles(client.get(risks, {"rag": "green"})) == ["Mild"]
    bad = client.get(risks, {"rag": "purple"})
    assert bad.status_code == 400 and "rag" in bad.json()


def test_the_pages_say_which_filter_value_is_wrong_instead_of_dropping_it(cast):
    """The milestones page, the risk register and the issues log parse their filters with
    django-filter too, and name a bad value above the list."""
    RiskFactory(programme=cast.programme, title="Agency costs", owner=cast.users["pm"])
    client = cast.client("viewer")
    slug = cast.programme.slug
    tracker = client.get(reverse("programmes:tracker", args=[slug]), {"owner": "Priya"}).content.decode()
    assert "There is a problem with the filters" in tracker and "Owner must be a whole number" in tracker
    register = client.get(reverse("risks:register", args=[slug]), {"rag": "purple", "owner": "x"})
    text = register.content.decode()
    assert "There is a problem with the filters" in text
    assert "Choose a RAG from the list" in text and "Owner must be a whole number" in text
    assert [r.title for r in register.context["risks"]] == ["Agency costs"]  # the rest still applied
    good = client.get(reverse("risks:register", args=[slug]), {"owner": cast.users["hr"].pk})
    assert good.context["risks"] == [] and "There is a problem" not in good.content.decode()
    issues = client.get(reverse("risks:issues", args=[slug]), {"status": "sideways"}).content.decode()
    assert "Choose a status from the list: showing every issue." in issues
