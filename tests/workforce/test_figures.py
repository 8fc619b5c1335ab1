"""FTE reads as the figure it is on the roster pages and in the API: 7.5, never the
database sum's 7.500000000000 (core.formats.number on the pages, core.api's one rule for a
decimal in the API)."""
import re

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.workforce.conftest import load_roster, staff
from workforce.reporting import SUPPRESSED

pytestmark = pytest.mark.django_db


@pytest.fixture
def rostered(hr_programme):
    cast = hr_programme
    load_roster(cast.programme, cast.users["hr"], [*staff(6, fte="0.75"), *staff(6, team="LD Connections",
                                                                           start=50, fte="0.50")])
    return cast


def _long_decimals(text: str) -> list[str]:
    return re.findall(r"\d+\.\d{3,}", text)


@pytest.mark.parametrize("page", ["workforce:versions", "workforce:summary"])
def test_the_roster_pages_show_fte_as_a_plain_figure(rostered, page):
    html = rostered.client("hr").get(reverse(page, args=[rostered.programme.slug])).content.decode()
    assert ">7.5<" in html  # 6 × 0.75 + 6 × 0.5
    assert _long_decimals(html) == []


@pytest.mark.parametrize("endpoint", ["workforce_api:versions", "workforce_api:summary"])
def test_the_api_gives_fte_as_a_plain_figure(rostered, endpoint):
    client = APIClient()
    client.force_authenticate(rostered.users["hr"])
    body = client.get(reverse(endpoint, args=[rostered.programme.slug])).content.decode()
    assert '"7.5"' in body
    assert _long_decimals(body) == []


@pytest.mark.parametrize("who", ["hr", "viewer"])
def test_the_versions_api_says_what_the_versions_page_says(rostered, who):
    """Each roster version's lateness, headcount, FTE and vacancies in the API are the
    versions page's, suppressed for a small group outside HR exactly as the page is."""
    from core.formats import decimal_text

    load_roster(rostered.programme, rostered.users["hr"], staff(3, fte="1"))
    rows = rostered.client(who).get(reverse("workforce:versions", args=[rostered.programme.slug])).context["rows"]
    shown = [(v.roster.version, v.roster.days_late, v.roster.is_late, v.people.shown_headcount,
              None if v.people.hidden else decimal_text(v.people.fte), v.people.hidden, v.vacancies) for v in rows]
    client = APIClient()
    client.force_authenticate(rostered.users[who])
    body = client.get(reverse("workforce_api:versions", args=[rostered.programme.slug])).json()
    answered = [(v["version"], v["days_late"], v["late"], v["headcount"], v["fte"], v["suppressed"], v["vacancies"])
                for v in body["versions"]]
    assert answered == shown
    newest = (3, "3", False) if who == "hr" else (SUPPRESSED, None, True)  # three people: a small group
    assert [row[3:6] for row in shown] == [newest, (12, "7.5", False)]


def test_the_team_chart_is_an_image_whose_bars_carry_their_figures(rostered):
    from lxml import etree

    from workforce import reporting
    from workforce.models import TransferRoster

    roster = TransferRoster.objects.get(programme=rostered.programme)
    chart = reporting.team_chart(reporting.team_summary(roster, personal=True))
    root = etree.fromstring(str(chart.svg()))
    ns = "{http://www.w3.org/2000/svg}"
    assert root.get("role") == "img" and root.find(f"{ns}title").get("id") == root.get("aria-labelledby")
    assert root.find(f"{ns}title").text == "Headcount by team; the figures are in the table below"
    texts = [t.text for t in root.iter(f"{ns}text")]
    assert texts == ["First Response", "6", "LD Connections", "6"]
    assert [r.get("width") for r in root.iter(f"{ns}rect")] == ["330", "330"]
