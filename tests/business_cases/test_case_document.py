"""The business case as a document: a stage version in the Five Case Model, with its
objectives and CSFs, the options matrix and ranking, the economic appraisal, the financial
tables and the approval record (with the figures frozen when it went to review), made by a
job from the version's page as a PDF or a Word file, and by the business_case_document
command."""
import io
import uuid
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from docx import Document as WordDocument
from pypdf import PdfReader

from business_cases.case_document import KIND, case_data, case_document
from business_cases.models import Stage
from business_cases.services import version_create, version_decide, version_save, version_submit
from core.documents import document_text
from core.models import Job
from tests.business_cases.conftest import add_line, write_cases

pytestmark = pytest.mark.django_db


@pytest.fixture
def soc(soc_ready):
    pm = soc_ready.users["pm"]
    op1 = soc_ready.programme.options.get(code="Op.1")
    add_line(op1, "revenue", 1, "40000", pm)
    version = version_create(programme=soc_ready.programme, stage=Stage.SOC, user=pm, summary="First draft")
    version.strategic_case = "Care comes back in-house when the contract ends."
    version.financial_case = "It is affordable within the base budget."
    return version_save(version=version, user=pm, reason="Text written")


def _pdf_text(content: bytes) -> str:
    return " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(content)).pages)


def test_the_document_follows_the_five_case_model_with_the_figures(soc):
    doc = case_document(case_data(version=soc))
    assert [s.title for s in doc.sections] == ["The strategic case", "The economic case", "The commercial case",
                                               "The financial case", "The management case", "Approval record"]
    text = document_text(doc)
    assert "Care comes back in-house when the contract ends." in text
    assert "SO1" in text and "Transfer safely" in text and "CSF1" in text and "Value for money" in text
    assert "Options appraisal matrix" in text and "Costs: present values, and optimism bias" in text
    assert "£40,000" in text  # the appraisal line, in real terms
    assert "Not written yet." in text  # the commercial case has no text
    assert "no decision recorded yet" in text and "when sent to review" not in text
    assert doc.marking == "SOC version 1: Draft"


def test_a_decided_version_shows_its_decision_and_what_was_frozen_when_it_went_to_review(soc, soc_ready):
    pm, director = soc_ready.users["pm"], soc_ready.users["director"]
    version_submit(version=write_cases(soc, pm), user=pm)
    version_decide(version=soc, user=director, approve=True, approving_body="Cabinet",
                   meeting_date=date(2026, 11, 10), decision_reference="E3393")
    frozen_npsv = soc.snapshot["appraisal"]["Op.1"]["npsv"]
    # The figures move on after the decision: the document shows both.
    add_line(soc_ready.programme.options.get(code="Op.1"), "revenue", 2, "99000", pm)
    text = document_text(case_document(case_data(version=soc)))
    assert "Cabinet" in text and "10 November 2026" in text and "E3393" in text
    assert "Options when sent to review" in text and "Economic appraisal when sent to review" in text
    from core.formats import money

    today, frozen = text.split("Options when sent to review")
    assert "£139,000" in today  # today's costs in real terms: both lines
    assert money(frozen_npsv, pence=False) not in today and money(frozen_npsv, pence=False) in frozen


def test_a_member_downloads_the_version_as_a_pdf_and_a_word_file(soc, soc_ready, media,
                                                                   django_capture_on_commit_callbacks):
    client = soc_ready.client("viewer")
    url = reverse("business_cases:case_document", args=["home", "soc", soc.number])
    page = client.get(reverse("business_cases:version", args=["home", "soc", soc.number])).content.decode()
    assert url in page and "Download as a Word file" in page
    files = {}
    for fmt in ("pdf", "docx"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, {"format": fmt, "request_id": uuid.uuid4().hex})
        job = Job.objects.filter(kind=KIND).latest("pk")
        assert job.status == Job.Status.SUCCEEDED, job.error
        assert response["Location"] == reverse("business_cases:case_document_job",
                                               args=["home", "soc", soc.number, job.uuid])
        done = client.get(response["Location"]).content.decode()
        download = reverse("business_cases:case_document_download", args=["home", "soc", soc.number, job.uuid])
        assert download in done and f"home-soc-v1.{fmt}" in done
        answer = client.get(download)
        files[fmt] = b"".join(answer.streaming_content)
    text = _pdf_text(files["pdf"])
    assert files["pdf"].startswith(b"%PDF") and "The economic case" in text and "SOC version 1: Draft" in text
    word = WordDocument(io.BytesIO(files["docx"]))
    headings = [p.text for p in word.paragraphs if p.style.name.startswith("Heading")]
    assert "4. The financial case" in headings and "6. Approval record" in headings
    assert "SOC version 1: Draft" in " ".join(p.text for p in word.sections[0].header.paragraphs)
    assert client.post(url, {"format": "xls"}).status_code == 302
    assert Job.objects.filter(kind=KIND).count() == 2  # an unknown format asks for nothing


def test_the_command_writes_the_pdf_and_docx(soc, tmp_path, capsys):
    out, docx = tmp_path / "case.pdf", tmp_path / "case.docx"
    call_command("business_case_document", "home", "--stage", "soc", "--out", str(out), "--docx", str(docx))
    assert "The strategic case" in _pdf_text(out.read_bytes())
    assert any(p.text == "1. The strategic case" for p in WordDocument(str(docx)).paragraphs)
    assert "SOC version 1 (draft)" in capsys.readouterr().out


@pytest.mark.parametrize("args, message", [
    (["nowhere", "--stage", "SOC"], "no programme with the slug 'nowhere'"),
    (["home", "--stage", "OBC"], "has no OBC"),
    (["home", "--stage", "SOC", "--number", "7"], "has no SOC version 7"),
])
def test_the_command_says_what_is_wrong(soc, tmp_path, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("business_case_document", *args, "--out", str(tmp_path / "x.pdf"))


def test_the_command_refuses_a_folder_that_does_not_exist(soc, tmp_path):
    with pytest.raises(CommandError, match="its folder does not exist"):
        call_command("business_case_document", "home", "--stage", "SOC", "--out", str(tmp_path / "no" / "x.pdf"))


def test_a_cabinet_paper_attaches_the_business_case_as_its_last_appendix(soc, soc_ready):
    from django.core.exceptions import ValidationError

    from business_cases.papers import paper_data, paper_document
    from tests.business_cases.test_permissions import make_paper

    paper = make_paper(soc_ready.programme, soc_ready.users["pm"])
    today = date(2026, 11, 1)
    plain = paper_document(paper_data(paper=paper, today=today), full=True)
    assert [s.appendix for s in plain.sections if s.appendix][-1] == "F"
    paper.attach_business_case = True
    with pytest.raises(ValidationError) as raised:
        paper.full_clean()
    assert "Choose the business case stage to attach" in str(raised.value.message_dict["attach_business_case"])
    paper.business_case = soc.business_case
    paper.full_clean()
    paper.save()
    doc = paper_document(paper_data(paper=paper, today=today), full=True)
    appendix = doc.sections[-1]
    assert (appendix.appendix, appendix.title) == ("G", "Strategic Outline Case")
    words = [b.text for b in appendix.blocks if hasattr(b, "text")]
    assert "Strategic Outline Case, version 1 (draft)." in words
    assert [w for w in words if w.startswith("The ") and w.endswith(" case")] == [
        "The strategic case", "The economic case", "The commercial case", "The financial case", "The management case"]
    assert "Care comes back in-house when the contract ends." in words and "Approval record" in words
    assert "Appendix G: Strategic Outline Case" in document_text(doc)
