"""The council area as its administrators use it: every council page and members page of the
permission matrix as this council's administrator (allowed), another council's
administrator (404) and a superuser; and what the pages do — set up a programme for the
council, find people without listing another council's, add, change and remove members
and administrators (never the last), with every change in the access log with its author."""
import pytest
from django.test import Client
from django.urls import reverse

from core.roles import Role
from programmes.councils import access_log, find_people, person_label
from programmes.models import CouncilAdministrator, Membership, Programme
from tests.factories import (
    CouncilAdministratorFactory,
    MembershipFactory,
    OrganisationFactory,
    ProgrammeFactory,
    UserFactory,
)
from tests.permissions import COUNCIL_ADMIN, INVITED, PROGRAMME_ADMIN, day, request
from tests.programmes.test_permissions import FINGERPRINT_TABLES, PAGES
from tests.programmes.test_permissions import world as world  # noqa: F401 (the fixture)

COUNCIL_PAGES = sorted(name for name, page in PAGES.items()
                       if page.rule in (COUNCIL_ADMIN, PROGRAMME_ADMIN))


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("name", COUNCIL_PAGES)
def test_this_councils_administrator_may_and_another_councils_may_not(world, name):
    page = PAGES[name]
    url = reverse(f"programmes:{name}", kwargs=page.kwargs(world))
    other_admin = CouncilAdministratorFactory(organisation=OrganisationFactory(name="Far Council")).user
    superuser = UserFactory(username="root", is_superuser=True, is_staff=True)
    for who, user, get_status, post_status in (
            ("council admin", world.council_admin, page.get, page.post),
            ("superuser", superuser, page.get, page.post),
            ("other council's admin", other_admin, 404 if page.get != 405 else 405,
             404 if page.post != 405 else 405)):
        for method, status in (("get", get_status), ("post", post_status)):
            response, changed = request(world, page, url, _client(user), method, FINGERPRINT_TABLES)
            assert response.status_code == status, f"{method.upper()} {url} as {who}"
            assert changed == (method == "post" and status == 302), f"{method.upper()} {url} as {who}"


def test_an_invitation_link_refuses_someone_else_signed_in(world):
    page = PAGES["invitation_accept"]
    assert page.rule == INVITED
    url = reverse("programmes:invitation_accept", kwargs=page.kwargs(world))
    response = _client(world.council_admin).get(url)
    assert response.status_code == 403
    assert b"This invitation is for someone else" in response.content


def test_the_council_admin_sees_no_programme_inside(world):
    """Administering the council grants nothing inside a programme: the overview is 404
    (not a member), until they add themselves."""
    client = _client(world.council_admin)
    overview = reverse("programmes:overview", args=[world.slug])
    assert client.get(overview).status_code == 404
    response = client.post(reverse("programmes:member_add", args=[world.slug]),
                           {"user": world.council_admin.pk, "role": Role.VIEWER})
    assert response.status_code == 302
    assert client.get(overview).status_code == 200
    record = Membership.objects.get(user=world.council_admin).history.first()
    assert record.history_user == world.council_admin
    assert record.history_change_reason == "Access granted: Cara Admin (council-admin) as Viewer"


def test_setting_up_a_programme_fixes_the_lead_council(world):
    other = OrganisationFactory(name="Elsewhere Council")
    client = _client(world.council_admin)
    url = reverse("programmes:council_programme_create", args=[world.cast.programme.lead_organisation_id])
    response = client.post(url, {"name": "Day services review", "slug": "day-services",
                                 "lead_organisation": other.pk, "status": "planning",
                                 "kind": "in_house", "transfer_date": day(201)})
    assert response.status_code == 302
    assert response["Location"] == reverse("programmes:members", args=["day-services"])
    programme = Programme.objects.get(slug="day-services")
    assert programme.lead_organisation == world.cast.programme.lead_organisation
    assert programme.history.first().history_user == world.council_admin
    # The site-wide set-up page sends a council administrator to their council's.
    response = client.get(reverse("programmes:create"))
    assert response["Location"] == url


