"""Fixtures for the browser tests: one Chromium for the whole session, the demo programme
in the test database behind pytest-django's live server, and axe-core for accessibility.

Playwright's sync API runs an event loop in the main thread, so Django's guard against
database calls from async code is switched off here (the calls are ordinary sync ones).
"""
import json
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

# Debian's Chromium; INSOURCE_CHROMIUM points elsewhere (Playwright's own download is not used).
CHROMIUM = Path(os.environ.get("INSOURCE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
CSS = Path(settings.BASE_DIR) / "static" / "build" / "app.css"
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "insource-demo"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING_IMPACTS = {"serious", "critical"}
TIMEOUT_MS = 15_000


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, launched once. Skipped without it, unless CI requires it."""
    if not CHROMIUM.exists():
        reason = f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("INSOURCE_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{reason}, and INSOURCE_REQUIRE_BROWSER=1 requires the browser tests.")
        pytest.skip(reason)
    if not CSS.exists():
        pytest.fail(f"The stylesheet {CSS.relative_to(settings.BASE_DIR)} is missing: run `make assets` first.")
    if not AXE.exists():
        pytest.fail(f"{AXE.relative_to(settings.BASE_DIR)} is missing: run `npm ci` (or `make install`).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def demo(transactional_db, live_server):
    """The demo programme, dated from today, in the database the live server reads."""
    from programmes.demo import DEMO_SLUG, demo_load
    from programmes.models import Programme

    demo_load(today=timezone.localdate())
    return Programme.objects.get(slug=DEMO_SLUG)


class Site:
    """The live server, and browser contexts opened on it (closed after the test)."""

    def __init__(self, browser, live_server):
        self.browser = browser
        self.base_url = live_server.url
        self.contexts = []

    def context(self, *, bypass_csp: bool = True):
        ctx = self.browser.new_context(base_url=self.base_url, bypass_csp=bypass_csp,
                                       accept_downloads=True, viewport={"width": 1280, "height": 900})
        ctx.set_default_timeout(TIMEOUT_MS)
        self.contexts.append(ctx)
        return ctx

    def page(self, username: str | None = None, *, bypass_csp: bool = True):
        """A new page, signed in through the login form as `username` (if given).

        bypass_csp lets axe-core be injected into the page; the CSP test turns it off."""
        page = self.context(bypass_csp=bypass_csp).new_page()
        if username:
            login(page, username)
        return page

    def close(self):
        for ctx in self.contexts:
            ctx.close()


def login(page, username: str, password: str = PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1, name="Your programmes")).to_be_visible()


@pytest.fixture
def site(browser, live_server, demo):
    s = Site(browser, live_server)
    yield s
    s.close()


_axe_source = None


def axe_violations(page) -> list[dict]:
    """Run axe-core on the page as it is now; return its WCAG 2.2 A/AA violations."""
    global _axe_source
    if _axe_source is None:
        _axe_source = AXE.read_text()
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=_axe_source)
    # Only the violations come back: the passes of a long table are megabytes of JSON.
    return page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})).violations", AXE_TAGS)


def format_violations(where: str, violations: list[dict]) -> str:
    lines = [f"{where}:"]
    for v in violations:
        lines.append(f"  [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:8]:
            target = " ".join(json.dumps(t) if not isinstance(t, str) else t for t in node["target"])
            lines.append(f"      at {target}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"         {summary[:300]}")
        if len(v["nodes"]) > 8:
            lines.append(f"      … and {len(v['nodes']) - 8} more")
    return "\n".join(lines)


class AxeAudit:
    """Collects serious and critical violations page by page; fails once, listing all."""

    def __init__(self):
        self.problems: list[str] = []
        self.pages: list[str] = []

    def check(self, page, label: str | None = None) -> None:
        where = label or page.url
        self.pages.append(where)
        found = axe_violations(page)
        if os.environ.get("INSOURCE_AXE_VERBOSE"):  # every violation, whatever its impact
            print("\n" + format_violations(where, found))
        blocking = [v for v in found if v["impact"] in BLOCKING_IMPACTS]
        if blocking:
            self.problems.append(format_violations(where, blocking))

    def assert_clean(self) -> None:
        assert self.pages, "no pages were checked"
        if self.problems:
            pytest.fail(f"axe found serious or critical problems on {len(self.problems)} of "
                        f"{len(self.pages)} pages:\n\n" + "\n\n".join(self.problems), pytrace=False)


@pytest.fixture
def axe_audit():
    return AxeAudit()
