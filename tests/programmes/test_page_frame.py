"""The frame round every page (templates/base.html): a council's service, not GOV.UK. The
header names the council, the service navigation holds the service's name and the
programme's sections, and nothing carries the crown, the GOV.UK logo or Crown copyright."""
import re

import pytest
from django.test import Client
from django.urls import reverse

from core.roles import Role
from tests.factories import MembershipFactory, OrganisationFactory, ProgrammeFactory, UserFactory

pytestmark = pytest.mark.django_db

GOVUK_BRAND = re.compile(
    r"govuk-header|govuk-logo|govuk-footer__crown|crown|GOV\.UK|Open Government Licence", re.I
)


def header(html: str) -> str:
    return re.search(r"<header class=\"govuk-template__header\">(.*?)</header>", html, re.S).group(1)


def homepage_link(html: str) -> str:
    found = re.search(r'class="govuk-generic-header__homepage-link[^"]*">(.*?)</a>', html, re.S)
    return found.group(1).strip()


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_a_programme_page_is_headed_by_its_council_with_its_sections(cast):
    html = page(cast.client("pm"), reverse("programmes:decisions_list", args=[cast.programme.slug]))
    assert homepage_link(html) == "Test Council"
    top = header(html)
    assert '<span class="govuk-service-navigation__text">Insource</span>' in top
    nav = re.search(r'<nav aria-label="Programme menu" class="govuk-service-navigation__wrapper">(.*?)</nav>',
                    top, re.S).group(1)
    labels = re.findall(r'class="govuk-service-navigation__link"[^>]*>(?:<strong[^>]*>)?([^<]+)', nav)
    assert labels[:2] == ["Overview", "Milestones"] and "Risks" in labels
    # The section's own page is the current page, and its item says so in words too.
    assert re.search(r'aria-current="page"><strong class="govuk-service-navigation__active-fallback">'
                     r"Decisions</strong>", nav)
    assert nav.count("aria-current") == 1


def test_a_page_inside_a_section_marks_the_section_but_not_as_the_current_page(cast):
    url = reverse("programmes:milestone_detail", args=[cast.programme.slug, cast.milestone.pk])
    nav = header(page(cast.client("pm"), url))
    assert re.search(r'aria-current="true"><strong class="govuk-service-navigation__active-fallback">'
                     r"Milestones</strong>", nav)
    assert 'aria-current="page"' not in nav


def test_no_page_carries_the_gov_uk_brand(cast):
    for who, url in [("pm", reverse("programmes:overview", args=[cast.programme.slug])),
                     ("pm", reverse("programmes:list")),
                     ("anonymous", reverse("login"))]:
        html = page(cast.client(who), url)
        assert not GOVUK_BRAND.search(html), (url, GOVUK_BRAND.search(html).group(0))
        assert "govuk/assets/images" not in html


def test_pages_outside_a_programme_are_headed_by_the_users_one_council(cast):
    html = page(cast.client("outsider"), reverse("programmes:list"))
    assert homepage_link(html) == "Other Council"
    assert '<span class="govuk-service-navigation__text">Insource</span>' in header(html)
    assert "Programme menu" not in html


def test_someone_in_several_councils_programmes_or_none_sees_the_service_name(cast):
    both = cast.users["pm"]
    MembershipFactory(programme=cast.other_programme, user=both, role=Role.VIEWER)
    for who, url in [("pm", reverse("programmes:list")), ("anonymous", reverse("login"))]:
        html = page(cast.client(who), url)
        assert homepage_link(html) == "Insource"
        # The service's name is in the header already, so it is not said twice.
        assert "govuk-service-navigation" not in html


def test_a_council_that_leads_several_programmes_is_still_one_council(db):
    council = OrganisationFactory(name="Somerset Council")
    user = UserFactory(username="lead")
    for _ in range(2):
        MembershipFactory(programme=ProgrammeFactory(lead_organisation=council), user=user,
                          role=Role.PROGRAMME_MANAGER)
    client = Client()
    client.force_login(user)
    assert homepage_link(page(client, reverse("programmes:list"))) == "Somerset Council"
