"""The 403, 404 and 500 pages: in the service's frame, with a way back, and for a refusal
the roles that may do what was refused. The API keeps its own JSON answers."""
import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

NAV = 'aria-label="Programme menu"'


def test_a_refusal_says_which_roles_may_do_it_and_whom_to_ask(cast):
    answer = cast.client("viewer").get(reverse("programmes:edit", args=["home"]))
    page = answer.content.decode()
    assert answer.status_code == 403
    assert "<title>You cannot do this – " in page
    # The programme's frame: its council in the header, its sections in the navigation.
    assert "Test Council</a>" in page and NAV in page
    assert "Your role (Viewer) cannot change the programme&#x27;s details and services." in page
    assert ("To change the programme&#x27;s details and services, you need to be a programme manager "
            "or a director in this programme.") in page
    for who in ("pm", "director"):
        assert cast.users[who].get_full_name() in page
    for who in ("viewer", "finance", "hr"):
        assert cast.users[who].get_full_name() not in page.split("<main", 1)[1]
    assert f'href="{reverse("programmes:overview", args=["home"])}">Go to the overview of' in page


@pytest.mark.parametrize(("who", "url", "needed"), [
    ("finance", ("workforce:upload", ["home", "roster"]), "you need to be an HR lead"),
    ("director", ("finance:budget-versions_create", ["home"]), "a programme manager or a finance officer"),
    ("viewer", ("business_cases:paper_create", ["home"]), "you need to be a programme manager or a director"),
])
def test_each_refused_capability_names_its_own_roles(cast, who, url, needed):
    name, args = url
    answer = cast.client(who).get(reverse(name, args=args))
    assert answer.status_code == 403
    assert needed in answer.content.decode()


def test_a_refusal_that_is_no_role_s_says_why_and_leads_to_the_programme_list(cast):
    answer = cast.client("pm").get(reverse("programmes:create"))
    page = answer.content.decode()
    assert answer.status_code == 403
    assert "Only administrators set up new programmes." in page
    assert "you need to be" not in page
    assert f'href="{reverse("programmes:list")}">Go to your programmes' in page
    # The user's council heads it, as on the programme list.
    assert "Test Council</a>" in page


def test_the_api_refuses_with_its_own_json(cast):
    client = APIClient()
    client.force_login(cast.users["viewer"])
    answer = client.patch(reverse("api:programme-detail", kwargs={"slug": "home"}), {"name": "x"}, format="json")
    assert answer.status_code == 403
    assert answer["Content-Type"].startswith("application/json")
    assert answer.json() == {"detail": "Your role (Viewer) cannot change the programme's details and services."}


def test_not_found_inside_a_programme_keeps_its_frame(cast):
    answer = cast.client("viewer").get(reverse("programmes:milestone_detail", args=["home", 999999]))
    page = answer.content.decode()
    assert answer.status_code == 404
    assert "<title>Page not found – " in page
    assert "Test Council</a>" in page and NAV in page
    assert f'href="{reverse("programmes:overview", args=["home"])}">Go to the overview of' in page


def test_not_found_reveals_nothing_of_a_programme_the_user_is_not_in(cast):
    answer = cast.client("outsider").get(reverse("programmes:overview", args=["home"]))
    page = answer.content.decode()
    assert answer.status_code == 404
    assert "Page not found" in page
    assert cast.programme.name not in page and "Test Council" not in page and NAV not in page
    # The outsider's own council heads the page, and the way back is their programme list.
    assert "Other Council</a>" in page
    assert f'href="{reverse("programmes:list")}">Go to your programmes' in page


def test_an_address_that_is_nothing_is_not_found_in_the_frame(cast):
    answer = cast.client("anonymous").get("/no-such-page/")
    page = answer.content.decode()
    assert answer.status_code == 404
    assert "Page not found" in page and 'class="govuk-footer"' in page
    assert "Insource</a>" in page


def test_the_api_answers_not_found_with_its_own_json(cast):
    client = APIClient()
    client.force_login(cast.users["pm"])
    answer = client.get(reverse("api:programme-detail", kwargs={"slug": "nowhere"}))
    assert answer.status_code == 404
    assert answer["Content-Type"].startswith("application/json")


def _refuse_queries(execute, sql, params, many, context):
    raise OperationalError("the database is down")


def broken_context_processor(request):
    raise RuntimeError("a context processor that fails")


@pytest.fixture
def failing_site(settings):
    settings.ROOT_URLCONF = "tests.programmes.error_urls"
    return Client(raise_request_exception=False)


def test_a_failure_shows_the_problem_page_in_the_frame(failing_site):
    answer = failing_site.get("/tests/fails/")
    page = answer.content.decode()
    assert answer.status_code == 500
    assert "<title>Sorry, there is a problem with the service – Insource</title>" in page
    assert 'class="govuk-generic-header__homepage-link app-header__council">Insource</a>' in page
    assert f'href="{reverse("programmes:list")}">Go to your programmes' in page


def test_the_problem_page_needs_no_database_and_no_context_processor(failing_site, settings):
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "OPTIONS": {
        **settings.TEMPLATES[0]["OPTIONS"],
        "context_processors": [*settings.TEMPLATES[0]["OPTIONS"]["context_processors"],
                               "tests.programmes.test_error_pages.broken_context_processor"]}}]
    with connection.execute_wrapper(_refuse_queries):
        answer = failing_site.get("/tests/fails/")
    assert answer.status_code == 500
    assert "Sorry, there is a problem with the service" in answer.content.decode()
    # The same broken set-up breaks an ordinary page: the test is able to fail.
    with pytest.raises(RuntimeError):
        Client().get("/no-such-page/")
