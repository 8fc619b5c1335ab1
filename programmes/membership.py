"""Writes that grant, change and remove access: programme memberships, a council's
administrators and invitations by email.

Every one validates the row, runs in one transaction and records in the history who did it
and why, so the council's access log (programmes.councils.access_log) can show each grant,
change and removal with its author.
"""
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.mail import send_email
from core.roles import Role
from core.tokens import hash_secret, new_secret
from programmes.models import CouncilAdministrator, Invitation, Membership, Organisation, Programme
from programmes.services import _save_with_history


def _role_label(role: str) -> str:
    return Role(role).label


def _person(user) -> str:
    """How the log's reasons name a person: never by full name alone."""
    name = user.get_full_name()
    return f"{name} ({user.username})" if name else user.username


# Memberships -----------------------------------------------------------------------------

@transaction.atomic
def member_add(*, programme: Programme, user, role: str, by) -> Membership:
    """Give `user` the `role` in `programme`. Someone already a member is refused (change
    their role instead), so a grant is never a silent change."""
    if Membership.objects.filter(programme=programme, user=user).exists():
        raise ValidationError({"user": f"{_person(user)} is already a member of {programme.name}."})
    membership = Membership(programme=programme, user=user, role=role)
    _save_with_history(membership, user=by,
                       reason=f"Access granted: {_person(user)} as {_role_label(role)}")
    return membership


@transaction.atomic
def member_change_role(*, membership: Membership, role: str, by) -> Membership:
    """Change a member's role."""
    before = membership.get_role_display()
    membership.role = role
    _save_with_history(membership, user=by, reason=(
        f"Role changed: {_person(membership.user)} from {before} to {_role_label(role)}"))
    return membership


@transaction.atomic
def member_remove(*, membership: Membership, by) -> None:
    """Take a member out of the programme: they no longer see any of it."""
    membership._history_user = by
    membership._change_reason = (f"Access removed: {_person(membership.user)} "
                                 f"({membership.get_role_display()})")
    membership.delete()


# Council administrators ------------------------------------------------------------------

@transaction.atomic
def administrator_add(*, council: Organisation, user, by) -> CouncilAdministrator:
    """Make `user` an administrator of `council`."""
    if CouncilAdministrator.objects.filter(organisation=council, user=user).exists():
        raise ValidationError({"user": f"{_person(user)} already administers {council.name}."})
    admin = CouncilAdministrator(organisation=council, user=user)
    _save_with_history(admin, user=by, reason=f"Administrator added: {_person(user)}")
    return admin


@transaction.atomic
def administrator_remove(*, administrator: CouncilAdministrator, by) -> None:
    """Stop someone administering a council. The last administrator cannot be removed: a
    council with none could only be run again by the site's superuser, which is what the
    role exists to avoid. The rows are locked so two removals at once cannot both pass."""
    others = (CouncilAdministrator.objects.select_for_update()
              .filter(organisation_id=administrator.organisation_id)
              .exclude(pk=administrator.pk))
    if not list(others):
        raise ValidationError(
            f"{_person(administrator.user)} is the council's only administrator. "
            "Add another administrator before removing them.")
    administrator._history_user = by
    administrator._change_reason = f"Administrator removed: {_person(administrator.user)}"
    administrator.delete()


# Invitations -----------------------------------------------------------------------------

@dataclass(frozen=True)
class SentInvitation:
    invitation: Invitation
    url: str  # the one-time link, with its secret; kept nowhere


def invitation_url(secret: str) -> str:
    return reverse("programmes:invitation_accept", args=[secret])


def _send_invitation_email(*, invitation: Invitation, link: str) -> None:
    """The invitation email, text and HTML, from templates/programmes/email/."""
    council = invitation.programme.lead_organisation
    context = {"invitation": invitation, "link": link, "council": council,
               "programme": invitation.programme, "role": invitation.get_role_display(),
               "expires_at": invitation.expires_at,
               "invited_by": invitation.invited_by}
    subject = f"{council.name} has invited you to {invitation.programme.name} on Insource"
    send_email(to=invitation.email, subject=subject, template="programmes/email/invitation", context=context)


