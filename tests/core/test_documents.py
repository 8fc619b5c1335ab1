"""One document, two outputs: the PDF (through its HTML) and the .docx say the same things."""
import io
from datetime import datetime

from django.template.loader import render_to_string

from core.charts import bar_chart
from core.documents import (
    Cell,
    Document,
    Figure,
    Items,
    Para,
    Table,
    document_context,
    document_docx,
    document_number,
    document_pdf,
    document_text,
)


def sample() -> Document:
    doc = Document(title="Bringing services in-house", organisation="Test Council",
                   front=[("Meeting", "Cabinet"), ("Key decision", "Yes")],
                   printed_at=datetime(2026, 11, 22, 9, 30), author="A Director")
    doc.section("Recommendations").add(Para("Agree the preferred option."), Para("Delegate the rest."))
    money = Table(caption="Spend by year", headers=("Year", "Spend (£)"),
                  rows=(("2022/23", "324,932"), ("2023/24", Cell("1,357,886", "bad"))),
                  numeric=frozenset({1}), foot=(("Total", "1,682,818"),), note="Rounded to the pound.")
    doc.section("Finance").add(Para("The figures:"), money, Items(("one", "two")),
                               Para("Key", numbered=False),
                               Figure("Spend chart", bar_chart(
                                   categories=["2022/23", "2023/24"], series=[("Spend", [324932, 1357886])],
                                   title="Spend by year, 2022/23 to 2023/24", element_id="spend"), money))
    return doc


def test_numbering_is_by_section_and_skips_unnumbered_paragraphs():
    doc = document_number(sample())
    assert [s.number for s in doc.sections] == [1, 2]
    numbers = [b.number for s in doc.sections for b in s.blocks if isinstance(b, Para)]
    assert numbers == ["1.1", "1.2", "2.1", ""]
    assert document_number(doc).sections[1].blocks[0].number == "2.1"  # idempotent


def test_html_holds_front_sheet_numbers_tones_and_repeatable_headers():
    html = render_to_string("core/documents/document.html", document_context(sample(), for_pdf=False))
    assert '<html lang="en-GB">' in html
    assert '<span class="pnum">2.1</span> The figures:' in html
    assert '<th scope="row">Key decision</th><td>Yes</td>' in html
    assert 'tone-bad">1,357,886</td>' in html
    assert "<thead>" in html and "<tfoot>" in html and "Rounded to the pound." in html
    assert '/static/documents/paper.css' in html and "<style" not in html


