"""The risk register's pages, checked with axe-core in Chromium on the demo programme."""
import pytest

from risks.models import Issue, Risk
from tests.browser.test_pages import error_summary_links_work, open_and_check, submit_with_errors

pytestmark = pytest.mark.browser


def test_risk_pages_are_accessible(site, demo, axe_audit):
    page = site.page("demo-pm")
    base = f"/programmes/{demo.slug}/risks/"
    risk = Risk.objects.filter(programme=demo).order_by("number").first()
    action = risk.actions.first()
    issue = Issue.objects.filter(programme=demo).first()
    for path in ("", "?sort=residual&above_appetite=1", "heat-map/", "issues/", "settings/",
                 f"{risk.pk}/", f"{risk.pk}/edit/", f"{risk.pk}/actions/new/",
                 f"{risk.pk}/actions/{action.pk}/edit/", f"issues/{issue.pk}/edit/"):
        open_and_check(page, axe_audit, base + path)
    open_and_check(page, axe_audit, base + "new/")
    submit_with_errors(page, axe_audit, "risk create form after an empty submit")
    open_and_check(page, axe_audit, base + "issues/new/")
    page.get_by_label("Title").fill("")
    submit_with_errors(page, axe_audit, "issue form after an empty submit")
    open_and_check(page, axe_audit, base + "import/")
    # The file input counts as a button too, so press the submit button by its name.
    page.get_by_role("button", name="Upload and preview").click()
    error_summary_links_work(page)
    axe_audit.check(page, "risk import form after an empty submit")
    csv = b"Title,Category,L,I,Residual likelihood,Residual impact\nPayroll late,Weather,7,2,1,1\n"
    page.locator("input[type=file]").set_input_files(
        files=[{"name": "risks.csv", "mimeType": "text/csv", "buffer": csv}])
    page.get_by_role("button", name="Upload and preview").click()
    page.wait_for_url("**/mapping/")
    axe_audit.check(page, "risk import column mapping")
    page.get_by_role("button", name="Check the rows").click()
    page.wait_for_url("**/import/*/")
    assert page.locator(".govuk-error-summary").count() == 1
    axe_audit.check(page, "risk import preview with errors")
    open_and_check(page, axe_audit, base + "uploads/")
    open_and_check(page, axe_audit, f"/programmes/{demo.slug}/", "overview with the risks panel")
    axe_audit.assert_clean()


def test_heat_map_cell_opens_the_filtered_register(site, demo):
    page = site.page("demo-viewer")
    page.goto(f"/programmes/{demo.slug}/risks/heat-map/")
    page.locator("#heatmap-residual a").first.click()
    assert "basis=residual" in page.url
    assert page.locator("table.govuk-table tbody tr").count() >= 1
