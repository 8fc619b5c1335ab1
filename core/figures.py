"""Figures one app offers and another may use, for apps that may not import each other.

Workforce and finance sit on the same layer, so neither can ask the other for a number.
An app that can work a figure out (workforce: the transfer's annual employer pension cost)
offers it here in its AppConfig.ready with `offer_figure`; an app that can use one
(finance: a budget line made from it) lists what is offered with `offered_figures` and
asks for a programme's value with `figure_value`. Neither names the other.

A value says how it was reached and whether it is complete, so the app using it can show
that beside the figure instead of carrying an incomplete number as if it were whole."""
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class FigureValue:
    """A programme's value of an offered figure. `amount` is None when there is nothing
    to offer (no data yet, or a figure that would give a small group away); `basis` says
    in words what the amount is made of, and `gaps` what it leaves out."""

    amount: Decimal | None
    basis: str
    gaps: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        return self.amount is not None and not self.gaps


@dataclass(frozen=True)
class OfferedFigure:
    key: str  # "<app>.<name>", unique across apps
    label: str  # what a person chooses it by: "Annual employer pension cost of the transfer"
    unit: str  # "£ a year": what the amount measures
    value: Callable[..., FigureValue]  # (programme) → its value now
    # The Programme property that must be true for the figure to exist there
    # ("has_staff_transfer"; "": every programme), as programmes.navigation's sections.
    requires: str = ""

    def applies_to(self, programme) -> bool:
        return not self.requires or bool(getattr(programme, self.requires))


_figures: dict[str, OfferedFigure] = {}


def offer_figure(figure: OfferedFigure) -> OfferedFigure:
    """Offer `figure` to the other apps. Offering the same figure again (a module loaded
    twice) is harmless; a different one under a key already taken is refused."""
    known = _figures.get(figure.key)
    if known is not None and known != figure:
        raise ImproperlyConfigured(f"Figure {figure.key!r} is offered twice, differently.")
    _figures[figure.key] = figure
    return figure


def offered_figures(programme=None) -> list[OfferedFigure]:
    """Every offered figure by its label; with `programme`, only those that exist there."""
    return sorted((f for f in _figures.values() if programme is None or f.applies_to(programme)),
                  key=lambda f: f.label)


def offered_figure(key: str) -> OfferedFigure | None:
    return _figures.get(key)


def figure_value(key: str, programme) -> FigureValue | None:
    """The programme's value of the figure `key`, or None where no such figure is offered
    for it."""
    figure = _figures.get(key)
    if figure is None or not figure.applies_to(programme):
        return None
    return figure.value(programme)
