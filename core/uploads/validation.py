"""Validating every row of a mapped table: through the spec's row form (`validate_rows`),
or the whole table at once through its bulk validator (`validate_table`)."""
from django import forms

from core.formats import label_noun
from core.uploads.reading import RawTable, TableRow
from core.uploads.spec import BulkResult, RowError, UploadSpec


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
    if spec.prepare_rows is not None:
        spec.prepare_rows(rows=rows, header_of=header_of, form_kwargs=form_kwargs or {})
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
