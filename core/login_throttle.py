"""Who is signing in, and when to stop them for a while (django-axes does the counting).

Two limits, both cooling off after AXES_COOLOFF_TIME:
- one account from one address: AXES_FAILURE_LIMIT failures lock that pair, so someone
  guessing one person's password is stopped without locking that person out everywhere;
- one address across every account: INSOURCE_LOGIN_FAILURES_PER_ADDRESS failures (a higher
  number, since an office shares one address) lock the address, so nobody can try a
  common password against every username, nor lock everyone out one account at a time.

Behind the production reverse proxy every request comes from the proxy, so the client's
address is read from X-Forwarded-For, counting INSOURCE_TRUSTED_PROXIES entries in from
the right: those were written by our proxies. Anything further left was sent by the
client and may be made up, so it is never used.
"""
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


def client_ip(request) -> str | None:
    """The address of the client, as the last of our trusted proxies saw it."""
    remote = request.META.get("REMOTE_ADDR")
    trusted = settings.INSOURCE_TRUSTED_PROXIES
    if trusted <= 0:
        return remote
    chain = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    # The nearest proxy is REMOTE_ADDR itself; each proxy appends the address it saw, so the
    # entry `trusted` places from the right was written by the outermost proxy we run.
    if len(chain) < trusted:
        return remote  # not through all our proxies: only the direct peer is known
    return _valid(chain[-trusted]) or remote


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