def _issue(invitation: Invitation, *, base_url: str, now) -> str:
    secret = new_secret()
    invitation.token_hash = hash_secret(secret)
    invitation.expires_at = now + timedelta(days=settings.INVITATION_LIFETIME_DAYS)
    return base_url.rstrip("/") + invitation_url(secret)


@transaction.atomic
def invitation_send(*, programme: Programme, email: str, role: str, by, base_url: str,
                    first_name: str = "", last_name: str = "") -> SentInvitation:
    """Invite someone with no account to `programme` as `role`, by email.

    Their User is made now — the email address as username and email, no usable password,
    no access — so that signing in with the council's account (matched by verified email)
    finds the same person. Someone who already has an account is refused: add them as a
    member instead. The email is sent once the transaction commits, so a failed write sends
    nothing."""
    email = get_user_model().objects.normalize_email(email).strip()
    User = get_user_model()
    if User.objects.filter(email__iexact=email).exists() or User.objects.filter(
            username__iexact=email).exists():
        raise ValidationError({"email": f"{email} already has an account: find them by their "
                                        "email address and add them as a member."})
    user = User(username=email.lower(), email=email, first_name=first_name, last_name=last_name)
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user._history_user = by
    user.save()
    now = timezone.now()
    invitation = Invitation(programme=programme, user=user, email=email, role=role, invited_by=by)
    link = _issue(invitation, base_url=base_url, now=now)
    _save_with_history(invitation, user=by,
                       reason=f"Invited: {email} as {_role_label(role)}")
    transaction.on_commit(lambda: _send_invitation_email(invitation=invitation, link=link))
    return SentInvitation(invitation, link)


def _require_pending(invitation: Invitation, now) -> None:
    state = invitation.state(now)
    if state == Invitation.State.ACCEPTED:
        raise ValidationError("This invitation has already been accepted.")
    if state == Invitation.State.REVOKED:
        raise ValidationError("This invitation was revoked.")


@transaction.atomic
def invitation_resend(*, invitation: Invitation, by, base_url: str) -> SentInvitation:
    """Send an invitation again with a new link and a new expiry; the old link stops working.
    An expired invitation may be sent again; an accepted or revoked one may not."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    now = timezone.now()
    _require_pending(invitation, now)
    link = _issue(invitation, base_url=base_url, now=now)
    _save_with_history(invitation, user=by, reason=f"Invitation sent again to {invitation.email}")
    transaction.on_commit(lambda: _send_invitation_email(invitation=invitation, link=link))
    return SentInvitation(invitation, link)


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, by) -> Invitation:
    """Stop an invitation's link from working."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    _require_pending(invitation, timezone.now())
    invitation.revoked_at = timezone.now()
    _save_with_history(invitation, user=by, reason=f"Invitation revoked: {invitation.email}")
    return invitation


def invitation_for_secret(secret: str) -> Invitation | None:
    """The invitation whose link carries `secret`, whatever its state (the page says which)."""
    return (Invitation.objects.select_related("programme__lead_organisation", "user")
            .filter(token_hash=hash_secret(secret)).first())


@transaction.atomic
def invitation_accept(*, invitation: Invitation, password: str | None = None) -> Membership:
    """Accept an invitation: set the person's password (already checked by Django's
    password validators in the form) if one is given, and grant the membership. The row is
    locked and its state checked again, so a link used twice at once grants once."""
    invitation = (Invitation.objects.select_for_update().select_related("user", "programme")
                  .get(pk=invitation.pk))
    now = timezone.now()
    _require_pending(invitation, now)
    if invitation.state(now) == Invitation.State.EXPIRED:
        raise ValidationError("This invitation has expired.")
    user = invitation.user
    if password is not None:
        user.set_password(password)
        user.save(update_fields=["password"])
    invitation.accepted_at = now
    _save_with_history(invitation, user=user, reason=f"Invitation accepted by {invitation.email}")
    membership = Membership.objects.filter(programme=invitation.programme, user=user).first()
    if membership is None:
        membership = Membership(programme=invitation.programme, user=user, role=invitation.role)
        inviter = _person(invitation.invited_by) if invitation.invited_by else "an administrator"
        _save_with_history(membership, user=user, reason=(
            # The row itself holds who and which role; the reason says how (it must fit 100).
            f"Joined as {invitation.get_role_display()}, by accepting the invitation from {inviter}"))
    return membership
