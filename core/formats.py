"""How money and dates are written for people, in one place below every app (the upload
preview in core shows them the same way the finance pages do)."""
from datetime import date
from decimal import Decimal

from django.utils import formats


def money(value: Decimal | None, *, pence: bool | None = None) -> str:
    """£1,234 (or £1,234.56 when there are pence); negative as -£1,234."""
    if value is None:
        return "—"
    value = Decimal(value)
    show_pence = (value != value.to_integral_value()) if pence is None else pence
    text = f"{abs(value):,.2f}" if show_pence else f"{abs(value):,.0f}"
    return f"{'-' if value < 0 else ''}£{text}"


def label_noun(label) -> str:
    """A label inside a sentence ("Enter the annual pay"): lower case, but an abbreviation
    keeps its capitals ("Enter the FTE")."""
    return " ".join(w if w.isupper() and len(w) > 1 else w.lower() for w in str(label).split())


def first_upper(text: str) -> str:
    """The text with its first letter a capital, as a sentence starts. Not str.capitalize,
    which would lower the rest ("RAG" to "Rag")."""
    return text[:1].upper() + text[1:]


def long_date(value: date) -> str:
    """1 April 2023, as GOV.UK writes a date in running text."""
    return formats.date_format(value, "j F Y")
