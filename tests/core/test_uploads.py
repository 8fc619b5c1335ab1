"""The one upload pipeline: check → read → map → validate every row → write all, or nothing."""
import io
import zipfile
from datetime import date, datetime

import openpyxl
import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string

from core import uploads
from core.models import ColumnMapping, Upload
from core.uploads import (
    ColumnSpec,
    RowError,
    UploadError,
    UploadFileForm,
    UploadSpec,
    check_file,
    get_upload_spec,
    mapping_form,
    read_table,
    suggest_mapping,
    upload_commit,
    upload_inspect,
    upload_preview,
    upload_receive,
    upload_rollback,
    upload_spec,
    validate_rows,
)
from programmes.forms import LessonForm
from programmes.models import Lesson

KIND = "tests.lessons"


class LessonRowForm(LessonForm):
    class Meta(LessonForm.Meta):
        fields = ["title", "kind", "recorded_on", "detail"]


# Which lessons each upload wrote. A domain model would carry a foreign key to its Upload;
# Lesson has none, so the test spec keeps the link here.
WRITTEN: dict[int, list[int]] = {}


def write_lessons(*, upload, rows, user, programme):
    lessons = Lesson.objects.bulk_create(Lesson(programme=programme, **row) for row in rows)
    WRITTEN[upload.pk] = [lesson.pk for lesson in lessons]
    return len(lessons)


def remove_lessons(*, upload, user):
    Lesson.objects.filter(pk__in=WRITTEN.pop(upload.pk, [])).delete()


SPEC = upload_spec(UploadSpec(
    kind=KIND,
    columns=(
        ColumnSpec("title", "Title", aliases=("Lesson", "Lesson title")),
        ColumnSpec("kind", "Kind", aliases=("Type",)),
        ColumnSpec("recorded_on", "Recorded on", aliases=("Date", "Date recorded")),
        ColumnSpec("detail", "Detail", required=False, aliases=("Notes",)),
    ),
    form_class=LessonRowForm,
    write=write_lessons,
    rollback=remove_lessons,
))


def xlsx(rows) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csv_bytes(text: str, bom: bool = False) -> bytes:
    return ("\ufeff" if bom else "").encode() + text.encode()


GOOD = [
    ["Title", "Kind", "Recorded on", "Detail"],
    ["Start TUPE consultation earlier", "to_improve", date(2026, 3, 1), "Two weeks late"],
    ["Weekly staff briefings", "went_well", date(2026, 3, 8), ""],
    ["Payroll cut-over rehearsal", "went_well", datetime(2026, 4, 1), "Found 3 errors"],
]


def receive(cast, name, data, user="pm"):
    return upload_receive(target=cast.programme, kind=KIND, uploaded_file=SimpleUploadedFile(name, data),
                          user=cast.users[user])


def commit(cast, upload, user="pm"):
    return upload_commit(upload=upload, user=cast.users[user], form_kwargs={"programme": cast.programme},
                         write_ctx={"programme": cast.programme})


def test_registry():
    assert get_upload_spec(KIND) is SPEC
    with pytest.raises(ValueError):
        get_upload_spec("nothing.here")


def test_openpyxl_sees_defusedxml():
    # openpyxl refuses XML bombs (billion laughs, external entities) only when defusedxml is installed.
    assert openpyxl.xml.DEFUSEDXML is True


def test_valid_file_commits_every_row(cast):
    upload = receive(cast, "lessons.xlsx", xlsx(GOOD))
    assert upload.status == Upload.Status.PREVIEWED and len(upload.sha256) == 64
    preview = upload_preview(upload=upload, form_kwargs={"programme": cast.programme})
    assert preview.errors == [] and preview.row_count == 3 and preview.can_commit
    assert [r.number for r in preview.rows] == [2, 3, 4]

    outcome = commit(cast, upload)

    assert outcome.ok and outcome.written == 3
    upload.refresh_from_db()
    assert upload.status == Upload.Status.COMMITTED and upload.row_count == 3 and upload.committed_at
    lessons = Lesson.objects.filter(programme=cast.programme).order_by("recorded_on")
    assert [(lesson.title, lesson.kind, lesson.recorded_on) for lesson in lessons] == [
        ("Start TUPE consultation earlier", "to_improve", date(2026, 3, 1)),
        ("Weekly staff briefings", "went_well", date(2026, 3, 8)),
        ("Payroll cut-over rehearsal", "went_well", date(2026, 4, 1)),
    ]
    assert upload.history.count() >= 2


