"""The pipeline's fast read (core.uploads.read_raw_table, which the ledger spec asks for)
gives the same headers, rows and row numbers as the text read every other upload uses."""
from datetime import date

from core.uploads import read_raw_table, read_table
from tests.finance.conftest import csv_bytes, xlsx


def _rows():
    return [[date(2023, 5, 1), "CC1", 1001, "Line", None, 12.5, "R1"],
            [None, None, None, None, None, None, None],  # blank: skipped, but counted
            [date(2023, 5, 2), "CC1", "1001", "Line two", "Acme", -3, "R2"]]


def test_raw_and_text_reads_agree_for_xlsx_and_csv():
    for name, data in (("l.xlsx", xlsx(_rows())),
                       ("l.csv", csv_bytes([["" if c is None else c for c in r] for r in _rows()]))):
        headers, rows = read_table(name, data)
        raw = read_raw_table(name, data)
        assert raw.headers == headers
        assert raw.numbers == [r.number for r in rows] == [2, 4]
        assert [raw.text_row(i) for i in range(len(raw))] == rows
        assert [raw.text_row(i).sheet for i in range(len(raw))] == [r.sheet for r in rows]


def test_raw_read_keeps_types_from_a_workbook():
    raw = read_raw_table("l.xlsx", xlsx(_rows()))
    dates = raw.columns["Transaction date"]
    assert [d.date() if hasattr(d, "date") else d for d in dates] == [date(2023, 5, 1), date(2023, 5, 2)]
    assert list(raw.columns["Amount"]) == [12.5, -3]
    assert list(raw.columns["Supplier"]) == ["", "Acme"]
