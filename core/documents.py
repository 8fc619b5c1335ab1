"""A document as a list of blocks, rendered to HTML (the browser preview and WeasyPrint's
PDF) and to Word (.docx, through python-docx).

Cabinet papers come out as a PDF and as a .docx officers edit. Building both from one
structure — rather than one from the other, or each from the data — is what keeps them
saying the same words and figures. Core knows nothing of papers: a domain app builds a
`Document` from its data and asks for HTML (`templates/core/documents/document.html`) or
bytes (`document_docx`).

Sections are numbered 1, 2, 3…, and their numbered paragraphs 1.1, 1.2… as council reports
number them; an appendix section is lettered instead (Appendix A, paragraphs A.1, A.2…) and
starts on a new page. Tables keep their header row on every page in both outputs. A cell can carry
a `tone` (good / partial / bad / neutral / note) that colours it in both outputs; its text
always says the same thing, so nothing relies on colour alone.
"""
from __future__ import annotations

import functools
import io
from dataclasses import dataclass, field
from datetime import datetime

from django.utils.safestring import SafeString

# Background colours of toned cells (GOV.UK palette, tinted so black text stays legible
# at WCAG AA contrast).
TONES = {
    "good": "CCE2D8",
    "partial": "FFF7BF",
    "bad": "F6D7D2",
    "neutral": "F3F2F1",
    "note": "D2E2F1",
}


@dataclass(frozen=True)
class Cell:
    """A table cell whose background shows a tone; its text must say the same thing."""

    text: str
    tone: str = ""
    kind: str = "cell"

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Para:
    """A paragraph; `numbered` ones get the section's next paragraph number."""

    text: str
    numbered: bool = True
    strong: bool = False
    number: str = ""
    kind: str = "para"


@dataclass(frozen=True)
class Items:
    """A bulleted (or, `ordered`, lettered) list inside a paragraph's flow."""

    items: tuple[str, ...]
    ordered: bool = False
    kind: str = "items"


@dataclass(frozen=True)
class Table:
    """A table with one header row; `numeric` holds the indexes of right-aligned columns;
    `foot` rows (totals) are set apart; `note` is printed under it."""

    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str | Cell, ...], ...]
    numeric: frozenset[int] = frozenset()
    foot: tuple[tuple[str | Cell, ...], ...] = ()
    note: str = ""
    kind: str = "table"


@dataclass(frozen=True)
class Figure:
    """A chart: its SVG (trusted markup made by our own code) and the table of the same
    figures, which screen readers and the .docx get instead of the picture."""

    caption: str
    svg: SafeString
    table: Table | None = None
    kind: str = "figure"


Block = Para | Items | Table | Figure


@dataclass
class Section:
    title: str
    blocks: list[Block] = field(default_factory=list)
    number: int | str = 0
    exempt: bool = False  # not for public circulation (Schedule 12A); left out of open copies
    appendix: str = ""  # its letter, for an appendix
    draft_only: bool = False  # a note for the drafts (what changed), left out of the final copy

    def add(self, *blocks: Block) -> Section:
        self.blocks.extend(blocks)
        return self

    @property
    def heading(self) -> str:
        if self.draft_only:
            return self.title
        return f"{self.number}: {self.title}" if self.appendix else f"{self.number}. {self.title}"

    @property
    def anchor(self) -> str:
        if self.draft_only:
            return "draft-note"
        return f"appendix-{self.appendix.lower()}" if self.appendix else f"section-{self.number}"


@dataclass(frozen=True)
class Logo:
    content: bytes
    content_type: str  # image/png or image/svg+xml
    alt: str

    @property
    def data_uri(self) -> str:
        import base64

        return f"data:{self.content_type};base64,{base64.b64encode(self.content).decode()}"

    def png(self) -> bytes:
        """The logo as a PNG (an SVG drawn, as the Word file needs it)."""
        if self.content_type == "image/png":
            return self.content
        import cairosvg

        return cairosvg.svg2png(bytestring=self.content, output_width=LOGO_PIXELS)


