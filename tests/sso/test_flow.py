"""Sign-in with a council's own accounts, end to end against a real OpenID provider
(tests/sso/conftest.py): redirect, the provider's login, callback, token exchange and
validation, and matching the person to an account, or refusing them with a message."""
import logging
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from core.roles import Role
from tests.factories import MembershipFactory, ProgrammeFactory, UserFactory
from tests.sso.conftest import CLIENT_ID, claims, sign_in

User = get_user_model()
pytestmark = pytest.mark.django_db


def signed_in_user(client):
    return client.session.get("_auth_user_id")


def refused_with(client, response, text: str) -> str:
    """The sign-in page the refusal lands on, holding `text`; nobody is signed in."""
    assert response.status_code == 302 and response["Location"] == reverse("login"), response
    page = client.get(response["Location"]).content.decode()
    assert text in page
    assert signed_in_user(client) is None
    return page


def test_the_start_sends_the_person_to_the_provider_with_state_nonce_and_pkce(client, sign_in_config, provider):
    response = client.get(reverse("sso:login", args=[sign_in_config.organisation_id]))
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}" == provider.issuer
    query = parse_qs(location.query)
    assert query["client_id"] == [CLIENT_ID]
    assert query["redirect_uri"] == ["http://testserver/accounts/sso/callback/"]
    assert query["response_type"] == ["code"]
    assert set(query["scope"][0].split()) >= {"openid", "email"}
    assert len(query["state"][0]) >= 32 and len(query["nonce"][0]) >= 32
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]


def test_a_verified_email_signs_in_its_one_account_whatever_its_case(client, sign_in_config, provider):
    user = UserFactory(username="alex", email="Alex.Jones@BathNES.gov.uk")
    MembershipFactory(programme=ProgrammeFactory(lead_organisation=sign_in_config.organisation), user=user,
                      role=Role.VIEWER)
    provider.accounts({"alex-at-idp": claims("alex.jones@bathnes.gov.uk")})
    flow = sign_in(client, sign_in_config, "alex-at-idp")
    assert flow.callback.status_code == 302
    assert flow.callback["Location"] == reverse("programmes:list")
    assert signed_in_user(client) == str(user.pk)
    assert client.get(reverse("programmes:list")).status_code == 200


def test_next_is_where_the_person_lands(client, sign_in_config, provider):
    user = UserFactory(email="alex@bathnes.gov.uk")
    provider.accounts({"alex": claims("alex@bathnes.gov.uk")})
    flow = sign_in(client, sign_in_config, "alex", next_url="/accounts/api-token/")
    assert flow.callback["Location"] == "/accounts/api-token/"
    assert signed_in_user(client) == str(user.pk)


def test_an_invited_person_signs_in_to_the_account_made_for_them(client, sign_in_config, provider):
    # An invitation makes the account with the email and no usable password.
    invited = User.objects.create_user(username="invited", email="sam.lee@bathnes.gov.uk")
    invited.set_unusable_password()
    invited.save()
    provider.accounts({"sam": claims("SAM.LEE@bathnes.gov.uk")})
    flow = sign_in(client, sign_in_config, "sam")
    assert signed_in_user(client) == str(invited.pk)
    assert flow.callback["Location"] == reverse("sso:no_access")


def test_an_unverified_email_is_refused_and_logged(client, sign_in_config, provider, caplog):
    UserFactory(email="alex@bathnes.gov.uk")
    provider.accounts({"alex": claims("alex@bathnes.gov.uk", verified=False)})
    with caplog.at_level(logging.WARNING, logger="sso.views"):
        flow = sign_in(client, sign_in_config, "alex")
    refused_with(client, flow.callback, "has not verified the email address alex@bathnes.gov.uk")
    assert "not verified" in caplog.text


def test_a_token_from_another_tenant_is_refused(client, sign_in_config, provider):
    UserFactory(email="alex@bathnes.gov.uk")
    provider.accounts({"alex": claims("alex@bathnes.gov.uk", tid="another-councils-tenant")})
    flow = sign_in(client, sign_in_config, "alex")
    refused_with(client, flow.callback, "belongs to another organisation")


