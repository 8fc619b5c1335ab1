"""The fast paths of reading a spreadsheet say what the slow ones said: a csv read in blocks
stops at the same row with the same words wherever in a block the limit is passed, a
Windows-1252 file whose first non-UTF-8 byte comes late is still read as Windows-1252, and
the reader's column-by-column check of cells finds the same first bad cell as reading
them one by one, text that only looks like a far cell reference is not refused."""
import pytest

from core import sheets
from core.sheet_reader import _cells_problems, _may_have_problems
from core.sheets import SheetError, read_grid
from tests.core.rawxlsx import cells_xml, sheet_xml, workbook

LIMITS = {"rows": 200_000, "columns": 200, "cells": 2_000_000, "cell_characters": 10}


def refusal(data: bytes, name: str = "x.csv") -> str:
    with pytest.raises(SheetError) as caught:
        read_grid(name, data)
    return caught.value.message


@pytest.mark.parametrize("bad_row", [2, 4, 5, 9])
def test_a_csv_read_in_blocks_names_the_first_row_past_the_column_limit(settings, monkeypatch, bad_row):
    monkeypatch.setattr(sheets, "CSV_BLOCK_ROWS", 4)
    settings.UPLOAD_MAX_COLUMNS = 3
    lines = ["a,b,c"] + ["1,2,3"] * 10
    lines[bad_row - 1] = "1,2,3,4,5"
    assert refusal("\n".join(lines).encode()) == (
        f"Row {bad_row} of the file has 5 columns; files up to 3 columns can be loaded.")


@pytest.mark.parametrize("rows", [9, 10, 11, 13])
def test_a_csv_read_in_blocks_stops_at_the_row_limit(settings, monkeypatch, rows):
    monkeypatch.setattr(sheets, "CSV_BLOCK_ROWS", 4)
    settings.UPLOAD_MAX_ROWS = 10
    data = b"Amount\n" + b"1\n" * rows
    if rows <= 10:
        assert len(read_grid("x.csv", data).rows) == rows + 1
    else:
        assert refusal(data) == ("The file has more than 10 rows; files up to 10 rows can be loaded. "
                                 "Split it into smaller files.")


def test_a_csv_read_in_blocks_counts_cells_across_blocks(settings, monkeypatch):
    monkeypatch.setattr(sheets, "CSV_BLOCK_ROWS", 3)
    settings.UPLOAD_MAX_CELLS = 15
    assert len(read_grid("x.csv", b"a,b\n" + b"1,2\n" * 6).rows) == 7  # 14 cells
    assert refusal(b"a,b\n" + b"1,2\n" * 7) == "The file has more than 15 cells; split it into smaller files."


def test_a_windows_1252_byte_far_into_the_file_makes_it_windows_1252(monkeypatch):
    monkeypatch.setattr(sheets, "CSV_BLOCK_ROWS", 2)
    data = ("Supplier;Amount\n" + "Acme;1\n" * 40_000 + "Caf\xe9 Nero;2\n").encode("cp1252")
    assert len(data) > 4 * sheets.SNIFF_BYTES  # past what the delimiter is told from
    grid = read_grid("x.csv", data)
    assert grid.rows[-1] == ["Café Nero", "2"]
    assert grid.notes == ["Read as Windows-1252 text with columns separated by semicolons."]


def test_utf8_with_a_byte_order_mark_and_a_bad_byte_is_refused_with_a_message():
    message = refusal(b"\xef\xbb\xbfAmount\n1\n\x81\x8d\n")
    assert message.startswith("We could not tell which character encoding the file uses")


@pytest.mark.parametrize("rows", [
    [["short", 1.0], ["x" * 11, float("nan")]],        # text first, in reading order
    [["short", float("inf")], ["x" * 11, 2.0]],        # a number first
    [["short", 1.0], [3.0, "y" * 12]],                 # mixed columns
    [["short"], ["a", "x" * 11]],                      # ragged rows
])
def test_the_column_check_finds_what_the_cell_by_cell_check_finds(rows):
    assert _may_have_problems(rows, LIMITS["cell_characters"])
    with pytest.raises(Exception) as caught:
        _cells_problems(rows, 1, 1, "Ledger", LIMITS)
    first = next((i, j) for i, r in enumerate(rows) for j, v in enumerate(r)
                 if (type(v) is str and len(v) > 10) or (type(v) is float and v != v or v in (float("inf"),)))
    assert f"cell {'AB'[first[1]]}{first[0] + 1}" in str(caught.value)


