"""Hostile and broken files for every upload kind, made in code (no binary fixtures).

Each entry is a name, the file name it is uploaded as, how to make its bytes and what it
is. The rows, where a file has any, sit under HEADERS — a heading for every column any
upload kind requires — so a reader that gets that far maps the columns and every row
reaches the kind's row form, whose values are all wrong for every kind: nothing in this
corpus may ever load.

Ordinary workbooks come from openpyxl; hostile ones are zips written here byte by byte,
because openpyxl refuses to write what an attacker would. Everything is small or
compresses well, so the whole corpus builds in a few seconds; the two files at the upload
size limit are made on demand (`Entry.lazy`) and not kept.
"""
import csv
import io
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

import openpyxl

# One heading for every column that some upload kind requires (the ledger, the ELI roster
# and readiness sheets, the risk register, appraisal lines), so every kind maps them all.
HEADERS = [
    "Employee reference", "Job title", "Team", "Grade", "Pay scale", "Terms and conditions",
    "Contracted hours", "FTE", "Contract type", "Pension scheme", "On payroll", "Network account",
    "Laptop", "Phone", "Induction booked", "Title", "Category", "Likelihood", "Impact",
    "Residual likelihood", "Residual impact", "Transaction date", "Cost centre", "Account code",
    "Amount", "Option", "Year", "Description",
]

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CFB_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")


@dataclass(frozen=True)
class Entry:
    """One corpus file. `dangerous`: today's in-process reader may abort the whole process
    or fill memory on it (see test_corpus.py); `lazy`: made when used, not kept."""

    name: str
    filename: str
    build: Callable[..., bytes]
    what: str
    content_type: str = ""
    dangerous: bool = False
    lazy: bool = False


# --- Rows ---------------------------------------------------------------------------------

def _rows(values: list[str], n: int = 3) -> list[list[str]]:
    """n rows, each cycling through `values` across every column."""
    return [[values[(r + c) % len(values)] for c in range(len(HEADERS))] for r in range(n)]


BAD_DATES = ["31/02/2024", "2024-13-45", "yesterday", "00/00/0000", "29/02/1900", "99999999", "1/1/10000"]
# Real dates, but outside any financial year a programme could have (and at the ends of
# what Python's date can hold).
FAR_DATES = ["01/01/1985", "31/03/1990", "01/01/0001", "31/12/9999", "01/04/2250", "1066-10-14"]
BAD_NUMBERS = ["1,2,3", "12..5", "£-", "1e", "0x1F", "\u0661\u0662\u0663", "1 000 000 000 000 000 000 000",
               "--5", "½"]
NAN_INF = ["NaN", "nan", "inf", "-inf", "Infinity", "1e308", "-1e308", "1e309", "1e-400"]
FORMULAS = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1:A9)", "|calc", "=HYPERLINK(\"http://x.test\",\"y\")",
            "\t=1+1", "=1+1"]
UNICODE_TRICKS = ["\u202eevil\u202c", "abc\u200b", "\u200d", "\ufeffFTE", "T\u0435am", "\u0000x", "\U0001f600",
                  "e\u0301", "\u2028"]


