"""Render HTML to PDF with WeasyPrint, timing the render on its own."""
import time
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string


@dataclass(frozen=True)
class RenderedPdf:
    content: bytes
    html_seconds: float
    render_seconds: float
    pages: int = 0


def render_pdf(template: str, context: dict, *, title: str, lang: str = "en-GB") -> RenderedPdf:
    """Build the HTML from `template` and render it to a PDF.

    The split between building the HTML (our queries and templates) and WeasyPrint's own
    layout and drawing is kept, so benchmarks can show where the time goes.
    """
    from weasyprint import HTML

    started = time.perf_counter()
    html = render_to_string(template, {**context, "pdf_title": title, "pdf_lang": lang})
    built = time.perf_counter()
    options = {"pdf_variant": "pdf/ua-1", "uncompressed_pdf": False}
    document = HTML(string=html, base_url=str(settings.BASE_DIR)).render(**options)
    pdf = document.write_pdf(**options)
    done = time.perf_counter()
    return RenderedPdf(content=pdf, html_seconds=built - started, render_seconds=done - built,
                       pages=len(document.pages))
