"""Invitations by email: the invited person's User exists at once (email set, no usable
password, no access), the email (text and HTML) carries a one-time link whose secret is kept
only as its hash, the link works once and until its expiry, resending replaces it, revoking
stops it, accepting sets a password through Django's validators and grants the membership,
and every step is in the history with who took it."""
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from core.roles import Role
from core.tokens import hash_secret
from programmes.models import Invitation, Membership
from tests.factories import CouncilAdministratorFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-Pass-phrase-9"


@pytest.fixture
def admin(cast):
    user = UserFactory(username="council-admin", first_name="Cara", last_name="Admin")
    CouncilAdministratorFactory(organisation=cast.programme.lead_organisation, user=user)
    client = Client()
    client.force_login(user)
    return user, client


def _invite(cast, client, capture, email="dana.new@example.org", role=Role.FINANCE_OFFICER):
    """Invite through the page; the email goes once the transaction commits."""
    mail.outbox.clear()
    with capture(execute=True):
        response = client.post(reverse("programmes:member_invite", args=[cast.programme.slug]),
                               {"email": email, "first_name": "Dana", "last_name": "New", "role": role})
    assert response.status_code == 302, response.content.decode()[:2000]
    invitation = Invitation.objects.get(email=email)
    link = _link_in(mail.outbox[-1])
    return invitation, link


def _link_in(message) -> str:
    line = next(word for word in message.body.split() if "/invitations/" in word)
    return line[line.index("/invitations/"):]


def _accept(link, password=PASSWORD, confirm=None):
    return Client().post(link, {"new_password1": password, "new_password2": confirm or password})


def test_inviting_makes_the_user_and_sends_text_and_html(cast, admin, django_capture_on_commit_callbacks):
    user, client = admin
    invitation, link = _invite(cast, client, django_capture_on_commit_callbacks)
    person = invitation.user
    assert (person.email, person.username, person.first_name) == ("dana.new@example.org",
                                                                    "dana.new@example.org", "Dana")
    assert not person.has_usable_password()
    assert not Membership.objects.filter(user=person).exists()
    message = mail.outbox[-1]
    assert message.to == ["dana.new@example.org"]
    assert cast.programme.name in message.subject
    html, mime = message.alternatives[0]
    assert mime == "text/html" and link in html and "Finance officer" in message.body
    # Only the hash of the link's secret is stored.
    secret = link.rstrip("/").rsplit("/", 1)[-1]
    assert invitation.token_hash == hash_secret(secret) and secret not in invitation.token_hash
    created = invitation.history.get()
    assert (created.history_user, created.history_change_reason) == (
        user, "Invited: dana.new@example.org as Finance officer")
    assert (invitation.expires_at - timezone.now()) > timedelta(days=6, hours=23)


@override_settings(INVITATION_LIFETIME_DAYS=2)
def test_the_lifetime_is_a_setting(cast, admin, django_capture_on_commit_callbacks):
    invitation, _ = _invite(cast, admin[1], django_capture_on_commit_callbacks)
    assert timedelta(days=1, hours=23) < invitation.expires_at - timezone.now() <= timedelta(days=2)


def test_accepting_sets_the_password_grants_the_role_once(cast, admin, django_capture_on_commit_callbacks):
    invitation, link = _invite(cast, admin[1], django_capture_on_commit_callbacks)
    page = Client().get(link)
    assert page.status_code == 200
    assert "Finance officer" in page.content.decode() and "Set a password" in page.content.decode()
    # No sign-in route for the council's account unless the sso app provides one.
    assert "council account" not in page.content.decode()
    response = _accept(link)
    assert response.status_code == 302
    assert response["Location"] == reverse("programmes:overview", args=[cast.programme.slug])
    person = invitation.user
    person.refresh_from_db()
    assert person.check_password(PASSWORD)
    membership = Membership.objects.get(user=person, programme=cast.programme)
    assert membership.role == Role.FINANCE_OFFICER
    granted = membership.history.get()
    assert granted.history_user == person
    assert "by accepting the invitation from Cara Admin (council-admin)" in granted.history_change_reason
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    # One use only: the link now says so and changes nothing.
    again = Client().get(link)
    assert again.status_code == 410 and "already been used" in again.content.decode()
    assert _accept(link, password="another-Long-phrase-7").status_code == 410
    person.refresh_from_db()
    assert person.check_password(PASSWORD)
    # The signed-in person can reach the programme now.
    client = Client()
    signed_in = client.post(reverse("login"), {"username": person.username, "password": PASSWORD})
    assert signed_in.status_code == 302
    assert client.get(reverse("programmes:overview", args=[cast.programme.slug])).status_code == 200


