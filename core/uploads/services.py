"""The upload's life: receive a file, inspect and preview it, choose its sheet, commit
every row in one transaction (or none), discard it, roll it back."""
import gc
import hashlib
import json
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone

from core.models import CheckedRows, ColumnMapping, Upload
from core.protection import refusal_message
from core.sheets import Grid, SheetError, SheetInfo, read_grid
from core.uploads.files import _megabytes, _stored_bytes, check_file, max_upload_bytes
from core.uploads.mapping import suggest_mapping
from core.uploads.preview import ALL_WARNINGS, PREVIEW_ROWS, Preview, column_displays
from core.uploads.reading import RawTable, TableRow, read_grid_table, read_raw_table
from core.uploads.selectors import _loaded_copy_of, _target_filter, loaded_copy, remembered_mapping
from core.uploads.spec import RowError, UploadError, UploadSpec, get_upload_spec
from core.uploads.validation import validate_rows, validate_table


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


def upload_receive(*, target: models.Model, kind: str, uploaded_file, user,
                   refuse_if_loaded: bool = False) -> Upload:
    """Check a file a person sent and keep it (with its hash) as a previewed upload.

    With `refuse_if_loaded` (the pages), a file already loaded into the same place raises
    FileAlreadyLoaded before anything is kept: the person hears it now, not after mapping
    and previewing it. The commit checks again either way, since two can race."""
    reader = get_upload_spec(kind).file_reader
    name = uploaded_file.name or ""
    limit = max_upload_bytes()
    # Refuse an oversized file before reading it into memory.
    if getattr(uploaded_file, "size", 0) and uploaded_file.size > limit:
        raise UploadError(f"The file must be smaller than {_megabytes(limit)}.")
    data = uploaded_file.read(limit + 1)
    check_file(name, data, reader)
    digest = hashlib.sha256(data).hexdigest()
    if refuse_if_loaded:
        earlier = loaded_copy(target=target, kind=kind, sha256=digest)
        if earlier is not None:
            raise FileAlreadyLoaded(earlier)
    # Read it once now, within the limits, so that a file that cannot be read is refused
    # with its message and never kept: a stored file is read again on every visit.
    if reader is not None:
        reader.read(name, data)
    else:
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


def _read_upload(upload: Upload, sheet: str | None = None) -> tuple[list[str], list[TableRow], Grid]:
    return read_grid_table(upload.original_name, _stored_bytes(upload), sheet=sheet)


def _target_of(upload: Upload) -> models.Model:
    return upload.target_type.get_object_for_this_type(pk=upload.target_id)


def _spec_of(upload: Upload) -> UploadSpec:
    """The spec of the upload's kind, with its target's own columns where the kind has
    them (read once for the upload)."""
    spec = getattr(upload, "_spec", None)
    if spec is None:
        spec = get_upload_spec(upload.kind)
        if spec.columns_for is not None:
            spec = spec.for_target(_target_of(upload))
        upload._spec = spec
    return spec



def upload_inspect(*, upload: Upload, form_kwargs: dict | None = None,
                   mapping: dict | None = None, sheet: str | None = None) -> Preview:
    """Read the stored file and validate every row, recording nothing (a page that is only
    looked at changes nothing). The mapping is the one given, else the one chosen for this
    upload, else the programme's remembered one, else a suggestion from the headers."""
    spec = _spec_of(upload)
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
    if spec.file_reader is not None:
        table = spec.file_reader.read(upload.original_name, data)
    elif spec.raw_read:
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
        _keep_checked_rows(upload, preview, form_kwargs, sheet)
    return preview


# Part of every CheckedRows key: a change to what is stored, or how, makes the old useless.
CHECKED_ROWS_FORMAT = "1"


def _checked_key(spec: UploadSpec, upload: Upload, mapping: dict, sheet: str | None, form_kwargs: dict | None) -> str:
    """What the validation of an upload's rows depended on: the file's bytes (their hash),
    the sheet and the mapping read, and the kind's fingerprint of the lookups."""
    text = json.dumps([CHECKED_ROWS_FORMAT, upload.kind, upload.sha256, sheet or "",
                       sorted((k, v or "") for k, v in mapping.items()), spec.reuse.lookups(form_kwargs or {})])
    return hashlib.sha256(text.encode()).hexdigest()


