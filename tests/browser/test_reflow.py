"""Reflow at 320 CSS pixels (WCAG 1.4.10), on every page of the demo programme.

The programme manager's pages are found by following the links from the home page, the HR
lead's from the workforce summary, and the upload steps (column mapping, preview) by
uploading a file; one page per URL name. Each page must fit the screen without the page
itself scrolling sideways, and whatever does scroll sideways inside it (a wide table, the
timeline) must be a focusable, named region, so that a keyboard can reach and scroll it.

The list of pages comes from the URL conf: a named URL of a programme page that was
neither visited nor excluded below, with its reason, fails the test, so a new page cannot
be forgotten.
"""
import importlib
from urllib.parse import urlsplit

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone

from core.models import Job
from programmes.models import Milestone
from tests.browser.conftest import PASSWORD, AxeAudit, login
from tests.browser.test_finance_pages import _one_new_line as one_new_line
from tests.permissions import SUPERUSER

WIDTH = 320
PAGE_APPS = ("programmes", "risks", "workforce", "finance", "consultations", "business_cases", "sso",
             "paper_templates")
# Where each app's permission matrix is, when not at tests/<app>/test_permissions.py.
MATRICES = {"paper_templates": "tests.business_cases.test_template_permissions"}

# Files, not pages: nothing to reflow.
DOWNLOADS = {
    "api-schema": "the API's OpenAPI schema",
    "programmes:plan_xlsx": "the plan as a spreadsheet",
    "programmes:plan_pdf_download": "the plan as a PDF",
    "programmes:plan_mspdi": "the plan as a Microsoft Project XML file",
    "programmes:plan_import_errors": "the tasks with errors, as a spreadsheet",
    "business_cases:case_document_download": "a business case version as a PDF or Word file",
    "business_cases:highlight_download": "a highlight report's version (PDF or Word)",
    "programmes:calendar_feed": "an iCalendar feed",
    "programmes:my_actions_feed": "a person's My actions as an iCalendar feed",
    "risks:export": "the register as a spreadsheet",
    "risks:import_template": "an empty spreadsheet to fill in",
    "risks:import_errors": "the rows with errors, as a spreadsheet",
    "workforce:export": "the figures as a spreadsheet",
    "workforce:people_export": "a roster version as a spreadsheet",
    "workforce:template": "an empty ELI spreadsheet",
    "workforce:upload_template": "an empty spreadsheet to fill in",
    "workforce:upload_errors": "the rows with errors, as a spreadsheet",
    "finance:export": "the figures as a spreadsheet",
    "finance:ledger_template": "an empty spreadsheet to fill in",
    "finance:ledger_errors": "the rows with errors, as a spreadsheet",
    "business_cases:matrix_export": "the matrix as a spreadsheet",
    "business_cases:import_template": "an empty spreadsheet to fill in",
    "business_cases:import_errors": "the rows with errors, as a spreadsheet",
    "business_cases:paper_download": "a generated paper (PDF or Word)",
    "paper_templates:logo": "the council's logo, an image",
}
# The sign-in flow with a council's own accounts: each answers with a redirect (to the
# council's identity provider, and from it back to the site), never a page of its own.
REDIRECTS = {
    "sso:login": "sends the browser on to the council's identity provider",
    "sso:callback": "the identity provider's way back, which signs in and redirects",
    "programmes:plan_import_mapping": "a Project plan has no columns to map: it redirects to the plan's preview",
}
# Pages the demo gives no way to: say why, and visit them when it does.
SAME_PAGES = "the record pages of finance.resources, visited for the other records"
NOT_IN_THE_DEMO = {
    "programmes:council_list": "demo-admin administers one council, so this sends them straight to its page",
    "finance:forecasts_edit": f"the demo has no forecast; {SAME_PAGES}",
    "finance:forecasts_delete": f"the demo has no forecast; {SAME_PAGES}",
    "finance:kpi-readings_delete": f"no page links to it; {SAME_PAGES}",
    "business_cases:version_decide": "only for a version in review, and the demo has none",
    "paper_templates:version": "the demo's paper template has one version, shown on the template's own page",
    "business_cases:paper_final": "the director's, for a version the demo does not have; checked at 320px in "
                                  "tests/browser/test_papers_pages.py",
}