def test_an_email_outside_the_councils_domains_is_refused(client, sign_in_config, provider):
    UserFactory(email="alex@example.com")
    provider.accounts({"alex": claims("alex@example.com")})
    flow = sign_in(client, sign_in_config, "alex")
    refused_with(client, flow.callback, "alex@example.com is not an address at Bath and North East Somerset Council")


def test_an_unknown_person_is_refused_when_the_council_creates_no_accounts(client, sign_in_config, provider):
    provider.accounts({"new": claims("new.starter@bathnes.gov.uk")})
    flow = sign_in(client, sign_in_config, "new")
    refused_with(client, flow.callback, "There is no account for new.starter@bathnes.gov.uk yet")
    assert not User.objects.filter(email__iexact="new.starter@bathnes.gov.uk").exists()


def test_an_unknown_person_gets_an_account_without_access_when_the_council_allows_it(
        client, sign_in_config, provider):
    sign_in_config.create_accounts = True
    sign_in_config.save()
    provider.accounts({"new": claims("New.Starter@bathnes.gov.uk")})
    flow = sign_in(client, sign_in_config, "new")
    user = User.objects.get(email="New.Starter@bathnes.gov.uk")
    assert signed_in_user(client) == str(user.pk)
    assert not user.has_usable_password()
    assert (user.first_name, user.last_name) == ("Alex", "Jones")
    assert not user.memberships.exists() and not user.is_staff and not user.is_superuser
    assert flow.callback["Location"] == reverse("sso:no_access")
    page = client.get(flow.callback["Location"]).content.decode()
    assert "You have no access to a programme yet" in page
    # A second sign-in finds the account made the first time instead of making another.
    client.logout()
    sign_in(client, sign_in_config, "new")
    assert User.objects.filter(email__iexact="new.starter@bathnes.gov.uk").count() == 1


def test_two_accounts_with_the_email_are_refused(client, sign_in_config, provider):
    UserFactory(username="one", email="alex@bathnes.gov.uk")
    UserFactory(username="two", email="ALEX@bathnes.gov.uk")
    provider.accounts({"alex": claims("alex@bathnes.gov.uk")})
    flow = sign_in(client, sign_in_config, "alex")
    refused_with(client, flow.callback, "More than one account has the email alex@bathnes.gov.uk")


def test_a_superuser_cannot_be_signed_in_by_a_councils_directory(client, sign_in_config, provider):
    UserFactory(email="root@bathnes.gov.uk", is_superuser=True, is_staff=True)
    provider.accounts({"root": claims("root@bathnes.gov.uk")})
    flow = sign_in(client, sign_in_config, "root")
    refused_with(client, flow.callback, "Site administrators sign in with their password.")


def test_a_switched_off_council_offers_no_sign_in(client, sign_in_config, provider):
    sign_in_config.enabled = False
    sign_in_config.save()
    response = client.get(reverse("sso:login", args=[sign_in_config.organisation_id]))
    refused_with(client, response, "does not offer sign-in with its own accounts")
    assert "Sign in with Bath and North East Somerset Council" not in client.get(reverse("login")).content.decode()


def test_switching_off_between_start_and_return_refuses_the_return(client, sign_in_config, provider):
    from tests.sso.conftest import at_provider

    UserFactory(email="alex@bathnes.gov.uk")
    provider.accounts({"alex": claims("alex@bathnes.gov.uk")})
    start = client.get(reverse("sso:login", args=[sign_in_config.organisation_id]))
    back_to = at_provider(start["Location"], "alex")
    sign_in_config.enabled = False
    sign_in_config.save()
    response = client.get(back_to.removeprefix("http://testserver"))
    refused_with(client, response, "has been switched off")


