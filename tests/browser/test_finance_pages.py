"""The finance pages, checked with axe-core in Chromium on the demo programme: every page,
each form after an empty submit, and the ledger upload from file to preview."""
import io

import pytest
from openpyxl import Workbook, load_workbook

from finance.demo import ledger_workbook
from finance.models import Kpi
from finance.resources import RESOURCES
from tests.browser.test_pages import error_summary_links_work, open_and_check, submit_with_errors

pytestmark = pytest.mark.browser


def _demo_ledger() -> bytes:
    """The ledger workbook the demo loaded: its years moved as the demo moves them."""
    from django.utils import timezone

    from programmes.demo import demo_shift

    shift = demo_shift(today=timezone.localdate(), real_dates=False)
    return ledger_workbook(years=shift.years, today=shift.today)


def _one_new_line() -> bytes:
    """The demo ledger's first line with a new reference and a cost centre nobody mapped."""
    book = load_workbook(io.BytesIO(_demo_ledger()))
    sheet = book.worksheets[0]
    headers = [c.value for c in sheet[1]]
    first = [c.value for c in sheet[2]]
    first[headers.index("Cost centre")] = "CC-NEW"
    first[headers.index("Journal no")] = "BROWSER-1"
    out = Workbook()
    out.active.append(headers)
    out.active.append(first)
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()


def test_finance_pages_are_accessible(site, demo, axe_audit):
    page = site.page("demo-finance")
    base = f"/programmes/{demo.slug}/finance/"
    for path in ("", "budget/", "codes/", "benefits/", "kpis/", "ledger/"):
        open_and_check(page, axe_audit, base + path)
    for key in RESOURCES:
        open_and_check(page, axe_audit, f"{base}{key}/new/")
        submit_with_errors(page, axe_audit, f"{key} form after an empty submit")
    # A budget line from a figure another app offers (the pension cost), then its errors.
    open_and_check(page, axe_audit, base + "budget/from-figure/")
    submit_with_errors(page, axe_audit, "budget line from a figure after an empty submit")
    kpi = Kpi.objects.filter(programme=demo).first()
    open_and_check(page, axe_audit, f"{base}kpis/{kpi.pk}/edit/")
    open_and_check(page, axe_audit, f"{base}kpis/{kpi.pk}/delete/")
    open_and_check(page, axe_audit, base + "ledger/upload/")
    page.get_by_role("button", name="Upload and preview").click()
    error_summary_links_work(page)
    axe_audit.check(page, "ledger upload after an empty submit")
    # The demo's own workbook again: recognised lines, the rounding warning, then a preview.
    page.locator("input[type=file]").set_input_files(files=[{
        "name": "ledger-again.xlsx", "buffer": _demo_ledger(),
        "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}])
    page.get_by_role("button", name="Upload and preview").click()
    page.wait_for_url("**/mapping/")
    axe_audit.check(page, "ledger column mapping")
    page.get_by_role("button", name="Check the rows").click()
    page.wait_for_url("**/upload/*/")
    warnings = page.locator("#upload-warnings").inner_text()
    assert "£1.00 more than the sum of its rows" in warnings
    assert "already loaded from ledger-export-mobilisation.xlsx" in warnings
    axe_audit.check(page, "ledger preview with warnings")
    assert page.locator("#nothing-to-load").count() == 1  # every line of it is in already
    # One new line with a cost centre the programme does not know: Load without ticking
    # "Load anyway", and the box says so, with the error summary leading to it.
    open_and_check(page, axe_audit, base + "ledger/upload/")
    page.locator("input[type=file]").set_input_files(files=[{
        "name": "one-new-line.xlsx", "buffer": _one_new_line(),
        "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}])
    page.get_by_role("button", name="Upload and preview").click()
    page.wait_for_url("**/mapping/")
    page.get_by_role("button", name="Check the rows").click()
    page.wait_for_url("**/upload/*/")
    page.get_by_role("button", name="Load 1 line").click()
    page.wait_for_url("**/upload/*/?confirm=needed")
    page.locator(".govuk-error-summary a[href='#accept-warnings']").click()
    assert page.evaluate("document.activeElement.id") == "accept-warnings"
    axe_audit.check(page, "ledger preview after Load without the box ticked")
    bad = b"Transaction date,Cost centre,Account,Amount\n2019-01-01,CC1,1001,ten\n"
    open_and_check(page, axe_audit, base + "ledger/upload/")
    page.locator("input[type=file]").set_input_files(files=[{"name": "bad.csv", "mimeType": "text/csv",
                                                            "buffer": bad}])
    page.get_by_role("button", name="Upload and preview").click()
    page.wait_for_url("**/mapping/")
    page.get_by_role("button", name="Check the rows").click()
    page.wait_for_url("**/upload/*/")
    assert page.locator(".govuk-error-summary").count() == 1
    axe_audit.check(page, "ledger preview with errors")
    open_and_check(page, axe_audit, f"/programmes/{demo.slug}/", "overview with the finance panel")
    viewer = site.page("demo-viewer")
    open_and_check(viewer, axe_audit, base, "finance home as a viewer")
    axe_audit.assert_clean()