def csv_bytes(rows: list[list], headers: list[str] | None = HEADERS, *, delimiter: str = ",",
              encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    if headers is not None:
        writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def openpyxl_book(sheets: list[tuple[str, list[list], str]]) -> bytes:
    """A workbook with openpyxl: (title, rows, state) per sheet, state visible/hidden/veryHidden."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows, state in sheets:
        ws = book.create_sheet(title)
        for row in rows:
            ws.append(row)
        ws.sheet_state = state
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- Hand-written xlsx --------------------------------------------------------------------

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
WORKBOOK_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
MACRO_WORKBOOK_TYPE = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"


def column_letter(index: int) -> str:
    """1 → A, 16384 → XFD."""
    letters = ""
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def cell_xml(ref: str, value) -> str:
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{_esc(str(value))}</t></is></c>'


def sheet_xml(rows: list[list], *, dimension: str | None = None, extra_cells: str = "",
              doctype: str = "") -> str:
    body = []
    for r, row in enumerate(rows, start=1):
        cells = "".join(cell_xml(f"{column_letter(c)}{r}", v) for c, v in enumerate(row, start=1) if v != "")
        body.append(f'<row r="{r}">{cells}</row>')
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n{doctype}'
            f'<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">{dim}<sheetData>{"".join(body)}{extra_cells}'
            f'</sheetData></worksheet>')


def table_sheet(values: list, n: int = 3, **kw) -> str:
    return sheet_xml([HEADERS, *_rows(values, n)], **kw)


def xlsx_parts(sheets: list[tuple[str, str, str]], *, shared_strings: str | None = None,
               styles: str | None = None, workbook_type: str = WORKBOOK_TYPE,
               extra: dict[str, bytes] | None = None, extra_types: str = "") -> dict[str, bytes]:
    """The parts of a minimal workbook: (name, sheet XML, state) per sheet."""
    overrides = [f'<Override PartName="/xl/workbook.xml" ContentType="{workbook_type}"/>']
    rels, entries = [], []
    parts: dict[str, bytes] = {}
    for i, (name, xml, state) in enumerate(sheets, start=1):
        overrides.append(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
                         'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>')
        rels.append(f'<Relationship Id="rId{i}" Type="{REL_NS}/worksheet" Target="worksheets/sheet{i}.xml"/>')
        state_attr = f' state="{state}"' if state != "visible" else ""
        entries.append(f'<sheet name="{_esc(name)}" sheetId="{i}"{state_attr} r:id="rId{i}"/>')
        parts[f"xl/worksheets/sheet{i}.xml"] = xml.encode()
    if shared_strings is not None:
        overrides.append('<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                         'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>')
        rels.append(f'<Relationship Id="rIdS" Type="{REL_NS}/sharedStrings" Target="sharedStrings.xml"/>')
        parts["xl/sharedStrings.xml"] = shared_strings.encode()
    if styles is not None:
        overrides.append('<Override PartName="/xl/styles.xml" ContentType="application/'
                         'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>')
        rels.append(f'<Relationship Id="rIdT" Type="{REL_NS}/styles" Target="styles.xml"/>')
        parts["xl/styles.xml"] = styles.encode()
    head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    parts["[Content_Types].xml"] = (
        f'{head}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        f'<Default Extension="xml" ContentType="application/xml"/>{"".join(overrides)}{extra_types}</Types>').encode()
    parts["_rels/.rels"] = (f'{head}<Relationships xmlns="{PKG_REL_NS}"><Relationship Id="rId1" '
                            f'Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>').encode()
    parts["xl/workbook.xml"] = (f'{head}<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><sheets>{"".join(entries)}'
                                f'</sheets></workbook>').encode()
    parts["xl/_rels/workbook.xml.rels"] = (f'{head}<Relationships xmlns="{PKG_REL_NS}">{"".join(rels)}'
                                           f'</Relationships>').encode()
    parts.update(extra or {})
    return parts


def zip_bytes(parts: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


def xlsx(sheets: list[tuple[str, str, str]], **kw) -> bytes:
    return zip_bytes(xlsx_parts(sheets, **kw))


def one_sheet(xml: str, **kw) -> bytes:
    return xlsx([("Data", xml, "visible")], **kw)


def raw_zip(members: list[tuple[str, bytes, int, int, int, int]]) -> bytes:
    """A zip written by hand: (name, data as stored, method, crc, declared compressed size,
    declared uncompressed size) per member — so sizes and CRCs can lie."""
    out, central = io.BytesIO(), []
    for name, data, method, crc, csize, usize in members:
        offset = out.tell()
        encoded = name.encode()
        out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, method, 0, 0, crc, csize, usize,
                              len(encoded), 0) + encoded)
        out.write(data)
        central.append(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, method, 0, 0, crc, csize, usize,
                                   len(encoded), 0, 0, 0, 0, 0, offset) + encoded)
    start = out.tell()
    for record in central:
        out.write(record)
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(central), len(central), out.tell() - start,
                          start, 0))
    return out.getvalue()


def _deflate(data: bytes) -> bytes:
    co = zlib.compressobj(9, zlib.DEFLATED, -15)
    return co.compress(data) + co.flush()


def _honest_members(parts: dict[str, bytes]) -> list[tuple]:
    members = []
    for name, data in parts.items():
        packed = _deflate(data)
        members.append((name, packed, 8, zlib.crc32(data), len(packed), len(data)))
    return members


def declared_bomb() -> bytes:
    """An honest small workbook whose sheet claims to unpack to 4 GB."""
    members = _honest_members(xlsx_parts([("Data", table_sheet(BAD_NUMBERS), "visible")]))
    members = [(n, d, m, c, cs, 0xFFFFFFF0 if n.endswith("sheet1.xml") else us) for n, d, m, c, cs, us in members]
    return raw_zip(members)


def lying_bomb(megabytes: int = 512) -> bytes:
    """A workbook whose sheet says it unpacks to 1 KB but inflates to `megabytes` MB: one
    cell of text that never ends. The deflate stream repeats one block, flushed so that
    every copy is the same bytes, so it costs nothing to make."""
    head = (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}"><sheetData><row r="1">'
            '<c r="A1" t="inlineStr"><is><t>').encode()
    tail = b"</t></is></c></row></sheetData></worksheet>"
    co = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = co.compress(head) + co.flush(zlib.Z_FULL_FLUSH)
    chunk = b"A" * (1 << 20)
    block = co.compress(chunk) + co.flush(zlib.Z_FULL_FLUSH)
    # A flushed block of the same input is the same bytes each time, so it can be repeated.
    assert block == co.compress(chunk) + co.flush(zlib.Z_FULL_FLUSH)
    stream = first + block * (megabytes - 1) + co.compress(tail) + co.flush()
    members = _honest_members({k: v for k, v in xlsx_parts([("Data", "", "visible")]).items()
                               if not k.endswith("sheet1.xml")})
    members.append(("xl/worksheets/sheet1.xml", stream, 8, 0, len(stream), 1024))
    return raw_zip(members)


def too_many_entries() -> bytes:
    parts = xlsx_parts([("Data", table_sheet(BAD_NUMBERS), "visible")])
    parts.update({f"xl/media/pad{i}.bin": b"" for i in range(5000)})
    return zip_bytes(parts, zipfile.ZIP_STORED)


def good_xlsx(values=BAD_NUMBERS) -> bytes:
    return one_sheet(table_sheet(values))


def truncated() -> bytes:
    data = good_xlsx()
    return data[: len(data) // 2]


def bad_crc() -> bytes:
    """Stored (not deflated) parts, so a changed byte is seen only by its CRC."""
    data = bytearray(zip_bytes(xlsx_parts([("Data", table_sheet(BAD_NUMBERS), "visible")]), zipfile.ZIP_STORED))
    at = data.find(b"<sheetData>") + 3
    data[at] ^= 0x01
    return bytes(data)


def garbage_after_header() -> bytes:
    noise = bytes((i * 131 + 7) % 256 for i in range(4000))
    return b"PK\x03\x04" + noise


def encrypted_zip_entry() -> bytes:
    """A zip whose members say they are encrypted (general purpose flag bit 0)."""
    data = bytearray(good_xlsx())
    for signature, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (start := data.find(signature, start)) != -1:
            data[start + flag_at] |= 0x01
            start += 4
    return bytes(data)


# --- XML attacks ----------------------------------------------------------------------------

XXE_DOCTYPE = '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
LAUGHS_DOCTYPE = ('<!DOCTYPE lolz [<!ENTITY lol "lol">'
                  + "".join(f'<!ENTITY lol{i} "{("&lol;" if i == 1 else f"&lol{i - 1};") * 10}">' for i in range(1, 10))
                  + "]>")


def xxe_sheet() -> bytes:
    xml = table_sheet(["&xxe;"], doctype=XXE_DOCTYPE).replace("&amp;xxe;", "&xxe;")
    return one_sheet(xml)


def _shared_strings(items: list[str], doctype: str = "", raw: bool = False) -> str:
    sis = "".join(f"<si><t>{s if raw else _esc(s)}</t></si>" for s in items)
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n{doctype}<sst xmlns="{MAIN_NS}" '
            f'count="{len(items)}" uniqueCount="{len(items)}">{sis}</sst>')


def _shared_sheet(n_strings: int, rows: int = 3) -> str:
    """A table whose cells point at shared strings 0..n_strings-1."""
    body = ["<row r=\"1\">" + "".join(cell_xml(f"{column_letter(c)}1", h) for c, h in enumerate(HEADERS, 1)) + "</row>"]
    for r in range(2, rows + 2):
        cells = "".join(f'<c r="{column_letter(c)}{r}" t="s"><v>{(r * 31 + c) % n_strings}</v></c>'
                        for c in range(1, len(HEADERS) + 1))
        body.append(f'<row r="{r}">{cells}</row>')
    return (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}"><sheetData>{"".join(body)}'
            '</sheetData></worksheet>')


def xxe_shared_strings() -> bytes:
    return one_sheet(_shared_sheet(1), shared_strings=_shared_strings(["&xxe;"], XXE_DOCTYPE, raw=True))


def billion_laughs() -> bytes:
    return one_sheet(_shared_sheet(1), shared_strings=_shared_strings(["&lol9;"], LAUGHS_DOCTYPE, raw=True))


def billion_laughs_in_sheet() -> bytes:
    xml = table_sheet(["&lol9;"], doctype=LAUGHS_DOCTYPE).replace("&amp;lol9;", "&lol9;")
    return one_sheet(xml)


def long_shared_strings() -> bytes:
    """200,000 distinct shared strings, most never used."""
    return one_sheet(_shared_sheet(200_000), shared_strings=_shared_strings([f"s{i:06d}" for i in range(200_000)]))


def nested_shared_strings() -> bytes:
    """One shared string nested 100,000 elements deep (a recursive parser runs out of stack)
    and one of 100,000 rich-text runs."""
    deep = "<r>" * 100_000 + "<t>x</t>" + "</r>" * 100_000
    runs = "".join(f"<r><t>{i % 10}</t></r>" for i in range(100_000))
    sst = (f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN_NS}" count="2" uniqueCount="2">'
           f'<si>{deep}</si><si>{runs}</si></sst>')
    return one_sheet(_shared_sheet(2), shared_strings=sst)


# --- Dimensions and size ----------------------------------------------------------------------

def sparse_huge() -> bytes:
    """A cell at A1 and one at XFD1048576: a reader that allocates the declared grid asks
    for half a terabyte."""
    xml = sheet_xml([["Title"]], dimension="A1:XFD1048576",
                    extra_cells='<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')
    return one_sheet(xml)


def sparse_huge_undeclared() -> bytes:
    """The same two far-apart cells without a <dimension>: the grid is found from the cells."""
    xml = sheet_xml([["Title"]], extra_cells='<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')
    return one_sheet(xml)


def huge_dimension_few_cells() -> bytes:
    return one_sheet(table_sheet(BAD_NUMBERS, dimension="A1:XFD1048576"))


def million_rows_xlsx() -> bytes:
    """1,048,576 rows, written as compact XML straight into the zip."""
    out = io.BytesIO()
    parts = xlsx_parts([("Data", "", "visible")])
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, data in parts.items():
            if not name.endswith("sheet1.xml"):
                archive.writestr(name, data)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            header = "".join(cell_xml(f"{column_letter(c)}1", h) for c, h in enumerate(HEADERS, 1))
            sheet.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}"><sheetData>'
                        f'<row r="1">{header}</row>'.encode())
            batch = []
            for r in range(2, 1_048_577):
                batch.append(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>')
                if len(batch) == 50_000:
                    sheet.write("".join(batch).encode())
                    batch = []
            sheet.write(("".join(batch) + "</sheetData></worksheet>").encode())
    return out.getvalue()


def million_rows_csv() -> bytes:
    return ",".join(HEADERS).encode() + b"\r\n" + b"x,1\r\n" * 1_100_000


def wide_row(columns: int) -> list[str]:
    return [f"c{i}" for i in range(columns)]


def wide_csv() -> bytes:
    return csv_bytes([wide_row(50_000)], headers=wide_row(50_000))


def widest_xlsx() -> bytes:
    """A row in every one of Excel's 16,384 columns, and a cell one past them (XFE1)."""
    xml = sheet_xml([wide_row(16_384), wide_row(16_384)],
                    extra_cells='<row r="3"><c r="XFE3"><v>1</v></c></row>')
    return one_sheet(xml)


def big_cell_xlsx() -> bytes:
    rows = _rows(BAD_NUMBERS)
    rows[0][HEADERS.index("Title")] = "x" * (5 * 1024 * 1024)
    return one_sheet(sheet_xml([HEADERS, *rows]))


def big_cell_csv() -> bytes:
    rows = _rows(BAD_NUMBERS)
    rows[0][HEADERS.index("Title")] = "x" * (5 * 1024 * 1024)
    return csv_bytes(rows)


def ten_mb_line() -> bytes:
    """A csv that is one line of 10 MB: no line break anywhere."""
    return b"a," * (5 * 1024 * 1024)


def at_limit(limit: int) -> bytes:
    """A csv exactly `limit` bytes long: real rows, then padding in a last cell."""
    head = csv_bytes(_rows(BAD_NUMBERS, 1000))
    return head + b"y" * (limit - len(head))


def over_limit(limit: int) -> bytes:
    return at_limit(limit) + b"y"


# --- Values ---------------------------------------------------------------------------------

def xlsx_values(values: list) -> bytes:
    return good_xlsx(values)


def far_date_cells() -> bytes:
    far = [date(1985, 1, 1), date(1, 1, 1), date(9999, 12, 31), datetime(2250, 4, 1, 12, 30)]
    rows = [[far[(r + c) % len(far)] for c in range(len(HEADERS))] for r in range(3)]
    return openpyxl_book([("Data", [HEADERS, *rows], "visible")])


def nan_inf_xlsx() -> bytes:
    """Number cells whose text is not a finite number, and a real 1e308."""
    rows = [HEADERS]
    xml = sheet_xml(rows, extra_cells="".join(
        f'<row r="{r}">' + "".join(f'<c r="{column_letter(c)}{r}"><v>{v}</v></c>' for c in range(1, len(HEADERS) + 1))
        + "</row>" for r, v in ((2, "NaN"), (3, "INF"), (4, "-INF"), (5, "1e308"), (6, "1.7976931348623157e308"),
                                (7, "1e309"), (8, "not a number"))))
    return one_sheet(xml)


def formula_cells(cached: bool) -> bytes:
    formulas = ['SUM(1,2)', 'HYPERLINK("http://x.test","click")', 'cmd|\' /C calc\'!A0', '1/0', 'NOW()']
    cells = []
    for r in range(2, 5):
        row = []
        for c in range(1, len(HEADERS) + 1):
            f = _esc(formulas[(r + c) % len(formulas)])
            value = "<v>3</v>" if cached else ""
            row.append(f'<c r="{column_letter(c)}{r}"><f>{f}</f>{value}</c>')
        cells.append(f'<row r="{r}">{"".join(row)}</row>')
    return one_sheet(sheet_xml([HEADERS], extra_cells="".join(cells)))


def formula_string_cells() -> bytes:
    """Formula cells whose cached values are text (t="str") and an error (t="e")."""
    cells = []
    for r in range(2, 5):
        row = "".join(f'<c r="{column_letter(c)}{r}" t="{"str" if c % 2 else "e"}"><f>A1&amp;"x"</f>'
                      f'<v>{"=cmd|calc" if c % 2 else "#DIV/0!"}</v></c>' for c in range(1, len(HEADERS) + 1))
        cells.append(f'<row r="{r}">{row}</row>')
    return one_sheet(sheet_xml([HEADERS], extra_cells="".join(cells)))


DATE_STYLES = (f'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{MAIN_NS}"><fonts count="1"><font/></fonts>'
               '<fills count="1"><fill/></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf/>'
               '</cellStyleXfs><cellXfs count="2"><xf/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs>'
               '</styleSheet>')


def bad_date_serials() -> bytes:
    """Date-formatted numbers no calendar has: negative, before 1900, far beyond 9999."""
    cells = []
    for r, v in ((2, "-1"), (3, "0"), (4, "60"), (5, "99999999"), (6, "1e20"), (7, "2958466")):
        row = "".join(f'<c r="{column_letter(c)}{r}" s="1"><v>{v}</v></c>' for c in range(1, len(HEADERS) + 1))
        cells.append(f'<row r="{r}">{row}</row>')
    return one_sheet(sheet_xml([HEADERS], extra_cells="".join(cells)), styles=DATE_STYLES)


def bool_and_error_cells() -> bytes:
    cells = []
    for r in range(2, 5):
        row = "".join(f'<c r="{column_letter(c)}{r}" t="{"b" if c % 2 else "e"}"><v>{"1" if c % 2 else "#N/A"}</v></c>'
                      for c in range(1, len(HEADERS) + 1))
        cells.append(f'<row r="{r}">{row}</row>')
    return one_sheet(sheet_xml([HEADERS], extra_cells="".join(cells)))


def shared_string_out_of_range() -> bytes:
    xml = _shared_sheet(1).replace("<v>0</v>", "<v>999999</v>")
    return one_sheet(xml, shared_strings=_shared_strings(["only one"]))


def bad_cell_refs() -> bytes:
    cells = ('<row r="2"><c r="ZZZZZ99999999"><v>1</v></c></row><row r="0"><c r="A0"><v>1</v></c></row>'
             '<row r="-1"><c r="A-1"><v>1</v></c></row><row r="x"><c r="!!"><v>1</v></c></row>')
    return one_sheet(sheet_xml([HEADERS], extra_cells=cells))


def homoglyph_headers() -> bytes:
    # Cyrillic letters that look Latin: Т е а о р с х
    swap = str.maketrans({"T": "\u0422", "e": "\u0435", "a": "\u0430", "o": "\u043e", "p": "\u0440",
                          "c": "\u0441", "x": "\u0445"})
    return csv_bytes(_rows(["E1", "Yes", "1"]), headers=[h.translate(swap) for h in HEADERS])


def zero_width_headers() -> bytes:
    return csv_bytes(_rows(["E1", "Yes", "1"]), headers=[f"{h[:1]}\u200b{h[1:]}" for h in HEADERS])


def rtl_override() -> bytes:
    printable = [v for v in UNICODE_TRICKS if "\u0000" not in v]  # openpyxl refuses control characters
    return openpyxl_book([("Data", [[f"\u202e{h}" for h in HEADERS], *_rows(printable)], "visible")])


# --- Sheets -----------------------------------------------------------------------------------

def hidden_sheet(state: str) -> bytes:
    return openpyxl_book([("Front", [], "visible"), ("Data", [HEADERS, *_rows(BAD_DATES)], state)])


def several_sheets() -> bytes:
    return openpyxl_book([("Read me", [["This workbook has the data on the third sheet."]], "visible"),
                          ("Totals", [["Total", 12]], "visible"),
                          ("Data", [HEADERS, *_rows(BAD_DATES)], "visible")])


def no_sheets() -> bytes:
    return xlsx([])


def missing_sheet_part() -> bytes:
    parts = xlsx_parts([("Data", table_sheet(BAD_NUMBERS), "visible")])
    del parts["xl/worksheets/sheet1.xml"]
    return zip_bytes(parts)


def malformed_xml() -> bytes:
    return one_sheet(table_sheet(BAD_NUMBERS).replace("</sheetData>", "<row><c><v>1</sheetData>"))


def path_traversal() -> bytes:
    parts = xlsx_parts([("Data", table_sheet(BAD_NUMBERS), "visible")])
    parts["../../../../tmp/insource-evil.txt"] = b"written outside"
    parts["/etc/insource-evil"] = b"absolute"
    return zip_bytes(parts)


def nested_zip() -> bytes:
    inner = good_xlsx()
    parts = xlsx_parts([("Data", "", "visible")])
    parts["xl/worksheets/sheet1.xml"] = inner
    return zip_bytes(parts)


def xlsm() -> bytes:
    parts = xlsx_parts([("Data", table_sheet(FORMULAS), "visible")], workbook_type=MACRO_WORKBOOK_TYPE,
                       extra={"xl/vbaProject.bin": CFB_MAGIC + b"\0" * 504 + b"Attribute VB_Name = \"Module1\""},
                       extra_types='<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>')
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rIdV" Type="http://schemas.microsoft.com/office/2006/relationships/'
                             b'vbaProject" Target="vbaProject.bin"/></Relationships>')
    return zip_bytes(parts)


