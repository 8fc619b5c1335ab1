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


def test_production_settings_pass_the_deploy_check():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
        "DJANGO_ALLOWED_HOSTS": "insource.example.org",
    }
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests; the check rejects it
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_have_no_demo_password():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.production",
           "DJANGO_SECRET_KEY": secrets.token_urlsafe(60)}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.conf import settings; "
                               "print(repr(settings.INSOURCE_DEMO_PASSWORD))"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )
    assert result.stdout.strip() == "None", result.stderr


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
    from rest_framework.authtoken.models import Token

    user = UserFactory(username="alex")
    url = reverse("api_token")
    assert client.get(url).status_code == 302  # sign in first
    client.force_login(user)
    response = client.post(url, {"action": "create"})
    key = Token.objects.get(user=user).key
    assert key in response.content.decode()
    assert key not in client.get(url).content.decode()  # shown once only
    client.post(url, {"action": "rotate"})
    assert Token.objects.get(user=user).key != key
    client.post(url, {"action": "revoke"})
    assert not Token.objects.filter(user=user).exists()
