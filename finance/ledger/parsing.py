"""Reading one ledger cell: a date, an amount in whole pence, a period. Both validators
call these, so a row and a whole sheet are parsed alike and say the same."""
import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from core.financial_year import FinancialYear
from core.money import MoneyError, parse_money
from core.uploads import cell_text
from finance.ledger.columns import (
    AMOUNT_INVALID,
    AMOUNT_REQUIRED,
    AMOUNT_TOO_LARGE,
    DATE_INVALID,
    DATE_REQUIRED,
    MAX_PENCE,
    PERIOD_INVALID,
)

_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_UK = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_NAMED = re.compile(r"^(\d{1,2})[ \-]([A-Za-z]{3})[A-Za-z]*[ \-](\d{4})$")


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
    # A ledger's own way of marking a credit ("75.50 CR") or a debit; the rest is read as
    # every money field reads it (core.money), so "1,5" is refused here too, not read as 15.
    negative = False
    upper = text.upper()
    if upper.endswith("CR"):
        negative, text = True, text[:-2].rstrip()
    elif upper.endswith("DR"):
        text = text[:-2].rstrip()
    try:
        amount = parse_money(text, label="amount", places=None)
    except MoneyError as exc:
        raise ValueError(str(exc)) from None
    if amount is None:
        raise ValueError(AMOUNT_INVALID)
    if negative and amount < 0:
        raise ValueError("The amount is marked CR and is also negative: write a credit one way, like 75.50 CR or "
                         "-75.50")
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
    return FinancialYear.period_of(day)
