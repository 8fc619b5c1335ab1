"""Login lockout behind the reverse proxy: the client's address comes from the proxy's
X-Forwarded-For entry (only on a request from a proxy of ours), one account from one
address locks after AXES_FAILURE_LIMIT failures, and one address across every account
after INSOURCE_LOGIN_FAILURES_PER_ADDRESS."""
import pytest
from axes.models import AccessAttempt
from django.test import Client, RequestFactory
from django.urls import reverse

from core.login_throttle import client_ip
from tests.core.test_security import _production_env, _production_settings
from tests.factories import UserFactory

PROXY = "10.0.0.2"  # the reverse proxy: every request reaches the app from it
PROXY_NETWORKS = ["10.0.0.0/8", "fd00::/8"]
ATTACKER = "203.0.113.5"
ELSEWHERE = "198.51.100.7"
PASSWORD = "correct-horse-battery"


@pytest.fixture
def behind_proxy(settings):
    settings.INSOURCE_TRUSTED_PROXIES = 1
    settings.INSOURCE_TRUSTED_PROXY_NETWORKS = PROXY_NETWORKS
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


@pytest.mark.django_db
def test_a_direct_request_is_counted_by_its_own_address_whatever_it_forwards(behind_proxy):
    """Someone who reaches gunicorn without the proxy writes X-Forwarded-For themselves: a
    new address on every try must not give them a new allowance of failures."""
    UserFactory(username="victim")

    def direct(username, password, n):
        return Client().post(reverse("login"), {"username": username, "password": password},
                             REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=f"192.0.2.{n + 1}")

    for n in range(behind_proxy.AXES_FAILURE_LIMIT - 1):
        assert direct("victim", "wrong", n).status_code == 200
    assert direct("victim", "wrong", 50).status_code == 429  # the per-account lock
    for n in range(behind_proxy.INSOURCE_LOGIN_FAILURES_PER_ADDRESS - behind_proxy.AXES_FAILURE_LIMIT - 1):
        assert direct(f"guess{n}", "Password1", 100 + n).status_code == 200
    assert direct("guess-last", "Password1", 200).status_code == 429  # the per-address lock
    assert direct("someone-new", "Password1", 201).status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}
    # Through the proxy the forwarded address counts, as before: nobody else is locked out.
    assert _login("victim", PASSWORD, ELSEWHERE).status_code == 302


@pytest.mark.parametrize(("remote", "trusted", "forwarded", "expected"), [
    (PROXY, 0, f"{ELSEWHERE}, {ATTACKER}", PROXY),          # no proxy of ours: the header is the client's
    (PROXY, 1, ATTACKER, ATTACKER),
    (PROXY, 1, f"{ELSEWHERE}, {ATTACKER}", ATTACKER),       # made-up entries to the left are ignored
    (PROXY, 1, f"{ELSEWHERE},{ATTACKER} ", ATTACKER),
    (PROXY, 2, f"{ELSEWHERE}, {ATTACKER}, 10.0.0.9", ATTACKER),  # a load balancer before the proxy
    # A client that went round the load balancer straight to the proxy: the proxy saw it.
    (PROXY, 2, ATTACKER, ATTACKER),
    (PROXY, 2, f"{ELSEWHERE}, {ATTACKER}", ATTACKER),       # the entry it saw is no proxy: stop there
    # An office on a private network: one proxy, so its address is not passed over for
    # the entry the client made up to its left.
    (PROXY, 1, f"{ELSEWHERE}, 10.20.30.40", "10.20.30.40"),
    (PROXY, 1, "", PROXY),
    (PROXY, 1, "not-an-address", PROXY),
    (PROXY, 2, f"{ELSEWHERE}, not-an-address, 10.0.0.9", "10.0.0.9"),
    (PROXY, 1, "2001:db8::1", "2001:db8::1"),
    ("fd00::2", 1, ATTACKER, ATTACKER),                      # a proxy on IPv6
    ("::ffff:10.0.0.2", 1, ATTACKER, ATTACKER),              # an IPv4 proxy on a dual-stack socket
    # Not from a proxy of ours: whatever the header says, the peer's own address counts.
    (ATTACKER, 1, ELSEWHERE, ATTACKER),
    (ATTACKER, 2, f"{ELSEWHERE}, 10.0.0.9", ATTACKER),
    ("11.0.0.2", 1, ELSEWHERE, "11.0.0.2"),
    ("2001:db8::7", 1, ELSEWHERE, "2001:db8::7"),
])
def test_the_client_address(settings, remote, trusted, forwarded, expected):
    settings.INSOURCE_TRUSTED_PROXIES = trusted
    settings.INSOURCE_TRUSTED_PROXY_NETWORKS = PROXY_NETWORKS
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_without_proxy_networks_no_header_is_believed(settings):
    settings.INSOURCE_TRUSTED_PROXIES = 1
    settings.INSOURCE_TRUSTED_PROXY_NETWORKS = []
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=ATTACKER)
    assert client_ip(request) == PROXY


def test_production_trusts_one_proxy_and_a_laptop_none(settings):
    setting = "(settings.INSOURCE_TRUSTED_PROXIES, settings.INSOURCE_TRUSTED_PROXY_NETWORKS)"
    result = _production_settings(_production_env(INSOURCE_TRUSTED_PROXY_NETWORKS=None), setting)
    assert result.stdout.strip() == repr((1, ["127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16",
                                              "::1/128", "fc00::/7"])), result.stderr
    two = _production_settings(_production_env(INSOURCE_TRUSTED_PROXIES="2",
                                               INSOURCE_TRUSTED_PROXY_NETWORKS=" 10.1.2.0/24, 2001:db8::/32 "),
                               setting)
    assert two.stdout.strip() == repr((2, ["10.1.2.0/24", "2001:db8::/32"])), two.stderr
    local = _production_settings({**_production_env(INSOURCE_TRUSTED_PROXY_NETWORKS=None),
                                  "DJANGO_SETTINGS_MODULE": "config.settings.local"}, setting)
    assert local.stdout.strip() == repr((0, [])), local.stderr


def test_a_proxy_network_that_is_not_one_stops_the_start_naming_it():
    result = _production_settings(_production_env(INSOURCE_TRUSTED_PROXY_NETWORKS="10.0.0.0/8, 10.0.0/33"),
                                  "settings.INSOURCE_TRUSTED_PROXY_NETWORKS")
    assert result.returncode != 0
    assert "INSOURCE_TRUSTED_PROXY_NETWORKS holds '10.0.0/33', which is not a network" in result.stderr
