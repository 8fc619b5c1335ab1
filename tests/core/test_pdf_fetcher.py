"""PDF renders fetch only the site's static files.

A document's HTML comes partly from what people typed. These tests put references to a
local file, to a web server on this machine and to non-image data: URLs into a PDF's
HTML, and check that nothing was fetched: the server counts zero requests, and a
stylesheet that would have printed a marker in the PDF's text left no trace.
"""
import http.server
import io
import logging
import threading

import pytest
from pypdf import PdfReader

from core.pdf import PDF_BASE_URL, RefusedResource, pdf_url_fetcher, render_pdf

MARKER = "LEAKED-7f3a"
# A stylesheet that, if it were ever applied, writes the marker into the PDF's text.
LEAKY_CSS = f'body::after {{ content: "{MARKER}"; }}'


def pdf_text(content: bytes) -> str:
    return " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def web_server():
    """A real HTTP server on 127.0.0.1 that serves the leaky stylesheet and counts hits."""
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            body = LEAKY_CSS.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()
    server.server_close()


@pytest.fixture
def secret_file(tmp_path):
    path = tmp_path / "secret.css"
    path.write_text(LEAKY_CSS)
    return path


def hostile_html(server_url: str, secret_path) -> str:
    file_url = secret_path.as_uri()
    return f"""<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8"><title>{{{{ pdf_title }}}}</title>
<link rel="stylesheet" href="{file_url}">
<link rel="stylesheet" href="{server_url}/linked.css">
<link rel="stylesheet" href="data:text/css,body::before%7Bcontent:'{MARKER}'%7D">
<link rel="attachment" href="{file_url}" title="passwords">
<style>
@import url("{file_url}");
@import url("{server_url}/imported.css");
h1 {{ background-image: url("{file_url}"); }}
p {{ background-image: url("{server_url}/background.png"); }}
</style></head>
<body><h1>Plain heading</h1><p>Plain text.</p>
<img src="file:///etc/passwd" alt="">
<img src="{server_url}/image.png" alt="">
<img src="ftp://127.0.0.1/file.png" alt="">
<object data="{server_url}/object.svg" type="image/svg+xml"></object>
<embed src="{file_url}" type="image/svg+xml">
<iframe src="{server_url}/frame.html"></iframe>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="">
<link rel="stylesheet" href="/static/documents/paper.css">
</body></html>"""


@pytest.fixture
def hostile_template(settings, tmp_path, web_server, secret_file):
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "hostile.html").write_text(hostile_html(web_server[0], secret_file))
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [folder, *settings.TEMPLATES[0]["DIRS"]]}]
    return "hostile.html"


def test_a_render_fetches_nothing_but_static_files(hostile_template, web_server, secret_file, caplog):
    server_url, hits = web_server
    with caplog.at_level(logging.WARNING, logger="core.pdf"):
        pdf = render_pdf(hostile_template, {}, title="Hostile")

    assert hits == []
    text = pdf_text(pdf.content)
    assert "Plain heading" in text
    assert MARKER not in text
    assert PdfReader(io.BytesIO(pdf.content)).attachments == {}
    refused = "\n".join(r.getMessage() for r in caplog.records if r.levelno == logging.WARNING)
    for url in (secret_file.as_uri(), f"{server_url}/linked.css", f"{server_url}/imported.css",
                f"{server_url}/image.png", f"{server_url}/background.png", f"{server_url}/object.svg",
                "file:///etc/passwd", "ftp://127.0.0.1/file.png", "data:text/css"):
        assert f"refused to fetch {url}" in refused, url
    assert "paper.css" not in refused
    assert "data:image/gif" not in refused


def test_the_same_html_leaks_through_weasyprints_own_fetcher(hostile_template, web_server, settings):
    """The control: without the project's fetcher these references are live, so the test
    above is checking something real."""
    from django.template.loader import render_to_string
    from weasyprint import HTML

    server_url, hits = web_server
    html = render_to_string(hostile_template, {"pdf_title": "Hostile"})
    content = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
    assert hits
    assert MARKER in pdf_text(content)


@pytest.mark.parametrize("url", [
    "file:///etc/passwd",
    "FILE:///etc/passwd",
    "http://127.0.0.1:1/x.css",
    "https://example.org/x.png",
    "ftp://127.0.0.1/x",
    "data:text/html,<b>x</b>",
    f"{PDF_BASE_URL}static/../../config/settings/base.py",
    f"{PDF_BASE_URL}static/%2e%2e/%2e%2e/config/settings/base.py",
    f"{PDF_BASE_URL}static/no-such-file.css",
    f"{PDF_BASE_URL}media/uploads/anything.xlsx",
    "https://insource.invalid.example.org/static/documents/paper.css",
    "http://insource.invalid/static/documents/paper.css",
])
def test_the_fetcher_refuses_and_names_the_url(url, caplog):
    with caplog.at_level(logging.WARNING, logger="core.pdf"), pytest.raises(RefusedResource):
        pdf_url_fetcher().fetch(url)
    assert url in caplog.text


def test_the_fetcher_serves_a_static_file_and_data_images():
    from django.contrib.staticfiles import finders

    response = pdf_url_fetcher().fetch(f"{PDF_BASE_URL}static/documents/paper.css")
    assert response.read() == open(finders.find("documents/paper.css"), "rb").read()
    assert response.content_type == "text/css"
    image = pdf_url_fetcher().fetch("data:image/gif;base64,R0lGODlhAQABAAAAACw=")
    assert image.read().startswith(b"GIF89a")
