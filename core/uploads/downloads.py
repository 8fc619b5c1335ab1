"""Downloads: a template workbook for each kind, and a file's rows with their errors."""
from core.models import Upload
from core.uploads.files import check_file
from core.uploads.preview import Preview
from core.uploads.reading import read_table
from core.uploads.spec import UploadSpec, get_upload_spec


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
        reader = get_upload_spec(upload.kind).file_reader
        check_file(upload.original_name, data, reader)
        if reader is not None:  # a kind's own format (a Project plan), read as its kind reads it
            table = reader.read(upload.original_name, data)
            rows = [table.text_row(i) for i in range(len(table))]
        else:
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
