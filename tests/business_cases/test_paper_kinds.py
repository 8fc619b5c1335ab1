"""The Cabinet paper follows the programme's kind and contracts: a transformation with no
staff transfer gets no TUPE deadline, no transfer day and no workforce section or appendix;
a programme whose staff transfer in phases names each contract's ELI deadline."""
from datetime import date

import pytest

from business_cases.papers import paper_data, paper_document
from core.documents import document_text
from programmes.models import Programme
from tests.business_cases.test_permissions import make_paper
from tests.factories import ContractFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 23)


def _text(programme, user) -> tuple[str, list[str]]:
    doc = paper_document(paper_data(paper=make_paper(programme, user), today=TODAY), full=True)
    return document_text(doc), [s.heading for s in doc.sections]


def test_a_transformations_paper_has_no_tupe_deadline_nor_workforce_parts(soc_ready):
    p = soc_ready.programme
    p.contracts.update(staff_transfer=False, transfer_date=None, end_date=date(2027, 3, 31), notice_days=180)
    Programme.objects.filter(pk=p.pk).update(kind=Programme.Kind.TRANSFORMATION, transfer_date=None)
    p.refresh_from_db()
    text, headings = _text(p, soc_ready.users["pm"])
    assert "Transformation with no change of provider".lower() in text.lower()
    assert "notice to end it must be given by 2 October 2026" in text
    for absent in ("Employee Liability Information", "TUPE 2006 reg. 11", "transfer day", "Staff transferring by team",
                   "transfer list"):
        assert absent not in text, absent
    assert "TUPE does not apply" in text
    assert not any("Workforce" in h for h in headings)
    # The other appendices keep their letters.
    assert [h.split(":")[0] for h in headings if h.startswith("Appendix")] == [
        f"Appendix {c}" for c in "ABCEF"]


def test_a_phased_transfer_names_each_contracts_eli_deadline(soc_ready):
    p = soc_ready.programme
    first = p.contracts.get()
    first.transfer_date = date(2027, 4, 1)
    first.end_date = date(2027, 3, 31)
    first.save()
    ContractFactory(programme=p, title="Day services contract", end_date=date(2027, 9, 30), staff_transfer=True,
                    transfer_date=date(2027, 10, 1))
    text, headings = _text(p, soc_ready.users["pm"])
    assert "Employee Liability Information is due by 4 March 2027" in text
    assert ("The Day services contract with" in text
            and "Employee Liability Information is due by 3 September 2027" in text)
    assert any("Workforce" in h for h in headings)
