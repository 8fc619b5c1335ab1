"""Ranking the options of an appraisal matrix, by rules the matrix page states in full:

1. Gates first. An option answered "no" on any yes/no gate is ruled out, whatever it scores.
2. Then the weighted total. Each other criterion gives the option a share of its weight:
   - meets / partially meets / does not meet, and high / medium / low: the level's points
     (set per matrix) divided by the top level's points;
   - a score: (score − lowest) / (highest − lowest) of the criterion's stated scale;
   - money: the best amount among the options gets the full weight, the worst none, and
     those between a straight-line share (when every option has the same amount, all get
     the full weight). "Best" is the highest or the lowest as the criterion says.
   A cell left empty scores nothing and is reported as not assessed.
3. Options that pass every gate are ranked by weighted total, highest first; equal totals
   share a rank. Ruled-out options follow, in order of their totals.

The outcome the matrix gives (which authors may override, with a reason):
- business as usual or do minimum, for options of that kind: the Green Book keeps them on
  the short list as the benchmark, so a gate does not remove them;
- discounted, for any other option ruled out by a gate;
- preferred, for the highest-ranked option for change (when two share first place the
  matrix cannot choose, and both are left as alternatives for the authors to decide);
- alternative, for the other options for change.

All arithmetic is Decimal; shares are kept unrounded, totals rounded to two places (half up).
"""
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from business_cases.models import Criterion, Level, MatrixSettings, Option, Outcome, Rating
from core.formats import money, number

TWO = Decimal("0.01")
HUNDRED = Decimal("100")
SYMBOLS = {  # text and symbol for every cell, so colour is never the only signal
    "meets": ("✓", "green"), "partial": ("◐", "yellow"), "not_met": ("✗", "red"),
    "yes": ("✓", "green"), "no": ("✗", "red"),
    "high": ("▲", "green"), "medium": ("◆", "yellow"), "low": ("▼", "red"),
    "empty": ("–", "grey"),
}


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


@dataclass
class CellView:
    """One cell as every rendering shows it: its text, a symbol, a colour key and the
    share of the criterion's weight it earned (None for gates and empty cells)."""

    text: str
    symbol: str
    colour: str
    share: Decimal | None
    points: Decimal | None
    note: str = ""


@dataclass
class OptionResult:
    option: Option
    cells: list[CellView] = field(default_factory=list)
    total: Decimal = Decimal("0")  # rounded to 2 places, as shown and as ranked
    # The same, unrounded: differences and percentages are worked out from it and rounded
    # once, for display.
    exact_total: Decimal = Decimal("0")
    ruled_out_by: list[str] = field(default_factory=list)
    not_assessed: list[str] = field(default_factory=list)
    rank: int = 0
    tied: bool = False
    computed_outcome: str = ""
    explanation: str = ""

    @property
    def passes_gates(self) -> bool:
        return not self.ruled_out_by

    @property
    def outcome(self) -> str:
        """The outcome that stands: the authors' override if they gave one."""
        return self.option.outcome_override or self.computed_outcome

    @property
    def overridden(self) -> bool:
        return bool(self.option.outcome_override) and self.option.outcome_override != self.computed_outcome

    @property
    def outcome_label(self) -> str:
        return Outcome(self.outcome).label if self.outcome else ""

    @property
    def computed_label(self) -> str:
        return Outcome(self.computed_outcome).label if self.computed_outcome else ""


@dataclass
class Ranking:
    criteria: list[Criterion]
    results: list[OptionResult]      # in the options' own order
    max_total: Decimal
    settings: MatrixSettings
    exact_max_total: Decimal | None = None  # unrounded; max_total when not given

    @property
    def ranked(self) -> list[OptionResult]:
        return sorted(self.results, key=lambda r: (r.rank, r.option.order, r.option.code))

    def by_option(self) -> dict[int, OptionResult]:
        return {r.option.pk: r for r in self.results}

    def percent(self, result: OptionResult) -> Decimal | None:
        """The share of the most an option could score, from the unrounded figures."""
        most = self.exact_max_total if self.exact_max_total is not None else self.max_total
        return (result.exact_total / most * HUNDRED).quantize(Decimal("1"), ROUND_HALF_UP) if most else None


def level_points(settings: MatrixSettings) -> dict[str, Decimal]:
    return {Level.MEETS: settings.meets_points, Level.PARTIAL: settings.partial_points,
            Level.NOT_MET: settings.not_met_points}


def rating_points(settings: MatrixSettings) -> dict[str, Decimal]:
    return {Rating.HIGH: settings.high_points, Rating.MEDIUM: settings.medium_points,
            Rating.LOW: settings.low_points}


