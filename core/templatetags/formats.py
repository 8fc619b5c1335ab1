"""The one template library for figures and dates: `{% load formats %}`, then
`{{ amount|money }}`, `{{ pence|money_pence }}`, `{{ fte|number }}`, `{{ rate|percent }}`,
`{{ day|long_date }}`, `{{ value|measure:unit }}`. Each writes what core.formats writes for the paper; a negative also
carries the word "minus" for screen readers (see core.formats)."""
from django import template
from django.utils.html import format_html

from core import formats

register = template.Library()


def _heard(text: str):
    """The text, with a leading minus sign said as a word to screen readers."""
    if not text.startswith(formats.MINUS):
        return text
    return format_html('<span class="govuk-visually-hidden">minus </span><span aria-hidden="true">{}</span>{}',
                       formats.MINUS, text[1:])


@register.filter
def money(value, pence=None):
    """£1,234 or £1,234.56; `|money:True` always shows the pence, `|money:False` rounds to the pound."""
    return _heard(formats.money(value, pence=pence))


@register.filter
def money_pence(pence):
    """Whole pence as £1,234.56."""
    return _heard(formats.money_from_pence(pence))


@register.filter
def number(value, places=None):
    """A figure with only the decimals it needs (258.17); `|number:2` rounds to at most two."""
    return _heard(formats.number(value, places=None if places is None else int(places)))


@register.filter
def fixed(value, places):
    """A figure with exactly `places` decimals (a discount factor: 0.966184)."""
    return _heard(formats.number(value, places=int(places), fixed=True))


@register.filter
def percent(value, places=None):
    """A figure in per cent with its sign: 3.5%."""
    return _heard(formats.percent(value, places=None if places is None else int(places)))


@register.filter
def measure(value, unit=""):
    """A figure in its unit as people read it: £557.18, 71.6%, 12 people."""
    return _heard(formats.measure(value, unit))


@register.filter
def heard(text):
    """A figure already written by core.formats (an upload preview's cell), its minus heard."""
    return _heard(str(text))


@register.filter
def long_date(value):
    """1 April 2023."""
    return formats.long_date(value)


@register.filter
def days_moved(value):
    """+14 days, -3 days, —."""
    return formats.days_moved(value)