def test_the_column_check_passes_good_cells():
    assert not _may_have_problems([["a", 1.0, 2], ["bb", 3.5, ""], ["", -1e300, 4]], 10)
    _cells_problems([["a", 1.0], ["bb", 3.5]], 1, 1, "Ledger", LIMITS)


def test_text_that_looks_like_a_far_reference_is_read():
    # The quick search for far references sees r="ZZZZ9999999" in this text; the full one
    # knows it is not a cell's reference.
    sheet = sheet_xml(cells_xml([["Note"], ['see r="ZZZZ9999999"']]))
    grid = read_grid("x.xlsx", workbook([("Data", None, sheet)]))
    assert grid.rows == [["Note"], ['see r="ZZZZ9999999"']]


# The column path (core.uploads' read_raw_table) reads a csv with pandas' C parser; every
# shape of file must come out exactly as the csv module's rows path gives it, or be left
# to the csv module.
CSV_SHAPES = {
    "plain": "Date,Amount\n2024-04-01,12.50\n2024-04-02,-3\n",
    "a short row": "a,b,c\n1,2\n3,4,5\n",
    "a row longer than the first": "a,b,c\n1,2,3,4\n",
    "blank lines": "a,b\n\n1,2\n,\n3,4\n\n",
    "quotes mid-cell": 'a,b\nx"y",2\n"p"q,3\n',
    "a quoted line break": 'a,b\r\n"line 1\r\nline 2",2\r\n',
    "carriage returns only": "a,b\r1,2\r",
    "a title above the header": "Ledger export,,,,,\n\nDate,Amount\n1,2\n,\n3,4,5\n",
    "a header longer than the title": "Ledger\nDate,Amount,Ref\n1,2,3\n",
    "a quote left open": 'a,b\n"x,2\n',
    "a trailing comma": "a,b,\n1,2,\n",
    "spaces kept": "a , b\n 1 ,2 \n  ,  \n",
    "blank header cells": "a,,c\n1,2,3\n",
    "the same heading twice": "a,a\n1,2\n",
    "a hash first": "#a,b\n1,2\n",
    "semicolons": "a;b\n1;2\n",
    "tabs": "a\tb\n1\t2\n",
    "a byte order mark in the text": "\ufeffa,b\n1,2\n",
    "empty": "",
}


def _raw(data: bytes):
    from core.uploads import UploadError, read_raw_table

    try:
        t = read_raw_table("x.csv", data)
    except UploadError as exc:
        return ("refused", exc.message)
    return t.headers, t.columns, t.numbers, t.notes


@pytest.mark.parametrize("shape, encoding", [
    (shape, encoding) for shape in CSV_SHAPES for encoding in ("utf-8", "utf-8-sig", "cp1252", "utf-16")
    if not (encoding == "cp1252" and "\ufeff" in CSV_SHAPES[shape])])  # Windows-1252 has no such character
def test_the_column_path_reads_a_csv_as_the_rows_path_does(monkeypatch, shape, encoding):
    data = CSV_SHAPES[shape].encode(encoding)
    fast = _raw(data)
    monkeypatch.setattr(sheets, "_csv_columns", lambda *a, **k: None)
    assert fast == _raw(data)


def test_the_column_path_uses_the_parser_for_a_plain_csv_and_the_csv_module_otherwise():
    assert read_grid("x.csv", CSV_SHAPES["plain"].encode(), columns=True).columns == [
        ["Date", "2024-04-01", "2024-04-02"], ["Amount", "12.50", "-3"]]
    assert read_grid("x.csv", CSV_SHAPES["a row longer than the first"].encode(), columns=True).columns is None
    assert read_grid("x.csv", CSV_SHAPES["plain"].encode()).columns is None  # the rows path


@pytest.mark.parametrize("setting, value, data, message", [
    ("UPLOAD_MAX_ROWS", 2, b"a\n1\n2\n3\n", "The file has more than 2 rows"),
    ("UPLOAD_MAX_COLUMNS", 2, b"a,b,c\n1,2,3\n", "Row 1 of the file has 3 columns"),
    ("UPLOAD_MAX_CELLS", 5, b"a,b\n1,2\n3,4\n", "The file has more than 5 cells"),
    ("UPLOAD_MAX_CELL_CHARACTERS", 10, b"a,b\n1," + b"9" * 20 + b"\n", "holds a cell longer than 10 characters"),
])
def test_a_csv_past_a_limit_on_the_column_path_gets_the_rows_path_message(settings, setting, value, data,
                                                                          message):
    setattr(settings, setting, value)
    with pytest.raises(SheetError) as caught:
        read_grid("x.csv", data, columns=True)
    assert message in caught.value.message
