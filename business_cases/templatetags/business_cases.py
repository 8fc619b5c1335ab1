"""Filters the business case pages and fragments share."""
from decimal import ROUND_HALF_UP, Decimal

from django import template

register = template.Library()


@register.filter
def pounds(value) -> str:
    """£1,234,567 for whole pounds, £1,234.56 otherwise; a minus sign, not a hyphen."""
    if value is None or value == "":
        return "—"
    value = Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "−" if value < 0 else ""
    value = abs(value)
    text = f"{value:,.0f}" if value == value.to_integral() else f"{value:,.2f}"
    return f"{sign}£{text}"


@register.filter
def factor(value) -> str:
    return f"{Decimal(value):.6f}"


@register.filter
def plain(value) -> str:
    """A Decimal without trailing zeros."""
    if value is None or value == "":
        return "—"
    return f"{Decimal(value).normalize():f}"