# The script run on each page: the page's own width, and what makes it wider; every element
# that scrolls sideways without being a focusable, named region.
REFLOW_JS = """() => {
  const vw = window.innerWidth;
  const describe = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += "#" + el.id;
    if (el.classList.length) s += "." + [...el.classList].join(".");
    const text = (el.getAttribute("aria-label") || el.textContent || "").trim().replace(/\\s+/g, " ");
    return text ? `${s} "${text.slice(0, 50)}"` : s;
  };
  const clipped = (el) => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== "visible") return true;
    }
    return false;
  };
  const wide = [];
  if (document.documentElement.scrollWidth > vw) {
    for (const el of document.body.querySelectorAll("*")) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.right <= vw + 0.5) continue;
      const parent = el.parentElement;
      if (parent && parent !== document.body && parent.getBoundingClientRect().right > vw + 0.5) continue;
      if (!clipped(el)) wide.push(`${describe(el)} reaches ${Math.round(r.right)}px`);
    }
  }
  const nameOf = (el) => {
    const label = (el.getAttribute("aria-label") || "").trim();
    if (label) return label;
    const ids = (el.getAttribute("aria-labelledby") || "").split(/\\s+/).filter(Boolean);
    return ids.map((id) => (document.getElementById(id)?.textContent || "").trim()).join(" ").trim();
  };
  const scrollers = [];
  for (const el of document.body.querySelectorAll("*")) {
    if (["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName)) continue;  // a form control scrolls its own text
    const o = getComputedStyle(el).overflowX;
    if (!(o === "auto" || o === "scroll") || el.scrollWidth <= el.clientWidth) continue;
    const wrong = [];
    if (!(el.hasAttribute("tabindex") && el.tabIndex >= 0)) wrong.push("is not focusable (tabindex=0)");
    if (el.getAttribute("role") !== "region") wrong.push('is not role="region"');
    if (!nameOf(el)) wrong.push("has no accessible name");
    if (wrong.length) scrollers.push(`${describe(el)} scrolls sideways but ${wrong.join(", ")}`);
  }
  return {width: document.documentElement.scrollWidth, viewport: vw, wide, scrollers};
}"""


def is_page(name: str) -> bool:
    """A programme page ("namespace:name") or one of the site's own (sign-in, API token);
    not the admin's, nor the API's."""
    namespace, _, _ = name.rpartition(":")
    return namespace in PAGE_APPS or not namespace


def page_url_names() -> set[str]:
    """Every named URL of the pages, as "namespace:name" or "name"."""
    def walk(patterns, namespace=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, p.namespace or namespace)
            elif isinstance(p, URLPattern) and p.name:
                yield f"{namespace}:{p.name}" if namespace else p.name
    return {name for name in walk(get_resolver().url_patterns) if is_page(name)}


def matrix_exclusions() -> dict[str, str]:
    """From the permission matrices: what answers only POST (a button, not a page) and
    what only a superuser may open (the admin's business)."""
    from tests.programmes.test_council_lists import PAGES as COUNCIL_LIST_PAGES

    matrices = [(app, importlib.import_module(MATRICES.get(app, f"tests.{app}.test_permissions")).PAGES)
                for app in PAGE_APPS]
    matrices.append(("programmes", COUNCIL_LIST_PAGES))  # the council's lists have a matrix of their own
    out = {}
    for app, pages in matrices:
        for name, spec in pages.items():
            if spec.get == 405:
                out[f"{app}:{name}"] = "answers only POST (a button, not a page)"
            elif spec.rule == SUPERUSER:
                out[f"{app}:{name}"] = "for superusers only"
    return out


def excluded() -> dict[str, str]:
    return {**matrix_exclusions(), **DOWNLOADS, **REDIRECTS, **NOT_IN_THE_DEMO,
            "logout": "answers only POST (the sign-out button)"}


def test_every_exclusion_names_a_page_and_gives_a_reason():
    names = page_url_names()
    for name, reason in excluded().items():
        assert name in names, f"{name} is excluded from the reflow test but is no URL name"
        assert reason.strip(), f"{name} is excluded without a reason"


