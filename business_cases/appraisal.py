"""The economic appraisal arithmetic, HM Treasury Green Book style. Pure functions of
plain values, so the pages, the API, the Cabinet paper and the tests share one sum.

Discounting. The social time preference rate is 3.5% a year for years 0–30, 3.0% for
years 31–75 and 2.5% for years 76–125. The factors are chained across the bands:

    DF(0) = 1,   DF(t) = DF(t-1) / (1 + r(t))

where r(t) is the rate of the band year t is in, so year 31 is discounted by thirty years
at 3.5% and one at 3.0% (not by 31 years at 3.0%).

Rounding. Every sum is worked in Decimal at 28 significant figures with the factors
unrounded. Four present values are then rounded to the penny (half up): costs before
optimism bias, the optimism bias, benefits before confidence, and benefits at confidence.
Everything else is worked from those rounded figures — PV of costs = the first two added,
NPSV = PV of benefits − PV of costs — so the published figures add up. Ratios and
percentages are rounded to two decimal places (half up). Factors are shown to six places.

What is counted.
- Costs are capital, revenue, one-off transition and risk lines. An optimism-bias
  percentage is added to capital, revenue and transition costs: the line's own where it has
  one, else the option's; risk lines are a quantified allowance already and are not
  uplifted again.
- Benefits are the cash-releasing and non-cash-releasing lines, each counted at a
  confidence percentage: the line's own where it has one, else the option's (so a council
  can doubt one savings line and not the rest). Unmonetised benefits are listed, never
  valued.
- NPSV (net present social value) = PV of benefits − PV of costs; BCR (benefit–cost ratio) =
  PV of benefits / PV of costs (none when there are no costs).

Sensitivity. Each scenario (SCENARIOS) appraises the same lines changed one way — the
benefits a year later, the benefits at 80%, the costs 20% higher — by the same sum, and
gives its NPSV, BCR, the cumulative position (benefits counted less costs with optimism
bias, real prices, undiscounted, over every year) and the year that position first turns
from negative to nil or better, if it does.
"""
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal, localcontext

PENNY = Decimal("0.01")
HUNDRED = Decimal("100")
# (first year, last year, rate) of each band of the schedule.
BANDS = ((0, 30, Decimal("0.035")), (31, 75, Decimal("0.030")), (76, 125, Decimal("0.025")))
LAST_YEAR = BANDS[-1][1]
COST_CATEGORIES = ("capital", "revenue", "transition", "risk")
UPLIFTED_CATEGORIES = ("capital", "revenue", "transition")
BENEFIT_CATEGORIES = ("cash_releasing", "non_cash_releasing")


def money(value: Decimal) -> Decimal:
    return value.quantize(PENNY, rounding=ROUND_HALF_UP)


def two_places(value: Decimal) -> Decimal:
    return value.quantize(PENNY, rounding=ROUND_HALF_UP)


def rate_for(year: int) -> Decimal:
    """The discount rate of the band that `year` falls in."""
    for first, last, rate in BANDS:
        if first <= year <= last:
            return rate
    raise ValueError(f"Year {year} is outside the Green Book schedule (0 to {LAST_YEAR})")


def _factors_to(last: int) -> list[Decimal]:
    with localcontext() as ctx:
        ctx.prec = 28
        factors = [Decimal(1)]
        for t in range(1, last + 1):
            factors.append(factors[-1] / (1 + rate_for(t)))
    return factors


_FACTORS = _factors_to(LAST_YEAR)


def discount_factor(year: int) -> Decimal:
    """DF(year), chained across the bands (unrounded)."""
    if not 0 <= year <= LAST_YEAR:
        raise ValueError(f"Year {year} is outside the Green Book schedule (0 to {LAST_YEAR})")
    return _FACTORS[year]


@dataclass(frozen=True)
class Line:
    """A line as the arithmetic needs it: category, year index and real-price amount."""

    category: str
    year: int
    amount: Decimal | None
    description: str = ""
    optimism_bias_percent: Decimal | None = None  # None: the option's
    confidence_percent: Decimal | None = None  # None: the option's


@dataclass
class YearRow:
    year: int
    factor: Decimal
    costs: Decimal          # real prices, before optimism bias
    uplift: Decimal         # optimism bias added to the year's costs
    benefits: Decimal       # real prices, before the confidence percentage
    counted_benefits: Decimal
    pv_costs: Decimal       # unrounded
    pv_benefits: Decimal    # unrounded


