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
"""
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import numpy as np
from django import forms
from django.db import connection

from core.financial_year import MAX_START_YEAR, MIN_START_YEAR, FinancialYear
from core.uploads import BulkResult, ColumnSpec, RowError, UploadSpec, cell_text
from finance.models import AccountCode, BudgetLine, CostCentre, LedgerSummary, LedgerTransaction
from programmes.models import Programme

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
AMOUNT_INVALID = "Enter the amount as a number of pounds, for example 1250.00, or -75.50 for a credit"
AMOUNT_TOO_LARGE = "The amount is too large: it must be less than £1,000,000,000,000"
PERIOD_INVALID = "Enter the period as a whole number from 1 to 13"
TEXT_LIMITS = {"cost_centre": 40, "account_code": 40, "description": 300, "supplier": 200, "reference": 80}
TEXT_REQUIRED = {"cost_centre": "Enter the cost centre", "account_code": "Enter the account code"}
TEXT_LABELS = {"cost_centre": "cost centre", "account_code": "account code", "description": "description",
               "supplier": "supplier", "reference": "reference"}

_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_UK = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_NAMED = re.compile(r"^(\d{1,2})[ \-]([A-Za-z]{3})[A-Za-z]*[ \-](\d{4})$")
_TOTAL = re.compile(r"^\s*(grand\s+|sub-?\s*)?totals?\b", re.IGNORECASE)
_TOTAL_ANYWHERE = re.compile(r"^[ \t]*(grand\s+|sub-?\s*)?totals?\b", re.IGNORECASE | re.MULTILINE)
_LABEL_FIELDS = ("description", "reference", "cost_centre", "account_code", "transaction_date")


def text_of(value) -> str:
    """A cell as text, as a row form receives it (numbers without a trailing .0)."""
    if type(value) is str:
        return value.strip()
    return cell_text(value)


def parse_date(value) -> date:
    """A cell → date, or ValueError with the message a person sees."""
    if type(value) is date:
        return value
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = text_of(value)
    if not text:
        raise ValueError(DATE_REQUIRED)
    for pattern, order in ((_ISO, "ymd"), (_UK, "dmy")):
        m = pattern.match(text)
        if m:
            parts = dict(zip(order, (int(g) for g in m.groups()), strict=True))
            try:
                return date(parts["y"], parts["m"], parts["d"])
            except ValueError:
                raise ValueError(DATE_INVALID) from None
    m = _NAMED.match(text)
    if m and m.group(2).lower() in _MONTHS:
        try:
            return date(int(m.group(3)), _MONTHS[m.group(2).lower()], int(m.group(1)))
        except ValueError:
            raise ValueError(DATE_INVALID) from None
    raise ValueError(DATE_INVALID)


def _pence_of_decimal(amount: Decimal) -> int:
    if not amount.is_finite():
        raise ValueError(AMOUNT_INVALID)
    if abs(amount) * 100 > MAX_PENCE:
        raise ValueError(AMOUNT_TOO_LARGE)
    pence = int((amount * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    if abs(pence) > MAX_PENCE:
        raise ValueError(AMOUNT_TOO_LARGE)
    return pence


def parse_pence(value) -> int:
    """A cell → whole pence (negative for a credit), or ValueError with the message.

    Takes "£1,250.00", "(75.50)" and "75.50 CR" as well as plain numbers, since ledger
    exports write credits in all three ways. Amounts are rounded half up to the penny."""
    t = type(value)
    if t is int:
        if abs(value) * 100 > MAX_PENCE:
            raise ValueError(AMOUNT_TOO_LARGE)
        return value * 100
    if t is float:
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(AMOUNT_INVALID)
        scaled = value * 100
        whole = round(scaled)
        # Most amounts are whole pence, which a float holds to well within this; anything
        # else goes the way its text does, so both validators round it alike.
        if abs(scaled - whole) < 1e-6 and abs(whole) <= MAX_PENCE:
            return int(whole)
        return _pence_of_decimal(Decimal(repr(value)))
    if t is bool:
        raise ValueError(AMOUNT_INVALID)
    text = text_of(value)
    if not text:
        raise ValueError(AMOUNT_REQUIRED)
    negative = False
    compact = text.replace(",", "").replace("£", "").replace(" ", "")
    upper = compact.upper()
    if upper.endswith("CR"):
        negative, compact = True, compact[:-2]
    elif upper.endswith("DR"):
        compact = compact[:-2]
    if compact.startswith("(") and compact.endswith(")"):
        negative, compact = not negative, compact[1:-1]
    try:
        amount = Decimal(compact)
    except InvalidOperation:
        raise ValueError(AMOUNT_INVALID) from None
    pence = _pence_of_decimal(amount)
    return -pence if negative else pence


def parse_period(value) -> int | None:
    if type(value) is float and value.is_integer():
        value = int(value)
    if type(value) is int:
        if 1 <= value <= 13:
            return value
        raise ValueError(PERIOD_INVALID)
    text = text_of(value)
    if not text:
        return None
    if text.isdigit() and 1 <= int(text) <= 13:
        return int(text)
    raise ValueError(PERIOD_INVALID)


def period_of(day: date) -> int:
    """The month of the financial year: April is period 1, March period 12."""
    return (day.month - 4) % 12 + 1


def is_total_row(cells: dict) -> bool:
    """Whether a row is the sheet's own total, not a transaction: one of its label cells
    begins "Total" (or "Grand total", "Sub-total") and it has no transaction date."""
    if not any(_TOTAL.match(v) for name in _LABEL_FIELDS if type(v := cells.get(name)) is str):
        return False
    try:
        parse_date(cells.get("transaction_date", ""))
    except ValueError:
        return True
    return False


def year_message(day: date, known: frozenset[int]) -> str:
    try:
        year = FinancialYear.of(day)
    except ValueError:
        # A date far outside any programme (1 Jan 1900, 31 Dec 9999): no financial year
        # can even be named for it.
        return (f"{day:%-d %b %Y} is not a date a ledger line can have (financial years "
                f"{FinancialYear(MIN_START_YEAR)} to {FinancialYear(MAX_START_YEAR)}). Check the date.")
    if not known:
        return (f"{day:%-d %b %Y} is in {year}, but this programme has no budget yet, so no "
                "financial year is known. Add the budget first, then upload the ledger.")
    first, last = FinancialYear(min(known)), FinancialYear(max(known))
    span = str(first) if first == last else f"{first} to {last}"
    return (f"{day:%-d %b %Y} is in {year}, which has no budget in this programme (known years are "
            f"those with a budget: {span}). Check the date, or add a budget for {year} first.")


def known_years(programme: Programme) -> frozenset[int]:
    """The financial years a ledger date may fall in: those with a budget line."""
    return frozenset(y.start_year for y in BudgetLine.objects.filter(programme=programme)
                     .values_list("financial_year", flat=True).distinct())


# --- One row: the row form -------------------------------------------------------------------

class LedgerRowForm(forms.Form):
    """One ledger line, with the rules of the bulk validator (the same parsing functions
    and messages). A total row is recognised and needs no date or codes."""

    transaction_date = forms.CharField(required=False)
    period = forms.CharField(required=False)
    cost_centre = forms.CharField(required=False, strip=True)
    account_code = forms.CharField(required=False, strip=True)
    description = forms.CharField(required=False, strip=True)
    supplier = forms.CharField(required=False, strip=True)
    amount = forms.CharField(required=False)
    reference = forms.CharField(required=False, strip=True)

    def __init__(self, *args, programme: Programme, known: frozenset[int] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.known = known_years(programme) if known is None else known
        self.is_total = is_total_row(dict(self.data or {}))

    def clean_transaction_date(self):
        if self.is_total:
            return None
        try:
            day = parse_date(self.cleaned_data["transaction_date"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None
        if FinancialYear.start_year_of(day) not in self.known:
            raise forms.ValidationError(year_message(day, self.known))
        return day

    def clean_period(self):
        try:
            return parse_period(self.cleaned_data["period"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean_amount(self):
        try:
            return parse_pence(self.cleaned_data["amount"])
        except ValueError as exc:
            if self.is_total and str(exc) == AMOUNT_REQUIRED:
                return None
            raise forms.ValidationError(str(exc)) from None

    def _text(self, name: str) -> str:
        text = self.cleaned_data.get(name) or ""
        if not text and name in TEXT_REQUIRED and not self.is_total:
            raise forms.ValidationError(TEXT_REQUIRED[name])
        if len(text) > TEXT_LIMITS[name]:
            raise forms.ValidationError(text_too_long(name))
        return text

    def clean_cost_centre(self):
        return self._text("cost_centre")

    def clean_account_code(self):
        return self._text("account_code")

    def clean_description(self):
        return self._text("description")

    def clean_supplier(self):
        return self._text("supplier")

    def clean_reference(self):
        return self._text("reference")

    def clean(self):
        data = super().clean()
        data["is_total"] = self.is_total
        if data.get("transaction_date") and not data.get("period"):
            data["period"] = period_of(data["transaction_date"])
        return data


def text_too_long(name: str) -> str:
    return f"The {TEXT_LABELS[name]} must be {TEXT_LIMITS[name]} characters or fewer"


# --- The whole sheet: the bulk validator -----------------------------------------------------

@dataclass
class StatedTotal:
    row: int
    stated_pence: int
    rows_pence: int
    label: str

    @property
    def difference_pence(self) -> int:
        return self.stated_pence - self.rows_pence


@dataclass
class LedgerBatch:
    """A validated ledger sheet, column by column (what `write_ledger` loads)."""

    numbers: list[int]
    dates: list[date]
    years: list[int]
    periods: list[int]
    cost_centres: list[str]
    account_codes: list[str]
    descriptions: list[str]
    suppliers: list[str]
    pence: list[int]
    references: list[str]
    overlap: list[bool]  # already loaded from an earlier upload (same reference)
    totals: list[StatedTotal] = field(default_factory=list)
    overlap_uploads: list[str] = field(default_factory=list)
    unmapped_cost_centres: list[str] = field(default_factory=list)
    unmapped_account_codes: list[str] = field(default_factory=list)
    total_row_count: int = 0  # the sheet's own total rows, checked and left out

    def __len__(self) -> int:
        return len(self.numbers)

    # What core.uploads' preview counts (see BulkResult): together with the lines to load
    # these are every row of the sheet.
    @property
    def load_count(self) -> int:
        return self.new_count

    @property
    def count_notes(self) -> dict[str, int]:
        notes = {}
        if self.total_row_count:
            notes["The sheet's own total rows (checked, not loaded)"] = self.total_row_count
        if self.overlap_count:
            notes["Lines already loaded (same reference, not loaded again)"] = self.overlap_count
        return notes

    @property
    def new_count(self) -> int:
        return len(self.overlap) - sum(self.overlap)

    @property
    def overlap_count(self) -> int:
        return sum(self.overlap)

    @property
    def new_total_pence(self) -> int:
        return sum(p for p, o in zip(self.pence, self.overlap, strict=True) if not o)


def pounds(pence: int) -> str:
    sign = "-" if pence < 0 else ""
    return f"{sign}£{abs(pence) // 100:,}.{abs(pence) % 100:02d}"


class _Errors:
    def __init__(self, sheet, header):
        self.items: list[RowError] = []
        self.more = 0
        self.sheet = sheet
        self.header = header

    def add(self, row, name, message):
        if len(self.items) < MAX_ERRORS:
            self.items.append(RowError(row, self.header.get(name), name, message, self.sheet))
        else:
            self.more += 1

    def final(self) -> list[RowError]:
        if self.more:
            return self.items + [RowError(None, None, None, f"…and {self.more:,} more errors like these.",
                                          self.sheet)]
        return self.items


def _column_dates(col, numbers, skip, known, errors) -> tuple[list, list]:
    """Dates and financial years of a column. A ledger has a few hundred distinct dates in
    100,000 lines, so each distinct cell is parsed once (by parse_date, as in the row form)
    and the column is mapped through the result."""
    n = len(col)
    parsed: dict = {}
    for v in set(col):
        try:
            d = parse_date(v)
        except ValueError as exc:
            parsed[v] = str(exc)
            continue
        y = FinancialYear.start_year_of(d)
        parsed[v] = (d, y) if y in known else year_message(d, known)
    if all(type(r) is tuple for r in parsed.values()) and not skip:
        pairs = [parsed[v] for v in col]
        return [p[0] for p in pairs], [p[1] for p in pairs]
    dates, years = [None] * n, [0] * n
    for i, v in enumerate(col):
        if i in skip:
            continue
        r = parsed[v]
        if type(r) is tuple:
            dates[i], years[i] = r
        else:
            errors.add(numbers[i], "transaction_date", r)
    return dates, years


def _float_or_nan(v) -> float:
    if type(v) is bool:
        return float("nan")
    try:
        return float(v)
    except (TypeError, ValueError, OverflowError):
        return float("nan")


def _column_pence(col, numbers, totals, errors) -> list:
    """Amounts in pence. The column is scaled at once with numpy; any cell that is not
    plainly whole pence (text with £, commas or brackets, a blank, too many decimals) goes
    through parse_pence, as the row form's does, so the two agree to the penny and on
    every message."""
    n = len(col)
    kinds = set(map(type, col))
    values = None
    if bool not in kinds:
        try:
            values = np.asarray(col, dtype=float)
        except (ValueError, TypeError, OverflowError):
            values = None
    if values is None:
        values = np.fromiter(map(_float_or_nan, col), dtype=float, count=n)
    with np.errstate(invalid="ignore", over="ignore"):
        scaled = values * 100
        whole = np.rint(scaled)
        ok = np.isfinite(scaled) & (np.abs(scaled - whole) < 1e-6) & (np.abs(whole) <= MAX_PENCE)
    if ok.all():
        return whole.astype(np.int64).tolist()
    pence = np.where(ok, whole, 0).astype(np.int64).tolist()
    for i in np.flatnonzero(~ok).tolist():
        try:
            pence[i] = parse_pence(col[i])
        except ValueError as exc:
            if i in totals and str(exc) == AMOUNT_REQUIRED:
                pence[i] = None
                continue
            errors.add(numbers[i], "amount", str(exc))
    return pence


def _column_text(col) -> list[str]:
    try:
        return list(map(str.strip, col))
    except TypeError:
        return [v.strip() if type(v) is str else text_of(v) for v in col]


def _total_rows(label_cols: dict, n: int) -> set[int]:
    """Rows whose label cells say "Total" and which have no transaction date."""
    candidates = set()
    for col in label_cols.values():
        kinds = set(map(type, col))
        if str not in kinds:
            continue
        texts = col if kinds == {str} else [v if type(v) is str else "" for v in col]
        # One search over the whole column finds out whether any cell could be a total;
        # only then is it looked at cell by cell.
        blob = "\n".join(texts)
        if "total" not in blob.lower() or not _TOTAL_ANYWHERE.search(blob):
            continue
        candidates |= {i for i, v in enumerate(texts) if v and _TOTAL.match(v)}
    return {i for i in candidates if is_total_row({name: col[i] for name, col in label_cols.items()})}


def ledger_bulk_validate(*, table, columns: dict, mapping: dict, form_kwargs: dict) -> BulkResult:
    """Check a whole ledger sheet at once with LedgerRowForm's rules and messages, then
    the file-wide checks: stated totals, overlap with earlier uploads, unmapped codes."""
    programme: Programme = form_kwargs["programme"]
    known = form_kwargs.get("known")
    known = known_years(programme) if known is None else known
    n = len(table)
    numbers = table.numbers
    header = {name: mapping.get(name) for name in HEADER}
    errors = _Errors(table.sheet, header)
    blank = ("",) * n

    def col(name):
        values = columns.get(name)
        return values if values is not None else blank

    total_rows = _total_rows({name: col(name) for name in _LABEL_FIELDS}, n)
    dates, years = _column_dates(col("transaction_date"), numbers, total_rows, known, errors)

    raw_periods = columns.get("period")
    periods = [0] * n
    if raw_periods is not None:
        # Thirteen periods at most: each distinct cell is checked once.
        parsed = {}
        for v in set(raw_periods):
            try:
                parsed[v] = parse_period(v) or 0
            except ValueError as exc:
                parsed[v] = str(exc)
        periods = [parsed[v] for v in raw_periods]
        if any(type(p) is str for p in parsed.values()):
            for i, p in enumerate(periods):
                if type(p) is str:
                    errors.add(numbers[i], "period", p)
                    periods[i] = 0
    periods = [p or ((d.month - 4) % 12 + 1 if d is not None else 0) for p, d in zip(periods, dates, strict=True)]

    pence = _column_pence(col("amount"), numbers, total_rows, errors)

    texts = {}
    for name, limit in TEXT_LIMITS.items():
        out = _column_text(col(name))
        required = TEXT_REQUIRED.get(name)
        if required and "" in out:
            for i, t in enumerate(out):
                if not t and i not in total_rows:
                    errors.add(numbers[i], name, required)
        if max(map(len, out), default=0) > limit:
            for i, t in enumerate(out):
                if len(t) > limit:
                    errors.add(numbers[i], name, text_too_long(name))
        texts[name] = out

    # Errors in row order, each row's in column order, as the row form reports them.
    order = {name: k for k, name in enumerate(HEADER)}
    errors.items.sort(key=lambda e: (e.row or 0, order.get(e.field, 99)))
    if errors.items or errors.more:
        return BulkResult(cleaned=None, errors=errors.final())

    warnings: list[RowError] = []
    totals, problems = _reconcile(n, total_rows, pence, numbers, texts, header, table.sheet)
    for t in totals:
        if t.difference_pence:
            warnings.append(RowError(t.row, header.get("amount"), "amount", (
                f"The sheet's total ({t.label}) is {pounds(t.stated_pence)}, "
                f"{pounds(abs(t.difference_pence))} {'more' if t.difference_pence > 0 else 'less'} than the "
                f"sum of its rows, {pounds(t.rows_pence)}: within the {pounds(TOLERANCE_PENCE)} allowed for "
                "rounding, so the file can be loaded. The rows are what is recorded."), table.sheet))
    if problems:
        return BulkResult(cleaned=None, errors=problems, warnings=warnings)

    if total_rows:
        keep = [i for i in range(n) if i not in total_rows]

        def pick(values):
            return [values[i] for i in keep]
    else:
        def pick(values):
            return list(values)
    batch = LedgerBatch(
        numbers=pick(numbers), dates=pick(dates), years=pick(years), periods=pick(periods),
        cost_centres=pick(texts["cost_centre"]), account_codes=pick(texts["account_code"]),
        descriptions=pick(texts["description"]), suppliers=pick(texts["supplier"]), pence=pick(pence),
        references=pick(texts["reference"]), overlap=[False] * (n - len(total_rows)), totals=totals,
        total_row_count=len(total_rows),
    )
    warnings += _overlaps(batch, programme, header, table.sheet)
    warnings += _unmapped(batch, programme)
    return BulkResult(cleaned=batch, errors=[], warnings=warnings)


def _reconcile(n, total_rows, pence, numbers, texts, header, sheet):
    """Each total row covers the rows since the previous total row; a "grand total", or
    the last total after others, covers every row. Returns the totals and the errors for
    differences bigger than rounding."""
    totals, problems = [], []
    section = grand = 0
    for i in range(n):
        if i not in total_rows:
            section += pence[i]
            grand += pence[i]
            continue
        label = next((texts[name][i] for name in ("description", "reference", "cost_centre", "account_code")
                      if _TOTAL.match(texts[name][i] or "")), "Total")
        if pence[i] is None:
            section = 0
            continue
        rows_sum = grand if label.lower().lstrip().startswith("grand") else section
        section = 0
        t = StatedTotal(row=numbers[i], stated_pence=pence[i], rows_pence=rows_sum, label=label)
        totals.append(t)
        if abs(t.difference_pence) > TOLERANCE_PENCE:
            problems.append(RowError(t.row, header.get("amount"), "amount", (
                f"The sheet's total ({label}) is {pounds(t.stated_pence)} but its rows add up to "
                f"{pounds(t.rows_pence)}, a difference of {pounds(abs(t.difference_pence))} — more than the "
                f"{pounds(TOLERANCE_PENCE)} allowed for rounding. Check the file is complete and upload it again."),
                sheet))
    return totals, problems


def _overlaps(batch: LedgerBatch, programme: Programme, header, sheet) -> list[RowError]:
    """Mark lines whose reference an earlier upload already loaded."""
    if not LedgerTransaction.objects.filter(programme=programme).exists():
        return []
    refs = sorted(set(batch.references) - {""})
    if not refs:
        return []
    found: dict[str, str] = {}
    table = LedgerTransaction._meta.db_table
    sql = (f"SELECT t.reference, u.original_name FROM {table} t JOIN core_upload u ON u.id = t.upload_id "
           "WHERE t.programme_id = %s AND t.reference {}")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and not any(SEPARATOR in r for r in refs):
            # One text parameter split in the database: sending 100,000 references as an
            # array costs more in the driver than the query does.
            cursor.execute(sql.format("= ANY(string_to_array(%s, chr(31)))"), [programme.pk, SEPARATOR.join(refs)])
            found = dict(cursor.fetchall())
        else:
            for start in range(0, len(refs), 900):
                part = refs[start:start + 900]
                cursor.execute(sql.format(f"IN ({', '.join(['%s'] * len(part))})"), [programme.pk, *part])
                found.update(cursor.fetchall())
    if not found:
        return []
    rows = []
    for i, r in enumerate(batch.references):
        if r and r in found:
            batch.overlap[i] = True
            rows.append(batch.numbers[i])
    batch.overlap_uploads = sorted(set(found.values()))
    shown = ", ".join(str(r) for r in rows[:20]) + (f" and {len(rows) - 20:,} more" if len(rows) > 20 else "")
    files = ", ".join(batch.overlap_uploads)
    return [RowError(None, header.get("reference"), "reference", (
        f"{len(rows):,} line{'s' if len(rows) != 1 else ''} (rows {shown}) "
        f"{'have references' if len(rows) != 1 else 'has a reference'} already loaded from {files}. "
        f"{'They' if len(rows) != 1 else 'It'} will not be loaded again, so nothing is counted twice."), sheet)]


def _unmapped(batch: LedgerBatch, programme: Programme) -> list[RowError]:
    """Codes the finance officer has not yet put in the code tables: listed before the
    commit. Their lines load (nothing is dropped) and report as not mapped until then."""
    centres = set(batch.cost_centres)
    accounts = set(batch.account_codes)
    known_cc = set(CostCentre.objects.filter(programme=programme, code__in=centres)
                   .values_list("code", flat=True))
    known_ac = set(AccountCode.objects.filter(programme=programme, code__in=accounts)
                   .values_list("code", flat=True))
    batch.unmapped_cost_centres = sorted(centres - known_cc)
    batch.unmapped_account_codes = sorted(accounts - known_ac)
    out = []
    if batch.unmapped_cost_centres:
        unknown = set(batch.unmapped_cost_centres)
        rows = [r for r, c in zip(batch.numbers, batch.cost_centres, strict=True) if c in unknown]
        out.append(RowError(None, None, "cost_centre", (
            f"{rows_text(rows)} {'have cost centres' if len(rows) != 1 else 'has a cost centre'} this "
            f"programme does not know ({codes_text(batch.unmapped_cost_centres)}). Their lines load as not "
            "mapped to a workstream until you map the codes under Ledger codes.")))
    if batch.unmapped_account_codes:
        unknown = set(batch.unmapped_account_codes)
        rows = [r for r, c in zip(batch.numbers, batch.account_codes, strict=True) if c in unknown]
        out.append(RowError(None, None, "account_code", (
            f"{rows_text(rows)} {'have account codes' if len(rows) != 1 else 'has an account code'} this "
            f"programme does not know ({codes_text(batch.unmapped_account_codes)}). Their lines count as "
            "revenue, not mapped to a cost type, until you map the codes under Ledger codes.")))
    return out


def rows_text(rows: list[int], limit: int = 20) -> str:
    """Row 4; Rows 4 and 9; Rows 4, 9 and 12; Rows 4, 9, … and 1,200 more."""
    if len(rows) == 1:
        return f"Row {rows[0]}"
    if len(rows) > limit:
        return "Rows " + ", ".join(str(r) for r in rows[:limit]) + f" and {len(rows) - limit:,} more"
    return "Rows " + ", ".join(str(r) for r in rows[:-1]) + f" and {rows[-1]}"


def codes_text(codes: list[str], limit: int = 20) -> str:
    return ", ".join(codes[:limit]) + (f" and {len(codes) - limit:,} more" if len(codes) > limit else "")


# --- Writing and removing ----------------------------------------------------------------------

SEPARATOR = "\x1f"  # the ASCII unit separator, which no reference contains
_ESCAPE = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
COPY_COLUMNS = ("programme_id", "upload_id", "transaction_date", "financial_year", "period", "cost_centre",
                "account_code", "description", "supplier", "amount", "reference")


def write_ledger(*, upload, rows: LedgerBatch, user, programme: Programme, progress=None) -> int:
    """Load the new lines of a validated batch (lines already loaded by an earlier upload
    are left out) and their per-upload summary. Returns how many lines were loaded."""
    from finance.services import stated_totals_record

    keep = [i for i, o in enumerate(rows.overlap) if not o]
    if progress:
        progress(60, f"Writing {len(keep):,} transactions")

    def pick(values):
        return values if len(keep) == len(values) else [values[i] for i in keep]

    count = len(keep)
    years, centres, accounts, pence = pick(rows.years), pick(rows.cost_centres), pick(rows.account_codes), \
        pick(rows.pence)
    _write_columns(LedgerTransaction, COPY_COLUMNS, [
        [str(programme.pk)] * count, [str(upload.pk)] * count, list(map(date.isoformat, pick(rows.dates))),
        list(map(str, years)), list(map(str, pick(rows.periods))), centres, accounts, pick(rows.descriptions),
        pick(rows.suppliers), [f"{p / 100:.2f}" for p in pence], pick(rows.references),
    ])
    sums: dict = {}
    counts: dict = {}
    for key, p in zip(zip(years, centres, accounts, strict=True), pence, strict=True):
        if key in sums:
            sums[key] += p
            counts[key] += 1
        else:
            sums[key] = p
            counts[key] = 1
    summaries = [(y, cc, ac, total, counts[(y, cc, ac)]) for (y, cc, ac), total in sums.items()]
    _write_columns(LedgerSummary, ("programme_id", "upload_id", "financial_year", "cost_centre", "account_code",
                                   "amount", "lines"), [
        [str(programme.pk)] * len(summaries), [str(upload.pk)] * len(summaries), [str(r[0]) for r in summaries],
        [r[1] for r in summaries], [r[2] for r in summaries], [f"{r[3] / 100:.2f}" for r in summaries],
        [str(r[4]) for r in summaries]])
    if connection.vendor == "postgresql":
        # Reports join the summaries to the code tables; fresh statistics keep the planner
        # on hash joins after a load has changed the table's size many times over.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {LedgerSummary._meta.db_table}")
    stated_totals_record(upload=upload, programme=programme, totals=rows.totals, user=user)
    return count


def _escaped(values: list[str]) -> list[str]:
    """COPY's text format escapes backslash, tab and newlines. One search over the whole
    column finds whether any cell needs it; nearly always none does."""
    blob = "\x00".join(values)
    if "\\" in blob or "\t" in blob or "\n" in blob or "\r" in blob:
        return blob.translate(_ESCAPE).split("\x00")
    return values


def _write_columns(model, names, columns: list[list[str]]) -> None:
    """Insert rows given as columns of text: PostgreSQL through COPY, several times faster
    than INSERTs for a big export; other databases through one executemany, which skips
    building a model instance per line."""
    if not columns[0]:
        return
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.executemany(
                f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join(['%s'] * len(names))})",
                list(zip(*columns, strict=True)))
            return
        text = "\n".join(map("\t".join, zip(*map(_escaped, columns), strict=True))) + "\n"
        with cursor.copy(f"COPY {table} ({', '.join(names)}) FROM STDIN") as copy:
            for start in range(0, len(text), 1 << 22):
                copy.write(text[start:start + (1 << 22)])


def rollback_ledger(*, upload, user) -> None:
    """Remove every line an upload loaded, in one statement (lines keep no history of
    their own; the upload's history records the roll back)."""
    from finance.models import LedgerStatedTotal

    for model in (LedgerTransaction, LedgerSummary):
        qs = model.objects.filter(upload=upload)
        qs._raw_delete(qs.db)
    for t in LedgerStatedTotal.objects.filter(upload=upload):
        t._history_user = user
        t._change_reason = "Upload rolled back"
        t.delete()


def ledger_form_kwargs(programme: Programme) -> dict:
    return {"programme": programme, "known": known_years(programme)}


SPEC = UploadSpec(kind=KIND, columns=COLUMNS, form_class=LedgerRowForm, write=write_ledger,
                  rollback=rollback_ledger, label="Ledger export", bulk_validate=ledger_bulk_validate,
                  raw_read=True)
