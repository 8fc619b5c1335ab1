"""The Green Book arithmetic, pinned against examples worked by hand below.

Rates: 3.5% for years 0–30, 3.0% for 31–75, 2.5% for 76–125; factors chained:
DF(0) = 1, DF(t) = DF(t−1) / (1 + r(t)). Present values are rounded to the penny (half
up) and totals added from the rounded figures; the BCR is rounded to two places."""
from decimal import Decimal as D

import pytest

from business_cases.appraisal import Line, appraise, discount_factor, rate_for, switching_value


def test_discount_factors_chain_across_the_bands():
    assert discount_factor(0) == 1
    # 1 / 1.035 = 0.966183574879…
    assert round(discount_factor(1), 12) == D("0.966183574879")
    # 1 / 1.035^30: 1.035^30 = 2.806793704703, so DF(30) = 0.356278410602
    assert round(discount_factor(30), 12) == D("0.356278410602")
    # Year 31 is one year at 3.0% after thirty at 3.5%: 0.356278410602 / 1.03 = 0.345901369517.
    # (Not 1/1.03^31 = 0.4000…, nor 1/1.035^31 = 0.344230…)
    assert round(discount_factor(31), 12) == D("0.345901369517")
    assert round(discount_factor(76) / discount_factor(75), 12) == round(1 / D("1.025"), 12)
    assert (rate_for(30), rate_for(31), rate_for(75), rate_for(76), rate_for(125)) == (
        D("0.035"), D("0.030"), D("0.030"), D("0.025"), D("0.025"))
    with pytest.raises(ValueError):
        discount_factor(126)


def test_hand_worked_example_within_the_first_band():
    """Optimism bias 10%, confidence 80%.

    year 0: capital £1,000                       DF 1
    year 1: revenue £1,000, cash-releasing £2,000 DF 0.966183574879
    year 2: risk £500                            DF 1/1.035² = 0.933510700366

    PV costs before bias = 1,000 + 966.183574879 + 466.755350183 = 2,432.938925062 → £2,432.94
    Optimism bias (capital and revenue only, not risk) = 10% × (1,000 + 966.183574879)
                                                       = 196.618357488 → £196.62
    PV of costs = 2,432.94 + 196.62 = £2,629.56
    PV benefits before confidence = 2,000 × 0.966183574879 = 1,932.367149758 → £1,932.37
    PV of benefits at 80% = 1,545.893719807 → £1,545.89
    NPSV = 1,545.89 − 2,629.56 = −£1,083.67
    BCR = 1,545.89 / 2,629.56 = 0.58789 → 0.59
    """
    a = appraise(lines=[Line("capital", 0, D("1000")), Line("revenue", 1, D("1000")),
                        Line("cash_releasing", 1, D("2000")), Line("risk", 2, D("500")),
                        Line("unmonetised", 0, None, "Better morale")],
                 optimism_bias_percent=D("10"), confidence_percent=D("80"))
    assert a.pv_costs_before_bias == D("2432.94")
    assert a.optimism_bias == D("196.62")
    assert a.pv_costs == D("2629.56")
    assert a.pv_benefits_before_confidence == D("1932.37")
    assert a.pv_benefits == D("1545.89")
    assert a.npsv == D("-1083.67")
    assert a.bcr == D("0.59")
    assert (a.cost_total, a.benefit_total) == (D("2500.00"), D("2000.00"))
    assert a.unmonetised == ["Better morale"]
    assert [y.year for y in a.years] == [0, 1, 2]


def test_hand_worked_example_crossing_year_30_into_31():
    """No optimism bias, full confidence.

    year 30: revenue £10,000        DF(30) = 0.356278410602 → PV 3,562.784106023
    year 31: revenue £10,000        DF(31) = DF(30)/1.03 = 0.345901369517 → PV 3,459.013695168
             cash-releasing £20,000 → PV 6,918.027390336

    PV of costs = 3,562.784106023 + 3,459.013695168 = 7,021.797801191 → £7,021.80
    PV of benefits = £6,918.03
    NPSV = 6,918.03 − 7,021.80 = −£103.77
    BCR = 6,918.03 / 7,021.80 = 0.98522 → 0.99
    """
    a = appraise(lines=[Line("revenue", 30, D("10000")), Line("revenue", 31, D("10000")),
                        Line("cash_releasing", 31, D("20000"))],
                 optimism_bias_percent=D("0"), confidence_percent=D("100"))
    assert a.pv_costs == D("7021.80")
    assert a.pv_benefits == D("6918.03")
    assert a.npsv == D("-103.77")
    assert a.bcr == D("0.99")


