"""Reading a spreadsheet so that no file can take the process down.

`read_grid(name, data, sheet=...)` gives the used area of one sheet of an xlsx, or of a
csv, as rows of Python values, after checking it against the limits in settings
(`sheet_limits`, from the UPLOAD_* settings): rows, columns, cells, the workbook's size once unpacked, the length of
one cell, and the memory and CPU time the reading may take.

- An xlsx is read in a child process (core/sheet_reader.py) whose address space and CPU
  time are capped before it opens the file. python-calamine is Rust, and Rust aborts the
  process when an allocation fails; in the child, that ends only the child, and the
  upload gets a message. The child checks the sheet's declared dimension and its largest
  row and column before any cell is read, inflates every part of the zip counting what it
  really holds, refuses macros, finds formulas without a saved result, and reads only the
  used area.
- Only a visible sheet is read unless the person chose one by name: the first visible
  sheet by default, so data hidden in a workbook is never loaded by accident.
- A csv is read here, streaming, and stops at the first row past a limit. Its encoding
  (UTF-8 with or without a byte order mark, UTF-16, Windows-1252) and its delimiter
  (comma, semicolon, tab) are detected, and `Grid.notes` says what was found; where they
  cannot be told apart the file is refused with a message that says so.

Every refusal is an `UploadError` whose message names the sheet, row and column where
there is one.
"""
import codecs
import csv
import hashlib
import io
import itertools
import logging
import pickle
import subprocess
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from core.child_process import KILLED, run_child
from core.sheet_reader import TOO_BIG_FOR_MEMORY, cell_name

READER = Path(__file__).with_name("sheet_reader.py")
logger = logging.getLogger(__name__)

SETTING_NAMES = {
    "rows": "UPLOAD_MAX_ROWS",
    "columns": "UPLOAD_MAX_COLUMNS",
    "cells": "UPLOAD_MAX_CELLS",
    "unzipped_bytes": "UPLOAD_MAX_UNZIPPED_BYTES",
    "cell_characters": "UPLOAD_MAX_CELL_CHARACTERS",
    "reader_memory_bytes": "UPLOAD_READER_MEMORY_BYTES",
    "reader_seconds": "UPLOAD_READER_SECONDS",
}
CSV_DELIMITERS = {",": "commas", ";": "semicolons", "\t": "tabs"}
SNIFF_BYTES = 64 * 1024


