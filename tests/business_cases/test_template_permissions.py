"""Who may open the council's paper template pages, as every role of a programme, the
council's administrator, another council's administrator, a superuser and someone
signed out. The template is the council administrator's (and a superuser's) alone: anyone
else gets 404, as an outsider does for a programme."""
import io

import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image

from business_cases import template_urls
from business_cases.models import PaperTemplate
from business_cases.services import template_save
from core.images import check_image
from programmes.models import CouncilAdministrator
from tests.conftest import CAST
from tests.factories import UserFactory
from tests.permissions import FORM, LOGIN_URL, READ, Page, request

COUNCIL_ADMIN = "council_admin"


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (60, 20), (29, 112, 184)).save(out, "PNG")
    return out.getvalue()


def _council(w) -> dict:
    return {"organisation_id": w.council.pk}


def _sections(w) -> dict:
    data = {}
    for i, s in enumerate(w.template_rows, start=1):
        data[f"s{i}_heading"], data[f"s{i}_position"] = s["heading"], str(i)
    data[f"s{len(w.template_rows) + 1}_heading"] = "Legal implications"
    return data


PAGES = {
    "home": Page(COUNCIL_ADMIN, **READ, kwargs=_council),
    "version": Page(COUNCIL_ADMIN, **READ, kwargs=lambda w: {**_council(w), "number": 1}),
    "logo": Page(COUNCIL_ADMIN, **READ, kwargs=lambda w: {**_council(w), "number": 1}),
    "sections": Page(COUNCIL_ADMIN, **FORM, kwargs=_council, data=_sections),
    "front": Page(COUNCIL_ADMIN, **FORM, kwargs=_council,
                  data=lambda w: {"council_name": "Test Council (renamed)", "logo_alt": ""}),
}
PEOPLE = [*CAST, "admin", "other_admin", "superuser"]


class World:
    def __init__(self, cast):
        self.cast = cast
        self.council = cast.programme.lead_organisation
        self.users = dict(cast.users)
        self.users["admin"] = UserFactory(username="admin")
        CouncilAdministrator.objects.create(organisation=self.council, user=self.users["admin"])
        self.users["other_admin"] = UserFactory(username="other_admin")
        CouncilAdministrator.objects.create(organisation=cast.other_programme.lead_organisation,
                                            user=self.users["other_admin"])
        self.users["superuser"] = UserFactory(username="root", is_superuser=True, is_staff=True)
        template = template_save(council=self.council, user=self.users["admin"], change="First",
                                 logo=check_image("logo.png", _png()))
        self.template_rows = template.sections

    def client(self, who: str) -> Client:
        client = Client()
        if who != "anonymous":
            client.force_login(self.users[who])
        return client


@pytest.fixture
def world(cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return World(cast)


def expected(name: str, who: str, method: str) -> int:
    page = PAGES[name]
    allowed = page.get if method == "get" else page.post
    if allowed == 405 and who != "anonymous":
        return 405
    if who == "anonymous":
        return 302
    return allowed if who in ("admin", "superuser") else 404


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(PAGES))
def test_every_person_gets_what_the_matrix_says(world, name):
    page = PAGES[name]
    url = reverse(f"paper_templates:{name}", kwargs=page.kwargs(world))
    tables = [PaperTemplate._meta.db_table]
    want, got, problems = {}, {}, []
    for who in PEOPLE:
        client = world.client(who)
        for method in ("get", "post"):
            response, changed = request(world, page, url, client, method, tables)
            key = f"{method.upper()} as {who}"
            want[key], got[key] = expected(name, who, method), response.status_code
            if who == "anonymous" and not response.get("Location", "").startswith(f"{LOGIN_URL}?next="):
                problems.append(f"{key}: not sent to sign in")
            if method == "post" and want[key] == 302 and who != "anonymous" and not changed:
                problems.append(f"{key}: a valid POST changed nothing")
            elif changed and not (method == "post" and want[key] == 302 and who != "anonymous"):
                problems.append(f"{key}: a refused request changed something")
    assert got == want
    assert problems == []


def test_every_template_url_is_in_the_matrix():
    assert {p.name for p in template_urls.urlpatterns} == set(PAGES)
