"""A Cabinet paper whose prose and title hold markup that names files and addresses:
it is printed as text, and its PDF fetches nothing (see tests/core/test_pdf_fetcher.py)."""
import logging
from datetime import date

import pytest

from business_cases.papers import paper_render
from tests.business_cases.test_permissions import make_paper
from tests.core.test_pdf_fetcher import MARKER, pdf_text, secret_file, web_server  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def test_a_cabinet_paper_with_hostile_prose_prints_it_as_text_and_fetches_nothing(
        soc_ready, web_server, secret_file, caplog):  # noqa: F811 (the fixtures imported above)
    server_url, hits = web_server
    hostile = (f'<img src="{secret_file.as_uri()}"> <link rel="stylesheet" href="{server_url}/x.css">'
               f' <style>@import url("{secret_file.as_uri()}");</style>'
               f' <iframe src="{server_url}/frame"></iframe> <object data="{server_url}/o.svg"></object>')
    paper = make_paper(soc_ready.programme, soc_ready.users["pm"],
                       title=f'Care in-house <img src="{server_url}/title.png">',
                       issue=f"The issue. {hostile}", recommendations=f"Agree it. {hostile}")
    with caplog.at_level(logging.WARNING, logger="core.pdf"):
        _, rendered = paper_render(paper=paper, today=date(2026, 11, 23))

    assert hits == []
    text = pdf_text(rendered.pdf)
    assert MARKER not in text
    # Typed markup is the director's words, printed as they wrote them, never obeyed.
    squeezed = text.replace(" ", "")
    assert f'<imgsrc="{secret_file.as_uri()}">' in squeezed
    assert "<iframesrc=" in squeezed and "@importurl(" in squeezed
    assert f'CareIn-house<imgsrc="{server_url}/title.png">'.lower() in squeezed.lower()
    assert "refused to fetch" not in caplog.text  # escaped: nothing was even asked for
