"""A workbook whose first sheet is an empty cover and whose register is on a hidden
sheet, in Chromium with axe-core: the mapping page's error summary leads to the sheet
picker, and choosing the data sheet brings the columns to match."""
import pytest
from playwright.sync_api import expect

from tests.browser.test_pages import error_summary_links_work
from tests.core.rawxlsx import cells_xml, sheet_xml, workbook

pytestmark = pytest.mark.browser

ROWS = [["Title", "Category", "L", "I", "Residual likelihood", "Residual impact"],
        ["Payroll late", "Financial", 3, 4, 2, 2]]


def test_the_data_sheet_is_chosen_past_an_empty_cover_sheet(site, demo, axe_audit):
    page = site.page("demo-pm")
    page.goto(f"/programmes/{demo.slug}/risks/import/")
    data = workbook([("Cover", None, sheet_xml(cells_xml([]))), ("Register", "hidden", sheet_xml(cells_xml(ROWS)))])
    page.locator("input[type=file]").set_input_files(
        files=[{"name": "register.xlsx", "buffer": data,
                "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}])
    page.get_by_role("button", name="Upload and preview").click()
    page.wait_for_url("**/mapping/")
    error_summary_links_work(page)
    expect(page.locator(".govuk-error-summary")).to_contain_text("The sheet 'Cover' is empty.")
    axe_audit.check(page, "risk import mapping when the first sheet is empty")
    page.locator(".govuk-error-summary a").click()
    expect(page.get_by_label("Sheet to read")).to_be_focused()
    page.get_by_label("Sheet to read").select_option("Register")
    page.get_by_role("button", name="Read this sheet").click()
    expect(page.get_by_role("button", name="Check the rows")).to_be_visible()
    expect(page.locator("#sheet-read")).to_contain_text("Register")
    axe_audit.check(page, "risk import mapping of the sheet chosen")
    axe_audit.assert_clean()