class SheetError(Exception):
    """A file that is not read. core.uploads turns it into an UploadError."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class SheetInfo:
    name: str
    state: str  # "visible", "hidden" or "very hidden"

    @property
    def visible(self) -> bool:
        return self.state == "visible"


@dataclass
class Grid:
    """The used area of one sheet. `rows[i][j]` is the cell at spreadsheet row
    `first_row + i` and column `first_column + j` (both counted from 1): dates as date or
    datetime, numbers as float or int, text as str, an empty cell as "" (csv: all text)."""

    rows: list[list]
    first_row: int = 1
    first_column: int = 1
    sheet: str | None = None
    sheets: list[SheetInfo] = field(default_factory=list)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # (row, col, row, col), from 1
    formulas_without_value: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # The same cells column by column, when the reader had them so (a csv read with
    # columns=True): every column is as long as the sheet, short rows padded with "".
    columns: list[list[str]] | None = None


class ColumnRows(Sequence):
    """The rows of cells held column by column: a row is made only when asked for (finding
    the header looks at the first few; the column path never asks for the rest)."""

    def __init__(self, columns: list[list[str]]):
        self.columns = columns
        self.height = len(columns[0]) if columns else 0

    def __len__(self) -> int:
        return self.height

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [list(r) for r in zip(*(c[i] for c in self.columns), strict=True)]
        return [c[i] for c in self.columns]


def sheet_limits() -> dict:
    """The limits in force, from the settings (config/settings/base.py sets the defaults,
    each of which the environment can change)."""
    return {key: int(getattr(settings, name)) for key, name in SETTING_NAMES.items()}


def limits_text() -> str:
    """The limits as the upload page states them."""
    limits = sheet_limits()
    return (f"Files can have up to {limits['rows']:,} rows and {limits['columns']:,} columns "
            f"({limits['cells']:,} cells in all), with up to {limits['cell_characters']:,} characters "
            "in a cell.")


# --- xlsx, in the child process -----------------------------------------------------------

# What the reader answered for the last few small files, so the several reads of one
# upload's pages (arrival, mapping, preview, commit) start one child, not six. Bounded:
# only files up to CACHE_FILE_BYTES, at most CACHE_ENTRIES answers and CACHE_BYTES in all,
# kept as the child's pickled answer (a fresh copy for every caller). The key holds the
# limits, so a change of settings reads again.
CACHE_FILE_BYTES = 2 * 1024 * 1024
CACHE_ENTRIES = 8
CACHE_BYTES = 32 * 1024 * 1024
_answers: OrderedDict[tuple, bytes] = OrderedDict()
_answers_lock = threading.Lock()


def _cached_answer(key: tuple) -> bytes | None:
    with _answers_lock:
        found = _answers.get(key)
        if found is not None:
            _answers.move_to_end(key)
        return found


def _keep_answer(key: tuple, answer: bytes) -> None:
    with _answers_lock:
        _answers[key] = answer
        while len(_answers) > CACHE_ENTRIES or sum(map(len, _answers.values())) > CACHE_BYTES:
            _answers.popitem(last=False)


def _run_reader(request: dict, limits: dict) -> dict:
    small = len(request["data"]) <= CACHE_FILE_BYTES
    key = None
    if small:
        # A small file's cells are cheap to send back, so they always are: one answer then
        # serves a check (rows=False) and a read alike.
        request = {**request, "rows": True}
        key = (hashlib.sha256(request["data"]).digest(), request["sheet"], tuple(sorted(limits.items())))
        cached = _cached_answer(key)
        if cached is not None:
            return _answer(cached)
    answer, settled = _spawn_reader(request, limits)
    if key is not None and settled and len(answer) <= CACHE_BYTES // 4:
        _keep_answer(key, answer)
    return _answer(answer)


class _AnswerUnpickler(pickle.Unpickler):
    """The child's answer is plain data: lists, dicts, text, numbers, and cells that are
    dates or times. Nothing else may be rebuilt from it, so that a child made to misbehave
    by a file cannot have this process run anything."""

    ALLOWED = {("datetime", name) for name in ("date", "datetime", "time", "timedelta", "timezone")}

    def find_class(self, module: str, name: str):
        if (module, name) not in self.ALLOWED:
            raise pickle.UnpicklingError(f"The reader's answer may not hold {module}.{name}")
        return super().find_class(module, name)


def _answer(raw: bytes) -> dict:
    answer = _AnswerUnpickler(io.BytesIO(raw)).load()
    if not isinstance(answer, dict):
        raise pickle.UnpicklingError("The reader's answer is not a record")
    if answer.get("error"):
        raise SheetError(answer["error"])
    return answer


def _spawn_reader(request: dict, limits: dict) -> tuple[bytes, bool]:
    """The child's pickled answer (a refusal is an answer too: {"error": message}), and
    whether the child settled it itself (not a crash or a kill, which are not kept)."""
    payload = pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL)
    too_slow = ("The workbook took too long to read. Save the data in a new workbook, or as CSV, "
                "and upload that.")
    try:
        done = run_child(READER, payload, timeout=limits["reader_seconds"] + 10)
    except subprocess.TimeoutExpired:
        raise SheetError(too_slow) from None
    except OSError:
        # The machine could not start the reader (no free process slots, say): nothing
        # about the file, so the person is asked to try again.
        logger.exception("The spreadsheet reader could not be started")
        raise SheetError("The file could not be read just now because the server is busy. Try again "
                         "in a few minutes.") from None
    if done.returncode == 0 and done.stdout:
        return done.stdout, True
    if done.returncode in KILLED:
        raise SheetError(too_slow)
    if done.returncode > 0:
        # Python itself failed in the child (the reader's own fault, not the file's).
        logger.error("The spreadsheet reader failed: %s", done.stderr.decode(errors="replace")[-2000:])
        raise SheetError("The file could not be read because of a fault in Insource. Try again; if it "
                         "fails again, tell your administrator.")
    # A Rust abort (SIGABRT) or a crash on a signal: in practice the file asked for more
    # memory than the reader may have.
    return pickle.dumps({"error": TOO_BIG_FOR_MEMORY}), False


STATES = {"Visible": "visible", "Hidden": "hidden", "VeryHidden": "very hidden"}


def _read_xlsx(data: bytes, sheet: str | None, *, rows: bool) -> Grid:
    limits = sheet_limits()
    answer = _run_reader({"data": data, "sheet": sheet, "limits": limits, "rows": rows}, limits)
    sheets = [SheetInfo(name, STATES.get(state, "hidden")) for name, state in answer["sheets"]]
    grid = Grid(rows=answer["rows"] or [], first_row=answer["first_row"], first_column=answer["first_column"],
                sheet=answer["sheet"], sheets=sheets, merged=answer["merged"],
                formulas_without_value=answer["formulas_without_value"])
    if answer["formulas_without_value"]:
        cells = answer["formulas_without_value"]
        shown = ", ".join(cells[:10]) + (f" and {len(cells) - 10:,} more" if len(cells) > 10 else "")
        raise SheetError(f"The sheet '{grid.sheet}' has formulas with no saved result in "
                         f"{'cell' if len(cells) == 1 else 'cells'} {shown}. Open the file in Excel, "
                         "let it calculate, save it and upload it again (or paste the values in place "
                         "of the formulas).")
    return grid


# --- csv, here, streaming -----------------------------------------------------------------

def _decode(data: bytes) -> tuple[str, str]:
    """The text of a csv and the name of its encoding, as a person knows it (the whole
    text at once: used for UTF-16 and for a file with NUL bytes; other files are read
    streaming, see `_csv_sources`)."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8", errors="strict"), "UTF-8"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            raise SheetError("The file says it is UTF-16 text but is not. Save it from Excel as "
                             "\"CSV UTF-8 (Comma delimited)\" and upload it again.") from None
    head = data[:SNIFF_BYTES]
    # UTF-16 without a byte order mark: every other byte of plain text is zero.
    if len(head) >= 4 and head[1::2].count(0) > 0.4 * len(head[1::2]):
        try:
            return data.decode("utf-16-le"), "UTF-16"
        except UnicodeDecodeError:
            pass
    if len(head) >= 4 and head[0::2].count(0) > 0.4 * len(head[0::2]):
        try:
            return data.decode("utf-16-be"), "UTF-16"
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        raise SheetError(UNKNOWN_ENCODING) from None