class Reflow:
    """Visits pages at 320px wide, one per URL name (and stage or kind) and role, and gathers problems."""

    def __init__(self):
        self.skip = excluded()
        self.visited: dict[str, str] = {}  # URL name -> the first path seen for it
        self.problems: list[str] = []
        self.axe = AxeAudit()  # every page visited is also checked with axe-core, at 320px

    def url_name(self, path: str) -> str | None:
        try:
            return resolve(urlsplit(path).path).view_name
        except Resolver404:
            return None

    def kind(self, path: str) -> tuple:
        """A URL name with the words in its path (a business case stage, an upload kind),
        which choose different content; numbers only choose another record."""
        match = resolve(urlsplit(path).path)
        return (match.view_name, *sorted((k, v) for k, v in match.kwargs.items()
                                         if isinstance(v, str) and k != "slug"))

    def check(self, page, who: str) -> None:
        """Check the page the browser is on now."""
        path = urlsplit(page.url).path
        name = self.url_name(path)
        self.visited.setdefault(name, path)
        found = page.evaluate(REFLOW_JS)
        where = f"{path} ({name}, as {who})"
        self.axe.check(page, where)
        if found["width"] > found["viewport"]:
            self.problems.append(f"{where} is {found['width']}px wide at {found['viewport']}px:\n      "
                                 + "\n      ".join(found["wide"][:6] or ["(no single element found)"]))
        for problem in found["scrollers"]:
            self.problems.append(f"{where}: {problem}")

    def crawl(self, page, who: str, start: str, *, within: str = "/", avoid: tuple = ()) -> None:
        """Follow the links from `start` that stay under `within` and outside `avoid`, one page
        per URL name and kind."""
        seen_kinds: set[tuple] = set()
        queue, seen = [start], set()
        while queue:
            path = queue.pop(0)
            if path in seen:
                continue
            seen.add(path)
            name = self.url_name(path)
            if name is None or name in self.skip or not is_page(name):
                continue
            if self.kind(path) in seen_kinds:
                continue
            seen_kinds.add(self.kind(path))
            response = page.goto(path)
            if response is None or not response.ok:
                self.problems.append(f"{path} ({name}, as {who}) answered {response and response.status}")
                continue
            self.check(page, who)
            for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))"):
                if href.startswith(within) and not href.startswith(("//", *avoid)):
                    queue.append(href.split("#")[0])

    def upload(self, page, who: str, path: str, name: str, content: bytes, mime: str) -> None:
        """Upload a file on `path`, then check the column mapping and the preview."""
        page.goto(path)
        page.locator("input[type=file]").set_input_files(files=[{"name": name, "mimeType": mime, "buffer": content}])
        page.get_by_role("button", name="Upload and preview").click()
        page.wait_for_url("**/mapping/")
        self.check(page, who)
        page.get_by_role("button", name="Check the rows").click()
        page.wait_for_load_state()
        assert not page.url.endswith("/mapping/"), f"{path}: the rows were not checked ({page.url})"
        self.check(page, who)



def invitation_link(programme) -> str:
    """A waiting invitation to the demo programme, sent by its council's administrator."""
    from programmes.demo import COUNCIL_ADMIN
    from programmes.membership import invitation_send
    from programmes.models import CouncilAdministrator

    admin = CouncilAdministrator.objects.get(user__username=COUNCIL_ADMIN[0]).user
    sent = invitation_send(programme=programme, email="invited.person@example.org", role="viewer",
                           by=admin, base_url="http://testserver/")
    return sent.url.removeprefix("http://testserver")


RISKS_CSV = b"Title,Category,L,I,Residual likelihood,Residual impact\nPayroll late,Financial,3,4,2,2\n"
APPRAISAL_CSV = b"Option,Year,Category,Description,Amount\nOp.1,0,Capital,New case management system,250000\n"
ROSTER_CSV = (b"Employee No,Name,Job title,Team,Band,Pay scale,Terms and conditions,Annual pay,Hours per week,WTE,"
              b"Contract type,Pension scheme\nE1,Ann,Social worker,Night Owls,Band 5,XYZ,AfC,30000,37,0.5,"
              b"Permanent,NHS\n")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def failed_jobs(programme) -> None:
    """A failed plan PDF and a failed Cabinet paper, so the crawl reaches both job pages from
    the exports and paper pages. Making a real PDF takes tens of seconds here; a failed job's
    page shows the most (its error and "Try again"), and is the same page."""
    from business_cases.models import CabinetPaper
    from business_cases.papers import KIND as PAPER_KIND
    from programmes.views import PLAN_PDF_KIND

    pm = programme.memberships.get(user__username="demo-pm").user
    error = "The PDF could not be made: the plan's timeline did not draw. Try again."
    targets = [(PLAN_PDF_KIND, programme)]
    targets += [(PAPER_KIND, paper) for paper in CabinetPaper.objects.filter(programme=programme)[:1]]
    assert len(targets) == 2, "the demo has no Cabinet paper to give a job"
    for kind, target in targets:
        Job.objects.create(kind=kind, created_by=pm, status=Job.Status.FAILED, error=error,
                           target_type=ContentType.objects.get_for_model(target), target_id=target.pk,
                           finished_at=timezone.now())


