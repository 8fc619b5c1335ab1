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
