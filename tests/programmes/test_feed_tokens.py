"""The calendar feed address: kept as a hash, expires, renewed on the exports page, each
use noted at most once a minute."""
import importlib
from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.tokens import hash_secret
from programmes.feeds import calendar_feed_issue
from programmes.models import Membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def membership(cast):
    return Membership.objects.get(programme=cast.programme, user=cast.users["hr"])


def _feed(secret: str):
    return Client().get(reverse("programmes:calendar_feed", args=[secret]))


def test_only_the_hash_is_kept_and_the_address_works_until_it_expires(cast, membership, settings):
    settings.CALENDAR_TOKEN_LIFETIME_DAYS = 30
    secret = calendar_feed_issue(membership=membership, user=cast.users["hr"])
    membership.refresh_from_db()
    assert membership.calendar_token_hash == hash_secret(secret)
    assert timezone.now() + timedelta(days=29) < membership.calendar_token_expires_at
    assert membership.calendar_token_expires_at <= timezone.now() + timedelta(days=30)
    # The history leaves the feed's fields out, so no copy of them is kept there either.
    assert not hasattr(membership.history.model, "calendar_token_hash")
    assert _feed(secret).status_code == 200
    assert _feed(membership.calendar_token_hash).status_code == 404


def test_an_expired_address_says_so_and_where_to_renew(cast, membership):
    secret = calendar_feed_issue(membership=membership, user=cast.users["hr"],
                                 now=timezone.now() - timedelta(days=366))
    response = _feed(secret)
    assert response.status_code == 410
    text = response.content.decode()
    assert "This calendar feed address expired on" in text
    assert reverse("programmes:exports", args=[cast.programme.slug]) in text
    assert b"BEGIN:VCALENDAR" not in response.content

    hr = cast.client("hr")
    page = hr.get(reverse("programmes:exports", args=[cast.programme.slug])).content.decode()
    assert "Your feed address expired on" in page
    hr.post(reverse("programmes:calendar_token", args=[cast.programme.slug]), {"action": "rotate"})
    new_url = hr.get(reverse("programmes:exports", args=[cast.programme.slug])).context["feed_url"]
    assert Client().get(new_url).status_code == 200
    assert _feed(secret).status_code == 404


def test_each_use_is_noted_at_most_once_a_minute(cast, membership):
    secret = calendar_feed_issue(membership=membership, user=cast.users["hr"])
    assert _feed(secret).status_code == 200
    membership.refresh_from_db()
    used = membership.calendar_token_last_used_at
    assert used is not None
    assert _feed(secret).status_code == 200
    membership.refresh_from_db()
    assert membership.calendar_token_last_used_at == used
    Membership.objects.filter(pk=membership.pk).update(calendar_token_last_used_at=used - timedelta(minutes=2))
    assert _feed(secret).status_code == 200
    membership.refresh_from_db()
    assert membership.calendar_token_last_used_at > used


def test_addresses_made_before_hashing_keep_working_after_the_migration(cast, membership):
    migration = importlib.import_module("programmes.migrations.0002_calendar_token_hashed")
    Membership.objects.filter(pk=membership.pk).update(calendar_token_hash="an-address-from-before")
    migration.hash_feed_tokens(django_apps, None)
    membership.refresh_from_db()
    assert membership.calendar_token_hash == hash_secret("an-address-from-before")
    assert membership.calendar_token_expires_at > timezone.now() + timedelta(days=364)
    assert _feed("an-address-from-before").status_code == 200
