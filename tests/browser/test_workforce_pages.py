"""The workforce pages, checked with axe-core in Chromium on the demo programme: every page
as the HR lead, the aggregate pages as a viewer, and the forms after an empty submit."""
import pytest

from tests.browser.test_pages import error_summary_links_work, open_and_check, submit_with_errors
from workforce.models import EmployeeRecord, Establishment, PensionRate

pytestmark = pytest.mark.browser


def test_workforce_pages_are_accessible(site, demo, axe_audit):
    page = site.page("demo-hr")
    base = f"/programmes/{demo.slug}/workforce/"
    record = EmployeeRecord.objects.filter(roster__programme=demo, roster__version=2, is_vacancy=False).first()
    est = Establishment.objects.get(programme=demo)
    rate = PensionRate.objects.filter(programme=demo, scheme="lgps").get()
    for path in ("", "breakdowns/", "versions/", "versions/2/people/", "difference/", "difference/?from=2&to=1",
                 f"people/{record.pk}/", "readiness/", "restructures/", f"restructures/{est.pk}/",
                 "uploads/", "settings/", "access-log/", f"people/{record.pk}/readiness/", "pensions/",
                 f"pensions/rates/{rate.pk}/edit/", f"pensions/rates/{rate.pk}/delete/",
                 f"pensions/rates/{rate.pk}/history/"):
        open_and_check(page, axe_audit, base + path)
    open_and_check(page, axe_audit, base + f"people/{record.pk}/edit/")
    page.locator("#id_name").fill("")
    submit_with_errors(page, axe_audit, "record form after emptying the name")
    open_and_check(page, axe_audit, base + f"restructures/{est.pk}/edit/")
    page.locator("input[name^=posts_]").first.fill("")
    submit_with_errors(page, axe_audit, "establishment lines after emptying a cell")
    for path, label in (("restructures/new/", "establishment form"), ("teams/new/", "team form"),
                        ("pay-scales/new/", "pay scale form"), ("pensions/rates/new/", "pension rate form")):
        open_and_check(page, axe_audit, base + path)
        submit_with_errors(page, axe_audit, f"{label} after an empty submit")
    open_and_check(page, axe_audit, base + "settings/")
    page.locator("#id_standard_weekly_hours").fill("")
    submit_with_errors(page, axe_audit, "settings after emptying the week")
    open_and_check(page, axe_audit, base + "upload/roster/")
    page.get_by_role("button", name="Upload and preview").click()
    error_summary_links_work(page)
    axe_audit.check(page, "roster upload after an empty submit")
    csv = (b"Employee No,Name,Job title,Team,Band,Pay scale,Terms and conditions,Annual pay,Hours per week,WTE,"
           b"Contract type,Pension scheme\nE1,Ann,Social worker,Night Owls,Band 5,XYZ,AfC,30000,37,0.5,"
           b"Permanent,NHS\n")
    page.locator("input[type=file]").set_input_files(
        files=[{"name": "eli.csv", "mimeType": "text/csv", "buffer": csv}])
    page.get_by_role("button", name="Upload and preview").click()
    page.wait_for_url("**/mapping/")
    axe_audit.check(page, "roster column mapping")
    page.get_by_role("button", name="Check the rows").click()
    page.wait_for_url("**/upload/roster/*/")
    assert page.locator(".govuk-error-summary").count() == 1
    assert page.get_by_label("Night Owls").count() == 1  # offered for creation
    axe_audit.check(page, "roster preview with errors and a team to create")
    open_and_check(page, axe_audit, base + "upload/readiness/")
    open_and_check(page, axe_audit, f"/programmes/{demo.slug}/", "overview with the workforce panel")
    viewer = site.page("demo-viewer")
    for path in ("", "breakdowns/", "versions/", "difference/", "readiness/", f"restructures/{est.pk}/",
                 "pensions/"):
        open_and_check(viewer, axe_audit, base + path, f"{path or 'summary'} as a viewer")
    assert "fewer than 5" in viewer.content()
    axe_audit.assert_clean()