@dataclass
class Document:
    """The whole document. `front` is the front-sheet table of (label, value)."""

    title: str
    organisation: str
    front: list[tuple[str, str]] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    lang: str = "en-GB"
    printed_at: datetime | None = None
    author: str = ""
    # Its standing, at the top of every page: "Draft", or the final version's "Final,
    # published 5 December 2026". Empty for a document that is neither.
    marking: str = ""
    # The organisation's logo at the top of the first page, as core.images checked it (a
    # PNG or an SVG with only its drawing), and what a screen reader says for it.
    logo: Logo | None = None

    def section(self, title: str, *, exempt: bool = False, appendix: str = "") -> Section:
        found = Section(title=title, exempt=exempt, appendix=appendix)
        self.sections.append(found)
        return found


def document_number(doc: Document) -> Document:
    """Number the sections and their numbered paragraphs in place (idempotent); appendices
    take their letter instead of a number. A note for the drafts takes none, so that the
    paper's numbers are the same in its drafts and its final copy."""
    s_no = 0
    for section in doc.sections:
        if section.draft_only:
            section.number, prefix = "", ""
        elif section.appendix:
            section.number, prefix = f"Appendix {section.appendix}", section.appendix
        else:
            s_no += 1
            section.number = prefix = s_no
        p_no = 0
        numbered = []
        for block in section.blocks:
            if isinstance(block, Para) and block.numbered:
                p_no += 1
                block = Para(text=block.text, numbered=True, strong=block.strong, number=f"{prefix}.{p_no}")
            numbered.append(block)
        section.blocks = numbered
    return doc


def _text(cell) -> str:
    return cell.text if isinstance(cell, Cell) else str(cell)


def document_text(doc: Document) -> str:
    """Every word and figure of the document as plain text (tests compare outputs with it)."""
    document_number(doc)
    out = [doc.title, *(f"{k}: {v}" for k, v in doc.front)]
    for section in doc.sections:
        out.append(section.heading)
        for block in section.blocks:
            if isinstance(block, Para):
                out.append(f"{block.number} {block.text}".strip())
            elif isinstance(block, Items):
                out.extend(block.items)
            else:
                table = block.table if isinstance(block, Figure) else block
                out.append(block.caption)
                if table is not None:
                    out.append(" | ".join(table.headers))
                    out.extend(" | ".join(_text(c) for c in row) for row in (*table.rows, *table.foot))
                    if table.note:
                        out.append(table.note)
    return "\n".join(out)


# --- Kept and compared -----------------------------------------------------------------------

def document_json(doc: Document) -> dict:
    """The document as plain JSON data, so that a version can keep exactly what it printed
    and be printed again (marked final) or compared with another, whatever the data says now."""
    def cell(value):
        return {"text": value.text, "tone": value.tone} if isinstance(value, Cell) else str(value)

    def table(t: Table | None):
        if t is None:
            return None
        return {"caption": t.caption, "headers": list(t.headers), "rows": [[cell(c) for c in r] for r in t.rows],
                "numeric": sorted(t.numeric), "foot": [[cell(c) for c in r] for r in t.foot], "note": t.note}

    def block(b: Block) -> dict:
        if isinstance(b, Para):
            return {"kind": "para", "text": b.text, "numbered": b.numbered, "strong": b.strong}
        if isinstance(b, Items):
            return {"kind": "items", "items": list(b.items), "ordered": b.ordered}
        if isinstance(b, Figure):
            return {"kind": "figure", "caption": b.caption, "svg": str(b.svg), "table": table(b.table)}
        return {"kind": "table", **table(b)}

    import base64

    logo = ({"content": base64.b64encode(doc.logo.content).decode(), "content_type": doc.logo.content_type,
             "alt": doc.logo.alt} if doc.logo else None)
    return {"title": doc.title, "organisation": doc.organisation, "front": [list(f) for f in doc.front],
            "lang": doc.lang, "author": doc.author, "marking": doc.marking, "logo": logo,
            "printed_at": doc.printed_at.isoformat() if doc.printed_at else None,
            "sections": [{"title": s.title, "exempt": s.exempt, "appendix": s.appendix, "draft_only": s.draft_only,
                          "blocks": [block(b) for b in s.blocks]} for s in doc.sections]}