def test_the_programme_list_leads_an_administrator_to_the_council_area(world):
    response = _client(world.council_admin).get(reverse("programmes:list"))
    council = world.cast.programme.lead_organisation
    assert reverse("programmes:council_home", args=[council.pk]).encode() in response.content
    assert b"Council menu" in response.content
    # Nobody else is shown it.
    response = world.cast.client("pm").get(reverse("programmes:list"))
    assert b"Council menu" not in response.content


def test_members_change_role_and_removal_are_in_the_history(world):
    client = _client(world.council_admin)
    viewer = world.cast.users["viewer"]
    membership = Membership.objects.get(programme=world.cast.programme, user=viewer)
    response = client.post(reverse("programmes:member_role", args=[world.slug, membership.pk]),
                           {"role": Role.DIRECTOR})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == Role.DIRECTOR
    changed = membership.history.first()
    assert (changed.history_user, changed.history_change_reason) == (
        world.council_admin, f"Role changed: {viewer.get_full_name()} (viewer) from Viewer to Director")
    # The members page links to a question first; asking removes nothing.
    remove_url = reverse("programmes:member_remove", args=[world.slug, membership.pk])
    members_page = client.get(reverse("programmes:members", args=[world.slug])).content.decode()
    assert f'href="{remove_url}"' in members_page
    ask = client.get(remove_url).content.decode()
    assert f"Remove {viewer.get_full_name()} from the programme?" in ask and person_label(viewer) in ask
    assert "Their role is Director." in ask and 'type="submit"' in ask
    assert Membership.objects.filter(pk=membership.pk).exists()
    client.post(remove_url)
    assert not Membership.objects.filter(pk=membership.pk).exists()
    removed = Membership.history.filter(id=membership.pk).order_by("-history_date").first()
    assert removed.history_type == "-" and removed.history_user == world.council_admin
    # The access log shows all three, newest first, with their author.
    entries, pages = access_log(world.cast.programme.lead_organisation)
    assert pages == 1
    assert [e.change for e in entries[:2]] == [
        f"Access removed: {viewer.get_full_name()} (viewer) (Director)",
        f"Role changed: {viewer.get_full_name()} (viewer) from Viewer to Director"]
    assert entries[0].who == world.council_admin
    page = client.get(reverse("programmes:council_log", args=[world.cast.programme.lead_organisation_id]))
    assert "Access removed: " in page.content.decode()


def test_an_invalid_role_or_a_second_add_is_refused_with_the_field_named(world):
    client = _client(world.council_admin)
    pm = world.cast.users["pm"]
    response = client.post(reverse("programmes:member_add", args=[world.slug]),
                           {"user": pm.pk, "role": Role.VIEWER})
    assert response.status_code == 400
    assert "is already a member of" in " ".join(response.context["add_form"].errors["user"])
    response = client.post(reverse("programmes:member_add", args=[world.slug]),
                           {"user": pm.pk, "role": "emperor"})
    assert response.status_code == 400
    assert "role" in response.context["add_form"].errors
    assert Membership.objects.get(programme=world.cast.programme, user=pm).role == Role.PROGRAMME_MANAGER


def test_the_last_administrator_cannot_be_removed(world):
    council = world.cast.programme.lead_organisation
    client = _client(world.council_admin)
    only = CouncilAdministrator.objects.get(organisation=council)
    response = client.post(reverse("programmes:council_administrator_remove", args=[council.pk, only.pk]),
                           follow=True)
    assert "the council&#x27;s only administrator" in response.content.decode()
    assert CouncilAdministrator.objects.filter(pk=only.pk).exists()
    # With a second one, either may go, and the log says who removed whom.
    pm = world.cast.users["pm"]
    client.post(reverse("programmes:council_administrators", args=[council.pk]), {"user": pm.pk})
    second = CouncilAdministrator.objects.get(organisation=council, user=pm)
    assert second.history.first().history_user == world.council_admin
    remove_url = reverse("programmes:council_administrator_remove", args=[council.pk, second.pk])
    ask = client.get(remove_url).content.decode()
    assert f"Remove {pm.get_full_name()} as an administrator?" in ask and person_label(pm) in ask
    assert CouncilAdministrator.objects.filter(pk=second.pk).exists()
    client.post(remove_url)
    assert not CouncilAdministrator.objects.filter(pk=second.pk).exists()
    entries, _ = access_log(council)
    assert entries[0].what == "Administrator"
    assert entries[0].change == f"Administrator removed: {pm.get_full_name()} (pm)"


