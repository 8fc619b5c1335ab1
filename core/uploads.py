"""The one way to upload a spreadsheet: check → read → map → validate every row → write all.

A domain app describes an upload kind with an `UploadSpec` (its columns, the form that
validates one row — the same form its page uses — and how to write and remove the rows)
and registers it with `upload_spec`, usually in its AppConfig.ready. Its views then call:

    upload = upload_receive(target=programme, kind=KIND, uploaded_file=f, user=user)
    preview = upload_preview(upload=upload, form_kwargs={"programme": programme})
    outcome = upload_commit(upload=upload, user=user, form_kwargs={...}, write_ctx={...})
    upload_rollback(upload=upload, user=user)

The file is checked before anything opens it (size; for xlsx, that it is a zip whose
declared uncompressed size and entry count are sane — an xlsx is a zip, and a zip bomb
would otherwise fill memory). defusedxml is installed, so openpyxl refuses XML bombs;
the reading itself is done by python-calamine through pandas, which parses no XML
entities. Core imports no domain app: the spec brings everything domain-specific.

Big files (a 100,000-line ledger export) take a fast path when their spec asks for it:
`raw_read` reads the sheet column by column without turning each cell into text
(`read_raw_table`), and `bulk_validate` checks the whole table at once with the same rules
and messages as the row form (`validate_table`), returning warnings as well as errors.
Every other spec goes through the row form exactly as before.
"""
import gc
import hashlib
import io
import math
import re
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

import pandas as pd
from django import forms
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone

from core.formats import label_noun, long_date, money
from core.models import ColumnMapping, Upload
from core.protection import refusal_message
from core.sheets import Grid, SheetError, SheetInfo, limits_text, merged_problem, read_grid, sheet_limits

ALLOWED_EXTENSIONS = (".xlsx", ".csv")
# Files people do send, refused with what to do instead.
REFUSED_EXTENSIONS = {
    ".xls": ("The selected file is an Excel 97-2003 workbook (.xls), which cannot be read. Open it in "
             "Excel and save it as \"Excel Workbook (.xlsx)\", then upload that."),
    ".xlsm": ("The selected file is a workbook with macros (.xlsm). Save it in Excel as \"Excel Workbook "
              "(.xlsx)\", which removes the macros, and upload that."),
    ".xlsb": ("The selected file is an Excel binary workbook (.xlsb), which cannot be read. Save it in "
              "Excel as \"Excel Workbook (.xlsx)\" and upload that."),
    ".ods": ("The selected file is an OpenDocument spreadsheet (.ods). Save it as \"Excel Workbook "
             "(.xlsx)\" or as CSV, and upload that."),
}
# The first bytes of an OLE container: an .xls, or a password-protected workbook.
OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
# How many parts an xlsx's zip may list, checked before it is opened. (What the parts may
# hold once unpacked is the UPLOAD_MAX_UNZIPPED_BYTES limit of core.sheets.)
XLSX_MAX_ENTRIES = 1000
PREVIEW_ROWS = 20


class UploadError(Exception):
    """A file we will not read or load; the message says what to do about it."""

    def __init__(self, message: str, errors: list["RowError"] | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or []


@dataclass(frozen=True)
class ColumnSpec:
    """One column an upload expects. `name` is the row form's field name."""

    name: str
    label: str
    required: bool = True
    aliases: tuple[str, ...] = ()
    # How the preview shows the column ("money", "date", "yes_no"), where the row form's
    # field does not say it already (a DateField is shown as a date without being told).
    display: str = ""
    # A value for the example row of the downloadable template ("" for none).
    example: Any = ""


@dataclass(frozen=True)
class UploadSpec:
    """What a domain app tells the pipeline about one upload kind.

    form_class: validates ONE row, built as `form_class(data=row, **form_kwargs)`.
    write(*, upload, rows, user, **ctx) -> int: creates the rows (linked to `upload`).
    rollback(*, upload, user): removes the rows that `upload` created.
    """

    kind: str
    columns: tuple[ColumnSpec, ...]
    form_class: type[forms.BaseForm]
    write: Callable[..., int]
    rollback: Callable[..., None]
    label: str = ""
    # Optional fast path for big files (a ledger of 100,000 rows): a validator that takes
    # the whole table at once, column by column, applying the same rules and messages as
    # `form_class` (an app tests that the two agree). Called as
    # `bulk_validate(table=RawTable, columns={field: values or None}, mapping={field: header
    # or None}, form_kwargs=...)` and
    # returns a BulkResult, whose `cleaned` is what `write` then gets as `rows`.
    bulk_validate: Callable[..., "BulkResult"] | None = None
    # With bulk_validate: read the file without turning every cell into text first (dates
    # stay dates, numbers numbers), which is most of the time a big file takes to read.
    raw_read: bool = False

    def column(self, name: str) -> ColumnSpec:
        return next(c for c in self.columns if c.name == name)


@dataclass(frozen=True)
class RowError:
    """One problem: its spreadsheet row (None for the file as a whole), the header of the
    column it came from (None when it is about the row, not a cell), the field, the message."""

    row: int | None
    column_header: str | None
    field: str | None
    message: str
    sheet: str | None = None  # the workbook sheet the row is on (None for csv)

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column_header, "field": self.field,
                "message": self.message, "sheet": self.sheet}


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


