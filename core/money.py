"""Reading an amount of money as an officer types or pastes it, in one place below every
app: the money form field (every page and every upload, whose rows go through the same
forms), the API's money field when a client sends a string, and the ledger's amount cell.

What is taken, and why:
- "31000", "31,000", "31,000.50", "£31,000", "£ 31,000" — a pound sign and commas
  between groups of three are what a ledger export or a council paper writes.
- "-1,000", and the same with the typographic minus (U+2212) our own pages print, so a
  figure copied from a page goes back in,, "-£1,000", "£-1,000" and "(1,000)" — brackets are how accountants
  write a negative.
- "31 000" — spaces between groups of three, as some exports write them.

What is refused, with a message naming the field, rather than guessed:
- "31k", "1.2m": a suffix might be a column's "£000s" convention or shorthand; the
  amount is asked for in full.
- "1,5", "1,0000", "1.000,50": commas not between groups of three are a decimal comma
  (European style) or a typing slip, and either reading could be wrong.
- "(-1,000)", "--5", "1,000-": two signs, or a sign at the end, say the amount's sign
  two ways or in a way that is not ours.
- more than two decimal places: money is kept to the penny, and rounding a pasted
  figure silently would change it.

The result is always a Decimal (never a float). Formatting for people is core.formats'.
"""
import re
from decimal import Decimal, InvalidOperation

from core.formats import MINUS

# Minus signs people paste: hyphen-minus, the typographic minus, en dash.
_MINUSES = ("-", MINUS, "\u2013")
# Digits with optional groups of three separated by commas (or spaces), and pence.
_GROUPED = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d{1,3}(?: \d{3})+|\d+)(?:\.\d+)?$|^\.\d+$")
_SUFFIX = re.compile(r"^[\d.,\s]+\s*(k|K|m|M|bn|BN|p)$")


class MoneyError(ValueError):
    """An amount that cannot be read; the message says what to do and names the field."""


def example(label: str) -> str:
    return f"Enter the {label} as a number of pounds, like £31,000, 31,000.50 or {MINUS}1,000"


def parse_money(value, *, label: str = "amount", places: int | None = 2) -> Decimal | None:
    """The amount `value` stands for, or None when it is blank. Raises MoneyError with a
    message naming `label` when it cannot be read without guessing. `places=None` leaves
    the decimals to the caller (the ledger rounds a computed export's fractions of a penny)."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise MoneyError(example(label))
    if isinstance(value, Decimal | int):
        amount = Decimal(value)
    elif isinstance(value, float):
        # A spreadsheet's float: its shortest repr is the figure the cell shows.
        amount = Decimal(repr(value))
    else:
        amount = _parse_text(str(value), label)
        if amount is None:
            return None
    if not amount.is_finite():
        raise MoneyError(example(label))
    # Not normalised: "1.000" has three places as typed, and may be a European thousand.
    exponent = amount.as_tuple().exponent
    if places is not None and isinstance(exponent, int) and -exponent > places:
        raise MoneyError(f"Enter the {label} to the penny, with no more than {places} decimal places")
    return amount


def _parse_text(raw: str, label: str) -> Decimal | None:
    text = raw.strip().replace("\u00a0", " ")  # a pasted cell often brings a non-breaking space
    if not text:
        return None
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1].strip()
    signs = 0
    while text and (text[0] in _MINUSES or text[0] == "£" or text[0] == "+"):
        if text[0] in _MINUSES or text[0] == "+":
            signs += 1
            negative = negative or text[0] != "+"
        text = text[1:].lstrip()
    if signs > 1 or (signs and raw.strip().startswith("(")):
        raise MoneyError(f"The {label} has more than one sign. Enter it with one minus sign, "
                         f"like {MINUS}1,000, or in brackets, like (1,000)")
    if text and text[-1] in _MINUSES:
        raise MoneyError(f"Put the minus sign before the {label}, like {MINUS}1,000")
    if _SUFFIX.match(text):
        raise MoneyError(f"Enter the {label} in full, like 31000 rather than 31k")
    if not _GROUPED.match(text):
        if re.fullmatch(r"[\d,. ]+", text) and "," in text:
            raise MoneyError(f"The {label} has a comma that is not between thousands. Use a full stop "
                             f"before the pence, like 1,000.50")
        raise MoneyError(example(label))
    try:
        amount = Decimal(text.replace(",", "").replace(" ", ""))
    except InvalidOperation:
        raise MoneyError(example(label)) from None
    return -amount if negative else amount
