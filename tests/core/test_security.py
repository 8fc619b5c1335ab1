"""Sign-in, throttling, security headers and the production settings."""
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]


def _production_env(**overrides) -> dict:
    """The environment a production process starts with; an override of None removes one."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
        "DJANGO_ALLOWED_HOSTS": "insource.example.org",
        "DATABASE_URL": "postgres://insource:pw@db.internal:5432/insource",
        "CELERY_BROKER_URL": "redis://redis.internal:6379/0",
    }
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def _production_settings(env: dict, expression: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.conf import settings; "
                               f"print(repr({expression}))"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )


def test_production_settings_pass_the_deploy_check():
    env = _production_env()
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests; the check rejects it
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_have_no_demo_password():
    result = _production_settings(_production_env(), "settings.INSOURCE_DEMO_PASSWORD")
    assert result.stdout.strip() == "None", result.stderr


def test_production_settings_use_the_servers_they_are_given():
    result = _production_settings(_production_env(), "(settings.DATABASES['default']['ENGINE'], "
                                  "settings.DATABASES['default']['HOST'], settings.CELERY_BROKER_URL, "
                                  "settings.CELERY_TASK_ALWAYS_EAGER, settings.ALLOWED_HOSTS)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == repr(("django.db.backends.postgresql", "db.internal",
                                          "redis://redis.internal:6379/0", False,
                                          ["insource.example.org"]))


@pytest.mark.parametrize("name", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL",
                                  "CELERY_BROKER_URL"])
@pytest.mark.parametrize("how", ["missing", "blank"])
def test_production_refuses_to_start_without(name, how):
    env = _production_env(**{name: None if how == "missing" else "  "})
    result = _production_settings(env, "settings.DATABASES")
    assert result.returncode != 0, f"started without {name}: {result.stdout}"
    assert "ImproperlyConfigured" in result.stderr
    assert f"Set the environment variable {name}" in result.stderr
    assert "sqlite" not in result.stdout


@pytest.mark.parametrize(("name", "value", "message"), [
    ("DATABASE_URL", "sqlite:////srv/db.sqlite3", "DATABASE_URL must point at PostgreSQL"),
    ("DJANGO_SECRET_KEY", "insecure-development-key-change-me", "DJANGO_SECRET_KEY is the development key"),
    ("DJANGO_SECRET_KEY", "short", "shorter than 32 characters"),
])
def test_production_refuses_a_laptop_value(name, value, message):
    result = _production_settings(_production_env(**{name: value}), "settings.DATABASES")
    assert result.returncode != 0
    assert message in result.stderr


@pytest.mark.django_db
def test_sign_in_and_out(client):
    UserFactory(username="alex")
    response = client.post(reverse("login"), {"username": "alex", "password": "correct-horse-battery"})
    assert response.status_code == 302
    assert response["Location"] == reverse("programmes:list")
    assert client.get(reverse("programmes:list")).status_code == 200
    # Signing out is a POST (a link cannot sign someone out behind their back).
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("programmes:list")).status_code == 302


@pytest.mark.django_db
def test_wrong_password_shows_the_error_summary(client):
    UserFactory(username="alex")
    response = client.post(reverse("login"), {"username": "alex", "password": "wrong"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "govuk-error-summary" in html


@pytest.mark.django_db
def test_repeated_failures_cool_off_then_clear(client, settings):
    from axes.models import AccessAttempt
    from django.utils import timezone

    UserFactory(username="alex")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "alex", "password": "wrong"})
    # Now locked: even the right password is refused, with the cool-off page.
    response = client.post(reverse("login"), {"username": "alex", "password": "correct-horse-battery"})
    assert response.status_code == 429
    assert "Wait 15 minutes" in response.content.decode()
    # The lock is a cool-off, not permanent: once the time has passed, sign-in works.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timezone.timedelta(hours=1))
    response = client.post(reverse("login"), {"username": "alex", "password": "correct-horse-battery"})
    assert response.status_code == 302


@pytest.mark.django_db
def test_pages_carry_security_headers(client):
    response = client.get(reverse("login"))
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_login_page_has_no_inline_script_or_style(client):
    html = client.get(reverse("login")).content.decode()
    assert "<script>" not in html
    assert " style=" not in html


@pytest.mark.django_db
def test_api_token_is_made_shown_once_replaced_and_deleted(client):
    from core.models import ApiToken
    from core.tokens import hash_secret

    user = UserFactory(username="alex")
    url = reverse("api_token")
    assert client.get(url).status_code == 302  # sign in first
    client.force_login(user)
    response = client.post(url, {"action": "create"})
    key = response.context["new_key"]
    assert key in response.content.decode()
    assert ApiToken.objects.get(user=user).key_hash == hash_secret(key)
    assert key not in client.get(url).content.decode()  # shown once only
    client.post(url, {"action": "rotate"})
    assert ApiToken.objects.get(user=user).key_hash != hash_secret(key)
    client.post(url, {"action": "revoke"})
    assert not ApiToken.objects.filter(user=user).exists()
