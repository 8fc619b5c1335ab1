"""The Word file is written while WeasyPrint lays out the PDF, in a thread of its own,
from the one snapshot of the figures: the same words as the PDF, no query of its own, and
a failure of either file fails the job as before."""
import threading
import uuid
from datetime import date

import pytest

import business_cases.papers.rendering as rendering
from business_cases.models import PaperVersion
from business_cases.papers import paper_document, paper_generate, paper_render
from core.documents import document_docx
from core.models import Job
from tests.business_cases.test_papers import docx_text, pdf_text
from tests.business_cases.test_permissions import make_paper

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 23)
MEETS = 30  # seconds each file waits to see the other start: a generous bound, never reached when both run at once


@pytest.fixture
def exempt_paper(soc_ready):
    return make_paper(soc_ready.programme, soc_ready.users["pm"], classification="exempt_appendices",
                      exempt_paragraph=3, exempt_appendices=["options"])


def test_the_word_files_are_written_while_the_pdfs_are_laid_out(exempt_paper, monkeypatch):
    """Each file waits to see the other one started: made one after the other, the first
    would wait in vain and the render fail."""
    pdf_started, docx_started = threading.Event(), threading.Event()
    threads = {}
    real_pdf, real_docx = rendering.document_pdf, rendering.document_docx

    def pdf(doc):
        threads.setdefault("pdf", threading.current_thread())
        pdf_started.set()
        assert docx_started.wait(MEETS), "the Word file had not started while the PDF was made"
        return real_pdf(doc)

    def docx(doc):
        threads.setdefault("docx", threading.current_thread())
        docx_started.set()
        assert pdf_started.wait(MEETS), "the PDF had not started while the Word file was made"
        return real_docx(doc)

    monkeypatch.setattr(rendering, "document_pdf", pdf)
    monkeypatch.setattr(rendering, "document_docx", docx)
    data, out = paper_render(paper=exempt_paper, today=TODAY)
    assert threads["pdf"] is threading.main_thread() and threads["docx"] is not threading.main_thread()
    # The two together took as long as the longer of them, which each step records.
    t = out.timings
    assert t["files_seconds"] >= max(t["docx_seconds"], t["html_seconds"] + t["render_seconds"]) > 0
    # From the one snapshot: the Word files say what the PDFs say, and what a Word file
    # made on its own from the same figures says.
    assert docx_text(out.docx) == docx_text(document_docx(paper_document(data, full=True)))
    assert docx_text(out.public_docx) == docx_text(document_docx(paper_document(data, full=False)))
    assert "Colour key" in pdf_text(out.pdf) and "Colour key" in docx_text(out.docx)
    assert "Colour key" not in pdf_text(out.public_pdf) and "Colour key" not in docx_text(out.public_docx)


def test_the_word_files_thread_may_not_query(exempt_paper, monkeypatch):
    from django.contrib.auth import get_user_model

    def querying(doc):
        get_user_model().objects.count()  # figures read after the snapshot

    monkeypatch.setattr(rendering, "document_docx", querying)
    with pytest.raises(rendering.SnapshotOnly, match="may not query"):
        paper_render(paper=exempt_paper, today=TODAY)


def test_a_failed_pdf_waits_for_the_word_file_and_fails_the_job(soc_ready, media, monkeypatch,
                                                                django_capture_on_commit_callbacks):
    paper = make_paper(soc_ready.programme, soc_ready.users["pm"])
    finished = threading.Event()
    real_docx = rendering.document_docx

    def docx(doc):
        content = real_docx(doc)
        finished.set()
        return content

    def broken_pdf(doc):
        raise RuntimeError("fonts missing")

    monkeypatch.setattr(rendering, "document_docx", docx)
    monkeypatch.setattr(rendering, "document_pdf", broken_pdf)
    with pytest.raises(RuntimeError, match="fonts missing"):
        paper_render(paper=paper, today=TODAY)
    assert finished.is_set(), "the Word file's thread was left running"

    with django_capture_on_commit_callbacks(execute=True):
        job, _ = paper_generate(paper=paper, user=soc_ready.users["pm"], request_id=uuid.uuid4().hex, today=TODAY)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and f"job number: {job.pk}" in job.error
    assert not PaperVersion.objects.exists()


def test_a_failed_word_file_fails_the_job_with_no_version(soc_ready, media, monkeypatch,
                                                          django_capture_on_commit_callbacks):
    paper = make_paper(soc_ready.programme, soc_ready.users["pm"])

    def broken_docx(doc):
        raise ValueError("bad table")

    monkeypatch.setattr(rendering, "document_docx", broken_docx)
    with django_capture_on_commit_callbacks(execute=True):
        job, _ = paper_generate(paper=paper, user=soc_ready.users["pm"], request_id=uuid.uuid4().hex, today=TODAY)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and f"job number: {job.pk}" in job.error
    assert not PaperVersion.objects.exists()
