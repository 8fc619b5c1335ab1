"""Every page a programme manager can reach, checked with axe-core in Chromium, and the
main journey driven as a person would: sign in, update a milestone, export the plan."""
import io
import re
import zipfile
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from programmes.deadlines import derived_deadlines
from programmes.models import Milestone, Workstream
from programmes.resources import RESOURCES
from tests.browser.conftest import login

pytestmark = pytest.mark.browser

MILESTONE = "Legacy case system decommissioned"  # at risk, and due after the demo's today


def programme_path(demo, rest: str = "") -> str:
    return f"/programmes/{demo.slug}/{rest}"


def open_and_check(page, audit, path: str, label: str | None = None) -> None:
    response = page.goto(path)
    assert response is not None and response.ok, f"{path} answered {response and response.status}"
    audit.check(page, label or path)


def error_summary_links_work(page) -> None:
    """Every link in the error summary jumps to a field that is on the page."""
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    hrefs = summary.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    for href in hrefs:
        assert href.startswith("#"), href
        assert page.locator(f"[id='{href[1:]}']").count() == 1, f"{page.url}: error summary link {href} leads nowhere"


def submit_with_errors(page, audit, label: str) -> None:
    """Submit the form on the page as it is, expecting the error summary."""
    page.locator("main form").get_by_role("button").first.click()
    error_summary_links_work(page)
    audit.check(page, label)


def test_login_pages_are_accessible(site, axe_audit):
    page = site.page()
    open_and_check(page, axe_audit, "/accounts/login/")
    # WCAG 1.3.5: the browser and password managers can fill in the user's own details.
    expect(page.get_by_label("Username")).to_have_attribute("autocomplete", "username")
    expect(page.get_by_label("Password")).to_have_attribute("autocomplete", "current-password")

    page.get_by_label("Username").fill("demo-pm")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    error_summary_links_work(page)
    axe_audit.check(page, "/accounts/login/ with a wrong password")

    for _ in range(5):  # the fifth wrong password pauses signing in for this name
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill("nobody-at-all")
        page.get_by_label("Password").fill("wrong")
        page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Too many attempts to sign in")).to_be_visible()
    axe_audit.check(page, "locked-out page")
    axe_audit.assert_clean()


def test_programme_and_milestone_pages_are_accessible(site, demo, axe_audit):
    page = site.page("demo-pm")
    milestone = Milestone.objects.get(programme=demo, title=MILESTONE)
    hr = Workstream.objects.get(programme=demo, name="HR")
    m = f"milestones/{milestone.pk}/"

    for path in [
        "/",
        programme_path(demo),
        programme_path(demo, "history/"),
        programme_path(demo, "milestones/"),
        programme_path(demo, "milestones/?window=all"),
        programme_path(demo, f"milestones/?workstream={hr.pk}&status=at_risk"),
        programme_path(demo, "milestones/?late=1&window=all"),
        programme_path(demo, "milestones/?due_within=30"),
        programme_path(demo, m),
        programme_path(demo, m + "?tab=history"),
        programme_path(demo, m + "delete/"),
        programme_path(demo, "milestones/new/"),
        programme_path(demo, "deadlines/"),
    ]:
        open_and_check(page, axe_audit, path)

    # Marking a derived deadline done: the form, and its errors (a day not yet come).
    open_deadline = next(d for d in derived_deadlines(programme=demo, today=timezone.localdate())
                         if d.state == "due")
    open_and_check(page, axe_audit, programme_path(demo, f"deadlines/{open_deadline.key}/done/"))
    page.fill("#id_done_on_year", str(timezone.localdate().year + 1))
    page.locator("main button[type=submit]").first.click()
    expect(page.get_by_text("The day it was done must be today or earlier").first).to_be_visible()
    axe_audit.check(page, "deadline done form with an error")

    page.goto(programme_path(demo, f"milestones/?due_within=soon&workstream={hr.pk}"))
    expect(page.get_by_text("There is a problem with the filters")).to_be_visible()
    error_summary_links_work(page)
    axe_audit.check(page, "tracker with a filter error")

    page.goto(programme_path(demo, "milestones/new/"))
    submit_with_errors(page, axe_audit, "milestone create form after an empty submit")

    open_and_check(page, axe_audit, programme_path(demo, m + "edit/"))
    page.get_by_label("Title").fill("")
    page.locator("#id_forecast_date_day").fill("41")  # no 41st day of any month
    submit_with_errors(page, axe_audit, "milestone edit form after a submit with errors")

    open_and_check(page, axe_audit, programme_path(demo, "edit/"))
    page.get_by_label("Name", exact=True).fill("")
    submit_with_errors(page, axe_audit, "programme edit form after a submit with errors")

    open_and_check(page, axe_audit, programme_path(demo, "exports/"))
    page.get_by_role("button", name="Create my calendar feed").click()
    expect(page.get_by_label("Your feed address")).to_be_visible()
    axe_audit.check(page, "exports page with a calendar feed")
    # The plan PDF's job page is checked in the journey below, which makes a PDF anyway.

    open_and_check(page, axe_audit, "/accounts/api-token/")
    page.get_by_role("button", name="Make a token").click()
    expect(page.get_by_role("heading", name="Your token")).to_be_visible()
    axe_audit.check(page, "API token page showing a new token")
    axe_audit.assert_clean()


