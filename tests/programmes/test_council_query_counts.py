"""The council area's lists run a pinned number of queries, the same with 3 of everything
(programmes, members, administrators, invitations, log entries) as with 30: its pages as
the council's administrator, and the members API list.

Each page's count is the session and the user (2), the council's access check (1), then
what the page reads; a members page finds the programme and checks the administrator (2)
instead of the council. If a change adds a query on purpose, update the number here and
say why in the commit."""
import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from core.roles import Role
from programmes.membership import invitation_send, member_change_role
from programmes.models import Membership, Organisation
from tests.factories import (
    CouncilAdministratorFactory,
    MembershipFactory,
    OrganisationFactory,
    ProgrammeFactory,
    UserFactory,
)
from tests.programmes.test_query_counts import check_pages

pytestmark = pytest.mark.django_db

SIZES = [3, 30]
ROLES = list(Role)
# The API lists of tests/test_api_matrix_coverage.py's rule: pinned below.
PINNED = ["members", "organisation"]


def build(size: int):
    council = OrganisationFactory(name="Pinned Council")
    admin = UserFactory(username="the-admin")
    CouncilAdministratorFactory(organisation=council, user=admin)
    for _ in range(size - 1):
        CouncilAdministratorFactory(organisation=council)
    programmes = [ProgrammeFactory(lead_organisation=council) for _ in range(size)]
    for p in programmes:  # each with a partner of its own, besides its contract's counterparty
        p.partners.add(OrganisationFactory())
    first = programmes[0]
    for i in range(size):
        user = UserFactory()
        for p in programmes[:3]:
            membership = MembershipFactory(programme=p, user=user, role=ROLES[i % len(ROLES)])
        member_change_role(membership=membership, role=Role.VIEWER, by=admin)
        invitation_send(programme=first, email=f"invitee{i}@example.org", role=Role.VIEWER, by=admin,
                        base_url="http://testserver/")
    MembershipFactory(programme=ProgrammeFactory(lead_organisation=OrganisationFactory()))  # not theirs
    return council, admin, first


@pytest.mark.parametrize("size", SIZES)
def test_council_pages_run_a_pinned_number_of_queries(size, django_assert_num_queries):
    council, admin, first = build(size)
    pages = {
        # + the programmes with their member counts, the administrators.
        "council_home": (reverse("programmes:council_home", args=[council.pk]), 5),
        # + the programmes, the memberships with their people, the administrators.
        "council_access": (reverse("programmes:council_access", args=[council.pk]), 6),
        # + the organisations its programmes name, with their contract counts.
        "council_organisations": (reverse("programmes:council_organisations", args=[council.pk]), 4),
        # + the administrators (no search).
        "council_administrators": (reverse("programmes:council_administrators", args=[council.pk]), 4),
        # + the administrators and the people found.
        "council_administrators search": (
            reverse("programmes:council_administrators", args=[council.pk]) + "?q=user", 5),
        # + three counts and three reads of the histories of memberships, invitations and
        # administrators.
        "council_log": (reverse("programmes:council_log", args=[council.pk]), 9),
        # + the members with their people, the invitations with who sent them, the people found.
        "members": (reverse("programmes:members", args=[first.slug]) + "?q=invitee", 7),
    }
    check_pages(django_assert_num_queries, admin, pages)


@pytest.mark.parametrize("size", SIZES)
def test_members_api_list_runs_a_pinned_number_of_queries(size, django_assert_num_queries):
    council, admin, first = build(size)
    client = APIClient()
    client.force_login(admin)
    url = reverse("api:members-list", kwargs={"programme_slug": first.slug})
    # Session, user, the programme, the administrator check, the count and the page.
    with django_assert_num_queries(6):
        response = client.get(url)
    assert response.status_code == 200
    assert response.json()["count"] == Membership.objects.filter(programme=first).count() == size


@pytest.mark.parametrize("size", SIZES)
def test_organisations_api_list_runs_a_pinned_number_of_queries(size, django_assert_num_queries):
    council, admin, first = build(size)
    client = APIClient()
    client.force_login(admin)
    # Session, user, the count and the page, however many organisations there are.
    with django_assert_num_queries(4):
        response = client.get(reverse("api:organisation-list"))
    assert response.status_code == 200
    assert response.json()["count"] == Organisation.objects.count() >= 2 * size
