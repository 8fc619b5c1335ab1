"""The Cabinet paper's Consultation section: the director's own words, then what the
consultation records say — in the HTML the PDF is made from and in the Word file — with
bodies and counts, never a member of staff."""
import re
from datetime import date

import pytest
from django.template.loader import render_to_string

from business_cases.papers import paper_data, paper_document
from consultations.models import Proposal
from core.documents import document_context, document_docx
from programmes.services import record_save
from tests.business_cases.test_papers import docx_text
from tests.business_cases.test_permissions import make_paper
from tests.consultations.conftest import STAFF_NAME, consultation_records

pytestmark = pytest.mark.django_db
TODAY = date(2024, 2, 10)



def _section(doc):
    return next(s for s in doc.sections if s.title == "Consultation")


def _texts(paper):
    doc = paper_document(paper_data(paper=paper, today=TODAY), full=True)
    html = render_to_string("core/documents/document.html", document_context(doc, for_pdf=True))
    plain = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#x27;", "'").replace("&quot;", '"')
    return doc, plain, docx_text(document_docx(doc))


def test_the_section_puts_the_records_beside_the_directors_words(cast):
    pm = cast.users["pm"]
    records = consultation_records(cast.programme, cast.users["hr"])
    record_save(instance=Proposal(programme=cast.programme, consultation=records["staff"], kind="counter",
                                  put_by="GMB", put_on=date(2024, 2, 1), text="Keep the pay date"),
                user=pm, reason="x")
    paper = make_paper(cast.programme, pm, consultation="Staff and the public were consulted before this paper.")
    doc, html, docx = _texts(paper)
    blocks = [getattr(b, "text", "") for b in _section(doc).blocks]
    assert blocks[0] == "Staff and the public were consulted before this paper."
    for text in (html, docx):
        assert "Staff and the public were consulted before this paper." in text
        assert ("Transfer consultation 0: a collective consultation under TUPE 2006 reg. 13 and TULRCA 1992 "
                "s188, from 8 January 2024 to 21 February 2024 (45 days; open when these figures were read)") in text
        assert "Day services staff forum (elected representative)" in text and "Unison (recognised trade union)" in text
        assert "1 consultation meeting was held: 15 January 2024." in text
        assert "2 counter-proposals were put, and the council has responded to 1 of them." in text
        assert "Agreed for two years (1 February 2024)" in text and "Not responded to yet" in text
        assert "1 measures letter sent: to The provider on 5 January 2024." in text
        assert "Public consultation 0: a public consultation from 2 October 2023 to 26 November 2023 (56 days" in text
        assert "It received 250 responses." in text and "Online survey, Drop-in sessions" in text
        assert "People want the same staff" in text and "Staff transfer with the service" in text
        assert ("Not yet evidenced: adequate time to respond; responses conscientiously taken into account."
                in text)
        assert STAFF_NAME not in text and "the HR lead" not in text  # no attendee, no representative's name


def test_with_no_records_the_section_says_so(cast):
    paper = make_paper(cast.programme, cast.users["pm"], consultation="")
    doc, html, docx = _texts(paper)
    for text in (html, docx):
        assert "No staff or public consultation is recorded for this programme." in text
    assert [b.text for b in _section(doc).blocks] == [
        "Not written yet.", "No staff or public consultation is recorded for this programme."]


def test_the_section_reads_the_records_in_a_fixed_number_of_queries(cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    paper = make_paper(cast.programme, cast.users["pm"])
    consultation_records(cast.programme, cast.users["hr"], n=2)
    paper_data(paper=paper, today=TODAY)  # what is read once a process (a council's lists, say) is read
    with CaptureQueriesContext(connection) as few:
        paper_data(paper=paper, today=TODAY)
    consultation_records(cast.programme, cast.users["hr"], n=10)
    with CaptureQueriesContext(connection) as many:
        paper_data(paper=paper, today=TODAY)
    assert len(few) == len(many)
