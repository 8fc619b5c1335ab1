"""Shared machinery for the per-app API permission matrices (tests/<app>/test_api_matrix.py).

Each app writes out, per API URL name, who may use each method and the status they get
(`Endpoint`); `run_row` tries every method of one endpoint as every member of the cast,
each request rolled back so that a delete by one member leaves the record for the next,
and reports what differed. `api_routes` walks the URL resolver under /api/ and lists each
route's name and the methods it accepts; tests/test_api_matrix_coverage.py fails when one
of them is in no app's matrix.

Plain helpers, no tests: pytest collects only test_*.py files.
"""
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from core.roles import Capability, role_can
from tests.conftest import CAST
from tests.permissions import ROLE_OF, fingerprint

SIGNED_IN = "signed_in"  # any signed-in user, whichever programme
METHODS = ("get", "post", "put", "patch", "delete")
WRITES = ("post", "put", "patch", "delete")


def no_body(w: Any) -> dict:
    return {}


@dataclass(frozen=True)
class Endpoint:
    """For each method: who may use it (a capability, or SIGNED_IN) and the status an
    allowed member gets (405 for a method the route refuses to everyone). `kwargs`, `body`
    and `query` take the app's world."""

    methods: dict[str, tuple[Capability | str, int]]
    kwargs: Callable[[Any], dict]
    body: Callable[[Any], Any] = no_body
    query: Callable[[Any], dict] = no_body
    # A write that answers 2xx but leaves no history row (say, a job queued): not checked for a change.
    writes_history: bool = field(default=True)


def expected_status(endpoint: Endpoint, who: str, method: str) -> int:
    rule, allowed = endpoint.methods[method]
    if who == "anonymous":
        return 401
    if allowed == 405:
        return 405
    if rule == SIGNED_IN:
        return allowed
    if who == "outsider":
        return 404  # a programme of another council does not exist for them
    return allowed if role_can(ROLE_OF[who], rule) else 403


def api_client(cast, who: str) -> APIClient:
    client = APIClient()
    if who != "anonymous":
        client.force_login(cast.users[who])
    return client


def run_row(world: Any, cast, url_name: str, endpoint: Endpoint, tables: Sequence[str],
            personal: Iterable[str] = ()) -> tuple[dict, dict, list]:
    """Every method of `endpoint` as every member of the cast. Returns (expected, actual,
    problems); `personal` are strings (staff names) that no answer to a member without
    VIEW_PERSONAL_DATA may contain."""
    url = reverse(url_name, kwargs=endpoint.kwargs(world))
    personal = list(personal)
    expected, actual, problems = {}, {}, []
    for who in CAST:
        client = api_client(cast, who)
        for method in endpoint.methods:
            key = f"{method.upper()} as {who}"
            with transaction.atomic():
                before = fingerprint(tables) if tables else ()
                if method == "get":
                    response = client.get(url, endpoint.query(world))
                else:
                    response = getattr(client, method)(url, endpoint.body(world), format="json")
                changed = (fingerprint(tables) if tables else ()) != before
                transaction.set_rollback(True)
            expected[key] = expected_status(endpoint, who, method)
            actual[key] = response.status_code
            allowed_write = expected[key] < 300 and method in WRITES
            if allowed_write and endpoint.writes_history and not changed:
                problems.append(f"{key}: an allowed write changed nothing")
            if not allowed_write and changed:
                problems.append(f"{key}: a refused request or a read changed something")
            if response.status_code == 401 and response.get("WWW-Authenticate") != "Token":
                problems.append(f"{key}: 401 without a WWW-Authenticate: Token header")
            may_see = who not in ("anonymous", "outsider") and role_can(ROLE_OF[who],
                                                                         Capability.VIEW_PERSONAL_DATA)
            if not may_see:
                text = response.content.decode(errors="replace")
                problems += [f"{key}: answers a staff name ({name})" for name in personal if name in text]
    return expected, actual, problems


# The routes ------------------------------------------------------------------------------

def _walk(patterns, prefix: str, namespace: str | None):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern), p.namespace or namespace)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), namespace, p.name, p.callback


def accepted_methods(callback) -> set[str]:
    """The methods (of METHODS) a DRF view accepts: a viewset's mapped actions, or the
    handlers an APIView (or @api_view function) defines."""
    actions = getattr(callback, "actions", None)
    if actions:
        return set(actions) & set(METHODS)
    cls = getattr(callback, "cls", None)
    if cls is None:
        return set()
    return {m for m in METHODS if m in cls.http_method_names and hasattr(cls, m)}


def api_routes() -> dict[str, set[str]]:
    """Every URL under /api/: its name (with namespace) → the methods it accepts."""
    routes = {}
    for route, namespace, name, callback in _walk(get_resolver().url_patterns, "", None):
        if route.startswith("api/"):
            assert name, f"/{route} has no URL name, so no matrix can name it"
            routes[f"{namespace}:{name}" if namespace else name] = accepted_methods(callback)
    return routes


# Query counts ----------------------------------------------------------------------------

def list_queries(client, url: str) -> tuple[int, int]:
    """The queries a GET of the API list at `url` runs, and how many rows it answered."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content
    body = response.json()
    return len(ctx.captured_queries), body["count"] if isinstance(body, dict) else len(body)
