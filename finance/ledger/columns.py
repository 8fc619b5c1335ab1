"""The ledger upload's columns, limits and the messages both validators give."""
from datetime import date
from decimal import Decimal

from core.money import example as money_example
from core.uploads import ColumnSpec

KIND = "finance.ledger"
# Differences between a sheet's stated total and its rows up to this are rounding.
TOLERANCE_PENCE = 100
MAX_PENCE = 10 ** 14 - 1  # what the amount column (14 digits, 2 decimals) can hold
MAX_ERRORS = 500  # on the bulk path; after that, one line says how many more


COLUMNS = (
    ColumnSpec("transaction_date", "Transaction date", aliases=(
        "Date", "Posting date", "Posted date", "Trans date", "Transaction dt", "GL date",
        "Accounting date", "Document date", "Invoice date"), display="date", example=date(2024, 5, 1)),
    ColumnSpec("period", "Period", required=False, aliases=("Accounting period", "Per", "Prd", "Month no"),
               example=2),
    ColumnSpec("cost_centre", "Cost centre", aliases=(
        "Cost center", "CC", "Cost centre code", "Cost ctr", "Cost code", "Service code", "Budget code"),
        example="CC100"),
    ColumnSpec("account_code", "Account code", aliases=(
        "Account", "Subjective", "Subjective code", "Nominal", "Nominal code", "GL account",
        "Expense code", "Account no"), example="1001"),
    ColumnSpec("description", "Description", required=False, aliases=(
        "Narrative", "Details", "Line description", "Transaction description", "Text"),
        example="Agency social worker, April"),
    ColumnSpec("supplier", "Supplier", required=False, aliases=(
        "Supplier name", "Vendor", "Vendor name", "Payee", "Creditor"), example="Acme Staffing Ltd"),
    ColumnSpec("amount", "Amount", aliases=(
        "Net", "Net amount", "Value", "Amount (£)", "Amount £", "Net value", "Actual", "Amount GBP"),
        display="money", example=Decimal("18450.00")),
    ColumnSpec("reference", "Reference", required=False, aliases=(
        "Ref", "Journal no", "Journal number", "Journal", "Transaction reference", "Document number",
        "Doc no", "Invoice number", "Transaction id", "Trans ref"), example="JNL-000123"),
)
HEADER = {c.name: c.label for c in COLUMNS}

DATE_REQUIRED = "Enter the transaction date"
DATE_INVALID = "Enter the transaction date as a real date, for example 31/03/2024"
AMOUNT_REQUIRED = "Enter the amount"
# The money reader's own words, so a cell refused by the ledger's fast path and one refused
# by core.money read alike.
AMOUNT_INVALID = money_example("amount")
AMOUNT_TOO_LARGE = "The amount is too large: it must be less than £1,000,000,000,000"
PERIOD_INVALID = "Enter the period as a whole number from 1 to 13"
TEXT_LIMITS = {"cost_centre": 40, "account_code": 40, "description": 300, "supplier": 200, "reference": 80}
TEXT_REQUIRED = {"cost_centre": "Enter the cost centre", "account_code": "Enter the account code"}
TEXT_LABELS = {"cost_centre": "cost centre", "account_code": "account code", "description": "description",
               "supplier": "supplier", "reference": "reference"}


def text_too_long(name: str) -> str:
    return f"The {TEXT_LABELS[name]} must be {TEXT_LIMITS[name]} characters or fewer"