# --- OLE compound files (encrypted workbooks, .xls) ----------------------------------------------

def cfb(streams: list[tuple[str, bytes]]) -> bytes:
    """A compound file (version 3, 512-byte sectors): sector 0 the FAT, sector 1 the
    directory, then each stream in whole sectors. Streams are padded to 4,096 bytes so none
    belongs in the mini stream, which this writer does not make."""
    end, free, fat_sect = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    data_sectors, starts, sizes, body = 2, [], [], b""
    for _, content in streams:
        content = content.ljust(4096, b"\0")
        content += b"\0" * (-len(content) % 512)
        starts.append(data_sectors)
        sizes.append(len(content))
        data_sectors += len(content) // 512
        body += content
    fat = [fat_sect, end]
    for start, size in zip(starts, sizes, strict=True):
        count = size // 512
        fat += [start + i + 1 for i in range(count - 1)] + [end]
    fat += [free] * (128 - len(fat))

    def entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
        encoded = (name + "\0").encode("utf-16-le") if name else b""
        return (encoded.ljust(64, b"\0") + struct.pack("<HBB3L", len(encoded), kind, 1, free, right, child)
                + b"\0" * 16 + b"\0" * 4 + b"\0" * 16 + struct.pack("<LQ", start, size))

    entries = [entry("Root Entry", 5, 1 if streams else free, free, end, 0)]
    for i, (name, content) in enumerate(streams, start=1):
        entries.append(entry(name, 2, free, i + 1 if i < len(streams) else free, starts[i - 1],
                             max(len(content), 4096)))
    entries += [entry("", 0, free, free, 0, 0)] * (4 - len(entries))
    header = (CFB_MAGIC + b"\0" * 16 + struct.pack("<5H", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
              + struct.pack("<9L", 0, 1, 1, 0, 4096, end, 0, end, 0)
              + struct.pack("<L", 0) + struct.pack("<L", free) * 108)
    return header + struct.pack("<128L", *fat) + b"".join(entries) + body


def encrypted_workbook() -> bytes:
    """What Excel saves with a password to open: an OLE container with the agile encryption
    description and the encrypted package, not a zip."""
    info = (struct.pack("<HHL", 4, 4, 0x40) + b'<?xml version="1.0" encoding="UTF-8"?><encryption '
            b'xmlns="http://schemas.microsoft.com/office/2006/encryption"><keyData saltSize="16" blockSize="16" '
            b'keyBits="256" hashSize="64" cipherAlgorithm="AES" cipherChaining="ChainingModeCBC" '
            b'hashAlgorithm="SHA512" saltValue="AAAAAAAAAAAAAAAAAAAAAA=="/></encryption>')
    package = struct.pack("<Q", 8192) + bytes((i * 197 + 3) % 256 for i in range(8192))
    return cfb([("EncryptionInfo", info), ("EncryptedPackage", package)])


def _biff(record: int, data: bytes = b"") -> bytes:
    return struct.pack("<HH", record, len(data)) + data


def xls_workbook() -> bytes:
    """A BIFF8 workbook (Excel 97–2003): the globals, one sheet with a heading row and numbers."""
    def bof(kind: int) -> bytes:
        return _biff(0x0809, struct.pack("<HHHHLL", 0x0600, kind, 0x0DBB, 0x07CC, 0, 0x06))

    def label(row: int, col: int, text: str) -> bytes:
        return _biff(0x0204, struct.pack("<HHHHB", row, col, 15, len(text), 0) + text.encode("latin-1"))

    cells = b"".join(label(0, c, h) for c, h in enumerate(HEADERS[:10]))
    cells += b"".join(_biff(0x0203, struct.pack("<HHHd", 1, c, 15, 1.5)) for c in range(10))
    sheet = bof(0x0010) + _biff(0x0200, struct.pack("<LLHHH", 0, 2, 0, 10, 0)) + cells + _biff(0x000A)
    name = b"Data"
    globals_len = len(bof(0x0005)) + len(_biff(0x0042, struct.pack("<H", 1252))) + \
        4 + 8 + len(name) + len(_biff(0x000A))
    boundsheet = _biff(0x0085, struct.pack("<LHBB", globals_len, 0, len(name), 0) + name)
    stream = bof(0x0005) + _biff(0x0042, struct.pack("<H", 1252)) + boundsheet + _biff(0x000A) + sheet
    return cfb([("Workbook", stream)])


# --- Other files in disguise -------------------------------------------------------------------

PNG = (b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
       + struct.pack(">I", zlib.crc32(b"IHDR" + struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)))
       + struct.pack(">I", 12) + b"IDAT" + zlib.compress(b"\0\0\0\0") + b"\0" * 4 + b"\0\0\0\0IEND\xaeB`\x82")
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n" \
      b"trailer<</Root 1 0 R>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03" + b"\0" * 55 + struct.pack("<L", 64) + b"PE\0\0" + b"\0" * 200
