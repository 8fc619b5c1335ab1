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
Every other spec goes through the row form exactly as before. A spec's `prepare_rows` sees
every row before any is validated (a rule across rows: one employee reference on two), and
its `reuse` (a RowReuse) lets the commit take the rows the preview validated, kept in
`core.models.CheckedRows` under a key of the file, sheet, mapping and the kind's lookups.

One concern a module, each importing only those before it:

    spec.py        UploadSpec, ColumnSpec, RowError, BulkResult, UploadError; the registry of kinds
    files.py       check_file (name, size, first bytes, the xlsx zip) and the stored file's bytes
    reading.py     read_table, read_grid_table, read_raw_table, cell_text; TableRow, RawTable
    mapping.py     suggest_mapping
    validation.py  validate_rows (the row form), validate_table (the bulk validator)
    preview.py     Preview, how a cell is shown, the key of the warnings a person confirms
    selectors.py   uploads_for, remembered_mapping, loaded_copy
    services.py    upload_receive / inspect / preview / commit / discard / rollback, the sheet choice
    forms.py       UploadFileForm, mapping_form
    downloads.py   upload_template_xlsx, upload_errors_table / upload_errors_xlsx

The names below are the pipeline's public face, importable from `core.uploads` as before.
A test that patches one patches it where it is used: in its submodule, not here.
"""
from core.uploads.downloads import upload_errors_table, upload_errors_xlsx, upload_template_xlsx
from core.uploads.files import (
    ALLOWED_EXTENSIONS,
    DEFAULT_MAX_BYTES,
    OLE_MAGIC,
    REFUSED_EXTENSIONS,
    XLSX_MAX_ENTRIES,
    check_file,
    max_upload_bytes,
)
from core.uploads.forms import MappingForm, UploadFileForm, mapping_form
from core.uploads.mapping import suggest_mapping
from core.uploads.preview import (
    ALL_WARNINGS,
    PREVIEW_ROWS,
    Preview,
    column_displays,
    confirmed_warnings,
    warnings_key,
)
from core.uploads.reading import RawTable, TableRow, cell_text, read_grid_table, read_raw_table, read_table
from core.uploads.selectors import loaded_copy, remembered_mapping, uploads_for
from core.uploads.services import (
    CommitOutcome,
    FileAlreadyLoaded,
    sheet_choice,
    upload_choose_sheet,
    upload_commit,
    upload_discard,
    upload_inspect,
    upload_preview,
    upload_receive,
    upload_rollback,
    upload_sheets,
)
from core.uploads.spec import (
    BulkResult,
    ColumnSpec,
    FileReader,
    RowError,
    UploadError,
    UploadSpec,
    get_upload_spec,
    upload_spec,
)
from core.uploads.validation import validate_rows, validate_table

__all__ = [
    "ALLOWED_EXTENSIONS", "ALL_WARNINGS", "DEFAULT_MAX_BYTES", "OLE_MAGIC", "PREVIEW_ROWS",
    "REFUSED_EXTENSIONS", "XLSX_MAX_ENTRIES",
    "BulkResult", "ColumnSpec", "FileReader", "CommitOutcome", "FileAlreadyLoaded", "MappingForm", "Preview",
    "RawTable", "RowError", "TableRow", "UploadError", "UploadFileForm", "UploadSpec",
    "cell_text", "check_file", "column_displays", "confirmed_warnings", "get_upload_spec",
    "loaded_copy", "mapping_form", "max_upload_bytes", "read_grid_table", "read_raw_table",
    "read_table", "remembered_mapping", "sheet_choice", "suggest_mapping", "upload_choose_sheet",
    "upload_commit", "upload_discard", "upload_errors_table", "upload_errors_xlsx", "upload_inspect",
    "upload_preview", "upload_receive", "upload_rollback", "upload_sheets", "upload_spec",
    "upload_template_xlsx", "uploads_for", "validate_rows", "validate_table", "warnings_key",
]