def test_record_pages_are_accessible(site, demo, axe_audit):
    page = site.page("demo-pm")
    for key, res in RESOURCES.items():
        base = programme_path(demo, f"{key}/")
        open_and_check(page, axe_audit, base)
        open_and_check(page, axe_audit, base + "new/")
        submit_with_errors(page, axe_audit, f"{base}new/ after an empty submit")
        obj = res.queryset(demo).first()
        assert obj is not None, f"the demo has no {res.plural}"
        for rest in ("edit/", "history/", "delete/"):
            open_and_check(page, axe_audit, f"{base}{obj.pk}/{rest}")
    axe_audit.assert_clean()


def test_programme_manager_journey(site, demo, axe_audit):
    page = site.page("demo-pm")
    days = demo.days_to_transfer(timezone.localdate())

    # The programme list counts the days to transfer day, or since it: the demo is loaded
    # to stand in the year after transfer (programmes.demo.demo_shift).
    card = page.locator(".app-card", has_text=demo.name)
    expect(card.locator(".app-countdown")).to_have_text(f"{abs(days)} day{'' if abs(days) == 1 else 's'}")
    expect(card).to_contain_text("to transfer day" if days > 0 else "since transfer day")

    # The tracker's timeline of the whole programme marks the ELI deadline (the run-up it
    # shows first starts nine months ago, after the demo's deadline).
    card.get_by_role("link", name=demo.name).click()
    expect(page.get_by_role("heading", level=1, name=demo.name)).to_be_visible()
    page.get_by_role("navigation", name="Programme menu").get_by_role("link", name="Milestones").click()
    expect(page.get_by_role("heading", level=1, name="Milestones")).to_be_visible()
    page.get_by_role("link", name="Show the whole programme").click()
    timeline = page.locator("svg.app-timeline")
    expect(timeline).to_be_visible()
    expect(timeline.locator("text", has_text="ELI deadline")).to_have_count(1)

    # The quick status form in the table, in its workstream's section (open when it has
    # something late, else opened here).
    def open_section():
        section = page.locator("details.app-tracker-section", has_text="IT & systems")
        if section.get_attribute("open") is None:
            section.locator("summary").click()

    open_section()
    page.get_by_label(f"Status of {MILESTONE}").select_option(label="Complete")
    page.get_by_role("button", name=f"Update status of {MILESTONE}").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(f"“{MILESTONE}” is now complete.")
    expect(page.get_by_label(f"Status of {MILESTONE}")).to_have_value("complete")

    # Its history shows the change and who made it.
    open_section()
    page.locator("main table").get_by_role("link", name=MILESTONE, exact=True).click()
    expect(page.get_by_role("heading", level=1, name=MILESTONE)).to_be_visible()
    page.get_by_role("tab", name="History").click()
    history = page.locator("#history")
    expect(history).to_be_visible()
    latest = history.locator("tbody tr").first
    expect(latest).to_contain_text("Priya Shah")
    expect(latest).to_contain_text(re.compile(r"Status:.*At risk.*Complete", re.S))

    # The spreadsheet.
    page.get_by_role("navigation", name="Programme menu").get_by_role("link", name="Exports").click()
    with page.expect_download() as info:
        page.get_by_role("link", name="Download the plan (xlsx)").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    content = Path(download.path()).read_bytes()
    assert zipfile.is_zipfile(io.BytesIO(content)), "the xlsx is not a zip file"
    assert "xl/workbook.xml" in zipfile.ZipFile(io.BytesIO(content)).namelist()

    # The PDF, made in-process in tests, so ready at once.
    page.get_by_role("button", name="Make the plan PDF").click()
    expect(page.get_by_role("heading", level=1, name="Plan PDF")).to_be_visible()
    link = page.get_by_role("link", name=re.compile(r"^Download .+\.pdf$"))
    expect(link).to_be_visible()
    axe_audit.check(page, "plan PDF job page")
    with page.expect_download() as info:
        link.click()
    pdf = Path(info.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF"), pdf[:40]

    page.get_by_role("link", name="Back to exports").click()
    made = page.get_by_role("table", name="Plan PDFs, newest first")
    expect(made.get_by_role("link", name=info.value.suggested_filename)).to_be_visible()
    axe_audit.check(page, "exports page listing a PDF")
    axe_audit.assert_clean()


def test_viewer_cannot_change_the_plan(site, demo):
    page = site.page("demo-viewer")
    page.goto(programme_path(demo, "milestones/"))
    expect(page.get_by_role("heading", level=1, name="Milestones")).to_be_visible()
    expect(page.get_by_role("link", name="Add a milestone")).to_have_count(0)
    expect(page.locator("form[action*='/status/']")).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile("^Update"))).to_have_count(0)
    milestone = Milestone.objects.get(programme=demo, title=MILESTONE)
    page.goto(programme_path(demo, f"milestones/{milestone.pk}/"))
    expect(page.get_by_role("heading", level=1, name=MILESTONE)).to_be_visible()
    expect(page.locator("form[action*='/status/']")).to_have_count(0)
    expect(page.get_by_role("link", name="Edit milestone")).to_have_count(0)


