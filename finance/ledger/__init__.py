"""Loading the council's ledger export through the one upload pipeline (core.uploads).

Two validators apply one set of rules: `LedgerRowForm` checks one row (the pipeline's
row form, as for every upload), and `ledger_bulk_validate` checks a whole sheet column by
column, which is what a 100,000-line export needs to load in a couple of seconds. Both call
the same parsing functions below and give the same messages; a test holds them to that.

Rules, per row: the date is a real date inside a known financial year (a year this
programme has a budget for); the amount is a number of pounds, negative for credits; cost
centre and account code are given. Then, for the file: a row that says "Total" (and has no
transaction date) is the sheet's own total and is compared with the sum of the rows it
covers — a difference of at most £1 is a rounding warning, more rejects the file. Lines
whose reference was loaded before are shown and not loaded again. Codes not yet in the
finance officer's tables are listed before the commit; their lines load and show as
"not mapped" until the codes are mapped.

One concern a module, each importing only those before it:

    columns.py     KIND, the columns, limits and messages
    parsing.py     a cell as a date, whole pence or a period
    years.py       the financial years a date may fall in (those with a budget)
    batch.py       LedgerBatch, StatedTotal: the validated sheet, column by column
    totals.py      the sheet's own total rows and their reconciliation
    forms.py       LedgerRowForm, the row form
    checks.py      the file-wide checks: references loaded before, codes not yet mapped
    validation.py  ledger_bulk_validate, the whole sheet at once
    writing.py     write_ledger, rollback_ledger
    spec.py        SPEC, the upload kind, and ledger_form_kwargs
"""
from finance.ledger.batch import LedgerBatch, StatedTotal
from finance.ledger.columns import COLUMNS, HEADER, KIND
from finance.ledger.forms import LedgerRowForm
from finance.ledger.parsing import parse_date, parse_pence, parse_period
from finance.ledger.spec import SPEC, ledger_form_kwargs
from finance.ledger.validation import ledger_bulk_validate
from finance.ledger.writing import rollback_ledger, write_ledger
from finance.ledger.years import known_years

__all__ = [
    "COLUMNS", "HEADER", "KIND", "SPEC", "LedgerBatch", "LedgerRowForm", "StatedTotal", "known_years",
    "ledger_bulk_validate", "ledger_form_kwargs", "parse_date", "parse_pence", "parse_period",
    "rollback_ledger", "write_ledger",
]