def document_from_json(data: dict) -> Document:
    """The document `document_json` kept. Its charts' SVG was made by our own chart code
    and kept by us, so it is trusted markup again."""
    from django.utils.safestring import mark_safe

    def cell(value):
        return Cell(value["text"], value.get("tone", "")) if isinstance(value, dict) else value

    def table(t: dict | None) -> Table | None:
        if t is None:
            return None
        return Table(caption=t["caption"], headers=tuple(t["headers"]),
                     rows=tuple(tuple(cell(c) for c in r) for r in t["rows"]), numeric=frozenset(t["numeric"]),
                     foot=tuple(tuple(cell(c) for c in r) for r in t["foot"]), note=t["note"])

    def block(b: dict) -> Block:
        if b["kind"] == "para":
            return Para(b["text"], numbered=b["numbered"], strong=b["strong"])
        if b["kind"] == "items":
            return Items(tuple(b["items"]), ordered=b["ordered"])
        if b["kind"] == "figure":
            return Figure(caption=b["caption"], svg=mark_safe(b["svg"]), table=table(b["table"]))  # noqa: S308
        return table(b)

    import base64

    printed = data.get("printed_at")
    logo = data.get("logo")
    return Document(
        title=data["title"], organisation=data["organisation"], front=[tuple(f) for f in data["front"]],
        lang=data["lang"], author=data["author"], marking=data.get("marking", ""),
        logo=Logo(base64.b64decode(logo["content"]), logo["content_type"], logo["alt"]) if logo else None,
        printed_at=datetime.fromisoformat(printed) if printed else None,
        sections=[Section(title=s["title"], exempt=s["exempt"], appendix=s["appendix"],
                          draft_only=s.get("draft_only", False), blocks=[block(b) for b in s["blocks"]])
                  for s in data["sections"]])


@dataclass(frozen=True)
class FigureChange:
    """One figure of a table that differs between two documents: `where` is the section,
    the table and the row; `before` or `after` is empty where the figure is new or gone."""

    where: str
    column: str
    before: str
    after: str


def document_figures(doc: Document) -> dict[tuple[str, str], str]:
    """Every figure in the document's tables (a cell with a digit in it), keyed by where it
    is (section, table, the row's first cell) and its column. A row label met twice in one
    table is told apart by its count. Notes for the drafts are not figures of the paper."""
    found: dict[tuple[str, str], str] = {}
    for section in doc.sections:
        if section.draft_only:
            continue
        title = f"Appendix {section.appendix}: {section.title}" if section.appendix else section.title
        for block in section.blocks:
            table = block.table if isinstance(block, Figure) else block
            if not isinstance(table, Table):
                continue
            seen: dict[str, int] = {}
            for row in (*table.rows, *table.foot):
                label = _text(row[0]) if row else ""
                seen[label] = seen.get(label, 0) + 1
                where = f"{title} › {table.caption} › {label}" + (f" ({seen[label]})" if seen[label] > 1 else "")
                for i, value in enumerate(row[1:], start=1):
                    text = _text(value)
                    if any(ch.isdigit() for ch in text):
                        column = table.headers[i] if i < len(table.headers) else str(i + 1)
                        found[(where, column)] = text
    return found


def figures_changed(before: dict[tuple[str, str], str], after: dict[tuple[str, str], str]) -> list[FigureChange]:
    """The figures that differ, are new or are gone, in the order the later document has
    them (then those it no longer has)."""
    changes = [FigureChange(where, column, before.get((where, column), ""), value)
               for (where, column), value in after.items() if before.get((where, column)) != value]
    changes += [FigureChange(where, column, value, "")
                for (where, column), value in before.items() if (where, column) not in after]
    return changes


def document_final(doc: Document, *, marking: str) -> Document:
    """The document as its final version prints it: marked so, without the drafts' notes."""
    from dataclasses import replace

    return replace(doc, marking=marking, sections=[s for s in doc.sections if not s.draft_only])


# --- Word -----------------------------------------------------------------------------------

# The page, as static/documents/paper.css's @page gives it to the PDF: A4, with margins
# (top, right, bottom, left) in millimetres. A test holds the two to agreeing.
PAGE_SIZE_MM = (210, 297)
PAGE_MARGINS_MM = (20, 18, 22, 18)


