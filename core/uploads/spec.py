"""What an upload kind is: the spec a domain app registers (its columns, the row form, how
to write and remove the rows), the problems a file can have, and the registry of kinds."""
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from django import forms


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
    # Optional, for a rule across rows that one row's form cannot see alone (an employee
    # reference on two rows): called with every row before any is validated, as
    # `prepare_rows(rows=[TableRow], header_of={field: header}, form_kwargs=...)`, it
    # leaves what it found in the form_kwargs the row forms are built with.
    prepare_rows: Callable[..., None] | None = None
    # Optional: lets a commit reuse the rows its preview validated (see RowReuse).
    reuse: "RowReuse | None" = None
    # Optional: columns that depend on where the file goes (a programme's own day-one
    # checks), as `columns_for(target) -> tuple[ColumnSpec, ...]`, after `columns`. Then
    # the pipeline works from `for_target(target)`, never from the spec as registered.
    columns_for: Callable[[Any], tuple[ColumnSpec, ...]] | None = None
    # Optional: a file that is not a spreadsheet (a Microsoft Project XML plan), read by the
    # kind's own reader into a RawTable instead of by core.sheets. Needs `bulk_validate`.
    file_reader: "FileReader | None" = None

    def for_target(self, target) -> "UploadSpec":
        """The spec with the columns of `target` (itself for a kind whose columns are fixed)."""
        if self.columns_for is None or target is None:
            return self
        return replace(self, columns=(*self.columns, *self.columns_for(target)), columns_for=None)

    def column(self, name: str) -> ColumnSpec:
        return next(c for c in self.columns if c.name == name)


@dataclass(frozen=True)
class FileReader:
    """How a kind whose files are not spreadsheets has them checked and read.

    extensions: the file names it takes (".xml"); any other is refused with `wrong_type`.
    read(name, data) -> RawTable: the file as a table (one row a record), raising
        UploadError with a message a person can act on for a file it will not read. It
        must bound its own reading (a count of records, no entity expansion); the size
        limit of the pipeline is checked before it is called.
    """

    extensions: tuple[str, ...]
    wrong_type: str
    read: Callable[[str, bytes], Any]


@dataclass(frozen=True)
class RowReuse:
    """How a kind's commit may take the rows its preview validated (`core.models.CheckedRows`)
    instead of running every row through the form again.

    lookups(form_kwargs) -> str: a fingerprint of everything the row forms read besides
        the file and its mapping (a programme's teams and pay scales, today's date for a
        rule about the future). The rows are reused only when it is unchanged.
    dump(cleaned) -> JSON-able: the validated rows as they can be stored.
    load(dumped, form_kwargs) -> cleaned: the rows again, as `write` takes them; raises
        LookupError or ValueError for anything it cannot restore, and the rows are then
        validated afresh.
    """

    lookups: Callable[[dict], str]
    dump: Callable[[Any], Any]
    load: Callable[[Any, dict], Any]


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


_specs: dict[str, UploadSpec] = {}


def upload_spec(spec: UploadSpec) -> UploadSpec:
    """Register an upload kind (a domain app calls this in its AppConfig.ready)."""
    _specs[spec.kind] = spec
    return spec


def get_upload_spec(kind: str, target=None) -> UploadSpec:
    """The registered spec of `kind`; given the place a file goes (`target`), with the
    columns that place has (UploadSpec.for_target)."""
    try:
        spec = _specs[kind]
    except KeyError:
        raise ValueError(f"No upload spec is registered for kind {kind!r}") from None
    return spec.for_target(target)
