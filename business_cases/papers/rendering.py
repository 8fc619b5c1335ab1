"""Making the files: the tagged A4 PDF and the .docx (and the public copies of an exempt
paper), each step timed."""
from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date

from business_cases.models import CabinetPaper
from business_cases.papers.data import PaperData, paper_data
from business_cases.papers.document import paper_document
from core.documents import document_docx, document_pdf

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass
class Rendered:
    pdf: bytes
    docx: bytes
    pages: int
    public_pdf: bytes | None
    public_docx: bytes | None
    timings: dict


def paper_render(*, paper: CabinetPaper, today: date, progress=lambda p, m: None) -> tuple[PaperData, Rendered]:
    """Read the figures and make the files, timing each step: our reads, building the
    document, the HTML, WeasyPrint's own render, and the Word file."""
    t0 = time.perf_counter()
    progress(5, "Reading the figures")
    data = paper_data(paper=paper, today=today)
    t1 = time.perf_counter()
    progress(20, "Putting the paper together")
    full = paper_document(data, full=True)
    public = paper_document(data, full=False) if paper.is_exempt else None
    t2 = time.perf_counter()
    progress(30, "Laying out the pages")
    pdf = document_pdf(full)
    public_pdf = document_pdf(public) if public else None
    t3 = time.perf_counter()
    progress(85, "Writing the Word file")
    docx = document_docx(full)
    public_docx = document_docx(public) if public else None
    t4 = time.perf_counter()
    html = pdf.html_seconds + (public_pdf.html_seconds if public_pdf else 0)
    render = pdf.render_seconds + (public_pdf.render_seconds if public_pdf else 0)
    timings = {"data_seconds": round(t1 - t0, 4), "build_seconds": round(t2 - t1, 4),
               "html_seconds": round(html, 4), "render_seconds": round(render, 4),
               "docx_seconds": round(t4 - t3, 4), "pages": pdf.pages}
    return data, Rendered(pdf.content, docx, pdf.pages, public_pdf.content if public_pdf else None,
                          public_docx, timings)