UNKNOWN_ENCODING = ("We could not tell which character encoding the file uses (it is not UTF-8, UTF-16 "
                    "or Windows-1252). Save it from Excel as \"CSV UTF-8 (Comma delimited)\" and upload "
                    "it again.")


def _csv_sources(data: bytes) -> list[tuple[str | None, str]]:
    """How to read the file's text, in the order to try: (codec, encoding's name), where a
    codec of None means the whole text is decoded at once by `_decode` (UTF-16, or a file
    with NUL bytes, which is refused in the words `_decode` leads to). Otherwise the text
    is decoded as the csv module reads it, so no copy of the whole file is made; UTF-8 is
    tried first and, when a byte further on turns out not to be UTF-8, Windows-1252 next,
    which is what decoding the whole file first would have chosen."""
    if b"\x00" in data or data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return [(None, "")]
    if data.startswith(codecs.BOM_UTF8):
        return [("utf-8-sig", "UTF-8")]
    return [("utf-8", "UTF-8"), ("cp1252", "Windows-1252")]


def _delimiter(text: str) -> str:
    """Comma, semicolon or tab: the one that splits the first lines into the same number of
    columns, more than one. Refuses a file where two would do equally well."""
    lines = [line for line in text[:SNIFF_BYTES].splitlines()[:20] if line.strip()]
    if not lines:
        return ","
    scores = {}
    for candidate in CSV_DELIMITERS:
        try:
            counts = [len(r) for r in csv.reader(lines, delimiter=candidate)]
        except csv.Error:
            continue
        if counts and counts[0] > 1:
            # How many lines agree with the header's count of columns, then how many columns.
            scores[candidate] = (sum(c == counts[0] for c in counts), counts[0])
    if not scores:
        return ","  # one column: the mapping page says which columns are missing
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        names = " or ".join(CSV_DELIMITERS[d] for d, _ in ranked[:2])
        raise SheetError(f"We could not tell whether the columns of this file are separated by {names}. "
                         "Save it from Excel as \"CSV UTF-8 (Comma delimited)\" and upload it again.")
    return ranked[0][0]