def _money_range(criterion: Criterion, cells: dict) -> tuple[Decimal, Decimal] | None:
    values = [c.money for (o, cr), c in cells.items() if cr == criterion.pk and c.money is not None]
    return (min(values), max(values)) if values else None


FIELD_OF_KIND = {"levels": "level", "gate": "gate", "rating": "rating", "score": "score", "money": "money"}


def cell_value(criterion: Criterion, cell):
    """The cell's value for its criterion's kind; None when empty (a criterion whose kind
    changed after it was scored leaves its old cells empty, not wrong)."""
    if cell is None:
        return None
    value = getattr(cell, FIELD_OF_KIND[criterion.kind])
    return None if value in (None, "") else value


def _cell_view(criterion: Criterion, cell, settings: MatrixSettings, money_range) -> CellView:
    K = Criterion.Kind
    weight = criterion.weight
    if cell_value(criterion, cell) is None:
        symbol, colour = SYMBOLS["empty"]
        return CellView("Not assessed", symbol, colour, None, None)
    note = cell.note
    if criterion.kind == K.GATE:
        key = "yes" if cell.gate else "no"
        symbol, colour = SYMBOLS[key]
        return CellView("Yes" if cell.gate else "No – ruled out", symbol, colour, None, None, note)
    if criterion.kind == K.LEVELS:
        points = level_points(settings)
        share = points[cell.level] / points[Level.MEETS]
        symbol, colour = SYMBOLS[cell.level]
        text = Level(cell.level).label
    elif criterion.kind == K.RATING:
        points = rating_points(settings)
        share = points[cell.rating] / points[Rating.HIGH]
        symbol, colour = SYMBOLS[cell.rating]
        text = Rating(cell.rating).label
    elif criterion.kind == K.SCORE:
        share = (cell.score - criterion.scale_min) / (criterion.scale_max - criterion.scale_min)
        text = f"{number(cell.score)} on a scale of {number(criterion.scale_min)} to {number(criterion.scale_max)}"
        symbol, colour = _band(share)
    else:  # money
        low, high = money_range
        if high == low:
            share = Decimal(1)
        elif criterion.direction == Criterion.Direction.LOWER:
            share = (high - cell.money) / (high - low)
        else:
            share = (cell.money - low) / (high - low)
        text = money(cell.money)
        symbol, colour = _band(share)
    return CellView(text, symbol, colour, share, share * weight, note)


def _band(share: Decimal) -> tuple[str, str]:
    """Scores and money are keyed by the share earned: two thirds or more is the top band."""
    if share >= Decimal(2) / 3:
        return "▲", "green"
    if share >= Decimal(1) / 3:
        return "◆", "yellow"
    return "▼", "red"


def rank_options(*, options: list[Option], criteria: list[Criterion], cells: list,
                 settings: MatrixSettings) -> Ranking:
    """Rank `options` against `criteria` from their `cells` (see the module docstring)."""
    by_key = {(c.option_id, c.criterion_id): c for c in cells}
    money_ranges = {c.pk: _money_range(c, by_key) for c in criteria if c.kind == Criterion.Kind.MONEY}
    scoring = [c for c in criteria if c.kind != Criterion.Kind.GATE]
    exact_max = sum((c.weight for c in scoring), Decimal(0))
    max_total = exact_max.quantize(TWO, ROUND_HALF_UP)
    results = []
    for option in options:
        result = OptionResult(option)
        total = Decimal(0)
        for criterion in criteria:
            cell = by_key.get((option.pk, criterion.pk))
            view = _cell_view(criterion, cell, settings, money_ranges.get(criterion.pk))
            result.cells.append(view)
            if cell_value(criterion, cell) is None:
                result.not_assessed.append(criterion.title)
            elif criterion.kind == Criterion.Kind.GATE and not cell.gate:
                result.ruled_out_by.append(criterion.title)
            if view.points is not None:
                total += view.points
        result.exact_total = total
        result.total = total.quantize(TWO, ROUND_HALF_UP)
        results.append(result)
    _assign_ranks(results)
    _assign_outcomes(results)
    for r in results:
        r.explanation = _explain(r, results, max_total)
    return Ranking(criteria, results, max_total, settings, exact_max_total=exact_max)


