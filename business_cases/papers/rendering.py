"""Making the files: the tagged A4 PDF and the .docx (and the public copies of an exempt
paper), each step timed. The Word file is written in a thread of its own while WeasyPrint
lays out the PDF, both from the one snapshot of the figures."""
from __future__ import annotations

import copy
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date

from django.db import connections

from business_cases.models import CabinetPaper
from business_cases.papers.data import PaperData, paper_data
from business_cases.papers.document import paper_document
from core.documents import Document, document_docx, document_json, document_pdf

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# The formats a document is downloaded in, with their content types.
FILE_TYPES = {"pdf": "application/pdf", "docx": DOCX_TYPE}


@dataclass
class Rendered:
    pdf: bytes
    docx: bytes
    pages: int
    public_pdf: bytes | None
    public_docx: bytes | None
    timings: dict
    source: dict  # the documents as core.documents JSON: {"full": …, "public": … or None}


class SnapshotOnly(RuntimeError):
    """A query from the Word file's thread: everything it writes must come from the snapshot
    already read, or the Word file could show other figures than the PDF."""


def _refuse_queries(execute, sql, params, many, context):
    raise SnapshotOnly(f"The Word file's thread may not query the database: {sql[:200]}")


def _word_files(full: Document, public: Document | None) -> tuple[bytes, bytes | None, float]:
    """The .docx of each document, and the seconds they took; run in its own thread, which
    is refused any query (its connection is its own, outside the snapshot's transaction)."""
    started = time.perf_counter()
    try:
        with connections["default"].execute_wrapper(_refuse_queries):
            docx = document_docx(full)
            public_docx = document_docx(public) if public else None
    finally:
        connections.close_all()  # this thread's own, if anything opened one
    return docx, public_docx, time.perf_counter() - started


def paper_render(*, paper: CabinetPaper, today: date, progress=lambda p, m: None) -> tuple[PaperData, Rendered]:
    """Read the figures and make the files, timing each step: our reads, building the
    document, the HTML, WeasyPrint's own render, and the Word file (made at the same time
    as the PDF, so `files_seconds`, the two together, is less than their sum)."""
    t0 = time.perf_counter()
    progress(5, "Reading the figures")
    data = paper_data(paper=paper, today=today)
    t1 = time.perf_counter()
    progress(20, "Putting the paper together")
    full = paper_document(data, full=True)
    public = paper_document(data, full=False) if paper.is_exempt else None
    t2 = time.perf_counter()
    out = documents_render(full, public, progress=progress)
    out.timings = {"data_seconds": round(t1 - t0, 4), "build_seconds": round(t2 - t1, 4), **out.timings}
    return data, out


def documents_render(full: Document, public: Document | None, *, progress=lambda p, m: None) -> Rendered:
    """The PDF and the .docx of a paper's documents (and of its public copy), with the
    document kept as JSON beside them (`source`)."""
    t2 = time.perf_counter()
    source = {"full": document_json(full), "public": document_json(public) if public else None}
    progress(30, "Laying out the pages and writing the Word file")
    # The Word file's thread gets copies: making a file numbers its document in place.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="paper-docx") as pool:
        word = pool.submit(_word_files, copy.deepcopy(full), copy.deepcopy(public))
        # The PDF here, where progress may be recorded; if it fails, the pool still waits
        # for the Word file before the error goes on to the job.
        pdf = document_pdf(full)
        public_pdf = document_pdf(public) if public else None
        docx, public_docx, docx_seconds = word.result()
    t3 = time.perf_counter()
    html = pdf.html_seconds + (public_pdf.html_seconds if public_pdf else 0)
    render = pdf.render_seconds + (public_pdf.render_seconds if public_pdf else 0)
    timings = {"html_seconds": round(html, 4), "render_seconds": round(render, 4),
               "docx_seconds": round(docx_seconds, 4), "files_seconds": round(t3 - t2, 4), "pages": pdf.pages}
    return Rendered(pdf.content, docx, pdf.pages, public_pdf.content if public_pdf else None,
                    public_docx, timings, source)