@dataclass
class OptionAppraisal:
    """The computed appraisal of one option. Money is rounded to the penny."""

    option_id: int | None
    code: str
    title: str
    optimism_bias_percent: Decimal
    confidence_percent: Decimal
    years: list[YearRow] = field(default_factory=list)
    unmonetised: list[str] = field(default_factory=list)
    cost_total: Decimal = Decimal("0.00")       # real, undiscounted, before optimism bias
    benefit_total: Decimal = Decimal("0.00")    # real, undiscounted, before confidence
    pv_costs_before_bias: Decimal = Decimal("0.00")
    optimism_bias: Decimal = Decimal("0.00")     # PV of the uplift
    pv_costs: Decimal = Decimal("0.00")          # with the uplift
    pv_benefits_before_confidence: Decimal = Decimal("0.00")
    pv_benefits: Decimal = Decimal("0.00")       # at the confidence percentage
    npsv: Decimal = Decimal("0.00")
    bcr: Decimal | None = None
    # How many lines carry a rate of their own above zero (optimism bias) or below 100%
    # (confidence), whatever the option's.
    own_bias_lines: int = 0
    own_doubt_lines: int = 0

    @property
    def has_lines(self) -> bool:
        return bool(self.years or self.unmonetised)

    def as_dict(self) -> dict:
        """The figures as they are (decimals as Decimal: a caller writes them, as the API's
        one rule for a decimal does), with whether the option has lines to appraise."""
        return {
            "option": self.option_id, "code": self.code, "title": self.title, "has_lines": self.has_lines,
            "optimism_bias_percent": self.optimism_bias_percent, "confidence_percent": self.confidence_percent,
            "cost_total": self.cost_total, "benefit_total": self.benefit_total,
            "pv_costs_before_bias": self.pv_costs_before_bias, "optimism_bias": self.optimism_bias,
            "pv_costs": self.pv_costs, "pv_benefits_before_confidence": self.pv_benefits_before_confidence,
            "pv_benefits": self.pv_benefits, "npsv": self.npsv, "bcr": self.bcr,
            "unmonetised": list(self.unmonetised),
            "own_bias_lines": self.own_bias_lines, "own_doubt_lines": self.own_doubt_lines,
        }


def appraise(*, lines: Iterable[Line], optimism_bias_percent: Decimal, confidence_percent: Decimal,
             option_id: int | None = None, code: str = "", title: str = "") -> OptionAppraisal:
    """Present values, NPSV and BCR of one option's lines (see the module docstring)."""
    ob = Decimal(optimism_bias_percent) / HUNDRED
    conf = Decimal(confidence_percent) / HUNDRED
    result = OptionAppraisal(option_id, code, title, Decimal(optimism_bias_percent), Decimal(confidence_percent))
    by_year: dict[int, list[Decimal]] = {}
    with localcontext() as ctx:
        ctx.prec = 28
        for line in lines:
            if line.category == "unmonetised":
                result.unmonetised.append(line.description)
                continue
            amount = Decimal(line.amount or 0)
            costs, uplift, benefits, counted = by_year.setdefault(line.year, [Decimal(0)] * 4)
            if line.category in COST_CATEGORIES:
                costs += amount
                if line.category in UPLIFTED_CATEGORIES:
                    own = line.optimism_bias_percent
                    uplift += amount * (ob if own is None else Decimal(own) / HUNDRED)
                    result.own_bias_lines += own is not None and own > 0
            elif line.category in BENEFIT_CATEGORIES:
                benefits += amount
                own = line.confidence_percent
                counted += amount * (conf if own is None else Decimal(own) / HUNDRED)
                result.own_doubt_lines += own is not None and own < HUNDRED
            else:
                raise ValueError(f"Unknown category {line.category!r}")
            by_year[line.year] = [costs, uplift, benefits, counted]
        pv_c = pv_u = pv_b = pv_counted = Decimal(0)
        cost_total = benefit_total = Decimal(0)
        for year in sorted(by_year):
            costs, uplift, benefits, counted = by_year[year]
            factor = discount_factor(year)
            row = YearRow(year, factor, costs, uplift, benefits, counted,
                          (costs + uplift) * factor, counted * factor)
            result.years.append(row)
            pv_c += costs * factor
            pv_u += uplift * factor
            pv_b += benefits * factor
            pv_counted += counted * factor
            cost_total += costs
            benefit_total += benefits
        result.cost_total, result.benefit_total = money(cost_total), money(benefit_total)
        result.pv_costs_before_bias = money(pv_c)
        result.optimism_bias = money(pv_u)
        # Totals are sums of the rounded figures, so the page adds up to the penny.
        result.pv_costs = result.pv_costs_before_bias + result.optimism_bias
        result.pv_benefits_before_confidence = money(pv_b)
        result.pv_benefits = money(pv_counted)
        result.npsv = result.pv_benefits - result.pv_costs
        result.bcr = two_places(result.pv_benefits / result.pv_costs) if result.pv_costs else None
    return result


