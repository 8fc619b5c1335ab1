"""FTE reads as the figure it is on the roster pages and in the API: 7.5, never the
database sum's 7.500000000000 (core.formats.number on the pages, core.api's one rule for a
decimal in the API)."""
import re

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.workforce.conftest import load_roster, staff

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