def test_transition_costs_take_optimism_bias_and_non_cash_benefits_take_confidence():
    """Transition £1,000 at year 0 with 50% bias: PV costs £1,500. Non-cash-releasing £1,000
    at year 0 with 25% confidence: PV benefits £250. NPSV −£1,250, BCR 250/1500 = 0.17."""
    a = appraise(lines=[Line("transition", 0, D("1000")), Line("non_cash_releasing", 0, D("1000"))],
                 optimism_bias_percent=D("50"), confidence_percent=D("25"))
    assert (a.pv_costs, a.pv_benefits, a.npsv, a.bcr) == (D("1500.00"), D("250.00"), D("-1250.00"), D("0.17"))


def test_no_costs_means_no_bcr():
    a = appraise(lines=[Line("cash_releasing", 0, D("10"))], optimism_bias_percent=D("0"),
                 confidence_percent=D("100"))
    assert a.bcr is None and a.npsv == D("10.00")


def test_switching_value_against_the_runner_up():
    """Preferred: costs £1,000 and benefits £3,000 at year 0 → NPSV £2,000.
    Runner-up: NPSV £1,500 (benefits £2,000, costs £500). Third: NPSV £100.
    Switching value = 2,000 − 1,500 = £500, which is 50% of the preferred option's PV of
    costs (£1,000) and 16.67% of its PV of benefits (500 / 3,000 = 0.166666…)."""
    def option(code, cost, benefit):
        return appraise(lines=[Line("revenue", 0, D(cost)), Line("cash_releasing", 0, D(benefit))],
                        optimism_bias_percent=D("0"), confidence_percent=D("100"), code=code)

    pref, runner, third = option("A", "1000", "3000"), option("B", "500", "2000"), option("C", "100", "200")
    sv = switching_value(pref, [pref, third, runner])
    assert (sv.preferred, sv.runner_up, sv.amount) == ("A", "B", D("500.00"))
    assert (sv.percent_of_costs, sv.percent_of_benefits) == (D("50.00"), D("16.67"))
    # A runner-up with the higher NPSV gives a negative switching value.
    assert switching_value(runner, [pref, runner]).amount == D("-500.00")
    assert switching_value(pref, [pref]) is None


def test_a_line_may_carry_its_own_confidence_and_optimism_bias_worked_by_hand():
    """Year 0 only (DF = 1), so the sums are plain. Costs: capital £1,000 at the option's 20%
    and transition £500 at its own 10%: uplift 200 + 50 = 250. Benefits: £1,000 counted at
    the option's 90% and £2,000 (the wider savings line) at its own 85%: 900 + 1,700 = 2,600."""
    from business_cases.appraisal import Line, appraise

    a = appraise(lines=[Line("capital", 0, D("1000")),
                        Line("transition", 0, D("500"), optimism_bias_percent=D("10")),
                        Line("cash_releasing", 0, D("1000")),
                        Line("cash_releasing", 0, D("2000"), confidence_percent=D("85"))],
                 optimism_bias_percent=D("20"), confidence_percent=D("90"))
    assert a.pv_costs_before_bias == D("1500.00") and a.optimism_bias == D("250.00")
    assert a.pv_costs == D("1750.00")
    assert a.pv_benefits_before_confidence == D("3000.00") and a.pv_benefits == D("2600.00")
    assert a.npsv == D("850.00") and a.bcr == D("1.49")
    assert (a.own_bias_lines, a.own_doubt_lines) == (1, 1)
    # Discounted, each line at its own rate: £1,000 in year 1 at 85% is 850 / 1.035 = 821.26.
    b = appraise(lines=[Line("cash_releasing", 1, D("1000"), confidence_percent=D("85"))],
                 optimism_bias_percent=D("0"), confidence_percent=D("100"))
    assert b.pv_benefits == D("821.26") and b.pv_benefits_before_confidence == D("966.18")