def test_errors_in_several_rows_and_columns_are_each_reported_and_nothing_is_written(cast):
    rows = [
        ["Title", "Kind", "Recorded on", "Detail"],
        ["Fine", "went_well", date(2026, 3, 1), ""],
        ["", "went_well", date(2026, 3, 1), ""],            # row 3: no title
        ["Bad kind", "brilliant", "31/02/2026", ""],        # row 4: bad kind and bad date
        [],                                                 # row 5: empty, skipped
        ["Also fine", "to_improve", "2026-03-02", "x"],
        ["No date", "to_improve", "", ""],                  # row 7: no date
    ]
    upload = receive(cast, "lessons.xlsx", xlsx(rows))
    before = Lesson.objects.count()

    outcome = commit(cast, upload)

    assert not outcome.ok
    found = {(e.row, e.column_header, e.field) for e in outcome.errors}
    assert found == {
        (3, "Title", "title"),
        (4, "Kind", "kind"),
        (4, "Recorded on", "recorded_on"),
        (7, "Recorded on", "recorded_on"),
    }
    assert "Enter the title" in [e.message for e in outcome.errors if e.row == 3]
    assert Lesson.objects.count() == before
    upload.refresh_from_db()
    assert upload.status == Upload.Status.FAILED and len(upload.errors) == 4
    assert not ColumnMapping.objects.exists()


def test_identical_reupload_is_recognised_and_changes_nothing(cast):
    data = xlsx(GOOD)
    first = receive(cast, "lessons.xlsx", data)
    assert commit(cast, first).ok
    count = Lesson.objects.count()

    second = receive(cast, "lessons copy.xlsx", data, user="director")
    outcome = commit(cast, second, user="director")

    assert not outcome.ok and outcome.already_loaded.pk == first.pk and outcome.errors == []
    assert outcome.message.startswith("This file was already loaded on ")
    assert f"by {cast.users['pm']}; nothing changed." in outcome.message
    assert Lesson.objects.count() == count
    second.refresh_from_db()
    assert second.status == Upload.Status.PREVIEWED
    # Committing the same upload twice (a double click) changes nothing either.
    again = commit(cast, first)
    assert again.already_loaded.pk == first.pk and Lesson.objects.count() == count


def test_a_file_rolled_back_can_be_loaded_again(cast):
    data = xlsx(GOOD)
    first = receive(cast, "lessons.xlsx", data)
    commit(cast, first)
    upload_rollback(upload=first, user=cast.users["pm"])
    second = receive(cast, "lessons.xlsx", data)
    assert commit(cast, second).written == 3


def test_mapping_is_remembered_and_suggested_next_time(cast):
    # First file: headers spelled differently, matched through aliases and punctuation.
    rows = [["LESSON TITLE", "type", "Date-recorded", "Notes"], ["A", "went_well", date(2026, 1, 5), "n"]]
    upload = receive(cast, "first.xlsx", xlsx(rows))
    preview = upload_preview(upload=upload, form_kwargs={"programme": cast.programme})
    assert preview.mapping == {"title": "LESSON TITLE", "kind": "type", "recorded_on": "Date-recorded",
                               "detail": "Notes"}
    assert commit(cast, upload).ok
    assert ColumnMapping.objects.get(kind=KIND).mapping["recorded_on"] == "Date-recorded"

    # Next month's file has a heading nothing would guess: the person maps it by hand...
    rows = [["LESSON TITLE", "type", "When", "Notes"], ["B", "to_improve", date(2026, 2, 5), ""]]
    upload = receive(cast, "second.xlsx", xlsx(rows))
    preview = upload_preview(upload=upload, form_kwargs={"programme": cast.programme})
    assert preview.mapping["recorded_on"] is None
    assert [(e.row, e.field) for e in preview.errors] == [(None, "recorded_on")]
    chosen = {**preview.mapping, "recorded_on": "When"}
    upload_preview(upload=upload, form_kwargs={"programme": cast.programme}, mapping=chosen)
    assert commit(cast, upload).ok

    # ...and the third file of that shape is mapped without asking.
    rows = [["LESSON TITLE", "type", "When", "Notes"], ["C", "to_improve", date(2026, 3, 5), ""]]
    upload = receive(cast, "third.xlsx", xlsx(rows))
    preview = upload_preview(upload=upload, form_kwargs={"programme": cast.programme})
    assert preview.mapping["recorded_on"] == "When" and preview.can_commit


