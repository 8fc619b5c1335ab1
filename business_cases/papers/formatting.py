"""How a Cabinet paper writes its values: dates, money to the pound, FTE, the author's
paragraphs, and the tone (good, partial, bad) a RAG colour is shown in."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from business_cases.models import Outcome
from finance.reporting import money

NOT_WRITTEN = "Not written yet."


TONE = {"green": "good", "yellow": "partial", "amber": "partial", "red": "bad", "grey": "neutral"}
OUTCOME_TONE = {Outcome.PREFERRED: "good", Outcome.ALTERNATIVE: "partial", Outcome.SHORTLISTED: "partial",
                Outcome.DO_MINIMUM: "neutral", Outcome.BUSINESS_AS_USUAL: "neutral", Outcome.DISCOUNTED: "bad"}
CONFIDENCE_TONE = {"green": "good", "amber_green": "good", "amber": "partial", "amber_red": "bad", "red": "bad"}


def long_date(d: date | None) -> str:
    return f"{d:%-d %B %Y}" if d else "—"


def paragraphs(text: str) -> list[str]:
    """The author's text split into paragraphs at blank lines (single line breaks kept)."""
    return [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]


def pounds(value) -> str:
    """Money to the nearest pound, as the paper's wide tables print it."""
    return money(None if value is None else Decimal(value).quantize(Decimal("1")), pence=False)


def _difference(planned: Decimal, actual: Decimal) -> str:
    d = actual - planned
    return "none" if d == 0 else f"{money(abs(d))} {'over' if d > 0 else 'under'}"


def _fte(value) -> str:
    return f"{value:.2f}" if isinstance(value, Decimal) else str(value)


def _suppression_note(hidden: bool) -> str:
    return ("Groups of fewer than 5 people are not shown, nor any figure from which one could be worked "
            "out, so that no one can be identified." if hidden else "")
