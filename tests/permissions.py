"""Shared machinery for the per-app permission matrices (tests/<app>/test_permissions.py).

Each app keeps its own PAGES table (URL name -> `Page`), its own `world` fixture and its own
app-specific tests; this module holds what they have in common: who plays which role, the
page kinds, the expected status for a member, and one rolled-back request per member with a
"did anything change" fingerprint over the tables the app names.

Plain helpers, no tests: pytest collects only test_*.py files.
"""
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Model
from django.test import Client
from django.urls import URLPattern, URLResolver
from django.utils import timezone

from core.roles import Capability, role_can
from tests.conftest import CAST, ROLE_USERNAMES

ROLE_OF = {username: role for role, username in ROLE_USERNAMES.items()}
LOGIN_URL = "/accounts/login/"

# Who may reach a page, besides a programme capability.
SIGNED_IN = "signed_in"  # any signed-in user; not about one programme
SUPERUSER = "superuser"  # administrators only
TOKEN = "token"  # the secret in the URL is the credential; no sign-in
# The council area (programmes.council_views): its administrators only. Nobody of the cast
# administers a council, so every one of them gets 404 from a council's page, and 403 from
# a programme's members page if they belong to the programme (404 if they do not); the
# administrators themselves are tried in tests/programmes/test_council_area.py.
COUNCIL_ADMIN = "council_admin"
PROGRAMME_ADMIN = "programme_admin"
# An invitation's link: the secret is the credential, for someone not signed in (the invited
# person); anyone signed in as someone else is refused.
INVITED = "invited"


def day(n: int) -> str:
    """Today plus `n` days, as a form would send it."""
    return (timezone.localdate() + timedelta(days=n)).isoformat()


def slug_kwargs(w: Any) -> dict:
    return {"slug": w.slug}


def no_data(w: Any) -> dict:
    return {}


@dataclass(frozen=True)
class AskerOrManager:
    """The rule of a job's "Try again": the cast member who asked for the job (`asker`) or
    the programme manager, and only while their role has `capability`."""

    capability: Capability
    asker: str


@dataclass(frozen=True)
class Page:
    """What an allowed member gets for GET and for POST (with `data`), and who is allowed.

    `kwargs` and `data` take the app's World (anything with a `slug`)."""

    rule: Capability | AskerOrManager | str
    get: int
    post: int
    kwargs: Callable[[Any], dict] = slug_kwargs
    data: Callable[[Any], dict] = no_data
    # Whether this page belongs to the "home" programme (the outsider gets 404).
    home: bool = field(default=True)


READ = {"get": 200, "post": 405}  # a page that only shows something
FORM = {"get": 200, "post": 302}  # a form that redirects when the POST is valid
ACTION = {"get": 405, "post": 302}  # a button: POST only


def url_names(patterns) -> set[str]:
    """Every URL name in `patterns`, following includes."""
    names = set()
    for p in patterns:
        if isinstance(p, URLResolver):
            names |= url_names(p.url_patterns)
        elif isinstance(p, URLPattern) and p.name:
            names.add(p.name)
    return names


def expected_status(page: Page, who: str, method: str) -> int:
    allowed = page.get if method == "get" else page.post
    if page.rule == TOKEN:
        return allowed
    if page.rule == INVITED:
        return allowed if who == "anonymous" else 403
    if who == "anonymous":
        return 302  # to the sign-in page
    if allowed == 405:
        return 405  # the method is refused before anything else is looked at
    if page.rule == SUPERUSER:
        return 403
    if page.rule == SIGNED_IN:
        return allowed
    if page.rule == COUNCIL_ADMIN:
        return 404
    if page.rule == PROGRAMME_ADMIN:
        return 404 if who == "outsider" else 403
    if who == "outsider" and page.home:
        return 404
    if isinstance(page.rule, AskerOrManager):
        may = who in (page.rule.asker, "pm") and role_can(ROLE_OF[who], page.rule.capability)
        return allowed if may else 403
    return allowed if role_can(ROLE_OF[who], page.rule) else 403


def forbidden_status(who: str) -> int:
    """What a member without the capability gets from a home-programme page."""
    return {"anonymous": 302, "outsider": 404}.get(who, 403)


# "Did anything change": every audited record keeps its history, so a change anywhere adds a
# history row. Each app names the tables to watch; one query counts them all.

def history_tables(models: Iterable[type[Model]]) -> list[str]:
    """The history tables (django-simple-history) of `models`."""
    return [m.history.model._meta.db_table for m in models]


def fingerprint(tables: Sequence[str]) -> tuple:
    """Row counts of `tables`, in one query."""
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {q(t)})" for t in tables))
        return tuple(cursor.fetchone())


def request(world: Any, page: Page, url: str, client: Client, method: str, tables: Sequence[str]):
    """One request, rolled back afterwards so that each member finds the same records (a
    delete by the programme manager leaves the row for the director). Returns the response
    and whether the row counts of `tables` changed."""
    with transaction.atomic():
        before = fingerprint(tables)
        response = client.get(url) if method == "get" else client.post(url, page.data(world))
        if response.streaming:
            # Read it to the end: the test client then closes the file without the
            # request_finished signal closing the database connection mid-test.
            response.getvalue()
        changed = fingerprint(tables) != before
        transaction.set_rollback(True)
    return response, changed


def matrix_row(world: Any, page: Page, url: str, tables: Sequence[str]) -> tuple[dict, dict, list]:
    """Every member of the cast (`world.cast`) with GET and POST on `url`.

    Returns (expected, actual, problems): the expected and actual status for each
    "METHOD as who", and what else went wrong (an anonymous redirect not to the sign-in page,
    an allowed POST that changed nothing or went to sign-in, a refused or read-only request
    that changed something). The caller asserts on them, so a failure shows the whole row."""
    expected, actual, problems = {}, {}, []
    for who in CAST:
        client = world.cast.client(who)
        for method in ("get", "post"):
            response, changed = request(world, page, url, client, method, tables)
            key = f"{method.upper()} as {who}"
            expected[key] = expected_status(page, who, method)
            actual[key] = response.status_code
            location = response.get("Location", "")
            if expected[key] == 302 and who == "anonymous" and page.rule not in (TOKEN, INVITED):
                if not location.startswith(f"{LOGIN_URL}?next="):
                    problems.append(f"{key}: redirected to {location}, not the sign-in page")
            elif method == "post" and expected[key] == 302:
                if location.startswith(LOGIN_URL):
                    problems.append(f"{key}: sent to the sign-in page")
                if not changed:
                    problems.append(f"{key}: an allowed, valid POST changed nothing")
            elif changed:
                problems.append(f"{key}: a refused or read-only request changed something")
    return expected, actual, problems