def test_a_weak_password_is_refused_by_djangos_validators(cast, admin, django_capture_on_commit_callbacks):
    invitation, link = _invite(cast, admin[1], django_capture_on_commit_callbacks)
    for password, confirm, field in (("123", None, "new_password2"), ("password", None, "new_password2"),
                                     (PASSWORD, "different-Pass-9", "new_password2")):
        response = _accept(link, password, confirm)
        assert response.status_code == 200
        assert field in response.context["form"].errors
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    assert not invitation.user.has_usable_password()
    assert not Membership.objects.filter(user=invitation.user).exists()


def test_an_expired_link_says_so_and_can_be_sent_again(cast, admin, django_capture_on_commit_callbacks):
    user, client = admin
    invitation, link = _invite(cast, client, django_capture_on_commit_callbacks)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    response = Client().get(link)
    assert response.status_code == 410 and "This invitation has expired" in response.content.decode()
    assert _accept(link).status_code == 410
    assert not Membership.objects.filter(user=invitation.user).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("programmes:invitation_resend", args=[cast.programme.slug, invitation.pk]))
    assert response.status_code == 302
    new_link = _link_in(mail.outbox[-1])
    assert new_link != link
    # The old link no longer exists; the new one works.
    assert Client().get(link).status_code == 404
    assert _accept(new_link).status_code == 302
    reasons = list(invitation.history.order_by("history_date").values_list("history_change_reason", flat=True))
    assert reasons == ["Invited: dana.new@example.org as Finance officer",
                       "Invitation sent again to dana.new@example.org",
                       "Invitation accepted by dana.new@example.org"]


def test_a_revoked_link_says_so(cast, admin, django_capture_on_commit_callbacks):
    user, client = admin
    invitation, link = _invite(cast, client, django_capture_on_commit_callbacks)
    response = client.post(reverse("programmes:invitation_revoke", args=[cast.programme.slug, invitation.pk]))
    assert response.status_code == 302
    page = Client().get(link)
    assert page.status_code == 410 and "This invitation was revoked" in page.content.decode()
    assert _accept(link).status_code == 410
    assert not Membership.objects.filter(user=invitation.user).exists()
    revoked = invitation.history.first()
    assert (revoked.history_user, revoked.history_change_reason) == (
        user, "Invitation revoked: dana.new@example.org")
    # Neither sent again nor revoked twice.
    client.post(reverse("programmes:invitation_resend", args=[cast.programme.slug, invitation.pk]))
    assert invitation.history.count() == 2


def test_an_unknown_link_is_404_with_a_clear_message(cast):
    response = Client().get(reverse("programmes:invitation_accept", args=["not-a-real-secret"]))
    assert response.status_code == 404
    assert "This invitation link is not valid" in response.content.decode()


def test_someone_with_an_account_is_not_invited_but_added(cast, admin):
    _, client = admin
    UserFactory(username="has-one", email="has.one@example.org")
    response = client.post(reverse("programmes:member_invite", args=[cast.programme.slug]),
                           {"email": "HAS.ONE@example.org", "role": Role.VIEWER})
    assert response.status_code == 400
    assert "already has an account" in " ".join(response.context["invite_form"].errors["email"])
    assert not Invitation.objects.exists() and mail.outbox == []


def test_signed_in_as_the_invited_person_accepting_needs_no_password(cast, admin,
                                                                      django_capture_on_commit_callbacks):
    """Signing in with the council's account matches the invited User by email; back on the
    link, they accept with one button."""
    invitation, link = _invite(cast, admin[1], django_capture_on_commit_callbacks)
    client = Client()
    client.force_login(invitation.user)
    page = client.get(link)
    assert "Accept the invitation" in page.content.decode()
    assert client.post(link).status_code == 302
    assert Membership.objects.get(user=invitation.user).role == Role.FINANCE_OFFICER
    assert not Invitation.objects.get(pk=invitation.pk).user.has_usable_password()


def test_the_access_log_shows_the_invitation(cast, admin, django_capture_on_commit_callbacks):
    user, client = admin
    _, link = _invite(cast, client, django_capture_on_commit_callbacks)
    _accept(link)
    log = client.get(reverse("programmes:council_log", args=[cast.programme.lead_organisation_id]))
    html = log.content.decode()
    assert "Invited: dana.new@example.org as Finance officer" in html
    assert "Joined as Finance officer, by accepting the invitation from" in html


def test_the_invitation_offers_the_councils_own_sign_in_once_it_is_switched_on(
        cast, admin, django_capture_on_commit_callbacks):
    from urllib.parse import quote

    from sso.models import CouncilSignIn

    user, client = admin
    invitation, link = _invite(cast, client, django_capture_on_commit_callbacks)
    council = cast.programme.lead_organisation
    assert "/accounts/sso/" not in Client().get(link).content.decode()  # no SSO: password only
    CouncilSignIn.objects.create(organisation=council, issuer="https://idp.example/", client_id="c",
                                 client_secret="s", enabled=True)
    page = Client().get(link).content.decode()
    start = reverse("sso:login", kwargs={"organisation_id": council.pk})
    assert f'href="{start}?next={quote(link, safe="")}"' in page