@dataclass
class BulkResult:
    """What a spec's bulk validator found: `cleaned` (anything its `write` understands),
    the errors (nothing can be loaded while there are any) and warnings (shown in the
    preview and kept on the upload; the file loads only once the person confirms them).

    When `write` will not load every row of the sheet, `cleaned` says so: its `load_count`
    is how many rows it loads and its `count_notes` ({what they are: how many}) account
    for the others, so the preview's numbers add up to the rows in the file."""

    cleaned: Any
    errors: list[RowError]
    warnings: list[RowError] = field(default_factory=list)


@dataclass
class Preview:
    headers: list[str]
    mapping: dict[str, str | None]
    rows: list[TableRow]
    cleaned: list[dict]
    errors: list[RowError]
    # On the fast path only the first rows are kept as text (`rows`); this is how many the
    # file has. None means `rows` holds them all.
    total_rows: int | None = None
    warnings: list[RowError] = field(default_factory=list)
    # The workbook's sheets, the one read, and what reading a csv detected (its encoding
    # and delimiter), for the page to say.
    sheets: list[SheetInfo] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    sheet_read: str | None = None

    @property
    def row_count(self) -> int:
        return len(self.rows) if self.total_rows is None else self.total_rows

    @property
    def sheet(self) -> str | None:
        """The workbook sheet the rows came from (None for csv)."""
        return self.sheet_read or (self.rows[0].sheet if self.rows else None)

    @property
    def first_rows(self) -> list[TableRow]:
        return self.rows[:PREVIEW_ROWS]

    @property
    def can_commit(self) -> bool:
        return bool(self.row_count) and not self.errors

    # The one source of every number the preview pages show.

    @property
    def load_count(self) -> int:
        """How many rows a commit would load now (0 while there are errors)."""
        if not self.can_commit:
            return 0
        given = getattr(self.cleaned, "load_count", None)
        return self.row_count if given is None else given

    @property
    def count_notes(self) -> list[tuple[str, int]]:
        """The rows of the file that are neither loaded nor in error, by what they are."""
        if not self.can_commit:
            return []
        return list((getattr(self.cleaned, "count_notes", None) or {}).items())

    @property
    def error_row_count(self) -> int:
        return len({e.row for e in self.errors if e.row is not None})

    @property
    def warnings_key(self) -> str:
        return warnings_key([w.as_dict() for w in self.warnings[:200]])

    @property
    def display_rows(self) -> list[tuple[int, list[tuple[str, bool]]]]:
        """The first rows as people read them: each cell (text, whether it is a number,
        for right alignment), formatted by what its column holds."""
        kinds = self.displays
        return [(row.number, [_display(value, kinds.get(header, "")) for header, value in row.items()])
                for row in self.first_rows]

    displays: dict = field(default_factory=dict)  # header -> "money" | "date" | "yes_no" | ""


@dataclass
class CommitOutcome:
    """What a commit did. `already_loaded` is the earlier upload of the same file, when the
    commit was refused because that file is in already; `errors` when the rows failed."""

    upload: Upload
    written: int = 0
    already_loaded: Upload | None = None
    errors: list[RowError] = field(default_factory=list)
    message: str = ""
    # The file has warnings the person has not confirmed (or they changed since): nothing
    # was loaded, and the upload is still a preview.
    needs_confirmation: bool = False

    @property
    def ok(self) -> bool:
        return self.already_loaded is None and not self.errors and not self.needs_confirmation


class FileAlreadyLoaded(UploadError):
    """The same file is already loaded into the same place: there is nothing to do."""

    def __init__(self, earlier: Upload):
        super().__init__(_already_loaded_message(earlier, ending="nothing to do"))
        self.earlier = earlier


# What a script that loads knowingly passes as `accept_warnings` (the demo, say): every
# warning accepted, whatever it says. A page passes the key of the warnings it showed.
ALL_WARNINGS = "*"


def warnings_key(warnings: list[dict]) -> str:
    """A short fingerprint of a list of warnings (as `RowError.as_dict` gives them): a
    person's "load anyway" holds for the warnings they saw, not for new ones."""
    text = "\n".join(f"{w.get('row')}|{w.get('column')}|{w.get('message')}" for w in warnings)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


_WARNINGS_KEY = re.compile(r"[0-9a-f]{16}")


def confirmed_warnings(value) -> str:
    """What a page may pass on to `upload_commit` from its "Load anyway" box: the key of
    the warnings the person was shown, or "" for anything that is not such a key. Never
    ALL_WARNINGS, which is for code that loads knowingly: a request sending "*" must not
    load a file nobody confirmed."""
    return value if isinstance(value, str) and _WARNINGS_KEY.fullmatch(value) else ""


_YES = {"yes", "y", "true", "1", "x", "ticked", "done"}
_NO = {"no", "n", "false", "0"}
_DAY_FORMATS = ("%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y", "%d %b %Y", "%d %B %Y", "%d-%b-%Y")


