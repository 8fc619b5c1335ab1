"""What a person is shown before anything loads: the Preview (every number the preview
pages show comes from it), each cell formatted by what its column holds, and the key of
the warnings they confirm with "Load anyway"."""
import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django import forms

from core.formats import long_date, money
from core.sheets import SheetInfo
from core.uploads.reading import TableRow
from core.uploads.spec import RowError, UploadSpec

PREVIEW_ROWS = 20


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
