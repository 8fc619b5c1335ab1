"""Money and RAG in finance templates."""
from django import template

from finance.reporting import money as _money

register = template.Library()


@register.filter
def money(value):
    """£1,234 or £1,234.56; a dash for nothing."""
    return _money(value)


@register.filter
def money_pence(pence):
    """Whole pence as £1,234.56."""
    from finance.ledger import pounds

    return pounds(int(pence))
