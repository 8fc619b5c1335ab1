"""Who is signing in, and when to stop them for a while (django-axes does the counting).

Two limits, both cooling off after AXES_COOLOFF_TIME:
- one account from one address: AXES_FAILURE_LIMIT failures lock that pair, so someone
  guessing one person's password is stopped without locking that person out everywhere;
- one address across every account: INSOURCE_LOGIN_FAILURES_PER_ADDRESS failures (a higher
  number, since an office shares one address) lock the address, so nobody can try a
  common password against every username, nor lock everyone out one account at a time.

Behind the production reverse proxy every request comes from the proxy, so the client's
address is read from X-Forwarded-For. The header is believed only when the request came
from one of our proxies (REMOTE_ADDR inside INSOURCE_TRUSTED_PROXY_NETWORKS): anyone who
reaches gunicorn directly could write any header they like, and with a new made-up
address on every try would never be locked out. From a proxy, the header is read from the
right, at most INSOURCE_TRUSTED_PROXIES entries, passing over entries that are proxies of
ours themselves: each was appended by a proxy we trust. Anything further left was sent by
the client and may be made up, so it is never used.
"""
import functools
import ipaddress

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


@functools.lru_cache(maxsize=8)
def _networks(cidrs: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(cidr, strict=False) for cidr in cidrs)


def _is_proxy(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped  # an IPv4 proxy as a dual-stack socket reports it
    return any(ip in net for net in _networks(tuple(settings.INSOURCE_TRUSTED_PROXY_NETWORKS))
               if net.version == ip.version)


def client_ip(request) -> str | None:
    """The address of the client, as the outermost of our proxies that it passed saw it."""
    remote = request.META.get("REMOTE_ADDR")
    hops = settings.INSOURCE_TRUSTED_PROXIES
    client = _valid(remote or "")
    if hops <= 0 or client is None or not _is_proxy(client):
        return remote  # not from a proxy of ours: the header is the client's own words
    chain = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    # Each entry from the right was appended by the proxy that passed the request on, so it
    # is what that proxy saw. While the address seen is another proxy of ours, the entry to
    # its left is trustworthy too; no further than the number of proxies we run, because
    # past them an office's private address would let the client's own entries in.
    for entry in reversed(chain[-hops:]):
        seen = _valid(entry)
        if seen is None:
            break  # not an address: none of our proxies wrote that
        client = seen
        if not _is_proxy(seen):
            break
    return client


class LoginThrottleHandler(AxesDatabaseHandler):
    """Axes' database handler, with the per-address limit beside the per-account one."""

    def get_failures(self, request, credentials=None) -> int:
        failures = super().get_failures(request, credentials)
        address = getattr(request, "axes_ip_address", None)
        if address is None:
            return failures
        from_address = (AccessAttempt.objects
                        .filter(ip_address=address, attempt_time__gte=get_cool_off_threshold(request))
                        .aggregate(total=Sum("failures_since_start"))["total"] or 0)
        if from_address >= settings.INSOURCE_LOGIN_FAILURES_PER_ADDRESS:
            # Axes compares one number with one limit: report this address as at the limit.
            return max(failures, get_failure_limit(request, credentials))
        return failures
