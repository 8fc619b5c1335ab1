"""Reading is bounded (core.sheets and its child process, core/sheet_reader.py): a sheet
past the limits is refused before its cells are read, a file that would take the reader
past its memory ceiling ends only the reader, and every refusal names the sheet, the cell
or the row. Hidden sheets are read only when chosen; csv encodings and delimiters are
detected."""
import codecs
import io
import zipfile
from datetime import date

import pytest
from django.urls import reverse

from core.models import Upload
from core.sheets import read_grid, sheet_limits
from core.uploads import UploadError, check_file, read_grid_table, read_raw_table, read_table
from finance.models import LedgerTransaction
from tests.core.rawxlsx import cells_xml, one_sheet, sheet_xml, workbook


def refused(name: str, data: bytes, **kwargs) -> str:
    with pytest.raises(UploadError) as caught:
        check_file(name, data)
        read_table(name, data, **kwargs)
    return caught.value.message


def corners(dimension: str | None) -> bytes:
    """The file that once stopped the service: one cell at A1, one at XFD1048576."""
    data = '<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>' \
           '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>y</t></is></c></row>'
    return workbook([("Ledger", None, sheet_xml(data, dimension=dimension))])


# --- Limits before any cell is read ---------------------------------------------------------

def test_a_sheet_claiming_the_whole_grid_is_refused_with_its_claim_and_the_limits():
    data = corners("A1:XFD1048576")
    assert len(data) < 5000
    message = refused("ledger.xlsx", data)
    assert message == ("The sheet 'Ledger' claims 1,048,576 rows by 16,384 columns; files up to "
                       "200,000 rows and 200 columns (and 2,000,000 cells in all) can be loaded.")


def test_the_same_cells_without_a_declared_dimension_are_found_by_their_references():
    assert "has cells as far as 1,048,576 rows by 16,384 columns" in refused("ledger.xlsx", corners(None))


def test_the_limits_are_settings(settings):
    settings.UPLOAD_MAX_ROWS = 3
    data = one_sheet([["Amount"], [1], [2], [3], [4]], dimension="A1:A5")
    assert "claims 5 rows by 1 columns; files up to 3 rows" in refused("l.xlsx", data)
    settings.UPLOAD_MAX_ROWS = 5
    headers, rows = read_table("l.xlsx", data)
    assert [r["Amount"] for r in rows] == ["1", "2", "3", "4"]


def test_a_sheet_that_would_take_the_reader_past_its_memory_ends_only_the_reader(settings):
    # Within the row and column limits (which are raised here), but calamine sets aside
    # memory for every cell between A1 and AZ900000: far more than the reader may have.
    settings.UPLOAD_MAX_ROWS = 1_000_000
    settings.UPLOAD_MAX_COLUMNS = 100
    settings.UPLOAD_MAX_CELLS = 100_000_000
    settings.UPLOAD_READER_MEMORY_BYTES = 400 * 1024 * 1024
    data = '<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>' \
           '<row r="900000"><c r="AZ900000"><v>1</v></c></row>'
    message = refused("big.xlsx", workbook([("Ledger", None, sheet_xml(data))]))
    assert "could not be read within the memory allowed" in message
    # This process is still here, and reads the next file as usual.
    assert read_table("ok.xlsx", one_sheet([["Amount"], [1]]))[1][0]["Amount"] == "1"


def test_only_the_used_area_is_read():
    data = workbook([("Data", None, sheet_xml(cells_xml([["Amount", "Code"], [5, "A"]], first_row=40000)))])
    grid = read_grid("far.xlsx", data)
    assert (grid.first_row, grid.first_column, len(grid.rows)) == (40000, 1, 2)
    headers, rows = read_table("far.xlsx", data)
    assert headers == ["Amount", "Code"] and rows[0].number == 40001


