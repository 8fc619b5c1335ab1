"""The Cabinet paper pages, checked with axe-core in Chromium on the demo programme, and the
journey a director takes: start a paper, edit it, preview it, generate its PDF and Word file.

The paper reads the whole programme (plan, workforce, finance, risks), so the journey runs on
the full demo, once; the viewer's test needs only the demo paper."""
import io
import re
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from business_cases.models import CabinetPaper, PaperVersion
from tests.browser.test_pages import open_and_check, submit_with_errors

pytestmark = pytest.mark.browser

TITLE = "Community services: the Full Business Case"
# Where the error summary must send the reader after an empty submit: the required fields.
REQUIRED = {"id_title": "title", "id_meeting_date_day": "date of the meeting", "id_author": "report author",
            "id_contact": "contact", "id_issue": "issue", "id_recommendations": "recommendation"}


def papers_path(demo, rest: str = "") -> str:
    return f"/programmes/{demo.slug}/business-case/papers/{rest}"


def test_paper_pages_are_accessible_and_a_director_generates_a_version(site, demo, axe_audit):
    page = site.page("demo-director")
    demo_paper = CabinetPaper.objects.get(programme=demo)
    for path in ("", f"{demo_paper.pk}/", f"{demo_paper.pk}/edit/", f"{demo_paper.pk}/history/"):
        open_and_check(page, axe_audit, papers_path(demo, path))
    expect(page.locator("main table")).to_contain_text("Demo data loaded")

    # The list leads to the paper and to the form that starts one.
    page.goto(papers_path(demo))
    papers = page.get_by_role("table", name="Papers, latest meeting first")
    expect(papers.get_by_role("link", name=demo_paper.title)).to_be_visible()
    page.get_by_role("link", name="Start a paper").click()
    expect(page.get_by_role("heading", level=1, name="Start a Cabinet paper")).to_be_visible()
    axe_audit.check(page, "paper create form")

    # An empty submit: the GOV.UK error summary names each required field and links to it.
    submit_with_errors(page, axe_audit, "paper create form after an empty submit")
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".govuk-error-summary")
    for anchor, words in REQUIRED.items():
        link = summary.locator(f"a[href='#{anchor}']").first
        expect(link).to_contain_text(words, ignore_case=True)
    assert CabinetPaper.objects.filter(programme=demo).count() == 1

    page.get_by_label("Title", exact=True).fill(TITLE)
    page.get_by_label("Day", exact=True).fill("27")
    page.get_by_label("Month", exact=True).fill("11")
    page.get_by_label("Year", exact=True).fill(str(demo.transfer_date.year))
    page.get_by_label("Report author").fill("Director of Adult Social Services")
    page.get_by_label("Contact", exact=True).fill("Programme manager, 01225 000000")
    page.get_by_label("The issue").fill("Cabinet is asked to agree the Full Business Case.")
    # The demo council's template calls it "Recommendation", and requires two sections before
    # a version can be final: the equalities, and its own officers' clearance.
    page.get_by_label("Recommendation", exact=True).fill(
        "Agree the Full Business Case.\nDelegate the go-live decision.")
    page.get_by_label("Equalities").fill("The equality impact assessment finds no group disadvantaged.")
    page.get_by_label("Monitoring Officer and Section 151 Officer").fill("Both have cleared the report.")
    page.get_by_role("button", name="Save the paper").click()
    expect(page.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(f"“{TITLE}” saved.")
    expect(page.locator("main ol li")).to_have_count(2)
    expect(page.get_by_text("No version has been generated yet.")).to_be_visible()
    axe_audit.check(page, "new paper")
    paper = CabinetPaper.objects.get(programme=demo, title=TITLE)
    assert paper.created_by.username == "demo-director" and paper.key_decision is False

    # The edit form: an error first, then a change with its reason.
    page.get_by_role("link", name="Edit the paper").click()
    expect(page.get_by_role("heading", level=1, name=f"Edit “{TITLE}”")).to_be_visible()
    expect(page.get_by_label("Title", exact=True)).to_have_value(TITLE)
    page.get_by_label("Title", exact=True).fill("")
    submit_with_errors(page, axe_audit, "paper edit form after a submit with errors")
    page.get_by_label("Title", exact=True).fill(TITLE)
    page.get_by_label("Other options considered").fill("Extending the contract was ruled out in May.")
    page.get_by_label("Reason for the change").fill("Other options written")
    page.get_by_role("button", name="Save the paper").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(f"“{TITLE}” saved.")
    paper.refresh_from_db()
    assert paper.other_options == "Extending the contract was ruled out in May."

    # The preview is the document itself, outside the service's layout.
    page.get_by_role("link", name="Preview with today's figures").click()
    page.wait_for_url(f"**{papers_path(demo, f'{paper.pk}/preview/')}")
    expect(page.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
    expect(page.get_by_role("note")).to_contain_text("Preview with today's figures.")
    expect(page.get_by_role("heading", level=2, name=re.compile("Recommendation"))).to_be_visible()
    expect(page.get_by_role("banner")).to_have_count(0)
    axe_audit.check(page, "paper preview")
    page.get_by_role("link", name="Back to the paper").click()
    expect(page.get_by_role("heading", level=1, name=TITLE)).to_be_visible()

    # Generating: tasks run in-process in tests, so the job is done when its page opens.
    page.get_by_role("button", name="Generate the PDF and Word file").click()
    page.wait_for_url("**/jobs/**")
    expect(page.get_by_role("heading", level=2, name="Version 1 is ready")).to_be_visible()
    axe_audit.check(page, "paper job page, finished")
    with page.expect_download() as info:
        page.get_by_role("link", name="Download the PDF of version 1").click()
    assert info.value.suggested_filename == f"{demo.slug}-paper-{paper.pk}-v1.pdf"
    assert Path(info.value.path()).read_bytes().startswith(b"%PDF")
    with page.expect_download() as info:
        page.get_by_role("link", name="Download the Word file of version 1").click()
    docx = Path(info.value.path()).read_bytes()
    assert "word/document.xml" in zipfile.ZipFile(io.BytesIO(docx)).namelist()
    version = PaperVersion.objects.get(paper=paper)
    assert version.number == 1 and version.made_by.username == "demo-director"

    page.get_by_role("link", name="Back to the paper").click()
    versions = page.get_by_role("table", name="Generated versions, newest first")
    expect(versions.locator("tbody tr")).to_have_count(1)
    expect(versions.get_by_role("link", name="PDF of version 1")).to_be_visible()
    axe_audit.check(page, "paper with a version")

    # Marking it final: the date is checked, then the version is printed again marked so.
    # (The meeting moves to a month ahead: a version made after its meeting cannot be final.)
    meeting = date.today() + timedelta(days=30)
    CabinetPaper.objects.filter(pk=paper.pk).update(meeting_date=meeting)
    page.reload()
    page.get_by_role("link", name="Mark final version 1").click()
    expect(page.get_by_role("heading", level=1, name="Mark version 1 final")).to_be_visible()
    axe_audit.check(page, "mark a version final")
    page.get_by_label("Day", exact=True).fill("")
    submit_with_errors(page, axe_audit, "mark final after an empty date")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the day, month and year")
    today = date.today()
    page.get_by_label("Day", exact=True).fill(str(today.day))
    page.get_by_label("Month", exact=True).fill(str(today.month))
    page.get_by_label("Year", exact=True).fill(str(today.year))
    page.get_by_role("button", name="Mark version 1 final").click()
    page.wait_for_url("**/jobs/**")
    expect(page.get_by_role("heading", level=2, name="Version 1 is final")).to_be_visible()
    axe_audit.check(page, "paper job page, marked final")
    version.refresh_from_db()
    assert version.is_final and version.published_on == today
    page.get_by_role("link", name="Back to the paper").click()
    expect(versions.locator("tbody tr").first).to_contain_text("Final")
    page.get_by_role("link", name="Compare versions").click()
    expect(page.get_by_role("heading", level=1, name="Compare versions")).to_be_visible()
    expect(page.get_by_label("Compare", exact=True)).to_have_value("1")
    axe_audit.check(page, "compare versions")
    page.set_viewport_size({"width": 320, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320, "the comparison is wider than 320px"
    page.go_back()
    page.goto(papers_path(demo, f"{paper.pk}/v1/final/"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 320, "the final page is wider than 320px"
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(papers_path(demo, f"{paper.pk}/compare/"))
    page.get_by_role("link", name="Back to the paper").click()

    page.get_by_role("link", name="History of changes to the paper").click()
    history = page.locator("main table")
    expect(history).to_contain_text("Other options written")
    expect(history).to_contain_text("Paper started")
    axe_audit.check(page, "paper history after an edit")
    page.goto(papers_path(demo))
    expect(page.get_by_role("row", name=re.compile(re.escape(TITLE)))).to_contain_text("Version 1")
    axe_audit.check(page, "papers list with a version")
    axe_audit.assert_clean()


@pytest.fixture
def only_the_business_case_demo(monkeypatch):
    """The demo without the workforce and finance data, which this test does not read
    (requested before `site`, so it applies when the demo loads)."""
    from programmes import demo

    monkeypatch.setattr(demo, "_demo_steps", [s for s in demo._demo_steps
                                              if s.__module__.split(".")[0] in ("risks", "business_cases")])


def test_viewer_reads_the_paper_but_cannot_generate_or_edit_it(only_the_business_case_demo, site, demo):
    page = site.page("demo-viewer")
    page.goto(papers_path(demo))
    expect(page.get_by_role("heading", level=1, name="Cabinet papers")).to_be_visible()
    expect(page.get_by_role("link", name="Start a paper")).to_have_count(0)
    paper = CabinetPaper.objects.get(programme=demo)
    page.get_by_role("link", name=paper.title).click()
    expect(page.get_by_role("heading", level=1, name=paper.title)).to_be_visible()
    expect(page.get_by_role("link", name="Preview with today's figures")).to_be_visible()
    expect(page.get_by_role("button", name="Generate the PDF and Word file")).to_have_count(0)
    expect(page.locator("form[action*='/generate/']")).to_have_count(0)
    expect(page.get_by_role("link", name="Edit the paper")).to_have_count(0)
    expect(page.get_by_role("link", name="History of changes to the paper")).to_be_visible()


def test_a_programme_manager_writes_and_generates_a_highlight_report(only_the_business_case_demo, site, demo,
                                                                       axe_audit):
    from business_cases.models import HighlightReport, HighlightVersion

    page = site.page("demo-pm")
    base = f"/programmes/{demo.slug}/business-case/highlight-reports/"
    open_and_check(page, axe_audit, base, "highlight reports")
    latest = HighlightReport.objects.filter(programme=demo).order_by("-period_end").first()
    page.get_by_role("link", name=re.compile(f"to {latest.period_end:%-d %B %Y}")).click()
    expect(page.get_by_role("heading", level=1, name=latest.title)).to_be_visible()
    axe_audit.check(page, "a highlight report")
    page.get_by_role("link", name="Edit the commentary").click()
    axe_audit.check(page, "highlight report edit form")
    page.get_by_label("Commentary on the benefits").fill("Savings start in the second year.")
    page.locator("main form").get_by_role("button").first.click()
    expect(page.get_by_text("Savings start in the second year.")).to_be_visible()
    page.get_by_role("button", name="Generate the PDF and Word file").click()
    page.wait_for_url("**/jobs/**")
    expect(page.get_by_role("heading", level=2, name="Version 1 is ready")).to_be_visible()
    axe_audit.check(page, "highlight report job page, finished")
    with page.expect_download() as info:
        page.get_by_role("link", name="Download the PDF of version 1").click()
    assert Path(info.value.path()).read_bytes().startswith(b"%PDF")
    assert HighlightVersion.objects.get(report=latest).made_by.username == "demo-pm"
    page.get_by_role("link", name="Back to the report").click()
    expect(page.get_by_role("table", name="Generated versions, newest first").locator("tbody tr")).to_have_count(1)
    page.goto(base + "new/")
    axe_audit.check(page, "new highlight report form")
    page.set_viewport_size({"width": 320, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    axe_audit.assert_clean()
