"""Spreadsheet exports. Every cell a user typed goes through `safe_cell`, so a value
that a spreadsheet would run as a formula is written as text instead."""
import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_cell(value):
    """Neutralise text that a spreadsheet would treat as a formula (CSV/formula
    injection): prefix it with an apostrophe so it is shown as typed."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _plain(value):
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    if isinstance(value, Decimal):
        return value
    return safe_cell(value)


def xlsx_bytes(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence]]]) -> bytes:
    """Write sheets of (title, headers, rows) to an xlsx workbook."""
    wb = Workbook()
    wb.remove(wb.active)
    for title, headers, rows in sheets:
        ws = wb.create_sheet(title=title[:31])
        ws.append(list(headers))
        for cell in ws[1]:
            cell.font = Font(bold=True)
        widths = [len(h) for h in headers]
        for row in rows:
            values = [_plain(v) for v in row]
            ws.append(values)
            for i, v in enumerate(values):
                widths[i] = max(widths[i], min(60, len(str(v)) if v is not None else 0))
            for i, v in enumerate(values, start=1):
                if isinstance(v, date):
                    ws.cell(row=ws.max_row, column=i).number_format = "dd/mm/yyyy"
        for i, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = w + 2
        ws.freeze_panes = "A2"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def csv_text(headers: Sequence[str], rows: Iterable[Sequence]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return buffer.getvalue()
