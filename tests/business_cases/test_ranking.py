"""The ranking rules the matrix page states: gates first, then the weighted total, with
levels and ratings scored by the matrix's own points, and an outcome per option."""
from decimal import Decimal as D

import pytest

from business_cases import reporting, selectors
from business_cases.models import Criterion, MatrixSettings, Option, Outcome
from business_cases.ranking import green_book_check
from tests.business_cases.conftest import make_criterion, make_option, save, set_cell

pytestmark = pytest.mark.django_db


def test_gates_first_then_weighted_total_with_every_kind(cast):
    """Three options, one criterion of each kind (default points: meets 2, partial 1, not 0;
    high 3, medium 2, low 1).

    levels (weight 2):  A meets → 2/2 × 2 = 2;   B partial → 1/2 × 2 = 1;   C meets → 2
    rating (weight 1):  A medium → 2/3 = 0.667;  B high → 1;                C high → 1
    score 0–10 (w 1):   A 5 → 0.5;               B 10 → 1;                  C 10 → 1
    money, lower better (w 3): A £100 → best → 3; B £300 → worst → 0; C £200 → half → 1.5
    gate:               A yes; B yes; C no (ruled out)

    A = 2 + 0.667 + 0.5 + 3 = 6.17 (rounded); B = 1 + 1 + 1 + 0 = 3; C = 2 + 1 + 1 + 1.5 = 5.5
    C scores more than B but fails the gate, so the ranking is A, B, then C."""
    p = cast.programme
    a, b, c = (make_option(p, code, order=i) for i, code in enumerate(["A", "B", "C"]))
    levels = make_criterion(p, "Fit", weight=D("2"))
    rating = make_criterion(p, "Confidence", Criterion.Kind.RATING)
    score = make_criterion(p, "Support", Criterion.Kind.SCORE, scale_min=D("0"), scale_max=D("10"))
    money = make_criterion(p, "Cost", Criterion.Kind.MONEY, weight=D("3"), direction=Criterion.Direction.LOWER)
    gate = make_criterion(p, "In time", Criterion.Kind.GATE)
    for option, (lv, rt, sc, mn, gt) in {a: ("meets", "medium", 5, 100, True), b: ("partial", "high", 10, 300, True),
                                         c: ("meets", "high", 10, 200, False)}.items():
        set_cell(option, levels, level=lv)
        set_cell(option, rating, rating=rt)
        set_cell(option, score, score=D(sc))
        set_cell(option, money, money=D(mn))
        set_cell(option, gate, gate=gt)
    rank = selectors.ranking(programme=p)
    results = rank.by_option()
    assert [results[o.pk].total for o in (a, b, c)] == [D("6.17"), D("3.00"), D("5.50")]
    assert rank.max_total == D("7.00")
    assert [r.option.code for r in rank.ranked] == ["A", "B", "C"]
    assert [results[o.pk].rank for o in (a, b, c)] == [1, 2, 3]
    assert [results[o.pk].computed_outcome for o in (a, b, c)] == [
        Outcome.PREFERRED, Outcome.ALTERNATIVE, Outcome.DISCOUNTED]
    assert results[c.pk].ruled_out_by == ["In time"]
    assert "ruled out because it does not pass the gate “In time”" in results[c.pk].explanation
    assert results[a.pk].explanation.startswith("Ranked 1st: passes every gate and scores 6.17 of 7 weighted "
                                                "points, 3.17 ahead of B.")
    assert "The matrix makes it the preferred option." in results[a.pk].explanation
    assert "1 behind" not in results[b.pk].explanation and "3.17 behind A" in results[b.pk].explanation


def test_money_higher_is_better_and_points_are_configurable(cast):
    p = cast.programme
    a, b = make_option(p, "A", order=1), make_option(p, "B", order=2)
    savings = make_criterion(p, "Savings", Criterion.Kind.MONEY, direction=Criterion.Direction.HIGHER)
    fit = make_criterion(p, "Fit")
    set_cell(a, savings, money=D("100"))
    set_cell(b, savings, money=D("500"))
    set_cell(a, fit, level="meets")
    set_cell(b, fit, level="partial")
    # Defaults: A = savings 0 (the lowest) + meets 1 = 1; B = savings 1 (the highest) +
    # partially 0.5 = 1.5, so B leads.
    rank = selectors.ranking(programme=p).by_option()
    assert (rank[a.pk].total, rank[b.pk].total) == (D("1.00"), D("1.50"))
    assert rank[b.pk].computed_outcome == Outcome.PREFERRED
    # Partially meets is now worth nothing: B = 1 + 0 = 1, A = 0 + 1 = 1 — a tie, so the
    # matrix names no preferred option and both are alternatives.
    save(MatrixSettings(programme=p, meets_points=D("3"), partial_points=D("0"), not_met_points=D("0")))
    rank = selectors.ranking(programme=p).by_option()
    assert (rank[a.pk].total, rank[b.pk].total) == (D("1.00"), D("1.00"))
    assert rank[a.pk].rank == rank[b.pk].rank == 1 and rank[a.pk].tied
    assert {rank[a.pk].computed_outcome, rank[b.pk].computed_outcome} == {Outcome.ALTERNATIVE}
    assert "(tied)" in rank[a.pk].explanation