def test_suggest_mapping_prefers_remembered_then_names():
    headers = ["Lesson", "Kind ", "recorded_on", "Date"]
    assert suggest_mapping(SPEC, headers, {"recorded_on": "Date", "title": "Gone"}) == {
        "title": "Lesson", "kind": "Kind ", "recorded_on": "Date", "detail": None}
    assert suggest_mapping(SPEC, headers)["recorded_on"] == "recorded_on"


def test_rollback_removes_exactly_that_uploads_rows(cast):
    keep = Lesson.objects.create(programme=cast.programme, title="Typed in", kind="went_well",
                                 recorded_on=date(2026, 1, 1))
    first = receive(cast, "one.csv", csv_bytes("Title,Kind,Recorded on\nOne,went_well,2026-01-02\n"))
    second = receive(cast, "two.csv", csv_bytes("Title,Kind,Recorded on\nTwo,went_well,2026-01-03\n"
                                                 "Three,to_improve,2026-01-04\n"))
    commit(cast, first)
    commit(cast, second)

    upload_rollback(upload=second, user=cast.users["director"])

    assert set(Lesson.objects.values_list("title", flat=True)) == {"Typed in", "One"}
    second.refresh_from_db()
    assert second.status == Upload.Status.ROLLED_BACK and second.rolled_back_by == cast.users["director"]
    assert keep.pk in Lesson.objects.values_list("pk", flat=True)
    with pytest.raises(UploadError, match="Only a loaded upload"):
        upload_rollback(upload=second, user=cast.users["pm"])


def test_size_limit(settings):
    settings.UPLOAD_MAX_BYTES = 100
    with pytest.raises(UploadError, match="smaller than"):
        check_file("big.csv", b"a" * 101)
    check_file("small.csv", b"a,b\n1,2\n")


def test_size_limit_on_receive_before_reading(cast, settings):
    settings.UPLOAD_MAX_BYTES = 100
    with pytest.raises(UploadError, match="smaller than"):
        receive(cast, "big.csv", b"Title\n" + b"x\n" * 100)
    assert not Upload.objects.exists()


@pytest.mark.parametrize("name", ["lessons.txt", "lessons", "lessons.xlsx.exe"])
def test_wrong_extension(name):
    with pytest.raises(UploadError, match=r"\.xlsx\) or a CSV file"):
        check_file(name, b"Title\nx\n")


def test_fake_xlsx_that_is_not_a_zip():
    with pytest.raises(UploadError, match="not a valid Excel workbook"):
        check_file("lessons.xlsx", b"Title,Kind\nx,y\n")


def test_zip_bomb_declared_size(settings):
    settings.UPLOAD_MAX_UNZIPPED_BYTES = 1024 * 1024
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"0" * (2 * 1024 * 1024))
    data = out.getvalue()
    assert len(data) < 20_000  # small on the wire, large once opened
    with pytest.raises(UploadError, match="once opened"):
        check_file("bomb.xlsx", data)


def test_zip_bomb_many_entries():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for i in range(uploads.XLSX_MAX_ENTRIES + 1):
            z.writestr(f"x/{i}.xml", b"")
    with pytest.raises(UploadError, match="too many parts"):
        check_file("many.xlsx", out.getvalue())


def test_real_workbook_passes_the_checks():
    check_file("lessons.xlsx", xlsx(GOOD))