def _assign_ranks(results: list[OptionResult]) -> None:
    passing = sorted((r for r in results if r.passes_gates), key=lambda r: -r.total)
    failing = sorted((r for r in results if not r.passes_gates), key=lambda r: -r.total)
    rank = 0
    for group in (passing, failing):
        previous = None
        for position, r in enumerate(group, start=rank + 1):
            if previous is not None and r.total == previous.total:
                r.rank = previous.rank
                r.tied = previous.tied = True
            else:
                r.rank = position
            previous = r
        rank += len(group)


def _assign_outcomes(results: list[OptionResult]) -> None:
    Kind = Option.Kind
    for r in results:
        if r.option.kind == Kind.BUSINESS_AS_USUAL:
            r.computed_outcome = Outcome.BUSINESS_AS_USUAL
        elif r.option.kind == Kind.DO_MINIMUM:
            r.computed_outcome = Outcome.DO_MINIMUM
        elif not r.passes_gates:
            r.computed_outcome = Outcome.DISCOUNTED
        else:
            r.computed_outcome = Outcome.ALTERNATIVE
    for_change = [r for r in results if r.option.kind == Kind.OPTION and r.passes_gates]
    if for_change:
        best = min(r.rank for r in for_change)
        top = [r for r in for_change if r.rank == best]
        if len(top) == 1:
            top[0].computed_outcome = Outcome.PREFERRED


def _points(value: Decimal) -> Decimal:
    """A number of points as shown: rounded once, to 2 places."""
    return value.quantize(TWO, ROUND_HALF_UP)


def _explain(r: OptionResult, results: list[OptionResult], max_total: Decimal) -> str:
    """The rank and outcome in words, from the same figures the ranking used."""
    out_of = f"{number(r.total)} of {number(max_total)} weighted points"
    if not r.passes_gates:
        gates = ", ".join(f"“{g}”" for g in r.ruled_out_by)
        plural = "s" if len(r.ruled_out_by) > 1 else ""
        text = (f"Ranked {ordinal(r.rank)}: ruled out because it does not pass the gate{plural} "
                f"{gates}; it scored {out_of}, which does not count against a failed gate.")
    else:
        passing = sorted((o for o in results if o.passes_gates), key=lambda o: (o.rank, o.option.order))
        text = f"Ranked {ordinal(r.rank)}{' (tied)' if r.tied else ''}: passes every gate and scores {out_of}"
        above = [o for o in passing if o.rank < r.rank]
        below = [o for o in passing if o.rank > r.rank]
        if above:
            nearest = above[-1]
            text += f", {number(_points(nearest.exact_total - r.exact_total))} behind {nearest.option.code}"
        elif below:
            text += f", {number(_points(r.exact_total - below[0].exact_total))} ahead of {below[0].option.code}"
        text += "."
    strengths = [c for c in r.cells if c.share is not None and c.share == 1]
    if r.not_assessed:
        text += f" Not assessed against {len(r.not_assessed)} criteri{'a' if len(r.not_assessed) > 1 else 'on'}."
    if r.passes_gates and strengths:
        text += f" Full marks on {len(strengths)} criteri{'a' if len(strengths) > 1 else 'on'}."
    outcome_words = {
        Outcome.PREFERRED: "The matrix makes it the preferred option",
        Outcome.ALTERNATIVE: "The matrix keeps it on the short list as an alternative",
        Outcome.DISCOUNTED: "The matrix discounts it",
        Outcome.BUSINESS_AS_USUAL: "It stays on the short list as business as usual, the benchmark",
        Outcome.DO_MINIMUM: "It stays on the short list as the do-minimum benchmark",
    }
    text += f" {outcome_words[Outcome(r.computed_outcome)]}."
    if r.overridden:
        text += (f" The authors chose {Outcome(r.option.outcome_override).label.lower()} instead: "
                 f"{r.option.override_reason}")
    return text


def green_book_check(outcomes: dict[str, str]) -> list[str]:
    """What the short list lacks under the Green Book rule (option code → outcome that
    stands): business as usual or do minimum, the preferred way forward, and at least one
    alternative. An empty list means the short list passes."""
    values = list(outcomes.values())
    problems = []
    if not ({Outcome.BUSINESS_AS_USUAL, Outcome.DO_MINIMUM} & set(values)):
        problems.append("The short list has no business-as-usual or do-minimum option to compare against.")
    preferred = values.count(Outcome.PREFERRED)
    if preferred == 0:
        problems.append("The short list has no preferred way forward.")
    elif preferred > 1:
        problems.append("The short list has more than one preferred option.")
    if not ({Outcome.ALTERNATIVE, Outcome.SHORTLISTED} & set(values)):
        problems.append("The short list has no alternative to the preferred option.")
    return problems
