"""How a Cabinet paper writes what is its own: the author's paragraphs, a difference from
plan, the suppression note, and the tone (good, partial, bad) a RAG colour is shown in.
Figures and dates are written by core.formats, as on the pages."""
from __future__ import annotations

from decimal import Decimal

from business_cases.models import Outcome
from core.formats import money

NOT_WRITTEN = "Not written yet."


TONE = {"green": "good", "yellow": "partial", "amber": "partial", "red": "bad", "grey": "neutral"}
OUTCOME_TONE = {Outcome.PREFERRED: "good", Outcome.ALTERNATIVE: "partial", Outcome.SHORTLISTED: "partial",
                Outcome.DO_MINIMUM: "neutral", Outcome.BUSINESS_AS_USUAL: "neutral", Outcome.DISCOUNTED: "bad"}
CONFIDENCE_TONE = {"green": "good", "amber_green": "good", "amber": "partial", "amber_red": "bad", "red": "bad"}


def paragraphs(text: str) -> list[str]:
    """The author's text split into paragraphs at blank lines (single line breaks kept)."""
    return [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]


def _difference(planned: Decimal, actual: Decimal) -> str:
    d = actual - planned
    return "none" if d == 0 else f"{money(abs(d))} {'over' if d > 0 else 'under'}"


def _suppression_note(hidden: bool) -> str:
    return ("Groups of fewer than 5 people are not shown, nor any figure from which one could be worked "
            "out, so that no one can be identified." if hidden else "")