def _effective(spec: UploadSpec, upload: Upload, mapping: dict | None, sheet: str | None) -> tuple[dict, str | None]:
    """The mapping and sheet a preview or commit of `upload` reads, as upload_inspect settles them."""
    given = upload.mapping if mapping is None else mapping
    sheet = (upload.sheet or None) if sheet is None else sheet
    return {c.name: (given.get(c.name) or None) for c in spec.columns}, sheet


def _keep_checked_rows(upload: Upload, preview: Preview, form_kwargs: dict | None, sheet: str | None) -> None:
    """Keep the rows a preview validated for the commit (a kind with `reuse`), or forget
    rows kept earlier when this preview cannot be loaded."""
    spec = _spec_of(upload)
    if spec.reuse is None:
        return
    if not preview.can_commit:
        CheckedRows.objects.filter(upload=upload).delete()
        return
    _, sheet = _effective(spec, upload, preview.mapping, sheet)
    CheckedRows.objects.update_or_create(upload=upload, defaults={
        "key": _checked_key(spec, upload, preview.mapping, sheet, form_kwargs),
        "rows": {"rows": spec.reuse.dump(preview.cleaned), "row_count": preview.row_count,
                 "warnings": [w.as_dict() for w in preview.warnings]}})


def _checked_preview(upload: Upload, form_kwargs: dict | None, mapping: dict | None,
                     sheet: str | None) -> Preview | None:
    """The preview of the rows validated earlier, when nothing they depended on has changed
    since (the key is the same); None, and the commit validates afresh, otherwise."""
    spec = _spec_of(upload)
    if spec.reuse is None:
        return None
    checked = CheckedRows.objects.filter(upload=upload).first()
    if checked is None:
        return None
    mapping, sheet = _effective(spec, upload, mapping, sheet)
    if checked.key != _checked_key(spec, upload, mapping, sheet, form_kwargs):
        return None
    try:
        cleaned = spec.reuse.load(checked.rows["rows"], form_kwargs or {})
        warnings = [RowError(w["row"], w["column"], w["field"], w["message"], w.get("sheet"))
                    for w in checked.rows["warnings"]]
        total = int(checked.rows["row_count"])
    except (LookupError, ValueError, TypeError):
        return None
    return Preview(headers=[], mapping=mapping, rows=[], cleaned=cleaned, errors=[], total_rows=total,
                   warnings=warnings, sheet_read=sheet)


def _already_loaded_message(earlier: Upload, ending: str = "nothing changed") -> str:
    when = timezone.localtime(earlier.committed_at or earlier.uploaded_at)
    who = str(earlier.uploaded_by) if earlier.uploaded_by else "someone"
    return f"This file was already loaded on {when:%-d %b %Y} by {who}; {ending}."


def upload_commit(*, upload: Upload, user, form_kwargs: dict | None = None,
                  write_ctx: dict | None = None, mapping: dict | None = None,
                  sheet: str | None = None, accept_warnings: str = "") -> CommitOutcome:
    """Load every row of a previewed upload in one transaction, or none.

    Re-reads the stored file and re-validates it all; any error and nothing is written.
    A kind with `reuse` instead takes the rows its preview validated, when the file, its
    sheet and mapping and the kind's lookups are all as they were then (CheckedRows).
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
    preview = (_checked_preview(found, form_kwargs, mapping, sheet)
               or upload_inspect(upload=found, form_kwargs=form_kwargs, mapping=mapping, sheet=sheet))
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
    spec = _spec_of(upload)
    upload.mapping = preview.mapping
    upload.row_count = preview.row_count
    upload.errors = [e.as_dict() for e in preview.errors[:200]]
    upload.warnings = [w.as_dict() for w in preview.warnings[:200]]
    if preview.errors or not preview.row_count:
        CheckedRows.objects.filter(upload=upload).delete()
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
    # Loaded: the copy of the rows has served, and may hold personal data.
    CheckedRows.objects.filter(upload=upload).delete()
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
    spec = _spec_of(upload)
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


def upload_sheets(upload: Upload) -> list[SheetInfo]:
    """The sheets of the stored workbook (none for a csv), read without their cells: a
    person can choose another sheet even when the one read first cannot be used (an
    empty front sheet before the data)."""
    if _spec_of(upload).file_reader is not None:
        return []  # not a workbook: there are no sheets to choose
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