def test_a_replayed_callback_is_refused(client, sign_in_config, provider):
    user = UserFactory(email="alex@bathnes.gov.uk")
    provider.accounts({"alex": claims("alex@bathnes.gov.uk")})
    flow = sign_in(client, sign_in_config, "alex")
    assert signed_in_user(client) == str(user.pk)
    client.logout()
    again = client.get(flow.back_to.removeprefix("http://testserver"))
    refused_with(client, again, "That sign-in had expired or was already used")


def test_a_callback_in_another_browser_is_refused(client, sign_in_config, provider, django_user_model):
    from django.test import Client

    from tests.sso.conftest import at_provider

    UserFactory(email="alex@bathnes.gov.uk")
    provider.accounts({"alex": claims("alex@bathnes.gov.uk")})
    start = client.get(reverse("sso:login", args=[sign_in_config.organisation_id]))
    back_to = at_provider(start["Location"], "alex")
    # Someone else's browser, handed the code (login CSRF): its session started no sign-in.
    stranger = Client()
    refused_with(stranger, stranger.get(back_to.removeprefix("http://testserver")), "expired or was already used")


def test_a_tampered_state_is_refused_and_the_real_one_still_works_once(client, sign_in_config, provider):
    from tests.sso.conftest import at_provider

    user = UserFactory(email="alex@bathnes.gov.uk")
    provider.accounts({"alex": claims("alex@bathnes.gov.uk")})
    start = client.get(reverse("sso:login", args=[sign_in_config.organisation_id]))
    back_to = at_provider(start["Location"], "alex")
    state = parse_qs(urlsplit(back_to).query)["state"][0]
    tampered = back_to.replace(f"state={state}", f"state={state[:-1]}{'A' if state[-1] != 'A' else 'B'}")
    refused_with(client, client.get(tampered.removeprefix("http://testserver")), "expired or was already used")
    client.get(back_to.removeprefix("http://testserver"))
    assert signed_in_user(client) == str(user.pk)


def test_a_code_swapped_into_another_sign_in_fails_its_pkce_check(client, sign_in_config, provider):
    """A code issued for one sign-in, presented with another's state: the provider refuses
    the exchange (the code verifier is the other sign-in's), and so does Insource."""
    from tests.sso.conftest import at_provider

    UserFactory(email="alex@bathnes.gov.uk")
    provider.accounts({"alex": claims("alex@bathnes.gov.uk")})
    first = client.get(reverse("sso:login", args=[sign_in_config.organisation_id]))
    second = client.get(reverse("sso:login", args=[sign_in_config.organisation_id]))
    first_back = at_provider(first["Location"], "alex")
    second_state = parse_qs(urlsplit(second["Location"]).query)["state"][0]
    code = parse_qs(urlsplit(first_back).query)["code"][0]
    response = client.get(reverse("sso:callback"), {"code": code, "state": second_state})
    refused_with(client, response, "could not be finished")


def test_the_provider_saying_no_is_a_message_not_an_error(client, sign_in_config, provider):
    start = client.get(reverse("sso:login", args=[sign_in_config.organisation_id]))
    state = parse_qs(urlsplit(start["Location"]).query)["state"][0]
    response = client.get(reverse("sso:callback"), {"error": "access_denied", "state": state})
    refused_with(client, response, "did not sign you in")


def test_an_unreachable_provider_is_a_message_not_an_error(client, sign_in_config):
    sign_in_config.issuer = "http://127.0.0.1:9"  # the discard port: nothing answers there
    sign_in_config.save()
    response = client.get(reverse("sso:login", args=[sign_in_config.organisation_id]))
    refused_with(client, response, "cannot be reached just now")


def test_the_sign_in_page_offers_each_council_that_has_switched_it_on(client, sign_in_config):
    page = client.get(reverse("login"), {"next": "/programmes/x/"}).content.decode()
    start = reverse("sso:login", args=[sign_in_config.organisation_id])
    assert f'href="{start}?next=/programmes/x/"' in page or f'href="{start}?next=%2Fprogrammes%2Fx%2F"' in page
    assert "Sign in with Bath and North East Somerset Council's account" in page
    assert 'name="password"' in page  # the password stays