def _unlinked_business_case_pages(programme) -> list[str]:
    from django.urls import reverse

    from business_cases.case_document import KIND as CASE_KIND
    from business_cases.highlight import KIND as HIGHLIGHT_KIND
    from business_cases.models import BusinessCaseVersion, CabinetPaper, HighlightReport

    pm = programme.memberships.get(user__username="demo-pm").user
    version = BusinessCaseVersion.objects.filter(programme=programme, business_case__stage="soc").latest("number")
    job = Job.objects.create(kind=CASE_KIND, created_by=pm, status=Job.Status.FAILED, params={"format": "pdf"},
                             error="The document could not be made. Try again.", finished_at=timezone.now(),
                             target_type=ContentType.objects.get_for_model(version), target_id=version.pk)
    paper = CabinetPaper.objects.filter(programme=programme).first()
    report = HighlightReport.objects.filter(programme=programme).first()
    failed = Job.objects.create(kind=HIGHLIGHT_KIND, created_by=pm, status=Job.Status.FAILED,
                                finished_at=timezone.now(), error="The report could not be made. Try again.",
                                target_id=report.pk, target_type=ContentType.objects.get_for_model(report))
    return [reverse("business_cases:case_document_job", args=[programme.slug, "soc", version.number, job.uuid]),
            reverse("business_cases:paper_compare", args=[programme.slug, paper.pk]),
            reverse("business_cases:highlight_job", args=[programme.slug, report.pk, failed.uuid])]


# The crawl in parts, so that the test processes share it: each part visits the pages of
# one app (its URL namespace) and fails for any of them it neither visited nor excluded.
# The programme's own pages are the rest of /programmes/<slug>/, the site's and the council's.
APP_PATHS = {"risks": "risks/", "finance": "finance/", "business_cases": "business-case/",
             "workforce": "workforce/", "consultations": "consultations/"}
PARTS = ("programmes", *APP_PATHS)


def part_of(name: str) -> str:
    namespace, _, _ = name.rpartition(":")
    return namespace if namespace in APP_PATHS else "programmes"