def test_a_zip_that_lies_about_its_size_is_refused(settings):
    settings.UPLOAD_MAX_UNZIPPED_BYTES = 2 * 1024 * 1024
    big = one_sheet([["Note"], *[["x" * 1000] for _ in range(3000)]])
    message = refused("big.xlsx", big)
    assert "more than 2 MB once unpacked" in message or "would be" in message
    # Now the central directory says each part is tiny: inflating it counts the truth.
    lying = bytearray(big)
    at = 0
    while (at := lying.find(b"PK\x01\x02", at)) >= 0:
        lying[at + 24:at + 28] = (10).to_bytes(4, "little")  # uncompressed size
        at += 4
    message = refused("lying.xlsx", bytes(lying))
    assert "once unpacked" in message or "damaged" in message or "not a valid" in message


def test_the_page_states_the_limits(cast, settings):
    settings.UPLOAD_MAX_ROWS = 12_345
    page = cast.client("finance").get(reverse("finance:ledger_upload", args=["home"])).content.decode()
    assert "up to 12,345 rows and 200 columns" in page


# --- The file that stopped the service, through the page ------------------------------------

@pytest.mark.parametrize("dimension", ["A1:XFD1048576", None])
def test_the_corner_cells_workbook_uploaded_as_a_ledger_is_refused_and_not_kept(cast, dimension):
    client = cast.client("finance")
    url = reverse("finance:ledger_upload", args=["home"])
    response = client.post(url, {"file": _file("ledger.xlsx", corners(dimension))})
    assert response.status_code == 200
    page = response.content.decode()
    assert "1,048,576 rows by 16,384 columns" in page
    assert "govuk-error-summary" in page and "Success" not in page
    assert not Upload.objects.exists() and not LedgerTransaction.objects.exists()
    # The server is still answering.
    assert client.get(url).status_code == 200


