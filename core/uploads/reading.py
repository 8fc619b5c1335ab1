"""Reading a checked file into a table: every cell as the text a form field expects
(`read_table`, `read_grid_table`), or column by column as the file has it for the fast
path (`read_raw_table`). The bounded reading itself is core.sheets'."""
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time

import pandas as pd

from core.sheets import Grid, SheetError, SheetInfo, merged_problem, read_grid
from core.uploads.spec import UploadError


class TableRow(dict):
    """A row of the file as {header: text}, remembering its row number in the spreadsheet
    (the header is row 1, so the first data row is row 2)."""

    def __init__(self, number: int, values: dict, sheet: str | None = None):
        super().__init__(values)
        self.number = number
        self.sheet = sheet

    @property
    def cells(self) -> list[str]:
        return list(self.values())


@dataclass
class RawTable:
    """A sheet read column by column without turning cells into text (the fast path):
    `columns[header]` holds the values (a sequence) as the file has them — dates as date or datetime,
    numbers as int or float, text as str, an empty cell as "" — and `numbers[i]` the
    spreadsheet row number of the i-th row. Fully empty rows are already left out."""

    headers: list[str]
    columns: dict[str, Sequence]
    numbers: list[int]
    sheet: str | None = None
    # The workbook's sheets (to choose another) and what reading a csv detected.
    sheets: list[SheetInfo] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.numbers)

    def text_row(self, i: int) -> TableRow:
        """Row i as text, as read_table would give it (for showing in a preview)."""
        return TableRow(self.numbers[i], {h: _text(self.columns[h][i]) for h in self.headers},
                        self.sheet)


def _text(value) -> str:
    """A cell as the text a form field expects."""
    if type(value) is str:  # most cells, so looked at first
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, pd.Timestamp):
        if pd.isna(value):
            return ""
        value = value.to_pydatetime()
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.replace(tzinfo=None).isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return str(value).strip()


# Public name for apps whose bulk validators turn a raw cell into text the way a row form
# would receive it.
cell_text = _text


def _headers(raw: Iterable) -> list[str]:
    headers, seen = [], {}
    for i, h in enumerate(raw, start=1):
        text = " ".join(_text(h).split()) or f"Column {i}"
        seen[text] = seen.get(text, 0) + 1
        headers.append(text if seen[text] == 1 else f"{text} ({seen[text]})")
    return headers


def _grid_headers(grid: Grid, at: int) -> list[str]:
    """The headers of row `at`, noting on the grid any heading that stands on more than one
    column (the later ones get "(2)", "(3)": the person chooses which holds what)."""
    texts = [" ".join(_text(h).split()) for h in grid.rows[at]]
    for text, n in Counter(t for t in texts if t).items():
        if n > 1:
            grid.notes.append(f"{n} columns are headed \u201c{text}\u201d; the later ones are shown as "
                              f"\u201c{text} (2)\u201d{' and so on' if n > 2 else ''}. Check which one "
                              "holds each item.")
    return _headers(grid.rows[at])


def _grid(name: str, data: bytes, sheet: str | None, *, columns: bool = False) -> Grid:
    try:
        return read_grid(name, data, sheet=sheet, columns=columns)
    except SheetError as exc:
        raise UploadError(exc.message) from None


def _header_index(grid: Grid) -> int:
    """Where the header is: the first row with anything in it. Rows above it are left out
    but still counted, so row numbers match what the person sees in Excel."""
    for i, values in enumerate(grid.rows):
        if any(not _is_blank(v) and _text(v) for v in values):
            problem = merged_problem(grid, grid.first_row + i)
            if problem:
                raise UploadError(problem)
            return i
    raise UploadError(f"The sheet '{grid.sheet}' is empty." if grid.sheet else "The selected file is empty.")


def read_grid_table(name: str, data: bytes, *, sheet: str | None = None) -> tuple[list[str], list[TableRow], Grid]:
    """read_table, also giving the Grid it read (which sheet, the others, what was detected)."""
    grid = _grid(name, data, sheet)
    at = _header_index(grid)
    headers = _grid_headers(grid, at)
    rows = []
    for i in range(at + 1, len(grid.rows)):
        texts = [_text(v) for v in grid.rows[i]]
        if not any(texts):
            continue
        rows.append(TableRow(grid.first_row + i, dict(zip(headers, texts, strict=False)), grid.sheet))
    return headers, rows, grid