def test_a_rate_of_its_own_only_on_a_line_it_applies_to(soc_ready):
    from django.core.exceptions import ValidationError

    from business_cases.models import AppraisalLine

    op = soc_ready.programme.options.get(code="Op.2")
    line = AppraisalLine(programme=soc_ready.programme, option=op, category="risk", year=0, description="Risk",
                         amount=D("10"), optimism_bias_percent=D("5"))
    with pytest.raises(ValidationError) as e:
        line.full_clean()
    assert "only to a capital, revenue or transition cost" in e.value.message_dict["optimism_bias_percent"][0]
    line = AppraisalLine(programme=soc_ready.programme, option=op, category="revenue", year=0, description="Cost",
                         amount=D("10"), confidence_percent=D("80"))
    with pytest.raises(ValidationError) as e:
        line.full_clean()
    assert "only on a cash-releasing or non-cash-releasing" in e.value.message_dict["confidence_percent"][0]


def test_the_scenarios_change_one_thing_each_worked_by_hand():
    """No optimism bias, full confidence, so the sums stay short.

    year 0: capital £1,000              DF 1
    year 1: cash-releasing £600         DF 1/1.035   = 0.966183574879
    year 2: cash-releasing £600         DF 1/1.035²  = 0.933510700366
    (a year late, the second saving falls in year 3: DF 1/1.035³ = 0.901942705668)

    As planned:     PV benefits = 579.710144927 + 560.106420220 = 1,139.82; NPSV 139.82, BCR 1.14;
                    position −1,000, −400, +200: paid back in year 2.
    A year late:    PV benefits = 560.106420220 + 541.165623401 = 1,101.27; NPSV 101.27, BCR 1.10;
                    position −1,000, −1,000 (year 0 only, then year 2), −400, +200: year 3.
    Benefits × 80%: 480 a year: PV 911.86 (1,139.816565147 × 0.8 = 911.853252118 → 911.85);
                    NPSV −88.15, BCR 0.91; position −1,000, −520, −40: not paid back.
    Costs × 120%:   PV costs 1,200; NPSV −60.18, BCR 0.95; position −1,200, −600, 0: year 2."""
    from business_cases.appraisal import scenarios

    lines = [Line("capital", 0, D("1000")), Line("cash_releasing", 1, D("600")), Line("cash_releasing", 2, D("600"))]
    got = {s.key: (s.npsv, s.bcr, s.cumulative, s.payback_year, s.never_behind)
           for s in scenarios(lines=lines, optimism_bias_percent=D("0"), confidence_percent=D("100"))}
    assert got == {
        "planned": (D("139.82"), D("1.14"), D("200.00"), 2, False),
        "benefits_year_late": (D("101.27"), D("1.10"), D("200.00"), 3, False),
        "benefits_at_80": (D("-88.15"), D("0.91"), D("-40.00"), None, False),
        "costs_plus_20": (D("-60.18"), D("0.95"), D("0.00"), 2, False),
    }
    # Funded up front (a benefit in year 0 as large as the cost): never behind, nothing to pay back.
    funded = scenarios(lines=[Line("capital", 0, D("100")), Line("cash_releasing", 0, D("100"))],
                       optimism_bias_percent=D("0"), confidence_percent=D("100"))
    assert (funded[0].never_behind, funded[0].payback_year) == (True, None)


def test_the_paper_carries_the_preferred_options_sensitivity():
    from business_cases.appraisal import scenarios
    from business_cases.papers.sections import _sensitivity_table

    lines = [Line("capital", 0, D("1000")), Line("cash_releasing", 1, D("600")), Line("cash_releasing", 2, D("600"))]
    table = _sensitivity_table("Op.2", scenarios(lines=lines, optimism_bias_percent=D("0"),
                                                 confidence_percent=D("100")))
    assert table.caption == "Sensitivity of Op.2: its lines changed one way at a time"
    assert [row[0] for row in table.rows] == ["As planned", "Benefits a year late", "Benefits at 80%",
                                              "Costs plus 20%"]
    assert table.rows[2][1:] == ("\u2212£88", "0.91", "\u2212£40", "Not within the years appraised")
    assert table.rows[1][4] == "Year 3"