def test_dates_and_numbers_from_xlsx():
    data = xlsx([
        ["  Amount ", "Count", "When", "Stamp", "Text"],
        [3.0, 7, date(2026, 5, 17), datetime(2026, 5, 17, 14, 30), "  padded  "],
        [None, None, None, None, None],
        [2.5, 0, datetime(2027, 1, 1), None, "typed text"],
    ])
    headers, rows = read_table("n.xlsx", data)
    assert headers == ["Amount", "Count", "When", "Stamp", "Text"]
    assert [r.number for r in rows] == [2, 4]
    assert dict(rows[0]) == {"Amount": "3", "Count": "7", "When": "2026-05-17", "Stamp": "2026-05-17 14:30:00",
                             "Text": "padded"}
    assert dict(rows[1]) == {"Amount": "2.5", "Count": "0", "When": "2027-01-01", "Stamp": "",
                             "Text": "typed text"}


def test_named_sheet():
    wb = openpyxl.Workbook()
    wb.active.append(["Ignore"])
    ws = wb.create_sheet("Register")
    ws.append(["Title"])
    ws.append(["Here"])
    out = io.BytesIO()
    wb.save(out)
    headers, rows = read_table("r.xlsx", out.getvalue(), sheet="Register")
    assert headers == ["Title"] and rows[0]["Title"] == "Here"
    with pytest.raises(UploadError, match="no sheet called"):
        read_table("r.xlsx", out.getvalue(), sheet="Missing")


def test_csv_with_bom_and_formula_looking_cells_read_as_text():
    data = csv_bytes("Title,Kind,Amount\n=HYPERLINK(\"http://x\"),+44 123,-3\n\n@cmd,007,\"1,000\"\n", bom=True)
    headers, rows = read_table("x.csv", data)
    assert headers == ["Title", "Kind", "Amount"]  # no BOM stuck to the first heading
    assert [r.number for r in rows] == [2, 4]
    assert dict(rows[0]) == {"Title": '=HYPERLINK("http://x")', "Kind": "+44 123", "Amount": "-3"}
    assert dict(rows[1]) == {"Title": "@cmd", "Kind": "007", "Amount": "1,000"}


def test_csv_in_windows_code_page():
    headers, rows = read_table("x.csv", "Title\nCaf\xe9 \xa35\n".encode("cp1252"))
    assert rows[0]["Title"] == "Café £5"


def test_empty_file_refused():
    with pytest.raises(UploadError, match="empty"):
        read_table("x.csv", b"\n\n")


def test_unmapped_required_columns_reported_before_rows(cast):
    headers, rows = read_table("x.csv", b"Something,Else\n1,2\n")
    mapping = suggest_mapping(SPEC, headers)
    cleaned, errors = validate_rows(SPEC, rows, mapping, {"programme": cast.programme})
    assert cleaned == []
    assert [e.field for e in errors] == ["title", "kind", "recorded_on"]
    assert all(e.row is None for e in errors)
    assert errors[0].message == "Choose the column that holds the title."


def test_non_field_errors_have_no_column(cast):
    class Strict(LessonRowForm):
        def clean(self):
            super().clean()
            raise forms.ValidationError("Whole row wrong")

    spec = UploadSpec(kind="tests.strict", columns=SPEC.columns, form_class=Strict,
                      write=write_lessons, rollback=remove_lessons)
    headers, rows = read_table("x.csv", b"Title,Kind,Recorded on\nA,went_well,2026-01-01\n")
    _, errors = validate_rows(spec, rows, suggest_mapping(spec, headers), {"programme": cast.programme})
    assert errors == [RowError(2, None, None, "Whole row wrong")]