def _as_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        pass
    for fmt in _DAY_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _display(text: str, kind: str) -> tuple[str, bool]:
    """A cell's text as people read it: money as £18,450.00, a date as 1 April 2023, a
    flag as Yes or No. Text that does not read as what the column should hold is shown
    as typed (its row has an error saying so)."""
    if not text or not kind:
        return text, False
    if kind == "money":
        try:
            return money(Decimal(text.replace(",", "").replace("£", "").strip()), pence=True), True
        except (InvalidOperation, ValueError):
            return text, False
    if kind == "date":
        day = _as_date(text.strip())
        return (long_date(day), False) if day else (text, False)
    if kind == "yes_no":
        key = text.strip().lower()
        return ("Yes" if key in _YES else "No" if key in _NO else text), False
    if kind == "number":
        try:
            Decimal(text.replace(",", ""))
        except (InvalidOperation, ValueError):
            return text, False
        return text, True
    return text, False


def column_displays(spec: "UploadSpec", form_kwargs: dict | None, mapping: dict) -> dict[str, str]:
    """How each mapped file column is shown: the spec's hint, else what the row form's
    field is (a date, a flag, a number)."""
    try:
        fields = spec.form_class(**(form_kwargs or {})).fields
    except Exception:  # a form that cannot be built without data: hints only
        fields = {}
    kinds = {}
    for col in spec.columns:
        header = mapping.get(col.name)
        if not header:
            continue
        field_ = fields.get(col.name)
        kind = col.display
        if not kind and field_ is not None:
            if isinstance(field_, forms.DateField):
                kind = "date"
            elif isinstance(field_, forms.BooleanField | forms.NullBooleanField):
                kind = "yes_no"
            elif isinstance(field_, forms.DecimalField | forms.IntegerField | forms.FloatField):
                kind = "number"
        kinds[header] = kind
    return kinds


_specs: dict[str, UploadSpec] = {}


def upload_spec(spec: UploadSpec) -> UploadSpec:
    """Register an upload kind (a domain app calls this in its AppConfig.ready)."""
    _specs[spec.kind] = spec
    return spec


def get_upload_spec(kind: str) -> UploadSpec:
    try:
        return _specs[kind]
    except KeyError:
        raise ValueError(f"No upload spec is registered for kind {kind!r}") from None


# --- Checking and reading -----------------------------------------------------------------

def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):g} MB"


