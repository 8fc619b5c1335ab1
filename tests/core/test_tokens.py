"""API tokens: kept as hashes, expire, renewed from their page, and each use noted (at
most once a minute)."""
import hashlib
import importlib
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from core.models import ApiToken
from core.tokens import api_token_issue, hash_secret

pytestmark = pytest.mark.django_db


def _api(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


def test_only_the_hash_of_the_secret_is_stored(cast):
    issued = api_token_issue(user=cast.users["pm"])
    token = ApiToken.objects.get(user=cast.users["pm"])
    assert token.key_hash == hashlib.sha256(issued.secret.encode()).hexdigest()
    with connection.cursor() as cursor:
        for table in ("core_apitoken", "core_historicalapitoken"):
            cursor.execute(f"SELECT * FROM {table}")
            for row in cursor.fetchall():
                assert not any(issued.secret in str(value) for value in row), table
    assert _api(issued.secret).get(reverse("api:programme-list")).status_code == 200
    assert _api(token.key_hash).get(reverse("api:programme-list")).status_code == 401


def test_a_token_lasts_the_set_number_of_days(cast, settings):
    settings.API_TOKEN_LIFETIME_DAYS = 5
    before = timezone.now()
    token = api_token_issue(user=cast.users["pm"]).token
    assert before + timedelta(days=5) <= token.expires_at <= timezone.now() + timedelta(days=5)


def test_an_expired_token_is_401_saying_so_and_where_to_renew(cast, client):
    issued = api_token_issue(user=cast.users["pm"], now=timezone.now() - timedelta(days=91))
    response = _api(issued.secret).get(reverse("api:programme-list"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    detail = response.json()["detail"]
    expired = timezone.localtime(issued.token.expires_at)
    assert f"expired on {expired.day} {expired:%B %Y}" in detail
    assert reverse("api_token") in detail

    # The page says it expired; renewing gives a working token for the full lifetime.
    client.force_login(cast.users["pm"])
    page = client.get(reverse("api_token")).content.decode()
    assert "Your token expired on" in page
    renewed = client.post(reverse("api_token"), {"action": "rotate"}).context["new_key"]
    assert _api(renewed).get(reverse("api:programme-list")).status_code == 200
    assert _api(issued.secret).get(reverse("api:programme-list")).status_code == 401
    assert ApiToken.objects.get(user=cast.users["pm"]).expires_at > timezone.now() + timedelta(days=89)


def test_a_token_of_an_inactive_user_is_401(cast):
    issued = api_token_issue(user=cast.users["pm"])
    cast.users["pm"].is_active = False
    cast.users["pm"].save()
    assert _api(issued.secret).get(reverse("api:programme-list")).status_code == 401


def _updates(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].startswith("UPDATE") and "apitoken" in q["sql"]]


def test_each_use_is_noted_at_most_once_a_minute(cast):
    issued = api_token_issue(user=cast.users["pm"])
    url = reverse("api:programme-list")
    assert ApiToken.objects.get(pk=issued.token.pk).last_used_at is None
    with CaptureQueriesContext(connection) as first:
        assert _api(issued.secret).get(url).status_code == 200
    used = ApiToken.objects.get(pk=issued.token.pk).last_used_at
    assert used is not None and timezone.now() - used < timedelta(seconds=30)
    assert len(_updates(first.captured_queries)) == 1

    with CaptureQueriesContext(connection) as second:
        assert _api(issued.secret).get(url).status_code == 200
    assert _updates(second.captured_queries) == []
    assert ApiToken.objects.get(pk=issued.token.pk).last_used_at == used

    # Over a minute later, the use is written again.
    ApiToken.objects.filter(pk=issued.token.pk).update(last_used_at=used - timedelta(seconds=61))
    assert _api(issued.secret).get(url).status_code == 200
    assert ApiToken.objects.get(pk=issued.token.pk).last_used_at > used
    # Noting a use writes no history row: history is for who made or renewed the token.
    assert ApiToken.history.filter(id=issued.token.pk).count() == 1


def test_the_token_page_shows_when_it_was_made_expires_and_was_last_used(cast, client):
    issued = api_token_issue(user=cast.users["pm"])
    client.force_login(cast.users["pm"])
    page = client.get(reverse("api_token")).content.decode()
    assert "Works until" in page and "Not yet" in page
    _api(issued.secret).get(reverse("api:programme-list"))
    assert "Not yet" not in client.get(reverse("api_token")).content.decode()


def test_old_plain_tokens_are_hashed_and_wiped_by_the_migration(cast):
    migration = importlib.import_module("core.migrations.0006_api_token")
    created = timezone.now() - timedelta(days=3)
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, created timestamp with time zone"
                       " NOT NULL, user_id bigint NOT NULL)" if connection.vendor == "postgresql" else
                       "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, created datetime NOT NULL,"
                       " user_id bigint NOT NULL)")
        cursor.execute("INSERT INTO authtoken_token (key, created, user_id) VALUES (%s, %s, %s)",
                       ["0123456789abcdef0123456789abcdef01234567", created, cast.users["viewer"].pk])
    migration.hash_old_tokens(django_apps, SimpleNamespace(connection=connection))

    token = ApiToken.objects.get(user=cast.users["viewer"])
    assert token.key_hash == hash_secret("0123456789abcdef0123456789abcdef01234567")
    assert abs(token.created_at - created) < timedelta(seconds=1)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM authtoken_token")
        assert cursor.fetchone()[0] == 0
    client = _api("0123456789abcdef0123456789abcdef01234567")
    assert client.get(reverse("api:programme-detail", kwargs={"slug": "home"})).status_code == 200
