"""Panels that other apps add to the programme overview.

Programmes knows nothing of the apps built on it, so an app that has figures for the
overview (overdue risk reviews, say) registers a function here in its AppConfig.ready.
Each function takes (programme, today) and returns a dict with a `title` and `items`, a
list of (label, value, url) tuples; it must run a fixed number of queries.
"""
from collections.abc import Callable
from datetime import date

Panel = Callable[..., dict]

_panels: list[Panel] = []


def overview_panel(func: Panel) -> Panel:
    """Register `func` as an overview panel (once, however often it is imported)."""
    if func not in _panels:
        _panels.append(func)
    return func


def overview_panels(*, programme, today: date) -> list[dict]:
    """Every registered panel's content for `programme`, in registration order; a panel
    that does not apply to it (None) is left out."""
    return [content for content in (panel(programme, today) for panel in _panels) if content]
