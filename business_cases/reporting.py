"""Paper-worthy tables of the business case, as plain data (no personal data), for the
matrix and appraisal pages now and the Cabinet paper later. Each is rendered by a fragment
under templates/business_cases/fragments/ that works in a page and in a WeasyPrint PDF."""
from decimal import Decimal

from business_cases import selectors
from business_cases.appraisal import BANDS
from business_cases.models import Criterion
from business_cases.ranking import SYMBOLS, Ranking, green_book_check, ordinal
from core.formats import number, percent
from programmes.models import Programme

CENT = Decimal("0.01")
TAG = {"green": "govuk-tag--green", "yellow": "govuk-tag--yellow", "red": "govuk-tag--red",
       "grey": "govuk-tag--grey"}


def ranking_rules(rank: Ranking) -> list[str]:
    """The ranking rules in words, with this matrix's own points."""
    s = rank.settings
    return [
        "Gates first: an option answered “no” on any yes/no gate is ruled out, whatever it scores.",
        "Then the weighted total. Each criterion gives a share of its weight: "
        f"meets {number(s.meets_points)}, partially meets {number(s.partial_points)} and does not meet "
        f"{number(s.not_met_points)} points out of {number(s.meets_points)}; high {number(s.high_points)}, "
        f"medium {number(s.medium_points)} and low {number(s.low_points)} out of {number(s.high_points)}; "
        "a score as its place on the stated scale; money from the best amount among the options "
        "(full weight) to the worst (none), in a straight line.",
        "Options that pass every gate rank first, by weighted total, highest first; equal totals "
        "share a rank. Ruled-out options follow. A criterion left not assessed scores nothing.",
        "The highest-ranked option for change is preferred; other options that pass the gates are "
        "alternatives; ruled-out ones are discounted; business as usual and do minimum stay on the "
        "short list as benchmarks. Authors may choose a different outcome, with a reason; both are shown.",
    ]


def colour_key() -> list[dict]:
    items = [("meets", "Meets / yes / high / top third of the scale"),
             ("partial", "Partially meets / medium / middle third"),
             ("not_met", "Does not meet / no (ruled out) / low / bottom third"),
             ("empty", "Not assessed")]
    return [{"symbol": SYMBOLS[k][0], "colour": SYMBOLS[k][1], "tag": TAG[SYMBOLS[k][1]], "text": t}
            for k, t in items]


def matrix_table_from(rank: Ranking) -> dict:
    """The options appraisal matrix as plain data, options in rank order."""
    criteria = []
    for c in rank.criteria:
        linked = c.objective.code if c.objective_id else (c.csf.code if c.csf_id else "")
        detail = "gate" if c.kind == Criterion.Kind.GATE else f"weight {number(c.weight)}"
        if c.kind == Criterion.Kind.MONEY:
            detail += ", lower is better" if c.direction == Criterion.Direction.LOWER else ", higher is better"
        link = "objective" if c.objective_id else ("csf" if c.csf_id else "")
        criteria.append({"id": c.pk, "title": c.title, "kind": c.get_kind_display(), "linked": linked,
                         "link": link, "detail": detail})
    rows = []
    for r in rank.ranked:
        rows.append({
            "id": r.option.pk, "code": r.option.code, "title": r.option.title,
            "rank": r.rank, "rank_text": f"{ordinal(r.rank)}{' (tied)' if r.tied else ''}",
            "passes_gates": r.passes_gates, "total": r.total, "percent": rank.percent(r),
            "outcome": r.outcome, "outcome_label": r.outcome_label, "computed_label": r.computed_label,
            "overridden": r.overridden, "override_reason": r.option.override_reason if r.overridden else "",
            "justification": r.option.justification, "explanation": r.explanation,
            "cells": [{"text": c.text, "symbol": c.symbol, "colour": c.colour, "tag": TAG[c.colour],
                       "note": c.note, "points": None if c.points is None else number(c.points.quantize(CENT))}
                      for c in r.cells],
        })
    outcomes = {r.option.code: r.outcome for r in rank.results if r.outcome != "discounted"}
    # Criteria down the side and options across, as a paper prints it.
    grid = [{"criterion": c, "cells": [row["cells"][i] for row in rows]} for i, c in enumerate(criteria)]
    return {"criteria": criteria, "rows": rows, "grid": grid, "max_total": rank.max_total, "rules": ranking_rules(rank),
            "key": colour_key(), "green_book": green_book_check(outcomes), "short_list": list(outcomes)}


def matrix_table(*, programme: Programme) -> dict:
    return matrix_table_from(selectors.ranking(programme=programme))


def appraisal_summary_from(results: selectors.AppraisalResults) -> dict:
    """The economic appraisal of the short list as plain data."""
    return {
        "options": [{"code": a.code, "title": a.title, "has_lines": a.has_lines,
                     "optimism_bias_percent": a.optimism_bias_percent, "confidence_percent": a.confidence_percent,
                     "cost_total": a.cost_total, "benefit_total": a.benefit_total,
                     "pv_costs_before_bias": a.pv_costs_before_bias, "optimism_bias": a.optimism_bias,
                     "pv_costs": a.pv_costs, "pv_benefits_before_confidence": a.pv_benefits_before_confidence,
                     "pv_benefits": a.pv_benefits, "npsv": a.npsv, "bcr": a.bcr,
                     "preferred": results.preferred is a, "unmonetised": a.unmonetised,
                     "own_bias_lines": a.own_bias_lines, "own_doubt_lines": a.own_doubt_lines}
                    for a in results.appraisals],
        "switching": results.switching,
        "scenarios": results.scenarios,
        "preferred": results.preferred.code if results.preferred else None,
        "not_appraised": results.missing,
        "schedule": [f"{percent(rate * 100)} for years {first} to {last}" for first, last, rate in BANDS],
    }


def appraisal_summary(*, programme: Programme) -> dict:
    return appraisal_summary_from(selectors.appraisal(programme=programme))