# Rows the csv module reads between two checks of the limits: the checks then run in C
# over a block (a row past a limit is looked for row by row only in the block that has it).
CSV_BLOCK_ROWS = 2000


def _read_csv(data: bytes, *, columns: bool = False) -> Grid:
    limits = sheet_limits()
    sources = _csv_sources(data)
    for k, (codec, encoding) in enumerate(sources):
        if codec is None:
            text, encoding = _decode(data)
            if "\x00" in text:
                raise SheetError("The file is not a CSV text file (it holds NUL characters). Check that you "
                                 "chose the right file, or save it from Excel as \"CSV UTF-8 (Comma "
                                 "delimited)\".")
            head, stream = text[:SNIFF_BYTES], io.StringIO(text, newline="")
        else:
            stream = io.TextIOWrapper(io.BytesIO(data), encoding=codec, errors="strict", newline="")
        try:
            if codec is not None:
                # Four bytes a character at most, so this holds SNIFF_BYTES characters.
                head = codecs.getincrementaldecoder(codec)().decode(data[:4 * SNIFF_BYTES])[:SNIFF_BYTES]
            delimiter = _delimiter(head)
            cells = None
            if columns:
                source = io.StringIO(text, newline="") if codec is None else io.BytesIO(data)
                cells = _csv_columns(source, codec, head, delimiter, limits)
            if cells is None:
                rows = _csv_rows(stream, delimiter, limits)
        except UnicodeDecodeError:
            if k + 1 < len(sources):
                continue
            raise SheetError(UNKNOWN_ENCODING) from None
        notes = [f"Read as {encoding} text with columns separated by {CSV_DELIMITERS[delimiter]}."]
        if cells is not None:
            return Grid(rows=ColumnRows(cells), notes=notes, columns=cells)
        return Grid(rows=rows, notes=notes)
    raise SheetError(UNKNOWN_ENCODING)  # pragma: no cover - the last source answers or raises


def _csv_columns(source, codec: str | None, head: str, delimiter: str, limits: dict) -> list[list[str]] | None:
    """The csv's cells column by column, read by pandas' C parser: about twice as fast as
    the csv module, and the columns need no transposing. Where the parser would read the
    file otherwise than the csv module does (a row longer than the first, a quote left
    open), or the file passes a limit, the answer is None: the csv module then reads it,
    and gives the exact message. A row shorter than the first is padded with "", which is
    what the column path does with it anyway; the columns past the header's last cell
    (found by the csv module in the first lines, `head`) are left out, as that path leaves
    them out."""
    import pandas as pd

    header = _first_filled_record(head, delimiter)
    if header is None or head.startswith("\ufeff"):
        return None  # no header whole in the first lines: the csv module reads the file
    try:
        frame = pd.read_csv(source, header=None, dtype=object, na_filter=False, skip_blank_lines=False,
                            engine="c", sep=delimiter, quotechar='"', doublequote=True, low_memory=False,
                            nrows=limits["rows"] + 2, encoding=codec, encoding_errors="strict")
    except UnicodeDecodeError:
        raise
    except Exception:  # noqa: BLE001 - whatever the parser refuses, the csv module reads exactly
        return None
    height, width = frame.shape
    if len(header) > width:
        return None
    if height > limits["rows"] + 1 or width > limits["columns"] or height * width > limits["cells"]:
        return None
    cells = [frame[c].tolist() for c in frame.columns]
    longest = limits["cell_characters"]
    if any(max(map(len, column), default=0) > longest for column in cells):
        return None
    return cells[:len(header)]