def test_docx_holds_the_same_words_and_figures():
    from docx import Document as WordDocument

    doc = sample()
    word = WordDocument(io.BytesIO(document_docx(doc)))
    text = "\n".join(p.text for p in word.paragraphs)
    cells = [c.text for t in word.tables for r in t.rows for c in r.cells]
    assert "1.1\tAgree the preferred option." in text and "2.1\tThe figures:" in text
    assert "2. Finance" in text
    for figure in ("324,932", "1,357,886", "1,682,818", "Key decision"):
        assert figure in cells
    assert word.core_properties.title == "Bringing services in-house"
    assert word.core_properties.language == "en-GB"
    header_rows = [t.rows[0]._tr.trPr.find(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblHeader") for t in word.tables]
    assert all(h is not None for h in header_rows)
    footer = word.sections[0].footer.paragraphs[0]._p.xml
    assert "PAGE" in footer and "Printed on 22 November 2026" in footer
    assert 'w:instr="NUMPAGES"' in footer and " of " in footer  # "Page 3 of 23", as in the PDF


def test_the_word_file_is_a4_with_the_pdf_margins():
    import re
    from pathlib import Path

    from docx import Document as WordDocument
    from docx.shared import Mm

    from core.documents import PAGE_MARGINS_MM, PAGE_SIZE_MM

    page = WordDocument(io.BytesIO(document_docx(sample()))).sections[0]
    # Within a twentieth of a millimetre: Word keeps lengths in twips.
    assert abs(page.page_width - Mm(210)) < Mm(0.05) and abs(page.page_height - Mm(297)) < Mm(0.05)
    margins = (page.top_margin, page.right_margin, page.bottom_margin, page.left_margin)
    assert all(abs(m - Mm(v)) < Mm(0.05) for m, v in zip(margins, PAGE_MARGINS_MM, strict=True))
    # The same page as the PDF's stylesheet gives.
    css = Path(__file__).resolve().parents[2].joinpath("static/documents/paper.css").read_text()
    at_page = re.search(r"@page\s*{[^}]*?size:\s*A4;\s*margin:\s*([^;]+);", css)
    assert at_page, "paper.css's @page no longer states A4 and its margins"
    assert tuple(int(v.removesuffix("mm")) for v in at_page.group(1).split()) == PAGE_MARGINS_MM
    assert PAGE_SIZE_MM == (210, 297)


def test_a_chart_is_a_picture_in_word_drawn_from_its_svg_with_its_alt_text():
    from docx import Document as WordDocument
    from docx.shared import Mm
    from PIL import Image

    from core.documents import PAGE_MARGINS_MM, chart_alt_text

    doc = sample()
    word = WordDocument(io.BytesIO(document_docx(doc)))
    [shape] = word.inline_shapes
    assert shape._inline.docPr.get("descr") == "Spend by year, 2022/23 to 2023/24."
    assert chart_alt_text(doc.sections[1].blocks[-1].svg) == "Spend by year, 2022/23 to 2023/24."
    assert shape._inline.docPr.get("title") == "Spend chart"
    # As wide as the text, and as tall as the SVG's own proportions make it (640 by 280).
    text_width = Mm(210 - PAGE_MARGINS_MM[1] - PAGE_MARGINS_MM[3])
    assert abs(shape.width - text_width) < Mm(0.1)
    assert abs(shape.height / shape.width - 280 / 640) < 0.01
    # The picture is a PNG with something drawn on it, not a blank.
    blob = word.part.related_parts[shape._inline.graphic.graphicData.pic.blipFill.blip.embed].blob
    with Image.open(io.BytesIO(blob)) as image:
        assert image.format == "PNG" and len(image.convert("L").getcolors(maxcolors=256 * 256) or ()) > 2
    # The chart's figures follow it as a table, for anyone who cannot see the picture.
    assert "Spend chart (the chart's figures)" in "\n".join(p.text for p in word.paragraphs)


def test_a_tall_chart_is_fitted_to_the_page_height():
    from docx import Document as WordDocument
    from docx.shared import Mm

    from core.documents import CHART_MAX_HEIGHT_MM

    doc = Document(title="T", organisation="Test Council")
    tall = bar_chart(categories=["a"], series=[("s", [1])], title="Tall", element_id="tall", width=200, height=900)
    doc.section("Charts").add(Figure("Tall chart", tall))
    [shape] = WordDocument(io.BytesIO(document_docx(doc))).inline_shapes
    assert abs(shape.height - Mm(CHART_MAX_HEIGHT_MM)) < Mm(0.5)


def test_plain_text_lists_every_figure_once_per_table():
    text = document_text(document_number(sample()))
    assert text.count("1,682,818") == 2  # the table and the chart's table
    assert "2.1 The figures:" in text


def test_pdf_is_tagged_a4_with_the_text():
    from pypdf import PdfReader

    rendered = document_pdf(sample())
    reader = PdfReader(io.BytesIO(rendered.content))
    page = reader.pages[0]
    assert round(float(page.mediabox.width)) == 595  # A4 portrait, in points
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "1,357,886" in text and "Page 1 of 2" in text and "Printed on 22 November 2026" in text
    assert reader.trailer["/Root"].get("/Lang") == "en-GB"
    assert "/StructTreeRoot" in reader.trailer["/Root"]