def test_finding_people_shows_name_username_and_email_and_not_another_councils_staff(world):
    council = world.cast.programme.lead_organisation
    stranger = UserFactory(username="jbloggs", first_name="Joe", last_name="Bloggs",
                           email="joe.bloggs@far.gov.uk")
    MembershipFactory(programme=ProgrammeFactory(), user=stranger)
    # Part of a name finds only people this council deals with…
    assert find_people(council, "Bloggs") == []
    assert world.cast.users["pm"] in find_people(council, world.cast.users["pm"].last_name)
    # …a whole email address finds anyone with an account.
    assert find_people(council, "JOE.BLOGGS@far.gov.uk") == [stranger]
    response = _client(world.council_admin).get(
        reverse("programmes:members", args=[world.slug]), {"q": "joe.bloggs@far.gov.uk"})
    html = response.content.decode()
    assert "Joe Bloggs" in html and "jbloggs" in html and "joe.bloggs@far.gov.uk" in html


def test_who_has_access_lists_every_person_and_programme(world):
    council = world.cast.programme.lead_organisation
    second = ProgrammeFactory(lead_organisation=council, name="Second programme")
    MembershipFactory(programme=second, user=world.cast.users["hr"], role=Role.DIRECTOR)
    response = _client(world.council_admin).get(reverse("programmes:council_access", args=[council.pk]))
    grid = response.context["grid"]
    names = [p.name for p in grid.programmes]
    rows = {r.user.username: r for r in grid.rows}
    assert set(rows) == {"pm", "finance", "hr", "director", "viewer", "council-admin"}
    assert rows["hr"].roles[names.index("Second programme")] == "Director"
    assert rows["hr"].roles[names.index(world.cast.programme.name)] == "HR lead"
    assert rows["council-admin"].administrator and set(rows["council-admin"].roles) == {""}
    assert "outsider" not in rows


def test_an_administrator_adds_an_organisation_that_a_contract_then_names(world):
    from programmes.models import Organisation

    council = world.cast.programme.lead_organisation
    admin = _client(world.council_admin)
    url = reverse("programmes:council_organisations", args=[council.pk])
    page = admin.get(url).content.decode()
    provider = world.cast.programme.contracts.get().counterparty
    assert provider.name in page  # what its programmes already name
    assert world.cast.other_programme.contracts.get().counterparty.name not in page
    response = admin.post(url, {"name": "  Sirona care   and health CIC ", "short_name": "Sirona",
                                "kind": "outgoing_provider"})
    assert response.status_code == 302
    added = Organisation.objects.get(name="Sirona care and health CIC")
    assert added.history.get().history_user == world.council_admin
    # The same name again, in another case, is refused and names the field.
    response = admin.post(url, {"name": "SIRONA CARE AND HEALTH CIC", "kind": "other"})
    assert response.status_code == 400
    assert "is already in the list" in " ".join(response.context["form"].errors["name"])
    assert Organisation.objects.filter(name__iexact="sirona care and health cic").count() == 1
    # A council is not added here.
    response = admin.post(url, {"name": "Somewhere Council", "kind": "council"})
    assert response.status_code == 400 and "kind" in response.context["form"].errors
    # The programme manager's contract form offers it, and a contract with it is saved.
    pm = world.cast.client("pm")
    form = pm.get(reverse("programmes:contract_create", args=[world.slug])).content.decode()
    assert f'value="{added.pk}"' in form and "Organisations page" in form
    response = pm.post(reverse("programmes:contract_create", args=[world.slug]), {
        "title": "Reablement agreement", "counterparty": added.pk, "end_date": "2027-03-31",
        "annual_value": "£31,000", "staff_transfer": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert world.cast.programme.contracts.filter(counterparty=added).exists()
    assert "Sirona care and health CIC" in admin.get(url).content.decode()
