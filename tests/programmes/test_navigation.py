"""The programme's sections come from programmes.navigation, where each app declares its
own (programmes cannot name the pages of the apps built on it). What a member sees is the
list the header always had: the same sections, labels, links and order for every role."""
import re

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from core.roles import Capability
from programmes import navigation
from programmes.navigation import nav_section, nav_sections

pytestmark = pytest.mark.django_db

# The sections as the header listed them before the apps declared their own, the
# contract register after the services, the consultations after the engagement log, and the
# equality impact assessments after the business case.
SECTIONS = [
    ("Overview", "programmes:overview"),
    ("Milestones", "programmes:tracker"),
    ("Decisions", "programmes:decisions_list"),
    ("Lessons", "programmes:lessons_list"),
    ("Engagement", "programmes:engagement_list"),
    ("Consultations", "consultations:home"),
    ("Confidence", "programmes:confidence_list"),
    ("Workstreams", "programmes:workstreams_list"),
    ("Services", "programmes:services_list"),
    ("Contracts", "programmes:contract_list"),
    ("Business case", "business_cases:home"),
    ("Equality", "business_cases:equality"),
    ("Cabinet papers", "business_cases:papers"),
    ("Highlight reports", "business_cases:highlights"),
    ("Workforce", "workforce:summary"),
    ("Finance", "finance:home"),
    ("Risks", "risks:register"),
    ("Exports", "programmes:exports"),
]


def drawn_sections(html: str) -> list[tuple[str, str]]:
    nav = re.search(r'<nav aria-label="Programme menu"[^>]*>(.*?)</nav>', html, re.S).group(1)
    return re.findall(r'<a class="govuk-service-navigation__link" href="([^"]+)"[^>]*>'
                      r"(?:<strong[^>]*>)?([^<]+)", nav)


@pytest.fixture
def isolated_sections(monkeypatch):
    """The registry as the apps left it, restored after the test."""
    monkeypatch.setattr(navigation, "_sections", dict(navigation._sections))


@pytest.mark.parametrize("who", ["pm", "finance", "hr", "director", "viewer"])
def test_every_role_sees_the_programmes_sections_in_their_order(cast, who):
    html = cast.client(who).get(reverse("risks:register", args=[cast.programme.slug])).content.decode()
    expected = [(reverse(name, args=[cast.programme.slug]), label) for label, name in SECTIONS]
    assert drawn_sections(html) == expected


@pytest.mark.parametrize(("url_name", "current"), [
    ("workforce:summary", "Workforce"),
    ("business_cases:papers", "Cabinet papers"),
    ("business_cases:equality", "Equality"),
    ("finance:home", "Finance"),
    ("programmes:exports", "Exports"),
])
def test_an_apps_page_marks_its_own_section(cast, url_name, current):
    html = cast.client("hr").get(reverse(url_name, args=[cast.programme.slug])).content.decode()
    marked = re.findall(r'aria-current="page"><strong class="govuk-service-navigation__active-fallback">'
                        r"([^<]+)</strong>", html)
    assert marked == [current]


def test_a_section_for_a_capability_is_shown_only_to_roles_that_have_it(cast, isolated_sections):
    nav_section("people", "People", "workforce:access_log", order=115, capability=Capability.VIEW_PERSONAL_DATA)
    url = reverse("programmes:overview", args=[cast.programme.slug])
    people = reverse("workforce:access_log", args=[cast.programme.slug])
    for who in ("pm", "finance", "director", "viewer"):
        assert people not in dict(drawn_sections(cast.client(who).get(url).content.decode())), who
    drawn = drawn_sections(cast.client("hr").get(url).content.decode())
    labels = [label for _, label in drawn]
    at = labels.index("Workforce")
    assert labels[at:at + 3] == ["Workforce", "People", "Finance"]


def test_declaring_a_section_again_is_harmless_but_a_different_one_under_its_key_is_refused(isolated_sections):
    before = nav_sections()
    nav_section("risks", "Risks", "risks:register", order=130)
    assert nav_sections() == before
    with pytest.raises(ImproperlyConfigured, match="declared twice"):
        nav_section("risks", "Risk register", "risks:register", order=130)
    with pytest.raises(ImproperlyConfigured, match="share order 130"):
        nav_section("issues", "Issues", "risks:issues", order=130)


def test_the_workforce_section_shows_only_where_staff_transfer(cast):
    """A transformation moves no staff, and a programme whose contracts move none has no
    transfer list: neither offers the workforce pages."""
    url = reverse("programmes:overview", args=[cast.programme.slug])
    workforce = reverse("workforce:summary", args=[cast.programme.slug])
    assert workforce in dict(drawn_sections(cast.client("viewer").get(url).content.decode()))
    cast.programme.contracts.update(staff_transfer=False, transfer_date=None)
    assert workforce not in dict(drawn_sections(cast.client("viewer").get(url).content.decode()))
    cast.programme.contracts.update(staff_transfer=True, transfer_date=cast.programme.transfer_date)
    type(cast.programme).objects.filter(pk=cast.programme.pk).update(kind="transformation")
    assert workforce not in dict(drawn_sections(cast.client("viewer").get(url).content.decode()))