def max_upload_bytes() -> int:
    return int(getattr(settings, "UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES))


def _extension(name: str) -> str:
    name = (name or "").lower()
    return name[name.rfind("."):] if "." in name else ""


def check_file(name: str, data: bytes) -> None:
    """Refuse a file we should not open, with a message that says why. Nothing is parsed:
    this looks only at the name, the size and the first bytes (and, for an xlsx, the zip's
    table of contents)."""
    limit = max_upload_bytes()
    if len(data) > limit:
        raise UploadError(f"The file must be smaller than {_megabytes(limit)}.")
    if not data:
        raise UploadError("The selected file is empty.")
    ext = _extension(name)
    if ext in REFUSED_EXTENSIONS:
        raise UploadError(REFUSED_EXTENSIONS[ext])
    if ext not in ALLOWED_EXTENSIONS:
        raise UploadError("The selected file must be an Excel workbook (.xlsx) or a CSV file (.csv).")
    if data.startswith(OLE_MAGIC):
        # Excel 97-2003 workbooks and password-protected workbooks of any age are OLE
        # containers; an encrypted xlsx keeps its real content in "EncryptedPackage".
        if "EncryptedPackage".encode("utf-16-le") in data[:1024 * 1024] or ext == ".xlsx":
            raise UploadError("The workbook is protected with a password, so it cannot be read. Remove "
                              "the password in Excel (File > Info > Protect Workbook > Encrypt with "
                              "Password, then clear it), save it and upload it again.")
        raise UploadError(REFUSED_EXTENSIONS[".xls"])
    if ext == ".xlsx":
        _check_xlsx_zip(data)
    elif data[:4] == b"PK\x03\x04":
        raise UploadError("The selected file is a zip archive or an Excel workbook, not a CSV file. "
                          "Upload it with the .xlsx name Excel gave it, or save it as CSV.")


def _check_xlsx_zip(data: bytes) -> None:
    bad = ("The selected file is not a valid Excel workbook. Save it from Excel as "
           "\"Excel Workbook (.xlsx)\" and upload it again.")
    stream = io.BytesIO(data)
    if not zipfile.is_zipfile(stream):
        raise UploadError(bad)
    try:
        with zipfile.ZipFile(stream) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise UploadError(bad) from None
    if len(entries) > XLSX_MAX_ENTRIES:
        raise UploadError(f"The workbook has too many parts ({len(entries):,}) to be a normal "
                          "spreadsheet. Copy the data into a new workbook and upload that.")
    declared = sum(e.file_size for e in entries)
    most = sheet_limits()["unzipped_bytes"]
    if declared > most:
        raise UploadError(f"The workbook would be {_megabytes(declared)} once opened, more than the "
                          f"{_megabytes(most)} allowed. Remove unused sheets or "
                          "images, or save the data as CSV.")


def _text(value) -> str:
    """A cell as the text a form field expects."""
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


def _grid(name: str, data: bytes, sheet: str | None) -> Grid:
    try:
        return read_grid(name, data, sheet=sheet)
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


def read_raw_table(name: str, data: bytes, *, sheet: str | None = None) -> RawTable:
    """Read the first visible sheet (or `sheet`) of an xlsx, or a csv, column by column,
    leaving each cell as the file has it (see RawTable). The same rows as read_table, with
    the same numbers; only the per-cell conversion to text is skipped, so a 100,000-row
    ledger reads in about the time python-calamine itself takes. A csv's cells are text
    already."""
    grid = _grid(name, data, sheet)
    records = grid.rows
    header_at = _header_index(grid)
    headers = _grid_headers(grid, header_at)
    width = len(headers)
    body = records[header_at + 1:]
    first = grid.first_row + header_at + 1
    # Counting blanks in C (list.count) rather than testing cell by cell: most rows have
    # something in them, and this runs once per row of a very long sheet.
    # any() stops at the first cell with something truthy in it, so the full count runs only
    # for rows that may really be blank.
    blank = [i for i, values in enumerate(body)
             if not any(values) and values.count("") + values.count(None) == len(values)]
    if blank:
        skip = set(blank)
        numbers = [first + i for i in range(len(body)) if i not in skip]
        body = [values for i, values in enumerate(body) if i not in skip]
    else:
        numbers = list(range(first, first + len(body)))
    if any(len(values) != width for values in body):
        body = [(list(values) + [""] * width)[:width] for values in body]
    columns = list(zip(*body, strict=True)) if body else [()] * width
    return RawTable(headers=headers, columns=dict(zip(headers, columns, strict=True)), numbers=numbers,
                    sheet=grid.sheet, sheets=grid.sheets, notes=grid.notes)


# --- Mapping and validating ---------------------------------------------------------------

def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", str(text).lower())


def suggest_mapping(spec: UploadSpec, headers: list[str],
                    remembered: dict | None = None) -> dict[str, str | None]:
    """For each column of the spec, the file header that probably holds it: the remembered
    mapping first (when that header is in this file), then a match on label, name or alias
    that ignores case, spaces and punctuation."""
    by_norm = {}
    for h in headers:
        by_norm.setdefault(_norm(h), h)
    mapping: dict[str, str | None] = {}
    used: set[str] = set()
    for col in spec.columns:
        header = (remembered or {}).get(col.name)
        if header in headers and header not in used:
            mapping[col.name] = header
            used.add(header)
    for col in spec.columns:
        if col.name in mapping:
            continue
        mapping[col.name] = None
        for candidate in (col.label, col.name, *col.aliases):
            header = by_norm.get(_norm(candidate))
            if header and header not in used:
                mapping[col.name] = header
                used.add(header)
                break
    return mapping


def _mapping_problems(spec: UploadSpec, headers: set[str], mapping: dict[str, str | None],
                      has_rows: bool) -> list[RowError]:
    problems = []
    for col in spec.columns:
        header = mapping.get(col.name)
        if header and has_rows and header not in headers:
            problems.append(RowError(None, header, col.name,
                                     f"The file has no column called \"{header}\"."))
        elif col.required and not header:
            problems.append(RowError(None, None, col.name,
                                     f"Choose the column that holds the {label_noun(col.label)}."))
    return problems


def validate_table(spec: UploadSpec, table: RawTable, mapping: dict[str, str | None],
                   form_kwargs: dict | None = None) -> BulkResult:
    """The fast path of validate_rows: the spec's bulk validator checks the whole table at
    once. Unmapped required columns are reported first, as there."""
    problems = _mapping_problems(spec, set(table.headers), mapping, bool(len(table)))
    if problems:
        return BulkResult(cleaned=None, errors=problems)
    columns = {c.name: (table.columns[mapping[c.name]] if mapping.get(c.name) else None)
               for c in spec.columns}
    return spec.bulk_validate(table=table, columns=columns, mapping=mapping, form_kwargs=form_kwargs or {})


def validate_rows(spec: UploadSpec, rows: list[TableRow], mapping: dict[str, str | None],
                  form_kwargs: dict | None = None) -> tuple[list[dict], list[RowError]]:
    """Run every row through the spec's form; collect every error with its row number and
    the header of the column it came from. A required column left unmapped is reported
    first, and then no row is checked (each would fail the same way)."""
    problems = _mapping_problems(spec, set(rows[0].keys()) if rows else set(), mapping, bool(rows))
    if problems:
        return [], problems
    header_of = {name: h for name, h in mapping.items() if h}
    cleaned, errors = [], []
    for row in rows:
        data = {col.name: row.get(header_of[col.name], "") if col.name in header_of else ""
                for col in spec.columns}
        form = spec.form_class(data=data, **(form_kwargs or {}))
        if form.is_valid():
            cleaned.append(form.cleaned_data)
            continue
        for name, messages in form.errors.items():
            header = None if name == forms.forms.NON_FIELD_ERRORS else header_of.get(name)
            fld = None if name == forms.forms.NON_FIELD_ERRORS else name
            for message in messages:
                errors.append(RowError(row.number, header, fld, str(message), row.sheet))
    return cleaned, errors


# --- The upload's life: receive, preview, commit, roll back -------------------------------

def _target_filter(target: models.Model) -> dict:
    return {"target_type": ContentType.objects.get_for_model(target), "target_id": target.pk}


def uploads_for(target: models.Model, *, kind: str):
    """The uploads of one kind into one target, newest first."""
    return Upload.objects.filter(kind=kind, **_target_filter(target)).select_related(
        "uploaded_by", "rolled_back_by")


def remembered_mapping(target: models.Model, *, kind: str) -> dict | None:
    found = ColumnMapping.objects.filter(kind=kind, **_target_filter(target)).first()
    return found.mapping if found else None


def upload_receive(*, target: models.Model, kind: str, uploaded_file, user,
                   refuse_if_loaded: bool = False) -> Upload:
    """Check a file a person sent and keep it (with its hash) as a previewed upload.

    With `refuse_if_loaded` (the pages), a file already loaded into the same place raises
    FileAlreadyLoaded before anything is kept: the person hears it now, not after mapping
    and previewing it. The commit checks again either way, since two can race."""
    get_upload_spec(kind)
    name = uploaded_file.name or ""
    limit = max_upload_bytes()
    # Refuse an oversized file before reading it into memory.
    if getattr(uploaded_file, "size", 0) and uploaded_file.size > limit:
        raise UploadError(f"The file must be smaller than {_megabytes(limit)}.")
    data = uploaded_file.read(limit + 1)
    check_file(name, data)
    digest = hashlib.sha256(data).hexdigest()
    if refuse_if_loaded:
        earlier = loaded_copy(target=target, kind=kind, sha256=digest)
        if earlier is not None:
            raise FileAlreadyLoaded(earlier)
    # Read it once now, within the limits, so that a file that cannot be read is refused
    # with its message and never kept: a stored file is read again on every visit.
    try:
        read_grid(name, data, rows=False)
    except SheetError as exc:
        raise UploadError(exc.message) from None
    upload = Upload(kind=kind, original_name=name[:255], sha256=digest,
                    size=len(data), uploaded_by=user, **_target_filter(target))
    upload.file.save(name.rsplit("/", 1)[-1][:100], ContentFile(data), save=False)
    upload.full_clean()
    upload._change_reason = "Uploaded for preview"
    upload.save()
    return upload


def _stored_bytes(upload: Upload) -> bytes:
    """The stored file, read no further than the upload limit allows."""
    with upload.file.open("rb") as f:
        data = f.read(max_upload_bytes() + 1)
    check_file(upload.original_name, data)
    return data


def _read_upload(upload: Upload, sheet: str | None = None) -> tuple[list[str], list[TableRow], Grid]:
    return read_grid_table(upload.original_name, _stored_bytes(upload), sheet=sheet)


def _target_of(upload: Upload) -> models.Model:
    return upload.target_type.get_object_for_this_type(pk=upload.target_id)


def upload_inspect(*, upload: Upload, form_kwargs: dict | None = None,
                   mapping: dict | None = None, sheet: str | None = None) -> Preview:
    """Read the stored file and validate every row, recording nothing (a page that is only
    looked at changes nothing). The mapping is the one given, else the one chosen for this
    upload, else the programme's remembered one, else a suggestion from the headers."""
    spec = get_upload_spec(upload.kind)
    if sheet is None:
        sheet = upload.sheet or None
    if spec.bulk_validate is not None:
        preview = _inspect_bulk(spec, upload, form_kwargs, mapping, sheet)
    else:
        headers, rows, grid = _read_upload(upload, sheet)
        mapping = _mapping_for(spec, upload, headers, mapping)
        cleaned, errors = validate_rows(spec, rows, mapping, form_kwargs)
        preview = Preview(headers=headers, mapping=mapping, rows=rows, cleaned=cleaned, errors=errors,
                          sheets=grid.sheets, notes=grid.notes, sheet_read=grid.sheet)
    preview.displays = column_displays(spec, form_kwargs, preview.mapping)
    return preview


def _mapping_for(spec: UploadSpec, upload: Upload, headers: list[str], mapping: dict | None) -> dict:
    if mapping is None:
        mapping = upload.mapping or suggest_mapping(
            spec, headers, remembered_mapping(_target_of(upload), kind=upload.kind))
    return {c.name: (mapping.get(c.name) or None) for c in spec.columns}


@contextmanager
def _no_gc():
    """Pause the cyclic garbage collector: reading a big sheet makes millions of objects,
    none of them in cycles, and in a long-lived process every few thousand allocations
    would otherwise walk the whole heap (that doubled a 100,000-row load in the bench)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _inspect_bulk(spec: UploadSpec, upload: Upload, form_kwargs: dict | None, mapping: dict | None,
                  sheet: str | None) -> Preview:
    with _no_gc():
        return _inspect_bulk_table(spec, upload, form_kwargs, mapping, sheet)


def _inspect_bulk_table(spec: UploadSpec, upload: Upload, form_kwargs: dict | None, mapping: dict | None,
                        sheet: str | None) -> Preview:
    data = _stored_bytes(upload)
    if spec.raw_read:
        table = read_raw_table(upload.original_name, data, sheet=sheet)
    else:
        headers, rows, grid = read_grid_table(upload.original_name, data, sheet=sheet)
        table = RawTable(headers=headers, columns={h: [r.get(h, "") for r in rows] for h in headers},
                         numbers=[r.number for r in rows], sheet=grid.sheet, sheets=grid.sheets,
                         notes=grid.notes)
    mapping = _mapping_for(spec, upload, table.headers, mapping)
    result = validate_table(spec, table, mapping, form_kwargs)
    first = [table.text_row(i) for i in range(min(PREVIEW_ROWS, len(table)))]
    return Preview(headers=table.headers, mapping=mapping, rows=first, cleaned=result.cleaned,
                   errors=result.errors, total_rows=len(table), warnings=result.warnings,
                   sheets=table.sheets, notes=table.notes, sheet_read=table.sheet)


def upload_preview(*, upload: Upload, form_kwargs: dict | None = None,
                   mapping: dict | None = None, sheet: str | None = None) -> Preview:
    """`upload_inspect`, then record the mapping and what was found on the upload."""
    preview = upload_inspect(upload=upload, form_kwargs=form_kwargs, mapping=mapping, sheet=sheet)
    if upload.status in (Upload.Status.PREVIEWED, Upload.Status.FAILED):
        upload.mapping = preview.mapping
        upload.row_count = preview.row_count
        upload.errors = [e.as_dict() for e in preview.errors[:200]]
        upload.warnings = [w.as_dict() for w in preview.warnings[:200]]
        upload.save(update_fields=["mapping", "row_count", "errors", "warnings"])
    return preview


def _already_loaded_message(earlier: Upload, ending: str = "nothing changed") -> str:
    when = timezone.localtime(earlier.committed_at or earlier.uploaded_at)
    who = str(earlier.uploaded_by) if earlier.uploaded_by else "someone"
    return f"This file was already loaded on {when:%-d %b %Y} by {who}; {ending}."


def loaded_copy(*, target: models.Model, kind: str, sha256: str) -> Upload | None:
    """The committed upload of the same bytes into the same place, if there is one."""
    return _loaded_copy(kind=kind, sha256=sha256, **_target_filter(target))


def _loaded_copy(**where) -> Upload | None:
    return Upload.objects.filter(status=Upload.Status.COMMITTED, **where).select_related("uploaded_by").first()


def _loaded_copy_of(upload: Upload) -> Upload | None:
    """loaded_copy for the bytes and place of `upload`, without fetching its target."""
    return _loaded_copy(kind=upload.kind, sha256=upload.sha256, target_type_id=upload.target_type_id,
                        target_id=upload.target_id)


def upload_commit(*, upload: Upload, user, form_kwargs: dict | None = None,
                  write_ctx: dict | None = None, mapping: dict | None = None,
                  sheet: str | None = None, accept_warnings: str = "") -> CommitOutcome:
    """Load every row of a previewed upload in one transaction, or none.

    Re-reads the stored file and re-validates it all; any error and nothing is written.
    The same file already loaded into the same place is recognised and nothing changes.
    A file with warnings loads only when `accept_warnings` is the key of exactly those
    warnings (`Preview.warnings_key`, what the person ticked), or ALL_WARNINGS. A page
    passes what it was sent through `confirmed_warnings`.

    The file is read and checked before the transaction that writes, so no lock is held
    while a big file is read (on SQLite a write transaction locks the whole database, and
    every other writer would wait for the read); under the lock the upload is checked again.
    """
    found = _commit_refusal(Upload.objects.get(pk=upload.pk))
    if isinstance(found, CommitOutcome):
        return found
    preview = upload_inspect(upload=found, form_kwargs=form_kwargs, mapping=mapping, sheet=sheet)
    with transaction.atomic():
        upload = _commit_refusal(Upload.objects.select_for_update().get(pk=upload.pk))
        if isinstance(upload, CommitOutcome):
            return upload  # a commit of the same file won while this one was reading
        return _commit_checked(upload, preview, user=user, write_ctx=write_ctx,
                               accept_warnings=accept_warnings)


def _commit_refusal(upload: Upload) -> "Upload | CommitOutcome":
    """The upload itself, or what to answer instead of loading it (it, or the same file,
    is loaded already)."""
    if upload.status == Upload.Status.COMMITTED:
        return CommitOutcome(upload, already_loaded=upload, message=_already_loaded_message(upload))
    if upload.status == Upload.Status.ROLLED_BACK:
        raise UploadError("This upload was rolled back. Upload the file again to load it.")
    earlier = _loaded_copy_of(upload)
    if earlier:
        return CommitOutcome(upload, already_loaded=earlier, message=_already_loaded_message(earlier))
    return upload


def _commit_checked(upload: Upload, preview: Preview, *, user, write_ctx: dict | None,
                    accept_warnings: str) -> CommitOutcome:
    """The commit's writes, in its transaction, with the upload locked and the file's
    preview made."""
    spec = get_upload_spec(upload.kind)
    upload.mapping = preview.mapping
    upload.row_count = preview.row_count
    upload.errors = [e.as_dict() for e in preview.errors[:200]]
    upload.warnings = [w.as_dict() for w in preview.warnings[:200]]
    if preview.errors or not preview.row_count:
        upload.status = Upload.Status.FAILED
        upload.errors = upload.errors or [
            RowError(None, None, None, "The file has no rows to load.").as_dict()]
        upload._change_reason = "Commit refused: the file has errors"
        upload.save()
        errors = preview.errors or [RowError(None, None, None, "The file has no rows to load.")]
        return CommitOutcome(upload, errors=errors,
                             message=f"Nothing was loaded: the file has {len(errors)} "
                                     f"error{'s' if len(errors) != 1 else ''}.")
    if preview.warnings and accept_warnings not in (ALL_WARNINGS, preview.warnings_key):
        upload.save(update_fields=["mapping", "row_count", "errors", "warnings"])
        return CommitOutcome(upload, needs_confirmation=True, message=(
            "Nothing was loaded: the file has warnings. Read them, then tick \u201cLoad anyway\u201d "
            "to load it as it is." if not accept_warnings else
            "Nothing was loaded: the warnings have changed since you confirmed them. Read them again, "
            "then tick \u201cLoad anyway\u201d to load the file as it is."))
    upload.status = Upload.Status.COMMITTED
    upload.committed_at = timezone.now()
    upload.errors = []
    upload._change_reason = "Loaded"
    try:
        # Marked committed before writing, in a savepoint: a concurrent commit of the same
        # file trips the partial unique constraint here, before either writes a row.
        with transaction.atomic():
            upload.save()
    except IntegrityError:
        earlier = _loaded_copy_of(upload)
        upload.refresh_from_db()
        return CommitOutcome(upload, already_loaded=earlier,
                             message=_already_loaded_message(earlier) if earlier else "")
    written = spec.write(upload=upload, rows=preview.cleaned, user=user, **(write_ctx or {}))
    ColumnMapping.objects.update_or_create(
        target_type=upload.target_type, target_id=upload.target_id, kind=upload.kind,
        defaults={"mapping": {k: v for k, v in preview.mapping.items() if v}, "updated_by": user},
    )
    return CommitOutcome(upload, written=written,
                         message=f"{written} row{'s' if written != 1 else ''} loaded from "
                                 f"{upload.original_name}.")


@transaction.atomic
def upload_discard(*, upload: Upload, user) -> None:
    """Throw away an upload that was never loaded (a preview, or a failed commit): its row
    goes, its history stays with who discarded it, and its stored file is deleted once
    the deletion is committed."""
    upload = Upload.objects.select_for_update().get(pk=upload.pk)
    if upload.status not in (Upload.Status.PREVIEWED, Upload.Status.FAILED):
        raise UploadError("Only an upload that has not been loaded can be discarded. "
                          "Roll a loaded one back instead.")
    storage, name = upload.file.storage, upload.file.name
    upload._history_user = user
    upload._change_reason = "Discarded"
    upload.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def upload_rollback(*, upload: Upload, user) -> Upload:
    """Remove everything one committed upload wrote, and mark it rolled back."""
    upload = Upload.objects.select_for_update().get(pk=upload.pk)
    if upload.status != Upload.Status.COMMITTED:
        raise UploadError("Only a loaded upload can be rolled back.")
    spec = get_upload_spec(upload.kind)
    try:
        spec.rollback(upload=upload, user=user)
    except (ProtectedError, RestrictedError) as e:
        # A kind whose rollback meets records in the way without saying so itself: say
        # which, rather than answer with an error page.
        raise UploadError(refusal_message(e, what="upload’s data", action="roll back")) from e
    upload.status = Upload.Status.ROLLED_BACK
    upload.rolled_back_at = timezone.now()
    upload.rolled_back_by = user
    upload._change_reason = "Rolled back"
    upload.save()
    return upload


# --- Forms for the pages ------------------------------------------------------------------

class UploadFileForm(forms.Form):
    """The file input of templates/core/uploads/form.html."""

    file = forms.FileField(label="Upload a file", error_messages={"required": "Select a file"})

    def clean_file(self):
        f = self.cleaned_data["file"]
        limit = max_upload_bytes()
        if f.size > limit:
            raise forms.ValidationError(f"The file must be smaller than {_megabytes(limit)}.")
        ext = _extension(f.name)
        if ext in REFUSED_EXTENSIONS:
            raise forms.ValidationError(REFUSED_EXTENSIONS[ext])
        if ext not in ALLOWED_EXTENSIONS:
            raise forms.ValidationError(
                "The selected file must be an Excel workbook (.xlsx) or a CSV file (.csv).")
        return f

    @property
    def limits_text(self) -> str:
        """What the page says a file may hold (the settings in force)."""
        return f"The file must be smaller than {_megabytes(max_upload_bytes())}. {limits_text()}"


def upload_sheets(upload: Upload) -> list[SheetInfo]:
    """The sheets of the stored workbook (none for a csv), read without their cells: a
    person can choose another sheet even when the one read first cannot be used (an
    empty front sheet before the data)."""
    try:
        return read_grid(upload.original_name, _stored_bytes(upload), rows=False).sheets
    except SheetError as exc:
        raise UploadError(exc.message) from None


def sheet_choice(upload: Upload) -> Preview | None:
    """For a mapping page whose sheet cannot be read: a preview holding nothing but the
    workbook's sheets and the one tried, so the page can offer the others. None when
    there is nothing else to choose (a csv, one sheet, a file that cannot be read)."""
    try:
        sheets = upload_sheets(upload)
    except UploadError:
        return None
    if len(sheets) < 2:
        return None
    tried = upload.sheet or next((s.name for s in sheets if s.visible), None)
    return Preview(headers=[], mapping={}, rows=[], cleaned=[], errors=[], sheets=sheets, sheet_read=tried)


def upload_choose_sheet(*, upload: Upload, sheet: str, sheets: list[SheetInfo]) -> Upload:
    """Read another sheet of the workbook (one of `sheets`, as the preview listed them;
    a hidden one too, since a person chose it by name). The mapping is suggested afresh
    from that sheet's headings."""
    if upload.status not in (Upload.Status.PREVIEWED, Upload.Status.FAILED):
        raise UploadError("This file has been loaded, so the sheet it was read from cannot change.")
    if sheet not in {s.name for s in sheets}:
        raise UploadError(f"The workbook has no sheet called '{sheet}'.")
    upload.sheet = sheet
    upload.mapping = {}
    upload._change_reason = f"Sheet chosen: {sheet}"
    upload.save(update_fields=["sheet", "mapping"])
    return upload


class MappingForm(forms.Form):
    """One select per spec column (mapping_form adds them). One file column cannot hold two
    different things: choosing it twice is an error on the later field, naming both."""

    def clean(self):
        cleaned = super().clean()
        first: dict[str, str] = {}
        for name, field_ in self.fields.items():
            header = cleaned.get(name)
            if not header:
                continue
            if header in first:
                self.add_error(name, f"\u2018{header}\u2019 is chosen for both {self.fields[first[header]].label} "
                                     f"and {field_.label}; choose a different column for one of them")
            else:
                first[header] = name
        return cleaned


def mapping_form(spec: UploadSpec, headers: list[str], initial: dict | None = None,
                 data=None) -> forms.Form:
    """A form with one select per spec column, choosing a header of the file
    (templates/core/uploads/mapping.html renders it)."""
    choices = [("", "Not in this file"), *((h, h) for h in headers)]
    form = MappingForm(data=data, initial=initial or {}, prefix="map")
    for col in spec.columns:
        form.fields[col.name] = forms.ChoiceField(
            label=col.label, choices=choices, required=col.required,
            error_messages={"required": f"Choose the column that holds the {label_noun(col.label)}"},
        )
    return form


# --- Downloads: a template for each kind, and a file's rows with their errors ------------

def upload_template_xlsx(spec: UploadSpec) -> bytes:
    """A workbook to fill in: the kind's columns as headings on the first sheet (the one
    that is read) with an example row where the spec gives one, and a second sheet saying
    which columns are required. Made from the spec, so every kind has one."""
    from core.exports import xlsx_bytes

    labels = [c.label for c in spec.columns]
    example = [c.example for c in spec.columns]
    rows = [example] if any(v not in ("", None) for v in example) else []
    about = [(c.label, "Required" if c.required else "Optional", c.example) for c in spec.columns]
    return xlsx_bytes([(spec.label or "Upload", labels, rows),
                       ("About the columns", ["Column", "Required or optional", "Example"], about)])


def upload_errors_table(upload: Upload, preview: Preview) -> tuple[list[str], list[list]]:
    """The file's rows that have errors, as they are in the file, each with its row number
    and a last column holding its problems (column heading: message); problems with the
    file as a whole come first, on a row of their own."""
    if preview.total_rows is None:
        rows = preview.rows
    else:  # the fast path kept only the first rows as text
        with upload.file.open("rb") as f:
            data = f.read()
        check_file(upload.original_name, data)
        _, rows = read_table(upload.original_name, data, sheet=preview.sheet)
    problems: dict[int | None, list[str]] = {}
    for e in preview.errors:
        problems.setdefault(e.row, []).append(f"{e.column_header}: {e.message}" if e.column_header else e.message)
    headers = ["Row", *preview.headers, "Problems"]
    out = []
    if None in problems:
        out.append(["", *[""] * len(preview.headers), "; ".join(problems[None])])
    for row in rows:
        if row.number in problems:
            out.append([row.number, *(row.get(h, "") for h in preview.headers), "; ".join(problems[row.number])])
    return headers, out


def upload_errors_xlsx(upload: Upload, preview: Preview) -> bytes:
    """upload_errors_table as a workbook; every cell goes through the safe export, so a
    cell that would run as a formula is written as text."""
    from core.exports import xlsx_bytes

    headers, rows = upload_errors_table(upload, preview)
    return xlsx_bytes([("Errors", headers, rows)])
