"""Render HTML to PDF with WeasyPrint, timing the render on its own.

Papers carry text people typed. WeasyPrint would otherwise fetch whatever a document
names — a file on the server, an address inside the network — and draw it into a PDF
that leaves the building, so every fetch goes through `StaticOnlyFetcher`.
"""
import logging
import mimetypes
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from django.utils._os import safe_join

logger = logging.getLogger(__name__)

# Relative URLs in a PDF's HTML (such as {% static %} ones) resolve against this origin.
# ".invalid" can never resolve in DNS, and the fetcher below answers for it from disk.
PDF_BASE_URL = "https://insource.invalid/"
_ORIGIN = urlsplit(PDF_BASE_URL)


class RefusedResource(ValueError):
    """A document named something outside the project's static files."""


def static_file_for(url: str) -> Path | None:
    """The file on disk behind a /static/ URL on PDF_BASE_URL, or None for any other URL."""
    parts = urlsplit(url)
    if (parts.scheme, parts.netloc) != (_ORIGIN.scheme, _ORIGIN.netloc):
        return None
    path = unquote(parts.path)
    if not path.startswith(settings.STATIC_URL) or "\\" in path:
        return None
    relative = path[len(settings.STATIC_URL):]
    if not relative or any(segment in ("", ".", "..") for segment in relative.split("/")):
        return None
    found = finders.find(relative)
    if found:
        return Path(found)
    if settings.STATIC_ROOT:
        try:
            collected = Path(safe_join(settings.STATIC_ROOT, relative))
        except SuspiciousFileOperation:
            return None
        if collected.is_file():
            return collected
    return None


def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        """Serves the project's static files and inline data: images; refuses the rest.

        WeasyPrint skips a resource whose fetch raises, so a refused image or stylesheet
        is left out of the PDF and the rest of it still renders.
        """

        def fetch(self, url, headers=None):
            if url.lower().startswith("data:image/"):
                return super().fetch(url, headers)
            found = static_file_for(url)
            if found is None:
                logger.warning("PDF render refused to fetch %s: only the site's static files "
                               "may be included", url[:300])
                raise RefusedResource(f"Not one of the site's static files: {url[:300]}")
            mime_type = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, found.read_bytes(), {"Content-Type": mime_type})

    return StaticOnlyFetcher


def pdf_url_fetcher():
    """A WeasyPrint URL fetcher that only serves the site's static files (and data: images)."""
    return _fetcher_class()(timeout=5, allow_redirects=False)


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
    document = HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=pdf_url_fetcher()).render(**options)
    pdf = document.write_pdf(**options)
    done = time.perf_counter()
    return RenderedPdf(content=pdf, html_seconds=built - started, render_seconds=done - built,
                       pages=len(document.pages))
