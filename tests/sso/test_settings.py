"""The council administrator's sign-in settings page: what it saves, what it refuses, and
the client secret, which is never shown back nor kept in the history."""
import pytest
from django.urls import reverse

from programmes.models import CouncilAdministrator
from sso.models import CouncilSignIn
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db
SECRET = "Xy7~very-secret-value"


@pytest.fixture
def council():
    return OrganisationFactory(name="Wiltshire Council")


@pytest.fixture
def admin_client(client, council):
    admin = UserFactory(username="wilts-admin")
    CouncilAdministrator.objects.create(organisation=council, user=admin)
    client.force_login(admin)
    client.admin = admin
    return client


def form(**changes) -> dict:
    return {"issuer": "https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0",
            "client_id": "6731de76-14a6-49ae-97bc-6eba6914391e", "client_secret": SECRET,
            "tenant_id": "9188040d-6c67-4c5b-b112-36a304b66dad",
            "allowed_email_domains": "wiltshire.gov.uk, @Wiltshire.nhs.uk", "enabled": "on", **changes}


def test_saving_records_who_and_why_and_keeps_the_secret_out_of_the_history(admin_client, council):
    url = reverse("sso:settings", args=[council.pk])
    response = admin_client.post(url, form())
    assert response.status_code == 302 and response["Location"] == url
    config = CouncilSignIn.objects.get(organisation=council)
    assert config.client_secret == SECRET and config.enabled and not config.create_accounts
    assert config.domains == ["wiltshire.gov.uk", "wiltshire.nhs.uk"]
    record = config.history.get()
    assert record.history_user == admin_client.admin
    assert record.history_change_reason == "Sign-in settings created (new client secret)"
    assert not hasattr(record, "client_secret") and record.secret_changed_at is not None


def test_the_secret_is_never_shown_and_an_empty_field_keeps_it(admin_client, council):
    url = reverse("sso:settings", args=[council.pk])
    admin_client.post(url, form())
    page = admin_client.get(url).content.decode()
    assert SECRET not in page and "A secret is saved" in page
    # Changing something else with the secret field left empty keeps the secret.
    admin_client.post(url, form(client_secret="", create_accounts="on"))
    config = CouncilSignIn.objects.get(organisation=council)
    assert config.client_secret == SECRET and config.create_accounts
    assert config.history.first().history_change_reason == "Sign-in settings changed"
    # Nor is a secret typed into a form that comes back with errors.
    page = admin_client.post(url, form(client_secret="typed-but-not-saved", issuer="not a url")).content.decode()
    assert "typed-but-not-saved" not in page and SECRET not in page


@pytest.mark.parametrize("changes,field,message", [
    ({"issuer": "http://login.example.com/v2.0"}, "issuer", "Enter the issuer&#x27;s https address"),
    ({"allowed_email_domains": ""}, "allowed_email_domains", "Enter the allowed email domains"),
    ({"allowed_email_domains": "wiltshire"}, "allowed_email_domains", "wiltshire is not an email domain"),
    ({"client_secret": ""}, "client_secret", "Enter the client secret before offering sign-in"),
    ({"client_id": ""}, "client_id", "Enter the client ID"),
])
def test_bad_input_names_its_field_and_saves_nothing(admin_client, council, changes, field, message):
    response = admin_client.post(reverse("sso:settings", args=[council.pk]), form(**changes))
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page, page[page.find("govuk-error-summary"):][:800]
    assert f'href="#id_{field}"' in page  # the error summary links to the field
    assert not CouncilSignIn.objects.exists()


def test_a_council_is_offered_on_the_sign_in_page_only_while_enabled(admin_client, council):
    admin_client.post(reverse("sso:settings", args=[council.pk]), form())
    admin_client.logout()
    assert "Sign in with Wiltshire Council&#x27;s account" in admin_client.get(reverse("login")).content.decode() \
        or "Sign in with Wiltshire Council's account" in admin_client.get(reverse("login")).content.decode()
    CouncilSignIn.objects.filter(organisation=council).update(enabled=False)
    assert "Wiltshire" not in admin_client.get(reverse("login")).content.decode()


def test_the_settings_page_is_a_section_of_the_council_area(client):
    from programmes.navigation import council_nav
    from tests.factories import CouncilAdministratorFactory

    grant = CouncilAdministratorFactory()
    client.force_login(grant.user)
    page = client.get(reverse("sso:settings", kwargs={"organisation_id": grant.organisation.pk}))
    url = reverse("sso:settings", kwargs={"organisation_id": grant.organisation.pk})
    assert page.status_code == 200
    assert {"label": "Sign-in", "url": url, "active": True} in page.context["council_nav"]
    assert any(s["url"] == url for s in council_nav(grant.organisation, "programmes"))
    home = client.get(reverse("programmes:council_home", kwargs={"organisation_id": grant.organisation.pk}))
    assert f'href="{url}"' in home.content.decode()