def test_templates_render(cast):
    upload = receive(cast, "lessons.xlsx", xlsx(GOOD[:2] + [["", "went_well", date(2026, 1, 1), ""]]))
    preview = upload_preview(upload=upload, form_kwargs={"programme": cast.programme})
    html = render_to_string("core/uploads/preview.html", {"preview": preview, "upload": upload,
                                                          "commit_action": "/commit/"})
    assert "Errors by row and column" in html and "Load " not in html
    assert "Start TUPE consultation earlier" in html
    html = render_to_string("core/uploads/form.html", {"upload_form": UploadFileForm(), "upload_action": "/u/"})
    assert 'type="file"' in html and 'enctype="multipart/form-data"' in html
    form = mapping_form(SPEC, preview.headers, initial=preview.mapping)
    html = render_to_string("core/uploads/mapping.html", {"mapping_form": form, "upload": upload,
                                                          "mapping_action": "/m/"})
    assert "Recorded on" in html and "Not in this file" in html
    html = render_to_string("core/uploads/history.html", {"uploads": [upload], "rollback_url": "/r/",
                                                          "can_roll_back": True})
    assert "lessons.xlsx" in html


def test_formula_looking_text_in_xlsx_is_read_as_text():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Title"])
    ws["A2"].value = "=SUM(A1:A2)"
    ws["A2"].data_type = "s"  # typed as text (a leading apostrophe in Excel), not a formula
    out = io.BytesIO()
    wb.save(out)
    _, rows = read_table("f.xlsx", out.getvalue())
    assert rows[0]["Title"] == "=SUM(A1:A2)"


def test_inspecting_an_upload_records_nothing(cast):
    rows = [["Title", "Kind", "Recorded on"], ["A", "went_well", date(2026, 1, 5)]]
    upload = receive(cast, "look.xlsx", xlsx(rows))
    before = (upload.mapping, upload.row_count, upload.history.count())
    preview = upload_inspect(upload=upload, form_kwargs={"programme": cast.programme})
    assert preview.can_commit and preview.mapping["title"] == "Title"
    upload.refresh_from_db()
    assert (upload.mapping, upload.row_count, upload.history.count()) == before


def test_errors_name_the_sheet_of_a_workbook():
    """An error in an xlsx says which sheet it is on, as well as the row and column."""
    from core.uploads import read_table

    book = openpyxl.Workbook()
    book.active.title = "ELI data"
    book.active.append(["Name"])
    book.active.append(["Ann"])
    buffer = io.BytesIO()
    book.save(buffer)
    headers, rows = read_table("eli.xlsx", buffer.getvalue())
    assert headers == ["Name"] and rows[0].sheet == "ELI data" and rows[0].number == 2
    _, csv_rows = read_table("eli.csv", b"Name\nAnn\n")
    assert csv_rows[0].sheet is None


# The commit reads and checks the file before its transaction, and writes inside one -------

class NotingForm(LessonRowForm):
    """Notes whether each row was checked inside a transaction."""

    in_transaction: list[bool] = []

    def clean(self):
        from django.db import connection

        NotingForm.in_transaction.append(connection.in_atomic_block)
        return super().clean()


NOTING_KIND = "tests.lessons_noting"
WRITES_IN_TRANSACTION: list[bool] = []


def _write_noting(**kwargs):
    from django.db import connection

    WRITES_IN_TRANSACTION.append(connection.in_atomic_block)
    return write_lessons(**kwargs)


upload_spec(UploadSpec(kind=NOTING_KIND, columns=SPEC.columns, form_class=NotingForm,
                       write=_write_noting, rollback=remove_lessons))


@pytest.mark.django_db(transaction=True)
def test_the_commit_reads_the_file_outside_its_transaction_and_writes_inside_one(cast):
    NotingForm.in_transaction.clear()
    WRITES_IN_TRANSACTION.clear()
    upload = upload_receive(target=cast.programme, kind=NOTING_KIND, user=cast.users["pm"],
                            uploaded_file=SimpleUploadedFile("l.xlsx", xlsx(GOOD)))
    outcome = upload_commit(upload=upload, user=cast.users["pm"], form_kwargs={"programme": cast.programme},
                            write_ctx={"programme": cast.programme})
    assert outcome.ok and outcome.written == 3
    # Every row was checked with no transaction open (so no lock held while reading)…
    assert NotingForm.in_transaction == [False, False, False]
    # …and written inside the commit's one transaction.
    assert WRITES_IN_TRANSACTION == [True]
    assert Lesson.objects.filter(title="Weekly staff briefings").exists()
