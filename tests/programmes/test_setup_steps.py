"""A new programme's overview lists what to do first, each step done or not from what the
programme holds, with links for the roles that may do each step."""
import re

import pytest
from django.urls import reverse

from core.roles import Role
from tests.factories import (
    MembershipFactory,
    MilestoneFactory,
    OrganisationFactory,
    ProgrammeFactory,
    ServiceFactory,
    UserFactory,
    WorkstreamFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def empty():
    """A programme just set up: its dates, its manager and a viewer, nothing else."""
    programme = ProgrammeFactory(slug="fresh", lead_organisation=OrganisationFactory(name="New Council"))
    users = {}
    for name, role in (("pm", Role.PROGRAMME_MANAGER), ("viewer", Role.VIEWER)):
        users[name] = UserFactory(username=f"new-{name}")
        MembershipFactory(programme=programme, user=users[name], role=role)
    return programme, users


def steps(client, slug="fresh") -> dict[str, dict]:
    """The task list as shown: each step's title → its status and link (None without one)."""
    page = client.get(reverse("programmes:overview", args=[slug])).content.decode()
    found = {}
    for item in re.findall(r'<li class="govuk-task-list__item.*?</li>', page, flags=re.S):
        link = re.search(r'<a class="govuk-link govuk-task-list__link" href="([^"]+)"[^>]*>([^<]+)</a>', item)
        title = link[2] if link else re.search(r"<div>([^<]+)</div>", item)[1]
        status = re.sub(r"<[^>]+>", "", re.search(r'govuk-task-list__status[^>]*>(.*?)</div>', item, re.S)[1]).strip()
        hint = re.search(r'class="govuk-task-list__hint">([^<]*)<', item)
        found[title] = {"status": status, "url": link[1] if link else None, "hint": hint[1] if hint else ""}
    return found


def as_user(client, user):
    client.force_login(user)
    return client


def test_a_new_programme_shows_its_first_steps_with_links_for_its_manager(client, empty):
    programme, users = empty
    shown = steps(as_user(client, users["pm"]))
    assert list(shown) == ["Set the programme’s dates", "Add the services and contracts in scope",
                           "Add workstreams", "Add milestones", "Invite members"]
    assert shown["Set the programme’s dates"] == {
        "status": "Completed", "url": reverse("programmes:edit", args=["fresh"]),
        "hint": "When the contract ends and the new service goes live."}
    services = shown["Add the services and contracts in scope"]
    assert services["status"] == "Incomplete"
    assert services["url"] == reverse("programmes:services_create", args=["fresh"])
    assert shown["Add workstreams"]["url"] == reverse("programmes:workstreams_create", args=["fresh"])
    # A milestone needs a workstream, so it cannot be added yet.
    assert shown["Add milestones"] == {"status": "Cannot start yet", "url": None,
                                       "hint": "Every milestone belongs to a workstream."}
    # Two members (the manager and a viewer) already: the team has been started.
    assert shown["Invite members"]["status"] == "Completed"


def test_each_step_is_done_once_its_records_exist(client, empty):
    programme, users = empty
    client = as_user(client, users["pm"])
    workstream = WorkstreamFactory(programme=programme, name="HR")
    shown = steps(client)
    assert shown["Add workstreams"]["status"] == "Completed"
    assert shown["Add milestones"]["status"] == "Incomplete"
    assert shown["Add milestones"]["url"] == reverse("programmes:milestone_create", args=["fresh"])
    ServiceFactory(programme=programme)
    MilestoneFactory(programme=programme, workstream=workstream)
    assert steps(client) == {}, "every step is done, so the list has gone"
    page = client.get(reverse("programmes:overview", args=["fresh"])).content.decode()
    assert "Set up this programme" not in page


def test_a_programme_of_one_member_asks_for_members(client):
    programme = ProgrammeFactory(slug="fresh")
    pm = UserFactory(username="alone")
    MembershipFactory(programme=programme, user=pm, role=Role.PROGRAMME_MANAGER)
    shown = steps(as_user(client, pm))
    assert shown["Invite members"] == {
        "status": "Incomplete", "url": None,
        "hint": "Your council’s administrator adds the people who work on the programme."}


def test_a_viewer_sees_the_steps_and_who_can_do_them_without_links(client, empty):
    programme, users = empty
    shown = steps(as_user(client, users["viewer"]))
    assert all(step["url"] is None for step in shown.values())
    assert shown["Add workstreams"]["hint"] == ("HR, finance, IT and the others, each with its lead. "
                                                "A programme manager or a director can do this.")
    assert shown["Add workstreams"]["status"] == "Incomplete"
    # A step already done needs nobody.
    assert shown["Set the programme’s dates"]["hint"] == "When the contract ends and the new service goes live."


def test_a_programme_under_way_shows_no_list(cast):
    ServiceFactory(programme=cast.programme)
    page = cast.client("viewer").get(reverse("programmes:overview", args=["home"])).content.decode()
    assert "govuk-task-list" not in page


def test_the_list_costs_no_query(client, empty, django_assert_max_num_queries):
    """The steps are read from the overview's own figures: an empty programme's overview runs
    no more queries than the pinned count of a full one (tests/programmes/test_query_counts.py)."""
    from tests.programmes.test_query_counts import PAGES

    programme, users = empty
    client = as_user(client, users["pm"])
    client.get(reverse("programmes:overview", args=["fresh"]))  # warm the content-type cache
    with django_assert_max_num_queries(PAGES["overview"][1]):
        assert "govuk-task-list" in client.get(reverse("programmes:overview", args=["fresh"])).content.decode()
