"""Every look at people is logged: whatever the HR lead fetches — page, export or API
answer — that shows a person's name adds a row to the personal-data log (PersonalDataView)
naming the HR lead.

The URLs are the canary test's walk of the URL configuration (every page that resolves
with the programme's slug, and those taking a workforce object), plus each roster
version's people, a person's page and the people exports; the canary's distinctive name
tells a page that shows people from one that shows counts."""
import pytest
from django.test import Client
from django.urls import reverse

from tests.workforce.test_canary import NAME, _extra_urls, canary, programme_urls, text_of  # noqa: F401
from workforce.models import EmployeeRecord, PersonalDataView

pytestmark = pytest.mark.django_db


def _people_urls(cast) -> list[str]:
    slug = cast.programme.slug
    record = EmployeeRecord.objects.get(roster__version=2, employee_ref="E0999")
    urls = [reverse("workforce:person", args=[slug, record.pk])]
    for version in (1, 2):
        urls += [reverse("workforce:people", args=[slug, version]),
                 reverse("workforce:people_export", args=[slug, version]),
                 reverse("workforce_api:people", args=[slug, version])]
    return urls


def test_every_answer_showing_people_to_hr_is_logged(canary):  # noqa: F811 (the imported fixture)
    cast = canary
    hr = cast.users["hr"]
    urls = sorted(set(programme_urls(cast.programme.slug) + _extra_urls(cast) + _people_urls(cast)))
    client = Client(raise_request_exception=False)
    client.force_login(hr)
    showing, unlogged = [], []
    for url in urls:
        before = PersonalDataView.objects.filter(user=hr, programme=cast.programme).count()
        response = client.get(url)
        if NAME not in text_of(response):
            continue
        showing.append(url)
        if PersonalDataView.objects.filter(user=hr, programme=cast.programme).count() == before:
            unlogged.append(url)
    assert unlogged == [], "these showed people without logging the look"
    # The walk reached the pages that show people: the test is not passing on an empty list.
    assert set(_people_urls(cast)) <= set(showing)
    assert reverse("workforce_api:difference", args=[cast.programme.slug]) + "?from=1&to=2" in showing
