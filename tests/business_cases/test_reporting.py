"""The paper-worthy pieces: the matrix and appraisal summary as plain data, their fragments
rendered in a page and in a WeasyPrint PDF, and the matrix as a colour-keyed xlsx."""
import io
from decimal import Decimal as D

import openpyxl
import pytest
from django.template.loader import render_to_string

from business_cases import reporting
from business_cases.models import Criterion
from core.pdf import render_pdf
from tests.business_cases.conftest import add_line, make_criterion, make_option, set_cell

pytestmark = pytest.mark.django_db


@pytest.fixture
def matrix(cast):
    p = cast.programme
    a, b = make_option(p, "Op.1", order=1, title="Re-commission"), make_option(p, "Op.2", order=2, title="In-source")
    fit = make_criterion(p, "Strategic fit")
    gate = make_criterion(p, "=HYPERLINK(\"x\") in time", Criterion.Kind.GATE)
    set_cell(a, fit, level="partial", note="Only in part")
    set_cell(b, fit, level="meets")
    set_cell(a, gate, gate=True)
    set_cell(b, gate, gate=True)
    add_line(a, "revenue", 0, "1000")
    add_line(b, "revenue", 0, "1000")
    add_line(b, "cash_releasing", 1, "2070")
    return cast


def test_matrix_table_is_plain_data_in_rank_order(matrix):
    table = reporting.matrix_table(programme=matrix.programme)
    assert [r["code"] for r in table["rows"]] == ["Op.2", "Op.1"]
    assert [c["text"] for c in table["rows"][1]["cells"]] == ["Partially meets", "Yes"]
    assert [c["symbol"] for c in table["rows"][1]["cells"]] == ["◐", "✓"]
    assert table["green_book"] == [
        "The short list has no business-as-usual or do-minimum option to compare against."]
    assert table["rows"][0]["explanation"].startswith(
        "Ranked 1st: passes every gate and scores 1 of 1 weighted points, 0.5 ahead of Op.1.")


def test_fragments_render_in_a_page_and_a_pdf(matrix):
    table = reporting.matrix_table(programme=matrix.programme)
    summary = reporting.appraisal_summary(programme=matrix.programme)
    html = render_to_string("business_cases/fragments/matrix.html", {"matrix": table})
    assert "<script" not in html and "style=" not in html
    assert 'govuk-tag--yellow"><span aria-hidden="true">◐</span> Partially meets' in html
    # Op.2: costs £1,000 at year 0, benefits £2,070 at year 1 → 2,070 / 1.035 = £2,000 → NPSV £1,000.
    assert summary["options"][1]["npsv"] == D("1000.00")
    pdf = render_pdf("business_cases/pdf/options_appraisal.html", {"matrix": table, "summary": summary,
                                                       "programme": matrix.programme},
                     title="Options appraisal")
    assert pdf.content.startswith(b"%PDF")
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Partially meets" in text and "£1,000" in text and "Switching value" in text


def test_matrix_xlsx_is_colour_keyed_with_words_and_neutralised(matrix):
    response = matrix.client("viewer").get(f"/programmes/{matrix.programme.slug}/business-case/matrix.xlsx")
    assert response.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    ws = wb["Options matrix"]
    assert ws["A2"].value == "Op.2" and ws["A3"].value == "Op.1"
    assert ws["C3"].value == "◐ Partially meets (Only in part)"
    assert ws["C3"].fill.start_color.rgb.endswith("FFF7BF")
    assert ws["C2"].fill.start_color.rgb.endswith("CCE2D8")
    assert ws["D1"].value.startswith("'=HYPERLINK")
    assert wb["Ranking explained"]["C2"].value.startswith("Ranked 1st")