def _file(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


# --- Sheets --------------------------------------------------------------------------------

def _hidden_book(state="hidden"):
    return workbook([
        ("Cover", None, sheet_xml(cells_xml([["Ledger export for April"]]))),
        ("Data", state, sheet_xml(cells_xml([["Amount", "Code"], [5, "A"]]))),
    ])


@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_a_hidden_sheet_is_read_only_when_chosen(state):
    headers, rows = read_table("b.xlsx", _hidden_book(state))
    assert headers == ["Ledger export for April"] and rows == []
    headers, rows = read_table("b.xlsx", _hidden_book(state), sheet="Data")
    assert headers == ["Amount", "Code"] and rows[0].sheet == "Data"
    grid = read_grid("b.xlsx", _hidden_book(state))
    assert [(s.name, s.visible) for s in grid.sheets] == [("Cover", True), ("Data", False)]


def test_a_workbook_with_only_hidden_sheets_says_so():
    data = workbook([("Data", "hidden", sheet_xml(cells_xml([["Amount"], [1]])))])
    assert "no visible sheet" in refused("h.xlsx", data)


def test_the_first_visible_sheet_is_the_default():
    data = workbook([("Old", "hidden", sheet_xml(cells_xml([["Secret"], ["1"]]))),
                     ("Now", None, sheet_xml(cells_xml([["Amount"], [2]])))])
    assert read_table("v.xlsx", data)[0] == ["Amount"]
    assert read_raw_table("v.xlsx", data).sheet == "Now"


def test_a_person_chooses_another_sheet_on_the_mapping_page_and_the_preview_names_it(cast):
    client = cast.client("pm")
    data = workbook([
        ("Notes", None, sheet_xml(cells_xml([["Read me"]]))),
        ("Register", "hidden", sheet_xml(cells_xml([["Title", "Cause"], ["Agency staff", "Vacancies"]]))),
    ])
    response = client.post(reverse("risks:import", args=["home"]), {"file": _file("r.xlsx", data)})
    assert response.status_code == 302, response.content.decode()[:500]
    upload = Upload.objects.get()
    mapping_url = reverse("risks:import_mapping", args=["home", upload.pk])
    page = client.get(mapping_url).content.decode()
    assert "Read from the sheet <strong>Notes</strong>" in page
    assert "Register (hidden)" in page
    assert client.post(mapping_url, {"sheet": "Register"}).status_code == 302
    upload.refresh_from_db()
    assert upload.sheet == "Register"
    page = client.get(mapping_url).content.decode()
    assert "Read from the sheet <strong>Register</strong>" in page
    page = client.get(reverse("risks:import_preview", args=["home", upload.pk])).content.decode()
    assert 'id="sheet-read">Register' in page
    response = client.post(mapping_url, {"sheet": "Nowhere"}, follow=True)
    assert "no sheet called" in response.content.decode()


# --- Cells ---------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["NaN", "inf", "-inf", "1e999"])
def test_a_number_that_is_not_a_number_names_its_cell(value):
    data = workbook([("Ledger", None, sheet_xml(
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Amount</t></is></c></row>'
        f'<row r="2"><c r="A2"><v>1</v></c></row><row r="3"><c r="A3"><v>{value}</v></c></row>'))])
    message = refused("n.xlsx", data)
    assert message.startswith("The sheet 'Ledger', cell A3, holds a number that is not a real number")


def test_a_huge_cell_names_its_cell_in_a_workbook_and_its_row_in_a_csv():
    data = one_sheet([["Note", "Amount"], ["ok", 1], ["x" * (5 * 1024 * 1024), 2]], name="Notes")
    assert refused("c.xlsx", data).startswith("The sheet 'Notes', cell A3, holds 5,242,880 characters; "
                                              "a cell can hold up to 32,767.")
    csv_data = b"Note,Amount\nok,1\n" + b"y" * (5 * 1024 * 1024) + b",2\n"
    assert refused("c.csv", csv_data).startswith("Row 3 of the file holds a cell longer than 32,767")


def test_a_formula_uses_its_saved_result_or_says_it_has_none():
    data = one_sheet([["Amount", "Doubled"], [2, ("A2*2", 4)]])
    assert read_table("f.xlsx", data)[1][0]["Doubled"] == "4"
    data = one_sheet([["Amount", "Doubled"], [2, ("A2*2", None)], [3, ("A3*2", None)]], name="Ledger")
    assert refused("f.xlsx", data).startswith(
        "The sheet 'Ledger' has formulas with no saved result in cells B2, B3.")


def test_merged_cells_in_the_data_name_their_range_and_a_merge_above_the_header_is_fine():
    rows = [["", ""], ["Amount", "Code"], [1, "A"], [2, ""]]
    assert read_table("m.xlsx", one_sheet(rows, merged=["A1:B1"]))[0] == ["Amount", "Code"]
    message = refused("m.xlsx", one_sheet(rows, name="Ledger", merged=["A1:B1", "B3:B4"]))
    assert message.startswith("The sheet 'Ledger' has merged cells at B3:B4. Unmerge them")
    assert "merged cells at A2:B2" in refused("m.xlsx", one_sheet(rows, merged=["A2:B2"]))


# --- What is not an xlsx -------------------------------------------------------------------

def _ole(streams: list[str]) -> bytes:
    """The start of an OLE compound file, with directory entries named as given."""
    header = bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 504
    directory = b"".join(n.encode("utf-16-le").ljust(128, b"\0") for n in ["Root Entry", *streams])
    return header + directory


def test_an_encrypted_workbook_asks_for_the_password_to_be_removed():
    message = refused("pay.xlsx", _ole(["EncryptionInfo", "EncryptedPackage"]))
    assert message.startswith("The workbook is protected with a password")


def test_an_xls_and_an_xlsm_say_how_to_save_them():
    assert "Excel 97-2003 workbook (.xls)" in refused("old.xls", _ole(["Workbook"]))
    assert "Excel 97-2003" in refused("old.csv", _ole(["Workbook"]))
    assert "macros (.xlsm)" in refused("m.xlsm", one_sheet([["Amount"], [1]]))
    with_macros = workbook([("Data", None, sheet_xml(cells_xml([["Amount"], [1]])))],
                           extra={"xl/vbaProject.bin": b"\0" * 64})
    assert refused("m.xlsx", with_macros).startswith("The workbook contains macros")


def test_a_zip_named_csv_and_a_csv_named_xlsx():
    assert "not a CSV file" in refused("l.csv", one_sheet([["Amount"], [1]]))
    assert "not a valid Excel workbook" in refused("l.xlsx", b"Amount\n1\n")


# --- csv: encodings and delimiters ---------------------------------------------------------

@pytest.mark.parametrize(("data", "encoding"), [
    ("Name,Amount\nCafé,£5\n".encode(), "UTF-8"),
    (codecs.BOM_UTF8 + "Name,Amount\nCafé,£5\n".encode(), "UTF-8"),
    ("Name,Amount\nCafé,£5\n".encode("utf-16"), "UTF-16"),
    ("Name,Amount\nCafé,£5\n".encode("utf-16-le"), "UTF-16"),
    ("Name,Amount\nCafé,£5\n".encode("cp1252"), "Windows-1252"),
])
def test_csv_encodings_are_detected_and_said(data, encoding):
    grid = read_grid("x.csv", data)
    assert grid.rows[1] == ["Café", "£5"]
    assert grid.notes == [f"Read as {encoding} text with columns separated by commas."]


@pytest.mark.parametrize(("delimiter", "word"), [(";", "semicolons"), ("\t", "tabs"), (",", "commas")])
def test_csv_delimiters_are_detected(delimiter, word):
    text = delimiter.join(["Date", "Amount", "Note"]) + "\n" + delimiter.join(["2023-04-01", "1,5", "a"]) + "\n"
    if delimiter == ",":
        text = 'Date,Amount,Note\n2023-04-01,"1,5",a\n'
    headers, rows = read_table("x.csv", text.encode())
    assert headers == ["Date", "Amount", "Note"] and rows[0]["Amount"] == "1,5"
    assert word in read_grid("x.csv", text.encode()).notes[0]


def test_a_csv_whose_delimiter_cannot_be_told_says_so():
    message = refused("x.csv", b"a,b;c\n1,2;3\n")
    assert message.startswith("We could not tell whether the columns of this file are separated by")


def test_a_csv_with_nul_characters_or_an_unknown_encoding_says_so():
    assert "NUL characters" in refused("x.csv", b"Amount\n1\x002\n")
    assert "character encoding" in refused("x.csv", b"Amount\n\x81\x8d\x8f\n\xff\xfe\xfa")


def test_a_csv_past_the_row_limit_stops_at_the_limit(settings):
    settings.UPLOAD_MAX_ROWS = 10
    message = refused("x.csv", b"Amount\n" + b"1\n" * 11)
    assert message.startswith("The file has more than 10 rows")
    assert len(read_table("x.csv", b"Amount\n" + b"1\n" * 10)[1]) == 10


def test_a_csv_past_the_column_limit_names_the_row(settings):
    settings.UPLOAD_MAX_COLUMNS = 5
    assert refused("x.csv", b"a,b\n" + b",".join([b"1"] * 6) + b"\n").startswith("Row 2 of the file has 6 columns")


def test_limits_default_as_documented():
    assert sheet_limits()["rows"] == 200_000 and sheet_limits()["cell_characters"] == 32_767


def test_dates_and_numbers_keep_their_types_from_the_child():
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["When", "Amount"])
    wb.active.append([date(2023, 4, 1), 12.5])
    out = io.BytesIO()
    wb.save(out)
    raw = read_raw_table("d.xlsx", out.getvalue())
    assert [d.date() if hasattr(d, "date") else d for d in raw.columns["When"]] == [date(2023, 4, 1)]
    assert list(raw.columns["Amount"]) == [12.5]
    assert zipfile.is_zipfile(io.BytesIO(out.getvalue()))