HTML_TABLE = ("<html><body><table><tr>" + "".join(f"<td>{h}</td>" for h in HEADERS) + "</tr><tr>"
              + "<td>1</td>" * len(HEADERS) + "</tr></table></body></html>").encode()


def _plain(data: bytes) -> Callable[[], bytes]:
    return lambda: data


def _csv_of(values, **kw) -> Callable[[], bytes]:
    return lambda: csv_bytes(_rows(values), **kw)


ENTRIES: list[Entry] = [
    # Zips that would fill memory or disk.
    Entry("zip_bomb_declared", "bomb.xlsx", declared_bomb, "a sheet whose zip entry declares 4 GB unpacked"),
    Entry("zip_bomb_lying", "liar.xlsx", lying_bomb, "a sheet declared as 1 KB that inflates to 512 MB of one cell",
          dangerous=True),
    Entry("zip_too_many_entries", "parts.xlsx", too_many_entries, "a workbook with 5,000 empty extra parts"),
    Entry("zip_truncated", "cut.xlsx", truncated, "a workbook cut off half way"),
    Entry("zip_bad_crc", "crc.xlsx", bad_crc, "a stored sheet with one byte changed, so its CRC is wrong"),
    Entry("zip_garbage_after_header", "junk.xlsx", garbage_after_header, "a zip signature followed by noise"),
    Entry("zip_encrypted_members", "zipcrypt.xlsx", encrypted_zip_entry, "zip members flagged as encrypted"),
    Entry("zip_path_traversal", "escape.xlsx", path_traversal, "extra members named ../../tmp/… and /etc/…"),
    Entry("zip_nested", "nested.xlsx", nested_zip, "the sheet part is itself a zip"),
    # XML attacks.
    Entry("xxe_sheet", "xxe.xlsx", xxe_sheet, "an external entity (file:///etc/passwd) in the sheet XML"),
    Entry("xxe_shared_strings", "xxe-sst.xlsx", xxe_shared_strings, "an external entity in sharedStrings.xml"),
    Entry("billion_laughs_shared_strings", "lol.xlsx", billion_laughs, "nested entities in sharedStrings.xml"),
    Entry("billion_laughs_sheet", "lol-sheet.xlsx", billion_laughs_in_sheet, "nested entities in the sheet XML"),
    Entry("shared_strings_200k", "sst.xlsx", long_shared_strings, "200,000 shared strings"),
    Entry("shared_strings_nested", "deep.xlsx", nested_shared_strings,
          "a shared string nested 100,000 deep and one of 100,000 runs"),
    Entry("xml_malformed", "broken.xlsx", malformed_xml, "sheet XML that is not well formed"),
    Entry("xlsx_no_sheets", "nosheets.xlsx", no_sheets, "a workbook with no sheets"),
    Entry("xlsx_missing_sheet_part", "missing.xlsx", missing_sheet_part, "the workbook names a sheet the zip lacks"),
    Entry("xlsx_shared_string_out_of_range", "sst-range.xlsx", shared_string_out_of_range,
          "cells pointing past the end of the shared strings"),
    Entry("xlsx_bad_cell_refs", "refs.xlsx", bad_cell_refs, "cell references past XFD, row 0, row -1, nonsense"),
    # Disguises.
    Entry("xlsx_that_is_csv", "csv.xlsx", _csv_of(BAD_NUMBERS), "a csv named .xlsx"),
    Entry("csv_that_is_zip", "zip.csv", good_xlsx, "a workbook named .csv"),
    Entry("pdf_named_pdf", "report.pdf", _plain(PDF), "a PDF"),
    Entry("pdf_named_xlsx", "report.xlsx", _plain(PDF), "a PDF named .xlsx"),
    Entry("exe_named_exe", "setup.exe", _plain(EXE), "a Windows program"),
    Entry("exe_named_csv", "setup.csv", _plain(EXE), "a Windows program named .csv"),
    Entry("png_named_xlsx", "picture.xlsx", _plain(PNG), "a PNG image named .xlsx"),
    Entry("html_named_xlsx", "table.xlsx", _plain(HTML_TABLE), "an HTML table named .xlsx"),
    Entry("wrong_mime_csv", "data.csv", _csv_of(BAD_NUMBERS), "a csv sent as application/x-msdownload",
          content_type="application/x-msdownload"),
    Entry("wrong_mime_xlsx", "data.xlsx", good_xlsx, "a workbook sent as text/plain", content_type="text/plain"),
    Entry("no_extension", "data", _csv_of(BAD_NUMBERS), "a file with no extension"),
    Entry("name_traversal", "../../../../etc/insource.csv", _csv_of(BAD_NUMBERS), "a file name that climbs folders"),
    Entry("name_windows_path", "..\\..\\C:\\Windows\\x.csv", _csv_of(BAD_NUMBERS), "a Windows path as its name"),
    Entry("name_300_characters", "n" * 300 + ".csv", _csv_of(BAD_NUMBERS), "a file name of 304 characters"),
    Entry("name_rtl_override", "ledger\u202ecsv.exe", _csv_of(BAD_NUMBERS),
          "a name that reads as ledger.exe.csv but ends in .exe"),
    # Dimensions and size.
    Entry("sparse_huge_dimension", "sparse.xlsx", sparse_huge,
          "<dimension ref=A1:XFD1048576/> with cells only at A1 and XFD1048576", dangerous=True),
    Entry("sparse_huge_undeclared", "sparse2.xlsx", sparse_huge_undeclared,
          "cells at A1 and XFD1048576 and no <dimension>", dangerous=True),
    Entry("huge_dimension_few_cells", "dim.xlsx", huge_dimension_few_cells,
          "<dimension ref=A1:XFD1048576/> over a few rows", dangerous=True),
    Entry("xlsx_1048576_rows", "million.xlsx", million_rows_xlsx, "an xlsx with every one of 1,048,576 rows"),
    Entry("csv_1100000_rows", "million.csv", million_rows_csv, "a csv of 1,100,000 short lines"),
    Entry("csv_50000_columns", "wide.csv", wide_csv, "a csv whose rows have 50,000 columns"),
    Entry("xlsx_16384_columns", "wide.xlsx", widest_xlsx, "rows using all 16,384 columns, and a cell at XFE"),
    Entry("xlsx_5mb_cell", "bigcell.xlsx", big_cell_xlsx, "a 5 MB cell in a workbook"),
    Entry("csv_5mb_cell", "bigcell.csv", big_cell_csv, "a 5 MB cell in a csv"),
    Entry("csv_10mb_line", "oneline.csv", ten_mb_line, "a csv of one 10 MB line"),
    Entry("at_upload_limit", "limit.csv", at_limit, "a csv exactly at the upload size limit", lazy=True),
    Entry("over_upload_limit", "over.csv", over_limit, "a csv one byte over the upload size limit", lazy=True),
    # Values.
    Entry("csv_bad_dates", "dates.csv", _csv_of(BAD_DATES), "dates that do not exist"),
    Entry("csv_far_dates", "fardates.csv", _csv_of(FAR_DATES), "real dates in 1066, 1985, year 1, 9999 and 2250"),
    Entry("xlsx_far_dates", "fardates.xlsx", far_date_cells, "real date cells in 1985, year 1, 9999 and 2250"),
    Entry("xlsx_bad_dates", "dates.xlsx", lambda: xlsx_values(BAD_DATES), "dates that do not exist, as text"),
    Entry("xlsx_bad_date_serials", "serials.xlsx", bad_date_serials, "date-formatted serials -1, 0, 60, 1e20…"),
    Entry("csv_bad_numbers", "numbers.csv", _csv_of(BAD_NUMBERS), "numbers that are not numbers"),
    Entry("csv_nan_inf", "nan.csv", _csv_of(NAN_INF), "NaN, inf, 1e308, 1e309 as text"),
    Entry("xlsx_nan_inf", "nan.xlsx", nan_inf_xlsx, "number cells holding NaN, INF, 1e308, 1e309"),
    Entry("csv_formulas", "formulas.csv", _csv_of(FORMULAS), "text starting = + - @ | and tab="),
    Entry("xlsx_formula_text", "formulas.xlsx", lambda: xlsx_values(FORMULAS), "formula-like text cells"),
    Entry("xlsx_formulas_cached", "cached.xlsx", lambda: formula_cells(True), "real formulas with cached values"),
    Entry("xlsx_formulas_uncached", "uncached.xlsx", lambda: formula_cells(False),
          "real formulas with no cached values"),
    Entry("xlsx_formula_strings", "strformulas.xlsx", formula_string_cells, "formulas cached as text and errors"),
    Entry("xlsx_bool_and_errors", "bools.xlsx", bool_and_error_cells, "boolean and #N/A cells"),
    Entry("unicode_rtl_override", "rtl.xlsx", rtl_override, "U+202E in every header and value"),
    Entry("unicode_zero_width_headers", "zw.csv", zero_width_headers, "zero-width spaces inside the headers"),
    Entry("unicode_homoglyph_headers", "cyrillic.csv", homoglyph_headers,
          "headers spelt with Cyrillic look-alikes (Теам for Team)"),
    Entry("csv_unicode_values", "tricks.csv", _csv_of(UNICODE_TRICKS), "RTL, zero-width, BOM, NUL and emoji values"),
    # Empty and odd shapes.
    Entry("empty_csv", "empty.csv", _plain(b""), "0 bytes"),
    Entry("empty_xlsx", "empty.xlsx", _plain(b""), "0 bytes named .xlsx"),
    Entry("whitespace_csv", "blank.csv", _plain(b"  \r\n\t\r\n   \n\n,,,\n"), "only spaces, tabs and commas"),
    Entry("bom_only_csv", "bom.csv", _plain(b"\xef\xbb\xbf"), "a byte order mark and nothing else"),
    Entry("header_only_csv", "header.csv", lambda: csv_bytes([]), "the headings and no rows"),
    Entry("header_only_xlsx", "header.xlsx", lambda: openpyxl_book([("Data", [HEADERS], "visible")]),
          "the headings and no rows"),
    Entry("duplicate_headers", "dupes.csv", lambda: csv_bytes(_rows(BAD_NUMBERS), headers=HEADERS + HEADERS),
          "every heading twice"),
    Entry("hidden_sheet", "hidden.xlsx", lambda: hidden_sheet("hidden"), "the data on a hidden sheet"),
    Entry("very_hidden_sheet", "veryhidden.xlsx", lambda: hidden_sheet("veryHidden"),
          "the data on a very hidden sheet"),
    Entry("several_sheets", "sheets.xlsx", several_sheets, "a cover sheet, a totals sheet, then the data"),
    # Not xlsx at all, though Excel opens them.
    Entry("encrypted_workbook", "secret.xlsx", encrypted_workbook, "a password-protected workbook (OLE container)"),
    Entry("xls_named_xls", "old.xls", xls_workbook, "an Excel 97-2003 .xls (BIFF8 in an OLE container)"),
    Entry("xls_named_xlsx", "old.xlsx", xls_workbook, "a .xls named .xlsx"),
    Entry("xlsm_named_xlsm", "macros.xlsm", xlsm, "a macro-enabled workbook with vbaProject.bin"),
    Entry("xlsm_named_xlsx", "macros.xlsx", xlsm, "a macro-enabled workbook named .xlsx"),
    # csv encodings and shapes.
    Entry("csv_utf16", "utf16.csv", lambda: b"\xff\xfe" + csv_bytes(_rows(BAD_DATES), encoding="utf-16-le"),
          "UTF-16 with a byte order mark"),
    Entry("csv_utf16_no_bom", "utf16nobom.csv", lambda: csv_bytes(_rows(BAD_DATES), encoding="utf-16-le"),
          "UTF-16 without a byte order mark"),
    Entry("csv_windows_1252", "cp1252.csv", lambda: csv_bytes(_rows(["£5", "café", "’quote’", "€"]),
                                                              encoding="cp1252"), "Windows-1252 text"),
    Entry("csv_semicolons", "semi.csv", lambda: csv_bytes(_rows(BAD_NUMBERS), delimiter=";"), "semicolon separated"),
    Entry("csv_tabs", "tabs.csv", lambda: csv_bytes(_rows(BAD_NUMBERS), delimiter="\t"), "tab separated"),
    Entry("csv_nul_bytes", "nul.csv", lambda: csv_bytes(_rows(BAD_NUMBERS)).replace(b",", b"\0,"),
          "NUL bytes before every separator"),
    Entry("csv_unbalanced_quote", "quote.csv", lambda: csv_bytes(_rows(BAD_NUMBERS)) + b'"never closed,1,2\r\n' * 3,
          "a quote that is never closed"),
    Entry("csv_cr_only", "mac.csv", lambda: csv_bytes(_rows(BAD_NUMBERS)).replace(b"\r\n", b"\r"),
          "old Mac line ends (CR only)"),
    Entry("csv_ragged_rows", "ragged.csv",
          lambda: csv_bytes([["1"], ["1", "2", "3"] * 20, [], ["only"]]), "rows of every length"),
]

BY_NAME = {e.name: e for e in ENTRIES}


def build(entry: Entry, *, limit: int) -> bytes:
    return entry.build(limit) if entry.lazy else entry.build()


def corpus(*, limit: int) -> dict[str, bytes]:
    """Every entry's bytes except the lazy ones (made when used, by `build`)."""
    return {e.name: e.build() for e in ENTRIES if not e.lazy}