@dataclass(frozen=True)
class SwitchingValue:
    """How far the preferred option's figures could move before the runner-up gave more value.

    `amount` = NPSV(preferred) − NPSV(runner-up): the rise in the preferred option's present
    value of costs (or the fall in its present value of benefits) that would make the two
    options' NPSVs equal. `percent_of_costs` is that amount as a percentage of the preferred
    option's present value of costs (with optimism bias), and `percent_of_benefits` of its
    present value of benefits (at its confidence level); either is None when the base is 0.
    A negative amount means the runner-up already has the higher NPSV."""

    preferred: str
    runner_up: str
    amount: Decimal
    percent_of_costs: Decimal | None
    percent_of_benefits: Decimal | None

    def as_dict(self) -> dict:
        return {"preferred": self.preferred, "runner_up": self.runner_up, "amount": self.amount,
                "percent_of_costs": self.percent_of_costs, "percent_of_benefits": self.percent_of_benefits}


def switching_value(preferred: OptionAppraisal, others: list[OptionAppraisal]) -> SwitchingValue | None:
    """The switching value of `preferred` against the runner-up: the other appraised option
    with the highest NPSV (ties go to the first in the list). None without a runner-up."""
    candidates = [o for o in others if o is not preferred and o.has_lines]
    if not candidates:
        return None
    runner = max(candidates, key=lambda o: o.npsv)  # max keeps the first of equals
    amount = preferred.npsv - runner.npsv
    pct_c = two_places(amount / preferred.pv_costs * HUNDRED) if preferred.pv_costs else None
    pct_b = two_places(amount / preferred.pv_benefits * HUNDRED) if preferred.pv_benefits else None
    return SwitchingValue(preferred.code, runner.code, amount, pct_c, pct_b)


# key → (words, the change to a line): the Green Book's usual sensitivities.
SCENARIOS: dict[str, tuple[str, object]] = {
    "planned": ("As planned", lambda line: line),
    "benefits_year_late": ("Benefits a year late",
                           lambda line: replace(line, year=line.year + 1) if line.category in BENEFIT_CATEGORIES
                           else line),
    "benefits_at_80": ("Benefits at 80%",
                       lambda line: replace(line, amount=Decimal(line.amount or 0) * Decimal("0.8"))
                       if line.category in BENEFIT_CATEGORIES else line),
    "costs_plus_20": ("Costs plus 20%",
                      lambda line: replace(line, amount=Decimal(line.amount or 0) * Decimal("1.2"))
                      if line.category in COST_CATEGORIES else line),
}


@dataclass(frozen=True)
class Scenario:
    key: str
    label: str
    npsv: Decimal
    bcr: Decimal | None
    cumulative: Decimal  # real prices, undiscounted, benefits counted less costs with optimism bias
    payback_year: int | None  # the year index the cumulative position first turns from negative to ≥ 0
    never_behind: bool  # the position is never negative: nothing to pay back

    def as_dict(self) -> dict:
        return {"key": self.key, "label": self.label, "npsv": self.npsv, "bcr": self.bcr,
                "cumulative": self.cumulative, "payback_year": self.payback_year, "never_behind": self.never_behind}


def scenarios(*, lines: Iterable[Line], optimism_bias_percent: Decimal, confidence_percent: Decimal) -> list[Scenario]:
    """One option's appraisal under each of SCENARIOS (module docstring)."""
    lines = list(lines)
    out = []
    for key, (label, change) in SCENARIOS.items():
        a = appraise(lines=[change(line) for line in lines], optimism_bias_percent=optimism_bias_percent,
                     confidence_percent=confidence_percent)
        position, payback, was_negative = Decimal(0), None, False
        for row in a.years:
            position += row.counted_benefits - row.costs - row.uplift
            if position < 0:
                was_negative = True
            elif was_negative and payback is None:
                payback = row.year
        out.append(Scenario(key, label, a.npsv, a.bcr, money(position), payback, not was_negative))
    return out
