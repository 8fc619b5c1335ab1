"""My actions: what is the signed-in person's to do, across their programmes, grouped by
overdue, this week and later; its query count pinned; and its calendar feed."""
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.roles import Role
from programmes.feeds import personal_feed_issue
from programmes.models import PersonalFeed
from risks.models import RiskAction
from tests.factories import MembershipFactory, MilestoneFactory, ProgrammeFactory, RiskFactory
from workforce.models import ReadinessItem

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def groups_of(response) -> dict[str, list[str]]:
    return {g["key"]: [r["duty"].title for r in g["rows"]] for g in response.context["groups"]}


def test_my_actions_groups_what_is_mine_across_my_programmes(cast):
    hr = cast.users["hr"]
    second = ProgrammeFactory(slug="second", lead_organisation=cast.programme.lead_organisation)
    MembershipFactory(programme=second, user=hr, role=Role.VIEWER)
    MilestoneFactory(programme=cast.programme, workstream=cast.workstream, title="Late letters", owner=hr,
                     forecast_date=today() - timedelta(days=3), baseline_date=today() - timedelta(days=3))
    MilestoneFactory(programme=second, title="This week there", owner=hr,
                     forecast_date=today() + timedelta(days=6), baseline_date=today() + timedelta(days=6))
    MilestoneFactory(programme=cast.programme, workstream=cast.workstream, title="Next month", owner=hr,
                     forecast_date=today() + timedelta(days=30), baseline_date=today() + timedelta(days=30))
    MilestoneFactory(programme=cast.programme, workstream=cast.workstream, title="Someone else's",
                     owner=cast.users["pm"], forecast_date=today(), baseline_date=today())
    MilestoneFactory(programme=cast.programme, workstream=cast.workstream, title="Too far off", owner=hr,
                     forecast_date=today() + timedelta(days=200), baseline_date=today() + timedelta(days=200))
    risk = RiskFactory(programme=cast.programme, title="Agency costs", owner=hr, next_review_date=today())
    RiskAction.objects.create(programme=cast.programme, risk=risk, description="Cap agency rates", owner=hr,
                              due_date=today() + timedelta(days=10))
    # A programme they have left: nothing of it is theirs any more.
    gone = ProgrammeFactory(slug="gone")
    MilestoneFactory(programme=gone, title="Left behind", owner=hr, forecast_date=today(), baseline_date=today())
    response = cast.client("hr").get(reverse("programmes:my_actions"))
    assert response.status_code == 200
    assert groups_of(response) == {
        "overdue": ["Late letters"],
        "week": [f"{risk.reference} Agency costs", "This week there"],
        "later": ["Cap agency rates", "Next month"],
    }
    text = response.content.decode()
    assert "Overdue by 3 days" in text and second.name in text
    assert "Someone else&#x27;s" not in text and "Left behind" not in text


def test_the_outsider_sees_only_their_own_programmes_duties(cast):
    MilestoneFactory(programme=cast.programme, workstream=cast.workstream, title="Home duty",
                     owner=cast.users["outsider"], forecast_date=today(), baseline_date=today())
    MilestoneFactory(programme=cast.other_programme, title="Their duty", owner=cast.users["outsider"],
                     forecast_date=today(), baseline_date=today())
    text = cast.client("outsider").get(reverse("programmes:my_actions")).content.decode()
    assert "Their duty" in text and "Home duty" not in text


def test_someone_with_nothing_to_do_is_told_so(cast):
    text = cast.client("viewer").get(reverse("programmes:my_actions")).content.decode()
    assert "Nothing is yours to do in the next 90 days." in text


@pytest.mark.parametrize("size", [3, 30])
def test_my_actions_query_count_is_pinned(cast, size, django_assert_num_queries):
    pm = cast.users["pm"]
    for n in range(size):
        MilestoneFactory(programme=cast.programme, workstream=cast.workstream, title=f"Mine {n}", owner=pm,
                         forecast_date=today() + timedelta(days=n), baseline_date=today() + timedelta(days=n))
        risk = RiskFactory(programme=cast.programme, owner=pm, next_review_date=today() + timedelta(days=n))
        RiskAction.objects.create(programme=cast.programme, risk=risk, description=f"Act {n}", owner=pm,
                                  due_date=today() + timedelta(days=n))
        ReadinessItem.objects.create(programme=cast.programme, key=f"check_{n}", label=f"Check {n}", owner=pm,
                                     due_date=today() + timedelta(days=n), position=10 + n)
    client = cast.client("pm")
    # The session and user (2), then per source a fixed number: the memberships, milestones,
    # the deadlines' managers, leads, programmes, contracts, decisions and done marks, risks
    # and actions, business-case versions, the day-one checks with their programme, its
    # contracts, latest roster and checks again, the members left, and the feed.
    with django_assert_num_queries(PINNED):
        response = client.get(reverse("programmes:my_actions"))
    assert response.status_code == 200
    assert sum(len(g["rows"]) for g in response.context["groups"]) >= 4 * size


PINNED = 22


def test_the_calendar_feed_serves_my_dated_duties_until_turned_off(cast):
    pm = cast.users["pm"]
    MilestoneFactory(programme=cast.programme, workstream=cast.workstream, title="In my calendar", owner=pm,
                     forecast_date=today() + timedelta(days=4), baseline_date=today() + timedelta(days=4))
    client = cast.client("pm")
    assert client.post(reverse("programmes:my_actions_calendar"), {"action": "create"}).status_code == 302
    page = client.get(reverse("programmes:my_actions")).content.decode()
    secret = re.search(r"/my-actions/([^/<\"]+)\.ics", page).group(1)
    feed = Client().get(reverse("programmes:my_actions_feed", args=[secret]))
    assert feed.status_code == 200 and feed["Content-Type"].startswith("text/calendar")
    body = feed.content.decode()
    assert "SUMMARY:Milestone: In my calendar" in body
    assert f"DTSTART;VALUE=DATE:{(today() + timedelta(days=4)):%Y%m%d}" in body
    # Shown once: the page does not show the secret again.
    assert secret not in client.get(reverse("programmes:my_actions")).content.decode()
    client.post(reverse("programmes:my_actions_calendar"), {"action": "revoke"})
    assert Client().get(reverse("programmes:my_actions_feed", args=[secret])).status_code == 404


def test_an_expired_feed_address_says_so_and_an_unknown_one_is_404(cast):
    secret = personal_feed_issue(user=cast.users["pm"])
    PersonalFeed.objects.update(expires_at=timezone.now() - timedelta(days=1))
    response = Client().get(reverse("programmes:my_actions_feed", args=[secret]))
    assert response.status_code == 410 and b"expired" in response.content
    assert Client().get(reverse("programmes:my_actions_feed", args=["nonsense"])).status_code == 404