@pytest.mark.browser
@pytest.mark.parametrize("part", PARTS)
def test_every_page_reflows_at_320px(part, browser, live_server, demo, monkeypatch, settings):
    # Any ledger upload is loaded by a job (run in-process in tests), so its page is visited.
    monkeypatch.setattr("finance.services.LEDGER_JOB_THRESHOLD", 0)
    # The site's URLs and one that fails, so the 500 page is drawn as a failure draws it.
    settings.ROOT_URLCONF = "tests.programmes.error_urls"
    reflow = Reflow()
    base = f"/programmes/{demo.slug}/"

    def signed_in(username: str):
        context = browser.new_context(base_url=live_server.url, viewport={"width": WIDTH, "height": 800},
                                      bypass_csp=True)
        context.set_default_timeout(15_000)
        page = context.new_page()
        login(page, username)
        return context, page

    if part == "programmes":
        _programme_pages(reflow, signed_in, browser, live_server, demo, base)
    elif part == "workforce":
        context, page = signed_in("demo-pm")
        reflow.crawl(page, "demo-pm", base + "workforce/", within=base + "workforce/")
        context.close()
        # The HR lead's workforce pages show people, which nobody else sees.
        context, page = signed_in("demo-hr")
        reflow.crawl(page, "demo-hr", base + "workforce/", within=base + "workforce/")
        reflow.upload(page, "demo-hr", base + "workforce/upload/roster/", "eli.csv", ROSTER_CSV, "text/csv")
        context.close()
    else:
        within = base + APP_PATHS[part]
        context, page = signed_in("demo-pm")
        if part == "business_cases":
            failed_jobs(demo)  # the Cabinet paper's job page, reached from the paper
            # The demo's cases are all decided by now: a draft of a revised OBC, to edit.
            from business_cases.services import version_create

            version_create(programme=demo, stage="obc", user=demo.memberships.get(user__username="demo-pm").user,
                           summary="Revised after the first year")
        reflow.crawl(page, "demo-pm", within, within=within)
        if part == "consultations":
            # The HR lead's consultation pages show who attended and who the representatives are.
            context.close()
            context, page = signed_in("demo-hr")
            reflow.crawl(page, "demo-hr", within, within=within)
        if part == "risks":
            reflow.upload(page, "demo-pm", base + "risks/import/", "register.csv", RISKS_CSV, "text/csv")
        if part == "business_cases":
            reflow.upload(page, "demo-pm", base + "business-case/appraisal/import/", "lines.csv",
                          APPRAISAL_CSV, "text/csv")
            # Pages no link leads to in the demo: a business case document's job (reached by a
            # button) and the comparison of a paper's versions (the demo paper has none).
            for path in _unlinked_business_case_pages(demo):
                page.goto(path)
                reflow.check(page, "demo-pm")
        context.close()
        if part == "finance":
            context, page = signed_in("demo-finance")
            reflow.upload(page, "demo-finance", base + "finance/ledger/upload/", "ledger.xlsx", one_new_line(), XLSX)
            page.locator("#accept-warnings").check()
            page.get_by_role("button", name="Load 1 line").click()
            page.wait_for_url("**/ledger/jobs/*/")
            reflow.check(page, "demo-finance")
            context.close()

    ours = {name for name in page_url_names() if part_of(name) == part}
    visited = {name for name in reflow.visited if name}
    missing = sorted(ours - visited - set(reflow.skip))
    assert not missing, ("Pages neither visited at 320px nor excluded with a reason in "
                         f"tests/browser/test_reflow.py: {', '.join(missing)}")
    assert not reflow.problems, (f"{len(reflow.problems)} problems at {WIDTH}px on {len(visited)} pages:\n  "
                                 + "\n  ".join(reflow.problems))
    reflow.axe.assert_clean()


