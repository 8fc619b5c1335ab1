"""The calendar feed address: a secret in a URL, since calendar apps cannot sign in.

Like the API token (core.tokens) only its SHA-256 is kept, it works for
CALENDAR_TOKEN_LIFETIME_DAYS, and when it was last used is noted at most once a minute.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.tokens import USE_RECORDED_EVERY, hash_secret, new_secret, record_use
from programmes.models import Membership, PersonalFeed
from programmes.services import record_save


@transaction.atomic
def calendar_feed_issue(*, membership: Membership, user, now: datetime | None = None) -> str:
    """Give the member a new feed address, so any old one stops working. Returns the
    secret, which is shown once and kept nowhere."""
    now = now or timezone.now()
    secret = new_secret()
    membership.calendar_token_hash = hash_secret(secret)
    membership.calendar_token_expires_at = now + timedelta(days=settings.CALENDAR_TOKEN_LIFETIME_DAYS)
    membership.calendar_token_last_used_at = None
    record_save(instance=membership, user=user, reason="Calendar feed address changed")
    return secret


@transaction.atomic
def calendar_feed_revoke(*, membership: Membership, user) -> None:
    """Turn the member's feed off."""
    membership.calendar_token_hash = None
    membership.calendar_token_expires_at = None
    membership.calendar_token_last_used_at = None
    record_save(instance=membership, user=user, reason="Calendar feed turned off")


@dataclass(frozen=True)
class FeedLookup:
    membership: Membership | None
    expired: bool = False


def calendar_feed_for(secret: str, *, now: datetime | None = None) -> FeedLookup:
    """The membership whose feed the secret opens, noting the use; `expired` when the
    address was real but is past its date. An inactive user's feed opens nothing."""
    now = now or timezone.now()
    membership = (Membership.objects.select_related("programme", "user")
                  .filter(calendar_token_hash=hash_secret(secret)).first())
    if membership is None or not membership.user.is_active:
        return FeedLookup(None)
    if membership.calendar_token_expires_at is None or membership.calendar_token_expires_at <= now:
        return FeedLookup(membership, expired=True)
    last = membership.calendar_token_last_used_at
    if last is None or last < now - USE_RECORDED_EVERY:
        record_use(Membership, membership.pk, field="calendar_token_last_used_at", now=now)
    return FeedLookup(membership)


# --- A person's own feed: My actions, across every programme -------------------------------

@transaction.atomic
def personal_feed_issue(*, user, now: datetime | None = None) -> str:
    """A new secret address for the person's My actions feed, replacing any old one."""
    now = now or timezone.now()
    secret = new_secret()
    PersonalFeed.objects.update_or_create(user=user, defaults={
        "token_hash": hash_secret(secret), "last_used_at": None,
        "expires_at": now + timedelta(days=settings.CALENDAR_TOKEN_LIFETIME_DAYS)})
    return secret


def personal_feed_revoke(*, user) -> None:
    PersonalFeed.objects.filter(user=user).delete()


@dataclass(frozen=True)
class PersonalFeedLookup:
    feed: PersonalFeed | None
    expired: bool = False


def personal_feed_for(secret: str, *, now: datetime | None = None) -> PersonalFeedLookup:
    """The feed the secret opens, noting the use (the rules of calendar_feed_for)."""
    now = now or timezone.now()
    feed = PersonalFeed.objects.select_related("user").filter(token_hash=hash_secret(secret)).first()
    if feed is None or not feed.user.is_active:
        return PersonalFeedLookup(None)
    if feed.expires_at <= now:
        return PersonalFeedLookup(feed, expired=True)
    if feed.last_used_at is None or feed.last_used_at < now - USE_RECORDED_EVERY:
        record_use(PersonalFeed, feed.pk, now=now)
    return PersonalFeedLookup(feed)
