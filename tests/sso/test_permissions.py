"""Who may open the sign-in pages of sso, as every role of a programme, the council's
administrator, another council's administrator, a superuser and someone signed out.

The council's sign-in settings are for that council's administrators (and superusers)
alone: anyone else gets 404, as an outsider does for a programme, so the page does not
reveal which councils use the service."""
import pytest
from django.test import Client
from django.urls import reverse

from programmes.models import CouncilAdministrator
from sso.models import CouncilSignIn
from tests.conftest import CAST
from tests.factories import OrganisationFactory, UserFactory
from tests.permissions import FORM, LOGIN_URL, READ, SIGNED_IN, Page, history_tables, request

COUNCIL_ADMIN = "council_admin"  # the administrator of the council the page is about

# URL name -> what an allowed person gets. The start and the callback are the sign-in flow
# itself, open to anyone and tested against a real provider in test_flow.py.
PAGES = {
    "settings": Page(COUNCIL_ADMIN, **FORM, kwargs=lambda w: {"organisation_id": w.council.pk},
                     data=lambda w: {"issuer": "https://login.microsoftonline.com/tenant/v2.0",
                                     "client_id": "insource", "client_secret": "s3cret",
                                     "allowed_email_domains": "testcouncil.gov.uk", "enabled": "on"}),
    "no_access": Page(SIGNED_IN, **READ, kwargs=lambda w: {}),
    "login": Page("anyone", get=302, post=405, kwargs=lambda w: {"organisation_id": w.council.pk}),
    "callback": Page("anyone", get=302, post=405, kwargs=lambda w: {}),
}
PEOPLE = [*CAST, "admin", "other_admin", "superuser", "newcomer"]


class World:
    def __init__(self, cast):
        self.cast = cast
        self.council = cast.programme.lead_organisation
        other = cast.other_programme.lead_organisation
        self.users = dict(cast.users)
        self.users["admin"] = UserFactory(username="admin")
        CouncilAdministrator.objects.create(organisation=self.council, user=self.users["admin"])
        self.users["other_admin"] = UserFactory(username="other_admin")
        CouncilAdministrator.objects.create(organisation=other, user=self.users["other_admin"])
        self.users["superuser"] = UserFactory(username="root", is_superuser=True, is_staff=True)
        self.users["newcomer"] = UserFactory(username="newcomer")  # in no programme yet
        self.slug = cast.programme.slug

    def client(self, who: str) -> Client:
        client = Client()
        if who != "anonymous":
            client.force_login(self.users[who])
        return client


@pytest.fixture
def world(cast):
    return World(cast)


def expected(name: str, who: str, method: str) -> int:
    page = PAGES[name]
    allowed = page.get if method == "get" else page.post
    if page.rule == "anyone" or allowed == 405 and who != "anonymous":
        return allowed
    if who == "anonymous":
        return 302
    if page.rule == COUNCIL_ADMIN:
        return allowed if who in ("admin", "superuser") else 404
    if name == "no_access" and who not in ("newcomer", "admin", "other_admin"):
        return 302  # a member of a programme is sent on to their programmes
    return allowed


@pytest.mark.parametrize("name", list(PAGES))
def test_every_person_gets_what_the_matrix_says(world, name):
    page = PAGES[name]
    url = reverse(f"sso:{name}", kwargs=page.kwargs(world))
    tables = history_tables([CouncilSignIn])
    want, got, problems = {}, {}, []
    for who in PEOPLE:
        client = world.client(who)
        for method in ("get", "post"):
            response, changed = request(world, page, url, client, method, tables)
            key = f"{method.upper()} as {who}"
            want[key], got[key] = expected(name, who, method), response.status_code
            location = response.get("Location", "")
            if page.rule != "anyone" and who == "anonymous" and not location.startswith(f"{LOGIN_URL}?next="):
                problems.append(f"{key}: not sent to sign in ({location})")
            if method == "post" and want[key] == 302 and page.rule == COUNCIL_ADMIN and who != "anonymous" \
                    and not changed:
                problems.append(f"{key}: a valid POST changed nothing")
            elif changed and not (method == "post" and want[key] == 302 and who != "anonymous"):
                problems.append(f"{key}: a refused request changed something")
    assert got == want
    assert problems == []


def test_every_sso_url_is_in_the_matrix():
    from sso.urls import urlpatterns

    assert {p.name for p in urlpatterns} == set(PAGES)


def test_another_councils_administrator_cannot_see_that_the_council_has_sign_in(world):
    CouncilSignIn.objects.create(organisation=world.council, issuer="https://idp.example/", client_id="c",
                                 client_secret="s", allowed_email_domains="x.gov.uk")
    response = world.client("other_admin").get(reverse("sso:settings", args=[world.council.pk]))
    assert response.status_code == 404
    # Nor a council that does not exist, nor an organisation that is not a council.
    partner = OrganisationFactory(kind="nhs_icb")
    assert world.client("admin").get(reverse("sso:settings", args=[partner.pk])).status_code == 404
