"""How numbers, money and dates are written for people, in one place below every app: the
pages (through the `formats` template library), the Cabinet paper's PDF and Word files,
messages and the upload preview all call these, so a figure reads the same everywhere.

The minus sign is the typographic minus, U+2212 ("−£1,234"), on screen, in the PDF and in
Word alike: it is the sign a printed council paper uses, it is as wide as a plus, and screen
readers announce it as "minus" (a hyphen-minus is often read as "dash" or not at all). The
template filters also put the word "minus" in visually hidden text before it, so a negative
in a table is heard as negative whatever the screen reader's punctuation setting.

Exports (CSV, xlsx) and the API do not use these: a spreadsheet keeps numbers as numbers,
and the API writes a decimal as its plain figure (`decimal_text`).
"""
from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats

MINUS = "\u2212"
NOTHING = "—"  # what a missing figure or date shows


def _round(value: Decimal, places: int) -> Decimal:
    """Half up, as people round money and figures (Python's own formatting rounds half to even)."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _signed(negative: bool, text: str) -> str:
    return f"{MINUS}{text}" if negative else text


def money(value: Decimal | int | str | None, *, pence: bool | None = None) -> str:
    """£1,234, or £1,234.56 when there are pence; −£1,234 when negative; "—" for nothing.

    `pence=True` always shows the pence (£1,234.00), `pence=False` rounds to the pound."""
    if value is None or value == "":
        return NOTHING
    value = _round(Decimal(value), 2)
    show_pence = (value != value.to_integral_value()) if pence is None else pence
    shown = value if show_pence else _round(value, 0)
    text = f"{abs(shown):,.2f}" if show_pence else f"{abs(shown):,.0f}"
    return _signed(shown < 0, f"£{text}")


def money_short(value: Decimal | int | float) -> str:
    """Money as a chart's axis writes it: £1.2m, £350k, £900, −£40k."""
    value = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    size = abs(value)
    if size >= 1_000_000:
        text = f"£{_round(size / 1_000_000, 1):.1f}m"
    elif size >= 1_000:
        text = f"£{_round(size / 1_000, 0):.0f}k"
    else:
        text = f"£{_round(size, 0):,.0f}"
    return _signed(value < 0 and text.strip("£0.mk") != "", text)


def money_from_pence(pence: int | None) -> str:
    """Whole pence as pounds with their pence: 125050 → £1,250.50."""
    if pence is None:
        return NOTHING
    return money(Decimal(int(pence)) / 100, pence=True)


def _plain(value: Decimal) -> str:
    """The figure with no trailing zeros and never an exponent: 258.170000 → 258.17, 1E+2 → 100."""
    text = f"{value.normalize():f}"
    return "0" if text in ("-0", "0") else text


def number(value: Decimal | int | float | str | None, *, places: int | None = None,
           fixed: bool = False) -> str:
    """A figure with thousands separators and only the decimals it needs: 258.17 (never
    258.170000000000), 1,250, −3.5. `places` rounds it (half up) to at most that many
    decimals; `fixed` keeps them all (0.966184 as a discount factor). "—" for nothing; a
    text already shown in a figure's place (the mark of a suppressed cell) is left alone."""
    if value is None or value == "":
        return NOTHING
    if isinstance(value, str):
        try:
            value = Decimal(value)
        except ArithmeticError:
            return value
    value = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    if places is not None:
        value = _round(value, places)
    if fixed and places is not None:
        text = f"{abs(value):,.{places}f}"
    else:
        whole, _, decimals = _plain(abs(value)).partition(".")
        text = f"{int(whole):,}" + (f".{decimals}" if decimals else "")
    return _signed(value < 0 and text.strip("0.,") != "", text)


def percent(value: Decimal | int | float | str | None, *, places: int | None = None) -> str:
    """A percentage from a figure already in per cent: 3.5 → 3.5%, 12.50 → 12.5%."""
    text = number(value, places=places)
    return text if text == NOTHING else f"{text}%"


# How a KPI's unit is written with its figure: money and per cent as signs, anything else
# as a word after the figure ("12 people", "4.5 days").
_POUNDS = {"£", "pounds", "pound", "gbp", "£s"}
_PER_CENT = {"%", "per cent", "percent", "percentage", "pc"}


def measure(value: Decimal | int | str | None, unit: str = "", *, places: int = 2) -> str:
    """A figure in its unit as people read it: £557.18, 71.6%, 12 people; "—" for nothing.
    A unit of money or per cent becomes its sign; another unit follows the figure."""
    if value is None or value == "":
        return NOTHING
    key = " ".join(str(unit or "").lower().split())
    if key in _POUNDS:
        return money(value)
    if key in _PER_CENT:
        return percent(value, places=places)
    text = number(value, places=places)
    return f"{text} {unit.strip()}" if key else text


def decimal_text(value: Decimal | int | None) -> str | None:
    """A decimal as a machine reads it, for the API: its plain figure with no thousands
    separators, no trailing zeros and a hyphen-minus ("258.17", "1250", "-75.5")."""
    if value is None:
        return None
    return _plain(Decimal(value))


def label_noun(label) -> str:
    """A label inside a sentence ("Enter the annual pay"): lower case, but an abbreviation
    keeps its capitals ("Enter the FTE")."""
    return " ".join(w if w.isupper() and len(w) > 1 else w.lower() for w in str(label).split())


def first_upper(text: str) -> str:
    """The text with its first letter a capital, as a sentence starts. Not str.capitalize,
    which would lower the rest ("RAG" to "Rag")."""
    return text[:1].upper() + text[1:]


def long_date(value: date | None) -> str:
    """1 April 2023, as GOV.UK writes a date in running text; "—" for none."""
    if value is None:
        return NOTHING
    return formats.date_format(value, "j F Y")


def days_moved(days: int | None) -> str:
    """How far a date has moved: "+14 days" later, "-3 days" earlier, "—" not at all."""
    if not days:
        return NOTHING
    return f"+{days} day{'s' if days != 1 else ''}" if days > 0 else f"{days} day{'s' if days != -1 else ''}"