def test_empty_cells_score_nothing_and_are_reported(cast):
    p = cast.programme
    a = make_option(p, "A")
    make_criterion(p, "Fit")
    r = selectors.ranking(programme=p).by_option()[a.pk]
    assert r.total == 0 and r.not_assessed == ["Fit"]
    assert r.cells[0].text == "Not assessed" and r.cells[0].symbol == "–"
    assert "Not assessed against 1 criterion" in r.explanation


def test_benchmarks_stay_on_the_short_list_and_overrides_show_both(cast):
    p = cast.programme
    bau = make_option(p, "BAU", kind=Option.Kind.BUSINESS_AS_USUAL, order=0)
    a = make_option(p, "A", order=1)
    b = make_option(p, "B", order=2, outcome_override=Outcome.PREFERRED,
                    override_reason="Cabinet's stated priority")
    gate = make_criterion(p, "In time", Criterion.Kind.GATE)
    fit = make_criterion(p, "Fit")
    for option, (g, lv) in {bau: (False, "not_met"), a: (True, "meets"), b: (True, "partial")}.items():
        set_cell(option, gate, gate=g)
        set_cell(option, fit, level=lv)
    rank = selectors.ranking(programme=p)
    r = rank.by_option()
    assert r[bau.pk].computed_outcome == Outcome.BUSINESS_AS_USUAL  # a gate does not remove the benchmark
    assert r[a.pk].computed_outcome == Outcome.PREFERRED
    assert r[b.pk].computed_outcome == Outcome.ALTERNATIVE and r[b.pk].outcome == Outcome.PREFERRED
    assert r[b.pk].overridden
    assert "The authors chose preferred instead: Cabinet's stated priority" in r[b.pk].explanation
    table = reporting.matrix_table_from(rank)
    row = next(x for x in table["rows"] if x["code"] == "B")
    assert (row["outcome_label"], row["computed_label"], row["override_reason"]) == (
        "Preferred", "Alternative", "Cabinet's stated priority")
    # Two preferred (A by the matrix, B by override): the Green Book check says so.
    assert "The short list has more than one preferred option." in table["green_book"]


def test_green_book_short_list_check():
    P, A, B, D_ = Outcome.PREFERRED, Outcome.ALTERNATIVE, Outcome.BUSINESS_AS_USUAL, Outcome.DO_MINIMUM
    assert green_book_check({"x": P, "y": A, "z": B}) == []
    assert green_book_check({"x": P, "y": A, "z": D_}) == []
    assert green_book_check({"x": P, "y": A}) == [
        "The short list has no business-as-usual or do-minimum option to compare against."]
    assert green_book_check({"x": P, "z": B}) == ["The short list has no alternative to the preferred option."]
    assert green_book_check({"y": A, "z": B}) == ["The short list has no preferred way forward."]


def test_override_needs_a_reason(cast):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as e:
        make_option(cast.programme, "A", outcome_override=Outcome.DISCOUNTED)
    assert "override_reason" in e.value.message_dict


def test_a_criterion_whose_kind_changed_leaves_its_old_cells_not_assessed(cast):
    p = cast.programme
    a = make_option(p, "A")
    fit = make_criterion(p, "Fit")
    set_cell(a, fit, level="meets")
    fit.kind, fit.scale_min, fit.scale_max = Criterion.Kind.SCORE, D("0"), D("5")
    save(fit)
    r = selectors.ranking(programme=p).by_option()[a.pk]
    assert r.total == 0 and r.not_assessed == ["Fit"] and r.cells[0].text == "Not assessed"


def test_differences_and_percentages_come_from_the_unrounded_points(soc_ready):
    """One score criterion, weight 0.5, scored 0 to 3: A scores 2.5 (0.41667 points, shown
    0.42) and B 0.5 (0.08333, shown 0.08). B is 0.33 behind, not 0.42 - 0.08 = 0.34; A has
    83% of the most it could score (0.41667 / 0.5), not 0.42 / 0.5 = 84%."""
    p, pm = soc_ready.programme, soc_ready.users["pm"]
    Option.objects.filter(programme=p).delete()
    Criterion.objects.filter(programme=p).delete()
    a = make_option(p, "A", pm, order=1)
    b = make_option(p, "B", pm, order=2)
    c = make_criterion(p, "Quality", kind=Criterion.Kind.SCORE, user=pm, weight=D("0.5"),
                       scale_min=D("0"), scale_max=D("3"))
    set_cell(a, c, pm, score=D("2.5"))
    set_cell(b, c, pm, score=D("0.5"))
    rank = selectors.ranking(programme=p)
    results = rank.by_option()
    assert (results[a.pk].total, results[b.pk].total) == (D("0.42"), D("0.08"))
    assert "0.33 behind A" in results[b.pk].explanation
    assert "0.33 ahead of B" in results[a.pk].explanation
    assert rank.percent(results[a.pk]) == D("83")