def read_table(name: str, data: bytes, *, sheet: str | None = None) -> tuple[list[str], list[TableRow]]:
    """Read the first visible sheet (or `sheet`) of an xlsx, or a csv, into headers and rows.

    Every value is text, as a form field expects it: dates as yyyy-mm-dd, whole numbers
    without ".0", and text exactly as typed (a cell like "=SUM(A1)" stays text). Fully
    empty rows are skipped, and every row keeps its spreadsheet row number. The reading is
    bounded (see core.sheets): a file past the limits is refused with a message.
    """
    headers, rows, _grid_read = read_grid_table(name, data, sheet=sheet)
    return headers, rows


def _is_blank(value) -> bool:
    return value is None or value == "" or (isinstance(value, float) and math.isnan(value))


# Rows turned into columns a block at a time: one zip(*rows) over 100,000 rows takes more
# than twice as long as the same work done in blocks (it builds a 100,000-argument call
# and steps 100,000 iterators side by side).
TRANSPOSE_BLOCK_ROWS = 1000


def _columns_of(body: list, width: int) -> list[list]:
    """The columns of rows that are all `width` cells long."""
    columns: list[list] = [[] for _ in range(width)]
    for start in range(0, len(body), TRANSPOSE_BLOCK_ROWS):
        for column, part in zip(columns, zip(*body[start:start + TRANSPOSE_BLOCK_ROWS], strict=True),
                                strict=True):
            column.extend(part)
    return columns


def _body_columns(cells: list[list[str]], start: int, width: int, first: int) -> tuple[list[int], list[list]]:
    """The row numbers and the `width` columns of a csv's body read column by column (from
    row `start` of the cells), without its blank rows: the same as the rows path gives."""
    columns = [c[start:] for c in cells[:width]]
    height = len(columns[0])
    columns += [[""] * height for _ in range(width - len(columns))]
    # A blank row is blank in every column: the rows blank in the first are the only
    # candidates, and each further column can only remove some.
    blank = [i for i, v in enumerate(columns[0]) if not v] if columns else []
    for column in columns[1:]:
        if not blank:
            break
        blank = [i for i in blank if not column[i]]
    if not blank:
        return list(range(first, first + height)), columns
    skip = set(blank)
    keep = [i for i in range(height) if i not in skip]
    return [first + i for i in keep], [[column[i] for i in keep] for column in columns]


def read_raw_table(name: str, data: bytes, *, sheet: str | None = None) -> RawTable:
    """Read the first visible sheet (or `sheet`) of an xlsx, or a csv, column by column,
    leaving each cell as the file has it (see RawTable). The same rows as read_table, with
    the same numbers; only the per-cell conversion to text is skipped, so a 100,000-row
    ledger reads in about the time python-calamine itself takes. A csv's cells are text
    already."""
    grid = _grid(name, data, sheet, columns=True)
    header_at = _header_index(grid)
    headers = _grid_headers(grid, header_at)
    width = len(headers)
    first = grid.first_row + header_at + 1
    if grid.columns is not None:
        numbers, columns = _body_columns(grid.columns, header_at + 1, width, first)
        return RawTable(headers=headers, columns=dict(zip(headers, columns, strict=True)), numbers=numbers,
                        sheet=grid.sheet, sheets=grid.sheets, notes=grid.notes)
    body = grid.rows[header_at + 1:]
    # Testing rows in C (map(any, ...), list.count) rather than cell by cell in Python:
    # any() stops at the first cell with something truthy in it, so only a row with none
    # (a blank row, or one of zeros) is counted cell by cell, and most sheets have none.
    filled = list(map(any, body))
    blank = [] if False not in filled else [
        i for i, values in enumerate(body)
        if not filled[i] and values.count("") + values.count(None) == len(values)]
    if blank:
        skip = set(blank)
        numbers = [first + i for i in range(len(body)) if i not in skip]
        body = [values for i, values in enumerate(body) if i not in skip]
    else:
        numbers = list(range(first, first + len(body)))
    if set(map(len, body)) - {width}:
        body = [(list(values) + [""] * width)[:width] for values in body]
    columns = _columns_of(body, width)
    return RawTable(headers=headers, columns=dict(zip(headers, columns, strict=True)), numbers=numbers,
                    sheet=grid.sheet, sheets=grid.sheets, notes=grid.notes)
