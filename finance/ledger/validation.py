"""The whole sheet at once: `ledger_bulk_validate` applies LedgerRowForm's rules and
messages column by column, then the file-wide checks."""
import numpy as np

from core.financial_year import FinancialYear
from core.formats import money_from_pence
from core.uploads import BulkResult, RowError
from finance.ledger.batch import LedgerBatch
from finance.ledger.checks import _overlaps, _unmapped
from finance.ledger.columns import (
    AMOUNT_REQUIRED,
    HEADER,
    MAX_ERRORS,
    MAX_PENCE,
    TEXT_LIMITS,
    TEXT_REQUIRED,
    TOLERANCE_PENCE,
    text_too_long,
)
from finance.ledger.parsing import parse_date, parse_pence, parse_period, text_of
from finance.ledger.totals import _LABEL_FIELDS, _reconcile, _total_rows
from finance.ledger.years import known_years, year_message
from programmes.models import Programme


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
        # Mapped through in C, one dictionary look-up a cell.
        day_of = {v: r[0] for v, r in parsed.items()}
        year_of = {v: r[1] for v, r in parsed.items()}
        return list(map(day_of.__getitem__, col)), list(map(year_of.__getitem__, col))
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
        periods = list(map(parsed.__getitem__, raw_periods))
        if any(type(p) is str for p in parsed.values()):
            for i, p in enumerate(periods):
                if type(p) is str:
                    errors.add(numbers[i], "period", p)
                    periods[i] = 0
    if 0 in periods:
        # A line without a period takes its date's period (a ledger has a few hundred
        # distinct dates, each worked out once).
        period_of_day = {d: FinancialYear.period_of(d) for d in set(dates) if d is not None}
        period_of_day[None] = 0
        periods = [p or period_of_day[d] for p, d in zip(periods, dates, strict=True)]

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
                f"The sheet's total ({t.label}) is {money_from_pence(t.stated_pence)}, "
                f"{money_from_pence(abs(t.difference_pence))} {'more' if t.difference_pence > 0 else 'less'} than the "
                f"sum of its rows, {money_from_pence(t.rows_pence)}: within the "
                f"{money_from_pence(TOLERANCE_PENCE)} allowed for rounding, so the file can be loaded. "
                "The rows are what is recorded."), table.sheet))
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