# A chart in Word: a picture as wide as the text, or less where it would be taller than
# this (the page's height less its margins, a caption and some room).
CHART_MAX_HEIGHT_MM = 225
# The picture's width in pixels: about 175 dots an inch across the text's 174 mm.
CHART_PIXELS = 1200
# The logo at the top of the first page: this high, unless that would make it wider than
# the other figure (then this wide); drawn this many pixels wide from an SVG.
LOGO_HEIGHT_MM = 18
LOGO_MAX_WIDTH_MM = 80
LOGO_PIXELS = 800


def chart_alt_text(svg: str) -> str:
    """A chart's text alternative: the <title> and <desc> its SVG carries (core.charts gives
    every chart both, named by aria-labelledby)."""
    from defusedxml import ElementTree

    root = ElementTree.fromstring(str(svg))
    words = []
    for tag in ("title", "desc"):
        found = root.find(f"{{http://www.w3.org/2000/svg}}{tag}")
        if found is None:
            found = root.find(tag)
        if found is not None and "".join(found.itertext()).strip():
            words.append(" ".join("".join(found.itertext()).split()))
    return ". ".join(w.rstrip(".") for w in words) + ("." if words else "")


@functools.lru_cache(maxsize=16)
def chart_png(svg: str) -> tuple[bytes, int, int]:
    """The chart drawn from the same SVG the PDF shows, as a PNG, with its size in pixels
    (an exempt paper's full and public Word files draw each chart once)."""
    import cairosvg
    from PIL import Image

    png = cairosvg.svg2png(bytestring=str(svg).encode(), output_width=CHART_PIXELS)
    with Image.open(io.BytesIO(png)) as image:
        width, height = image.size
    return png, width, height