def test_pages_keep_to_the_content_security_policy(site, demo):
    """Without bypassing CSP: no violations on the main pages, and GOV.UK Frontend's
    JavaScript (loaded as a module from our own origin) starts and runs the tabs."""
    page = site.page(bypass_csp=False)
    page.add_init_script(  # Playwright's own script, which the page's CSP does not govern
        "window.__cspViolations = [];"
        "document.addEventListener('securitypolicyviolation',"
        " e => window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}"
        " at ${e.sourceFile}:${e.lineNumber}`));")
    console = []
    page.on("console", lambda msg: console.append(f"{msg.type}: {msg.text}"))
    page.on("pageerror", lambda err: console.append(f"pageerror: {err}"))
    page.goto("/accounts/login/")
    violations = [f"/accounts/login/: {v}" for v in page.evaluate("window.__cspViolations")]
    login(page, "demo-pm")
    milestone = Milestone.objects.get(programme=demo, title=MILESTONE)
    paths = ["/", programme_path(demo), programme_path(demo, "milestones/"),
             programme_path(demo, f"milestones/{milestone.pk}/"), programme_path(demo, "exports/"),
             programme_path(demo, "decisions/"), programme_path(demo, "milestones/new/")]
    for path in paths:
        page.goto(path)
        page.wait_for_load_state("load")
        expect(page.locator("body")).to_have_class(re.compile(r"\bgovuk-frontend-supported\b"))
        # initAll() has run: each module marks its element when it starts.
        expect(page.locator(".govuk-skip-link")).to_have_attribute("data-govuk-skip-link-init", "")
        violations += [f"{path}: {v}" for v in page.evaluate("window.__cspViolations")]

    # The tabs module turned the links into tabs, and switches panels.
    page.goto(programme_path(demo, f"milestones/{milestone.pk}/"))
    tabs = page.locator(".govuk-tabs")
    history_tab = page.get_by_role("tab", name="History")
    expect(history_tab).to_have_attribute("aria-selected", "false")
    expect(page.locator("#history")).to_be_hidden()
    history_tab.click()
    expect(history_tab).to_have_attribute("aria-selected", "true")
    expect(page.locator("#history")).to_be_visible()
    expect(page.locator("#details")).to_be_hidden()
    expect(tabs.get_by_role("tabpanel")).to_have_count(1)

    violations += page.evaluate("window.__cspViolations")
    assert not violations, "CSP violations:\n" + "\n".join(violations)
    problems = [c for c in console if "Content Security Policy" in c or c.startswith(("error", "pageerror"))]
    assert not problems, "console errors or CSP violations:\n" + "\n".join(problems)
