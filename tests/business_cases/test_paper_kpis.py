"""The Cabinet paper's KPI table: each figure in its unit, and a baseline not measured or a
target or comparator not set said in words, never printed as a zero."""
from datetime import date
from decimal import Decimal

from business_cases.papers import paper_data, paper_document
from core.documents import document_text
from finance.models import Kpi, KpiReading
from programmes.services import record_save
from tests.business_cases.test_permissions import make_paper


def test_the_paper_prints_kpis_in_their_units_with_what_is_unset_in_words(soc_ready):
    p, pm = soc_ready.programme, soc_ready.users["pm"]
    cost = record_save(instance=Kpi(programme=p, name="Weekly cost of a care package", unit="£"), user=pm,
                       reason="Test")
    record_save(instance=KpiReading(programme=p, kpi=cost, date=date(2024, 3, 31), value=Decimal("557.18")),
                user=pm, reason="Test")
    record_save(instance=Kpi(programme=p, name="Reviews on time", unit="%", baseline=Decimal("58"),
                             target=Decimal("71.60"), comparator_label="England average",
                             comparator_value=Decimal("60")), user=pm, reason="Test")
    paper = make_paper(p, pm)
    doc = paper_document(paper_data(paper=paper, today=date(2026, 10, 1)), full=True)
    text = document_text(doc)
    assert "Key performance indicators" in text
    table = next(b for s in doc.sections for b in s.blocks
                 if getattr(b, "caption", "") == "Key performance indicators")
    rows = {r[0]: tuple(str(c) for c in r) for r in table.rows}
    assert rows["Weekly cost of a care package"] == (
        "Weekly cost of a care package", "Not measured yet", "£557.18", "No target set", "None", "No target set")
    assert rows["Reviews on time"] == (
        "Reviews on time", "58%", "No reading yet", "71.6%", "60% (England average)", "No reading yet")