def _word_field(paragraph, instruction: str, shown: str) -> None:
    """A field Word works out when it lays the document out (PAGE, NUMPAGES). The run inside
    is the field's cached result, which readers that do not compute fields (and Word before
    its first layout) show."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    cached_result = OxmlElement("w:r")
    cached_text = OxmlElement("w:t")
    cached_text.text = shown
    cached_result.append(cached_text)
    field.append(cached_result)
    paragraph._p.append(field)

def document_docx(doc: Document) -> bytes:
    """The document as a .docx: the same front sheet, numbered sections and paragraphs and
    tables as the HTML, on the same A4 page; each chart as a picture drawn from the same SVG
    (with the chart's title and description as its alt text), then its figures as a table."""
    from docx import Document as WordDocument
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    document_number(doc)
    word = WordDocument()
    page = word.sections[0]
    page.page_width, page.page_height = Mm(PAGE_SIZE_MM[0]), Mm(PAGE_SIZE_MM[1])
    page.top_margin, page.right_margin, page.bottom_margin, page.left_margin = map(Mm, PAGE_MARGINS_MM)
    props = word.core_properties
    props.title = doc.title
    props.author = doc.author or doc.organisation
    props.language = doc.lang
    normal = word.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(11)

    def shade(cell, tone: str) -> None:
        if tone in TONES:
            shading = OxmlElement("w:shd")
            shading.set(qn("w:val"), "clear")
            shading.set(qn("w:color"), "auto")
            shading.set(qn("w:fill"), TONES[tone])
            cell._tc.get_or_add_tcPr().append(shading)

    def add_table(table: Table) -> None:
        caption = word.add_paragraph()
        caption.add_run(table.caption).bold = True
        grid = word.add_table(rows=1, cols=len(table.headers))
        grid.style = "Table Grid"
        grid.alignment = WD_TABLE_ALIGNMENT.LEFT
        header = grid.rows[0]
        # Repeat the header row at the top of each page, as the PDF does.
        header_props = header._tr.get_or_add_trPr()
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        header_props.append(repeat)
        for i, text in enumerate(table.headers):
            cell = header.cells[i]
            cell.text = ""
            run = cell.paragraphs[0].add_run(text)
            run.bold = True
            shade(cell, "neutral")
            if i in table.numeric:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
        for row, bold in [*((r, False) for r in table.rows), *((r, True) for r in table.foot)]:
            cells = grid.add_row().cells
            for i, value in enumerate(row):
                cells[i].text = ""
                run = cells[i].paragraphs[0].add_run(_text(value))
                run.bold = bold
                if isinstance(value, Cell):
                    shade(cells[i], value.tone)
                if i in table.numeric:
                    cells[i].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
        if table.note:
            word.add_paragraph(table.note)

    def add_chart(figure: Figure) -> None:
        png, width_px, height_px = chart_png(str(figure.svg))
        text_width = PAGE_SIZE_MM[0] - PAGE_MARGINS_MM[1] - PAGE_MARGINS_MM[3]
        width = min(text_width, CHART_MAX_HEIGHT_MM * width_px / height_px)
        caption = word.add_paragraph()
        caption.add_run(figure.caption).bold = True
        shape = word.add_paragraph().add_run().add_picture(io.BytesIO(png), width=Mm(width))
        # What a screen reader says for the picture (Word's Alt Text): the chart's own words.
        shape._inline.docPr.set("descr", chart_alt_text(figure.svg))
        shape._inline.docPr.set("title", figure.caption)

    if doc.logo is not None:
        png = doc.logo.png()
        shape = word.add_paragraph().add_run().add_picture(io.BytesIO(png), height=Mm(LOGO_HEIGHT_MM))
        with_png_size = shape.width  # python-docx keeps the picture's proportions
        if with_png_size > Mm(LOGO_MAX_WIDTH_MM):
            shape.width = Mm(LOGO_MAX_WIDTH_MM)
            shape.height = int(Mm(LOGO_HEIGHT_MM) * Mm(LOGO_MAX_WIDTH_MM) / with_png_size)
        shape._inline.docPr.set("descr", doc.logo.alt)
    word.add_heading(doc.title, level=0)
    if doc.front:
        add_table(Table(caption="Front sheet", headers=("Item", "Detail"), rows=tuple(doc.front)))
    for section in doc.sections:
        if section.appendix:
            word.add_page_break()
        word.add_heading(section.heading, level=1)
        for block in section.blocks:
            if isinstance(block, Para):
                paragraph = word.add_paragraph()
                if block.number:
                    paragraph.add_run(f"{block.number}\t")
                paragraph.add_run(block.text).bold = block.strong
            elif isinstance(block, Items):
                style = "List Number" if block.ordered else "List Bullet"
                for item in block.items:
                    word.add_paragraph(item, style=style)
            elif isinstance(block, Table):
                add_table(block)
            elif isinstance(block, Figure):
                add_chart(block)
                if block.table is not None:
                    add_table(Table(caption=f"{block.caption} (the chart's figures)",
                                    headers=block.table.headers, rows=block.table.rows,
                                    numeric=block.table.numeric, foot=block.table.foot,
                                    note=block.table.note))
    if doc.marking:
        header = word.sections[0].header.paragraphs[0]
        header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        header.add_run(doc.marking).bold = True
    footer = word.sections[0].footer.paragraphs[0]
    printed = f"Printed on {doc.printed_at:%-d %B %Y %H:%M} · " if doc.printed_at else ""
    footer.add_run(f"{doc.organisation} · {printed}Page ")
    # "Page 3 of 23", as the PDF's footer says it.
    _word_field(footer, "PAGE", "1")
    footer.add_run(" of ")
    _word_field(footer, "NUMPAGES", "1")
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


# --- HTML and PDF ---------------------------------------------------------------------------

STYLESHEET = "documents/paper.css"
SCREEN_STYLESHEET = "documents/screen.css"


def document_context(doc: Document, *, for_pdf: bool, **extra) -> dict:
    """What templates/core/documents/document.html needs. The stylesheet is a static file
    either way: the browser fetches it (CSP allows no inline styles), and core.pdf's fetcher
    reads it from disk for the PDF."""
    from django.templatetags.static import static

    document_number(doc)
    stylesheet = static(STYLESHEET)
    return {"doc": doc, "stylesheet": stylesheet, "for_pdf": for_pdf,
            "screen_stylesheet": "" if for_pdf else static(SCREEN_STYLESHEET),
            "favicon": "" if for_pdf else static("govuk/assets/images/favicon.ico"), **extra}


def document_pdf(doc: Document):
    """The document as a tagged A4 PDF (core.pdf.RenderedPdf, with its time split)."""
    from core.pdf import render_pdf

    return render_pdf("core/documents/document.html", document_context(doc, for_pdf=True),
                      title=doc.title, lang=doc.lang)
