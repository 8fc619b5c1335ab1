"""Secrets people hand to other programs: the API token and, in programmes, the calendar
feed address. Each is kept only as its SHA-256, has a lifetime, and records when it was
last used (at most once a minute, so a busy script does not write on every request)."""
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from core.models import ApiToken

# A use less than this long after the last recorded one is not written down again.
USE_RECORDED_EVERY = timedelta(minutes=1)


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def record_use(model: type[models.Model], pk, *, field: str = "last_used_at", now: datetime | None = None) -> None:
    """Note that a secret was used, unless that was already noted in the last minute. The
    condition is in the UPDATE itself, so concurrent requests write it once between them."""
    now = now or timezone.now()
    stale = Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__lt": now - USE_RECORDED_EVERY})
    model._default_manager.filter(stale, pk=pk).update(**{field: now})


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # shown to the person once and kept nowhere


@transaction.atomic
def api_token_issue(*, user, now: datetime | None = None) -> IssuedToken:
    """Make the user a new API token, replacing any they had. Returns the secret, once."""
    now = now or timezone.now()
    ApiToken.objects.filter(user=user).delete()
    secret = new_secret()
    token = ApiToken(user=user, key_hash=hash_secret(secret),
                     expires_at=now + timedelta(days=settings.API_TOKEN_LIFETIME_DAYS))
    token.full_clean(exclude=["key_hash"])
    token._change_reason = "API token made"
    token.save()
    return IssuedToken(token, secret)


@transaction.atomic
def api_token_revoke(*, user) -> None:
    """Delete the user's API token, so that it no longer works."""
    ApiToken.objects.filter(user=user).delete()


class ExpiringTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <secret>`, checked against the stored hash and the expiry."""

    def authenticate_credentials(self, key):
        token = (ApiToken.objects.select_related("user")
                 .filter(key_hash=hash_secret(key)).first())
        if token is None:
            raise exceptions.AuthenticationFailed("Invalid token.")
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        now = timezone.now()
        if token.expires_at <= now:
            expired = timezone.localtime(token.expires_at)
            raise exceptions.AuthenticationFailed(
                f"Your API token expired on {expired.day} {expired:%B %Y}. Sign in and make a new one "
                f"at {reverse('api_token')}")
        if token.last_used_at is None or token.last_used_at < now - USE_RECORDED_EVERY:
            record_use(ApiToken, token.pk, now=now)
        return token.user, token
