"""Login lockout behind the reverse proxy: the client's address comes from the proxy's
X-Forwarded-For entry, one account from one address locks after AXES_FAILURE_LIMIT
failures, and one address across every account after INSOURCE_LOGIN_FAILURES_PER_ADDRESS."""
import pytest
from axes.models import AccessAttempt
from django.test import Client, RequestFactory
from django.urls import reverse

from core.login_throttle import client_ip
from tests.core.test_security import _production_env, _production_settings
from tests.factories import UserFactory

PROXY = "10.0.0.2"  # the reverse proxy: every request reaches the app from it
ATTACKER = "203.0.113.5"
ELSEWHERE = "198.51.100.7"
PASSWORD = "correct-horse-battery"


@pytest.fixture
def behind_proxy(settings):
    settings.INSOURCE_TRUSTED_PROXIES = 1
    settings.INSOURCE_LOGIN_FAILURES_PER_ADDRESS = 8
    assert settings.AXES_FAILURE_LIMIT < 8
    return settings


def _login(username: str, password: str, forwarded_for: str):
    """A sign-in through the proxy, which appends the address it saw to the header."""
    return Client().post(reverse("login"), {"username": username, "password": password},
                         REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded_for)


@pytest.mark.django_db
def test_failures_across_many_usernames_lock_the_address(behind_proxy):
    UserFactory(username="victim")
    limit = behind_proxy.INSOURCE_LOGIN_FAILURES_PER_ADDRESS
    for n in range(limit - 1):
        assert _login(f"guess{n}", "Password1", ATTACKER).status_code == 200
    # One short of the limit, each of those accounts has a single failure, so none is locked.
    assert _login("victim", PASSWORD, ATTACKER).status_code == 302
    # The failure that reaches the limit is answered with the cool-off page already.
    assert _login("guess-last", "Password1", ATTACKER).status_code == 429

    locked = _login("victim", PASSWORD, ATTACKER)
    assert locked.status_code == 429
    assert "Wait 15 minutes" in locked.content.decode()
    assert _login("someone-new", "Password1", ATTACKER).status_code == 429
    # The same account from another address is not locked.
    assert _login("victim", PASSWORD, ELSEWHERE).status_code == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}


@pytest.mark.django_db
def test_a_made_up_forwarded_entry_does_not_change_the_address(behind_proxy):
    UserFactory(username="victim")
    for n in range(behind_proxy.INSOURCE_LOGIN_FAILURES_PER_ADDRESS):
        # The attacker writes an address of their choosing; the proxy appends the real one.
        _login(f"guess{n}", "Password1", f"{ELSEWHERE}, 192.0.2.{n + 1}, {ATTACKER}")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}
    assert _login("victim", PASSWORD, f"{ELSEWHERE}, {ATTACKER}").status_code == 429
    assert _login("victim", PASSWORD, ELSEWHERE).status_code == 302


@pytest.mark.django_db
def test_one_account_locks_from_one_address_only(behind_proxy):
    UserFactory(username="victim")
    for _ in range(behind_proxy.AXES_FAILURE_LIMIT - 1):
        assert _login("victim", "wrong", ATTACKER).status_code == 200
    assert _login("victim", "wrong", ATTACKER).status_code == 429
    assert _login("victim", PASSWORD, ATTACKER).status_code == 429
    # The address is not locked for others (below the per-address limit) ...
    UserFactory(username="colleague")
    assert _login("colleague", PASSWORD, ATTACKER).status_code == 302
    # ... and the owner signs in from their own address.
    assert _login("victim", PASSWORD, ELSEWHERE).status_code == 302


@pytest.mark.parametrize(("trusted", "forwarded", "expected"), [
    (0, f"{ELSEWHERE}, {ATTACKER}", PROXY),           # no proxy of ours: the header is the client's
    (1, ATTACKER, ATTACKER),
    (1, f"{ELSEWHERE}, {ATTACKER}", ATTACKER),        # made-up entries to the left are ignored
    (1, f"{ELSEWHERE},{ATTACKER} ", ATTACKER),
    (2, f"{ELSEWHERE}, {ATTACKER}, 10.0.0.9", ATTACKER),  # a load balancer before the proxy
    (2, ATTACKER, PROXY),                             # fewer entries than proxies: not through them
    (1, "", PROXY),
    (1, "not-an-address", PROXY),
    (1, "2001:db8::1", "2001:db8::1"),
])
def test_the_client_address(settings, trusted, forwarded, expected):
    settings.INSOURCE_TRUSTED_PROXIES = trusted
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_production_trusts_one_proxy_and_a_laptop_none(settings):
    result = _production_settings(_production_env(), "settings.INSOURCE_TRUSTED_PROXIES")
    assert result.stdout.strip() == "1", result.stderr
    two = _production_settings(_production_env(INSOURCE_TRUSTED_PROXIES="2"), "settings.INSOURCE_TRUSTED_PROXIES")
    assert two.stdout.strip() == "2", two.stderr
    local = _production_settings({**_production_env(), "DJANGO_SETTINGS_MODULE": "config.settings.local"},
                                 "settings.INSOURCE_TRUSTED_PROXIES")
    assert local.stdout.strip() == "0", local.stderr