def _programme_pages(reflow, signed_in, browser, live_server, demo, base):
    """The site's pages, the programme's own (not its apps') and the council area's."""
    failed_jobs(demo)  # the plan PDF's job page, reached from the exports
    anonymous = browser.new_context(base_url=live_server.url, viewport={"width": WIDTH, "height": 800},
                                    bypass_csp=True)
    page = anonymous.new_page()
    page.goto("/accounts/login/")
    reflow.check(page, "anonymous")
    anonymous.close()

    apps = tuple(base + path for path in APP_PATHS.values())
    context, page = signed_in("demo-pm")
    reflow.crawl(page, "demo-pm", "/", avoid=apps)
    # A plan from Microsoft Project: its preview, reached by uploading one.
    from tests.programmes.mspdi_files import T, plan_xml

    page.goto(base + "plan-import/")
    page.locator("input[type=file]").set_input_files(files=[{
        "name": "plan.xml", "mimeType": "application/xml",
        "buffer": plan_xml([T(1, "Mobilisation", summary=True), T(2, "A task with a long name " * 4, level=2)])}])
    page.get_by_role("button", name="Upload and preview").click()
    page.wait_for_url("**/plan-import/*/")
    reflow.check(page, "demo-pm")
    page.goto("/accounts/api-token/")  # the new secret, one long word, is shown once
    page.get_by_role("button", name="Make a token").click()
    page.wait_for_load_state()
    reflow.check(page, "demo-pm")
    # The search results, from the header's search box.
    page.goto("/")
    page.get_by_role("searchbox", name="Search your programmes").fill("TUPE consultation")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=*")
    assert "results for" in page.content()
    reflow.check(page, "demo-pm")
    # My actions with its new calendar address (one long word, shown once), and the page an
    # email's stop link opens, before and after the button.
    page.goto("/my-actions/")
    page.get_by_role("button", name="Make a calendar address").click()
    page.wait_for_load_state()
    assert "/my-actions/" in page.url and ".ics" in page.content()
    reflow.check(page, "demo-pm")
    from django.contrib.auth import get_user_model

    from programmes.notify import unsubscribe_token

    pm = get_user_model().objects.get(username="demo-pm")
    page.goto(reverse("programmes:unsubscribe", args=[unsubscribe_token(pm.pk, "due")]))
    reflow.check(page, "demo-pm")
    page.get_by_role("button", name="Stop these emails").click()
    page.wait_for_load_state()
    assert "Emails stopped" in page.content()
    reflow.check(page, "demo-pm")
    # An activity's own detail and edit pages (the crawl sees one milestone's), and its
    # edit page refusing an end before its start, with the error summary.
    activity = Milestone.objects.filter(programme=demo, kind=Milestone.Kind.ACTIVITY).first()
    page.goto(base + f"milestones/{activity.pk}/")
    reflow.check(page, "demo-pm")
    page.goto(base + f"milestones/{activity.pk}/edit/")
    page.fill("[name=forecast_date_year]", str(activity.forecast_start_date.year - 1))
    page.get_by_role("button", name="Save milestone").click()
    page.wait_for_load_state()
    assert "must be the same as or after the forecast start date" in page.content()
    reflow.check(page, "demo-pm")
    # The dead ends, which no link leads to: not found inside the programme (in its frame) and
    # outside it, and a failure.
    for path, status in ((base + "milestones/999999/", 404), ("/no-such-page/", 404), ("/tests/fails/", 500)):
        response = page.goto(path)
        assert response is not None and response.status == status, f"{path} answered {response and response.status}"
        reflow.check(page, "demo-pm")
    context.close()

    # The council's administrator: the council area and the programme's members, reached from
    # the home page; then an invitation's page, as the invited person opens it.
    # A second administrator (the programme manager), so that either may be removed.
    from programmes.models import CouncilAdministrator

    CouncilAdministrator.objects.create(organisation=demo.lead_organisation,
                                        user=demo.memberships.get(user__username="demo-pm").user)
    context, page = signed_in("demo-admin")
    reflow.crawl(page, "demo-admin", "/", avoid=apps)
    context.close()
    invited = browser.new_context(base_url=live_server.url, viewport={"width": WIDTH, "height": 800},
                                  bypass_csp=True)
    page = invited.new_page()
    page.goto(invitation_link(demo))
    reflow.check(page, "the invited person")
    invited.close()

    # Where someone signed in lands before anyone has given them a place in a programme.
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user("newcomer", password=PASSWORD, email="newcomer@example.org")
    newcomer = browser.new_context(base_url=live_server.url, viewport={"width": WIDTH, "height": 800},
                                   bypass_csp=True)
    page = newcomer.new_page()
    page.goto("/accounts/login/?next=/accounts/no-access/")
    page.get_by_label("Username").fill("newcomer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/accounts/no-access/")
    reflow.check(page, "someone with no programme yet")
    newcomer.close()

    # A refusal: the finance officer may not change the programme's details.
    context, page = signed_in("demo-finance")
    response = page.goto(base + "edit/")
    assert response is not None and response.status == 403, f"{base}edit/ answered {response and response.status}"
    reflow.check(page, "demo-finance")
    context.close()


@pytest.mark.browser
def test_the_check_finds_a_wide_page_and_a_scroller_a_keyboard_cannot_reach(browser):
    """The script above, on pages made for it: it is what makes the test able to fail."""
    context = browser.new_context(viewport={"width": WIDTH, "height": 600})
    page = context.new_page()
    page.set_content('<main><p id="fits">Fits.</p><table id="wide"><tr><td>' + "x " * 5
                     + '</td><td style="min-width: 500px">wide</td></tr></table></main>')
    found = page.evaluate(REFLOW_JS)
    assert found["width"] > WIDTH and any(w.startswith("table#wide") for w in found["wide"]), found
    page.set_content('<div id="bare" style="overflow-x: auto"><div style="width: 900px">timeline</div></div>'
                     '<div role="region" aria-label="Lines" tabindex="0" style="overflow-x: auto">'
                     '<div style="width: 900px">table</div></div>')
    found = page.evaluate(REFLOW_JS)
    assert found["width"] == WIDTH and found["wide"] == [], found
    assert found["scrollers"] == ['div#bare "timeline" scrolls sideways but is not focusable (tabindex=0), '
                                  'is not role="region", has no accessible name'], found
    context.close()