# --- One child for the several reads of one small file --------------------------------------

def test_a_small_file_read_again_starts_no_second_child_and_each_caller_gets_its_own_rows(monkeypatch, settings):
    from core import sheets

    spawned = []
    real = sheets._spawn_reader
    monkeypatch.setattr(sheets, "_spawn_reader", lambda request, limits: spawned.append(1) or real(request, limits))
    data = one_sheet([["Amount", "Code"], [5, "A"], [6, "B"]], name="Cached")
    first = read_grid("c.xlsx", data, rows=False)
    again = read_grid("c.xlsx", data)
    assert len(spawned) == 1 and first.sheet == again.sheet == "Cached"
    again.rows[1][0] = "changed by a caller"
    assert read_grid("c.xlsx", data).rows[1][0] == 5 and len(spawned) == 1
    # Other limits, another answer: the settings in force always decide.
    settings.UPLOAD_MAX_ROWS = 1
    assert "files up to 1 rows" in refused("c.xlsx", data)
    assert len(spawned) == 2


def test_the_remembered_answers_are_bounded():
    from core import sheets

    for n in range(sheets.CACHE_ENTRIES + 3):
        read_grid("n.xlsx", one_sheet([["Amount"], [n]]))
    assert len(sheets._answers) <= sheets.CACHE_ENTRIES
    assert sum(map(len, sheets._answers.values())) <= sheets.CACHE_BYTES