def _first_filled_record(head: str, delimiter: str) -> list[str] | None:
    """The first record with something in it, as the csv module reads it from the start of
    the file, when it is whole there (the head is the whole file, or another record
    follows it)."""
    records = csv.reader(io.StringIO(head, newline=""), delimiter=delimiter)
    try:
        for record in records:
            if any(record):
                whole = len(head) < SNIFF_BYTES or next(records, None) is not None
                return record if whole else None
    except csv.Error:
        return None
    return None


def _csv_rows(stream, delimiter: str, limits: dict) -> list[list[str]]:
    """Every row of the csv, stopping at the first one past a limit."""
    reader = csv.reader(stream, delimiter=delimiter)
    rows: list[list[str]] = []
    cells = 0
    longest = limits["cell_characters"]
    most_rows = limits["rows"] + 1  # the header row is not counted
    old_limit = csv.field_size_limit()
    csv.field_size_limit(longest + 1)
    try:
        while block := list(itertools.islice(reader, CSV_BLOCK_ROWS)):
            sizes = list(map(len, block))
            if (len(rows) + len(block) > most_rows or max(sizes) > limits["columns"]
                    or cells + sum(sizes) > limits["cells"]):
                _csv_limit_passed(block, len(rows), cells, limits)
            cells += sum(sizes)
            rows += block
    except csv.Error as exc:
        line = reader.line_num
        if "field larger than field limit" in str(exc):
            raise SheetError(f"Row {line} of the file holds a cell longer than {longest:,} characters, "
                             "the most a cell can hold.") from None
        raise SheetError(f"Row {line} of the file could not be read as CSV ({exc}). Check its quotes "
                         "and save it from Excel again.") from None
    finally:
        csv.field_size_limit(old_limit)
    return rows


def _csv_limit_passed(block: list, before: int, cells: int, limits: dict) -> None:
    """The refusal for the first row of `block` past a limit (rows, columns or cells, checked
    in that order for each row, as the file is read)."""
    for number, values in enumerate(block, start=before + 1):
        if number > limits["rows"] + 1:
            raise SheetError(f"The file has more than {limits['rows']:,} rows; files up to "
                             f"{limits['rows']:,} rows can be loaded. Split it into smaller files.")
        if len(values) > limits["columns"]:
            raise SheetError(f"Row {number} of the file has {len(values):,} columns; files up to "
                             f"{limits['columns']:,} columns can be loaded.")
        cells += len(values)
        if cells > limits["cells"]:
            raise SheetError(f"The file has more than {limits['cells']:,} cells; split it into "
                             "smaller files.")


# --- Either -------------------------------------------------------------------------------

def read_grid(name: str, data: bytes, *, sheet: str | None = None, rows: bool = True,
              columns: bool = False) -> Grid:
    """The used area of a csv, or of one sheet of an xlsx (the named one, else the first
    visible one), checked against the limits. With rows=False an xlsx is checked in full
    but its cells are not sent back (a file received is checked this way before it is kept).
    With columns=True a csv's cells come column by column too (`Grid.columns`), for the
    column path of core.uploads."""
    if name.lower().endswith(".csv"):
        return _read_csv(data, columns=columns)
    return _read_xlsx(data, sheet, rows=rows)


def merged_problem(grid: Grid, header_row: int) -> str | None:
    """A message when merged cells stand in the header row or below it (a merge above the
    header, such as a title, is harmless)."""
    for r0, c0, r1, c1 in grid.merged:
        if r1 >= header_row:
            span = f"{cell_name(r0, c0)}:{cell_name(r1, c1)}"
            return (f"The sheet '{grid.sheet}' has merged cells at {span}. Unmerge them in Excel "
                    "(Home > Merge & Center > Unmerge Cells), fill in each cell, and upload the file again.")
    return None
