"""The business case pages, checked with axe-core in Chromium on the demo programme, and the
main journey: a programme manager sends the OBC to review, a director records the decision."""
import pytest
from playwright.sync_api import expect

from business_cases.models import AppraisalLine, BusinessCaseVersion, Option
from tests.browser.test_pages import error_summary_links_work, open_and_check, submit_with_errors

pytestmark = pytest.mark.browser


@pytest.fixture
def only_these_demo_steps(monkeypatch):
    """The demo with the risk register and the business cases only, so these tests are about
    this app's pages (requested before `site`, so it applies when the demo loads)."""
    from programmes import demo

    monkeypatch.setattr(demo, "_demo_steps", [s for s in demo._demo_steps
                                              if s.__module__.split(".")[0] in ("risks", "business_cases")])


def test_business_case_pages_are_accessible(only_these_demo_steps, site, demo, axe_audit):
    page = site.page("demo-pm")
    base = f"/programmes/{demo.slug}/business-case/"
    option = Option.objects.get(programme=demo, code="Op.2")
    line = AppraisalLine.objects.filter(programme=demo).first()
    objective = demo.strategic_objectives.first()
    criterion = demo.appraisal_criteria.first()
    for path in ("", "matrix/", "matrix/scoring/", "appraisal/", "soc/", "soc/v1/", "soc/v2/", "obc/", "fbc/",
                 "soc/compare/", "soc/compare/?a=1&b=2", f"options/{option.pk}/edit/",
                 f"options/{option.pk}/scores/", f"criteria/{criterion.pk}/edit/",
                 f"objectives/{objective.pk}/edit/", f"appraisal/lines/{line.pk}/edit/",
                 "obc/v1/edit/", "appraisal/uploads/"):
        open_and_check(page, axe_audit, base + path)
    for path, label in (("objectives/new/", "Objective"), ("csfs/new/", "Critical success factor"),
                        ("options/new/", "Code"), ("criteria/new/", "Title")):
        open_and_check(page, axe_audit, base + path)
        page.get_by_label(label, exact=True).fill("")
        submit_with_errors(page, axe_audit, f"{path} after an empty submit")
    open_and_check(page, axe_audit, base + "appraisal/lines/new/")
    submit_with_errors(page, axe_audit, "appraisal line form after an empty submit")
    open_and_check(page, axe_audit, base + f"options/{option.pk}/scores/")
    support = demo.appraisal_criteria.get(kind="score")
    page.locator(f"#id_c{support.pk}").fill("99")
    submit_with_errors(page, axe_audit, "scores form with a score off the scale")
    open_and_check(page, axe_audit, base + "appraisal/import/")
    page.get_by_role("button", name="Upload and preview").click()
    error_summary_links_work(page)
    axe_audit.check(page, "appraisal import form after an empty submit")
    csv = b"Option,Category,Year,Description,Amount\nOp.9,Weather,300,Bad,abc\n"
    page.locator("input[type=file]").set_input_files(
        files=[{"name": "lines.csv", "mimeType": "text/csv", "buffer": csv}])
    page.get_by_role("button", name="Upload and preview").click()
    page.wait_for_url("**/mapping/")
    axe_audit.check(page, "appraisal import column mapping")
    page.get_by_role("button", name="Check the rows").click()
    page.wait_for_url("**/import/*/")
    assert page.locator(".govuk-error-summary").count() == 1
    axe_audit.check(page, "appraisal import preview with errors")
    axe_audit.assert_clean()


def test_obc_goes_to_review_and_a_director_records_the_decision(only_these_demo_steps, site, demo, axe_audit):
    # The demo stands after transfer, with version 1 long approved: the programme manager
    # starts a revised version 2 (its text copied from version 1) and sends that to review.
    pm = site.page("demo-pm")
    pm.goto(f"/programmes/{demo.slug}/business-case/obc/")
    pm.get_by_role("button", name="Start a new version").click()
    pm.goto(f"/programmes/{demo.slug}/business-case/obc/v2/")
    pm.get_by_role("button", name="Send to review").click()
    expect(pm.get_by_text("has been sent to review")).to_be_visible()
    director = site.page("demo-director")
    open_and_check(director, axe_audit, f"/programmes/{demo.slug}/business-case/obc/v2/decide/")
    submit_with_errors(director, axe_audit, "decision form after an empty submit")
    director.get_by_label("Approved").check()
    director.get_by_label("Decided by (body)").fill("Director of Adult Social Services (delegated)")
    director.get_by_label("Day").fill("27")
    director.get_by_label("Month").fill("4")
    director.get_by_label("Year").fill("2023")
    director.get_by_label("Decision reference").fill("DD-2023-04")
    director.get_by_role("button", name="Record the decision").click()
    expect(director.get_by_text("The decision on OBC version 2 has been recorded.")).to_be_visible()
    axe_audit.check(director, "OBC after approval")
    obc = BusinessCaseVersion.objects.get(programme=demo, business_case__stage="obc", number=2)
    assert obc.status == "approved" and obc.decided_by.username == "demo-director"
    axe_audit.assert_clean()


def test_matrix_cells_carry_words_and_symbols_not_colour_alone(only_these_demo_steps, site, demo):
    page = site.page("demo-viewer")
    page.goto(f"/programmes/{demo.slug}/business-case/matrix/")
    cells = page.locator(".app-matrix__table td .govuk-tag")
    assert cells.count() == 3 * demo.appraisal_criteria.count()
    for text in cells.all_inner_texts():
        symbol, _, words = text.partition(" ")
        assert symbol in "✓◐✗▲◆▼–" and words.strip(), text
    expect(page.get_by_role("link", name="Add an option")).to_have_count(0)


def test_equality_pages_are_accessible(only_these_demo_steps, site, demo, axe_audit):
    from business_cases.models import EqualityAssessment, EqualityMitigation

    page = site.page("demo-pm")
    base = f"/programmes/{demo.slug}/business-case/equality/"
    whole = EqualityAssessment.objects.get(programme=demo, option=None)
    outline = EqualityAssessment.objects.get(programme=demo, option__code="Op.1")
    group = whole.impacts.get(characteristic="other")
    mitigation = EqualityMitigation.objects.filter(programme=demo).first()
    for path in ("", f"{whole.pk}/", f"{outline.pk}/", f"{whole.pk}/edit/", f"{whole.pk}/history/",
                 f"{outline.pk}/delete/", f"lines/{group.pk}/edit/", f"lines/{group.pk}/history/",
                 f"lines/{group.pk}/delete/", f"mitigations/{mitigation.pk}/edit/",
                 f"mitigations/{mitigation.pk}/history/", f"mitigations/{mitigation.pk}/delete/"):
        open_and_check(page, axe_audit, base + path)
    # The warning of an unmitigated negative impact is on the option's assessment.
    page.goto(base + f"{outline.pk}/")
    expect(page.locator("#unmitigated")).to_contain_text("Age")
    open_and_check(page, axe_audit, base + "new/")
    submit_with_errors(page, axe_audit, "equality impact assessment form after an empty submit")
    open_and_check(page, axe_audit, base + f"lines/new/?assessment={whole.pk}")
    page.get_by_label("Characteristic or group").select_option("other")
    submit_with_errors(page, axe_audit, "a group with no name")
    open_and_check(page, axe_audit, base + "mitigations/new/")
    submit_with_errors(page, axe_audit, "mitigation form after an empty submit")
    axe_audit.assert_clean()