# --- The reader's own robustness ------------------------------------------------------------

def test_cell_references_are_found_whatever_their_attributes_and_quotes():
    far = ('<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>'
           "<row r='1048576'><c s=\"0\" r='XFD1048576' t=\"n\"><v>1</v></c></row>")
    assert "has cells as far as 1,048,576 rows by 16,384 columns" in refused(
        "q.xlsx", workbook([("Ledger", None, sheet_xml(far))]))
    formula = ('<row r="1"><c r="A1" t="inlineStr"><is><t>Doubled</t></is></c></row>'
               "<row r='2'><c s=\"1\" r='A2'><f>1+1</f></c></row>")
    assert "formulas with no saved result in cell A2" in refused(
        "q.xlsx", workbook([("Ledger", None, sheet_xml(formula))]))
    claims = sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>').replace(
        "<sheetData>", "<dimension  ref='A1:XFD1048576'/><sheetData>")
    assert "claims 1,048,576 rows" in refused("q.xlsx", workbook([("Ledger", None, claims)]))


def test_an_answer_holding_anything_but_plain_data_is_not_rebuilt():
    import pickle

    from core.sheets import _answer

    class Sneaky:
        def __reduce__(self):
            return (print, ("ran",))

    with pytest.raises(pickle.UnpicklingError):
        _answer(pickle.dumps({"rows": [[Sneaky()]]}))
    assert _answer(pickle.dumps({"rows": [[date(2023, 4, 1), 1.5, "x"]]}))["rows"] == [[date(2023, 4, 1), 1.5, "x"]]


def test_a_reader_that_cannot_start_is_a_message_not_a_crash(monkeypatch):
    import subprocess

    def no_process(*args, **kwargs):
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(subprocess, "run", no_process)
    assert "server is busy" in refused("r.xlsx", one_sheet([["Amount"], [7]], name="NotCachedYet"))


def test_a_heading_on_two_columns_is_said_and_both_can_be_chosen():
    data = b"Amount,Code,Amount\n1,A,2\n"
    headers, rows, grid = read_grid_table("d.csv", data)
    assert headers == ["Amount", "Code", "Amount (2)"] and rows[0]["Amount (2)"] == "2"
    assert any("2 columns are headed \u201cAmount\u201d;" in note for note in grid.notes), grid.notes
    assert not any("headed" in note for note in read_grid_table("d.csv", b"Amount,Code\n1,A\n")[2].notes)
