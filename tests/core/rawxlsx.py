"""Workbooks written part by part, for the tests of reading: openpyxl writes only valid
files, and these tests need sheets that claim, hide or hold what a real one would not."""
import io
import zipfile
from xml.sax.saxutils import escape, quoteattr

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"


def cells_xml(rows: list[list], *, first_row: int = 1) -> str:
    """<sheetData> rows from Python values: str as inline strings, numbers as numbers,
    a (formula, cached) tuple as a formula cell (cached None: no saved result)."""
    from core.sheet_reader import cell_name

    out = []
    for i, values in enumerate(rows):
        r = first_row + i
        cells = []
        for j, v in enumerate(values):
            ref = cell_name(r, j + 1)
            if v is None or v == "":
                continue
            if isinstance(v, tuple):
                formula, cached = v
                value = "" if cached is None else f"<v>{cached}</v>"
                cells.append(f'<c r="{ref}"><f>{escape(formula)}</f>{value}</c>')
            elif isinstance(v, str):
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{escape(v)}</t></is></c>')
            else:
                cells.append(f'<c r="{ref}"><v>{v}</v></c>')
        out.append(f'<row r="{r}">{"".join(cells)}</row>')
    return "".join(out)


def sheet_xml(data: str, *, dimension: str | None = None, merged: list[str] = ()) -> str:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    merges = (f'<mergeCells count="{len(merged)}">' + "".join(f'<mergeCell ref="{m}"/>' for m in merged)
              + "</mergeCells>") if merged else ""
    return (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">{dim}'
            f"<sheetData>{data}</sheetData>{merges}</worksheet>")


def workbook(sheets: list[tuple[str, str | None, str]], *, extra: dict[str, bytes] | None = None) -> bytes:
    """An xlsx from (name, state or None, sheet XML) triples."""
    out = io.BytesIO()
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, len(sheets) + 1))
    entries = "".join(
        f'<sheet name={quoteattr(name)} sheetId="{i}"{f" state={quoteattr(state)}" if state else ""} r:id="rId{i}"/>'
        for i, (name, state, _xml) in enumerate(sheets, start=1))
    rels = "".join(f'<Relationship Id="rId{i}" Type="{REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                   for i in range(1, len(sheets) + 1))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            f"{overrides}</Types>"))
        z.writestr("_rels/.rels", f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG}">'
                                  f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
                                  "</Relationships>")
        z.writestr("xl/workbook.xml", f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" '
                                      f'xmlns:r="{REL}"><sheets>{entries}</sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels",
                   f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG}">{rels}</Relationships>')
        for i, (_name, _state, xml) in enumerate(sheets, start=1):
            z.writestr(f"xl/worksheets/sheet{i}.xml", xml)
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return out.getvalue()


def one_sheet(rows: list[list], name: str = "Data", **kwargs) -> bytes:
    return workbook([(name, None, sheet_xml(cells_xml(rows), **kwargs))])
