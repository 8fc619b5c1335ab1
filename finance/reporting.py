"""The finance figures as plain data, for the pages, the xlsx export and the Cabinet paper
(business_cases uses these and the fragments in templates/finance/fragments/). No
personal data; every figure computed from the records, with a fixed number of queries
however many ledger lines there are (lines are summed in the database).
"""
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import Sum

from core.financial_year import FinancialYear
from core.formats import money
from finance.models import (
    AccountCode,
    BudgetLine,
    BudgetVersion,
    Category,
    CostCentre,
    Forecast,
    FundingSource,
    InvestmentLine,
    Kpi,
    LedgerStatedTotal,
    LedgerSummary,
    RealisedSaving,
    SavingsLine,
)
from programmes.council_lists import COST_TYPE, SAVINGS_CATEGORY, council_list, label_of
from programmes.models import Programme

ZERO = Decimal("0")
AMBER_OVER = Decimal("0.05")  # up to 5% over budget is amber; more is red
NOT_MAPPED = "Not mapped"


@dataclass(frozen=True)
class Rag:
    value: str  # green | amber | red (the tag colour)
    text: str  # what it means, always shown with the colour


def rag_for(budget: Decimal, outturn: Decimal) -> Rag:
    """Outturn within budget is green; up to 5% over amber; more, or spend with no budget,
    red."""
    if outturn <= budget:
        return Rag("green", "Within budget")
    if budget <= 0:
        return Rag("red", "No budget")
    if outturn <= budget * (1 + AMBER_OVER):
        return Rag("amber", "Up to 5% over")
    return Rag("red", "Over by more than 5%")


@dataclass
class Line:
    """One row of a budget-against-actual table."""

    label: str
    budget: Decimal = ZERO
    actual: Decimal = ZERO
    forecast: Decimal | None = None
    outturn: Decimal = ZERO

    @property
    def variance(self) -> Decimal:
        """Budget less expected outturn: positive is under budget."""
        return self.budget - self.outturn

    @property
    def rag(self) -> Rag:
        return rag_for(self.budget, self.outturn)

    @property
    def variance_text(self) -> str:
        v = self.variance
        if v == 0:
            return "on budget"
        return f"{money(abs(v))} {'under' if v > 0 else 'over'}"


@dataclass
class BudgetReport:
    years: list[FinancialYear]
    by_year: list[Line]
    by_category: list[Line]  # year × revenue/capital
    by_cost_type: list[Line]
    by_workstream: list[Line]
    total: Line
    cumulative: list[tuple[FinancialYear, Decimal, Decimal]]  # year, budget, actual
    budget_version: BudgetVersion | None
    not_mapped_actual: Decimal = ZERO


CENT = Decimal("0.01")
_FACTS_SQL = f"""
    SELECT s.financial_year, ac.category, ac.cost_type, cc.workstream_id,
           (cc.id IS NULL OR ac.id IS NULL) AS not_mapped, SUM(s.total)
    FROM (SELECT financial_year, cost_centre, account_code, SUM(amount) AS total
          FROM {LedgerSummary._meta.db_table} WHERE programme_id = %s
          GROUP BY financial_year, cost_centre, account_code) s
    LEFT JOIN {CostCentre._meta.db_table} cc ON cc.programme_id = %s AND cc.code = s.cost_centre
    LEFT JOIN {AccountCode._meta.db_table} ac ON ac.programme_id = %s AND ac.code = s.account_code
    GROUP BY s.financial_year, ac.category, ac.cost_type, cc.workstream_id, (cc.id IS NULL OR ac.id IS NULL)
"""


def ledger_facts(*, programme: Programme) -> tuple[list, Decimal]:
    """(year, category, cost type, workstream id, amount) of the ledger, and how much of it
    has codes not yet mapped. One query: the per-upload summaries joined to the code tables
    and summed in SQL, so a few dozen rows come back however long the ledger is. A line
    whose account code is not mapped counts as revenue of no cost type. A page that shows
    several reports fetches this once and passes it to each as `facts`."""
    with connection.cursor() as cursor:
        cursor.execute(_FACTS_SQL, [programme.pk] * 3)
        rows = cursor.fetchall()
    facts, not_mapped = [], ZERO
    for year, category, cost_type, ws, unmapped, total in rows:
        # SQLite sums decimals as floats; the figures are pence, so rounding to the penny
        # gives back the exact sum.
        total = (total if isinstance(total, Decimal) else Decimal(repr(total))).quantize(CENT)
        if unmapped:
            not_mapped += total
        facts.append((FinancialYear(int(year)), category or Category.REVENUE, cost_type, ws, total))
    return facts, not_mapped


def budget_against_actual(*, programme: Programme, facts=None) -> BudgetReport:
    """Budget (current version), actual (ledger) and forecast by year, revenue/capital,
    cost type and workstream, with cumulative spend. Seven queries (the ledger's facts one
    of them, unless passed in)."""
    version = BudgetVersion.objects.filter(programme=programme, is_current=True).first()
    budget = [(FinancialYear.parse(y), cat, ct, ws, amt) for y, cat, ct, ws, amt in (
        BudgetLine.objects.filter(programme=programme, version=version)
        .values_list("financial_year", "category", "cost_type", "workstream_id")
        .annotate(total=Sum("amount")).order_by())] if version else []
    forecast = [(FinancialYear.parse(y), cat, ct, ws, amt) for y, cat, ct, ws, amt in (
        Forecast.objects.filter(programme=programme)
        .values_list("financial_year", "category", "cost_type", "workstream_id")
        .annotate(total=Sum("amount")).order_by())]
    actual, not_mapped = facts or ledger_facts(programme=programme)
    ws_names = dict(programme.workstreams.values_list("pk", "name"))
    years = sorted({f[0] for f in budget + actual + forecast})

    def table(key, label):
        # Sums per (group, year), so a group's outturn takes each year's forecast where
        # there is one and its actual otherwise.
        cells: dict = defaultdict(lambda: [ZERO, ZERO, None])
        for facts, k in ((budget, 0), (actual, 1), (forecast, 2)):
            for f in facts:
                cell = cells[(key(f), f[0])]
                cell[k] = (cell[k] or ZERO) + f[4]
        lines: dict = {}
        for (group, _year), (b, a, fc) in cells.items():
            line = lines.setdefault(group, Line(label(group)))
            line.budget += b
            line.actual += a
            if fc is not None:
                line.forecast = (line.forecast or ZERO) + fc
            line.outturn += fc if fc is not None else a
        return lines

    by_year = table(lambda f: f[0], str)
    by_category = table(lambda f: (f[0], f[1]), lambda g: f"{g[0]} {Category(g[1]).label.lower()}")
    # Cost types in the council's order and with its labels; a code its list no longer holds
    # comes after them, by code, showing the code; spending on an unmapped account code last.
    cost_types = council_list(programme.lead_organisation_id, COST_TYPE)
    order_ct = {e.value: i for i, e in enumerate(cost_types)}
    names_ct = {e.value: e.label for e in cost_types}
    by_cost_type = table(lambda f: f[2] or "", lambda g: label_of(names_ct, g) if g else NOT_MAPPED)
    by_workstream = table(lambda f: f[3] or 0, lambda g: ws_names.get(g, NOT_MAPPED))
    total = Line("Total")
    for line in by_year.values():
        total.budget += line.budget
        total.actual += line.actual
        total.outturn += line.outturn
        if line.forecast is not None:
            total.forecast = (total.forecast or ZERO) + line.forecast
    cumulative, cb, ca = [], ZERO, ZERO
    for y in years:
        line = by_year.get(y, Line(str(y)))
        cb += line.budget
        ca += line.actual
        cumulative.append((y, cb, ca))
    return BudgetReport(
        years=years,
        by_year=[by_year[y] for y in years if y in by_year],
        by_category=[by_category[k] for k in sorted(by_category, key=lambda g: (g[0], g[1] != Category.REVENUE))],
        by_cost_type=[by_cost_type[k] for k in sorted(
            by_cost_type, key=lambda g: (g == "", order_ct.get(g, len(order_ct)), g))],
        by_workstream=[by_workstream[k] for k in sorted(by_workstream, key=lambda g: (g == 0, by_workstream[g].label))],
        total=total, cumulative=cumulative, budget_version=version, not_mapped_actual=not_mapped,
    )


# --- For the Cabinet paper -------------------------------------------------------------------

@dataclass
class SpendYear:
    year: FinancialYear
    revenue: Decimal
    capital: Decimal
    cumulative: Decimal

    @property
    def total(self) -> Decimal:
        return self.revenue + self.capital


@dataclass
class MobilisationSpend:
    years: list[SpendYear]
    revenue: Decimal
    capital: Decimal
    notes: list[str] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return self.revenue + self.capital


def reconciliation_notes(*, programme: Programme) -> list[str]:
    """Where a loaded sheet stated a total that differs from the sum of its rows (within the
    rounding tolerance, or it would not have loaded), say so: the tables show the sum."""
    notes = []
    for t in LedgerStatedTotal.objects.filter(programme=programme).order_by("upload_id", "row"):
        diff = t.difference
        if not diff:
            continue
        notes.append(f"The published total of {money(t.stated)} is {money(abs(diff))} "
                     f"{'higher' if diff > 0 else 'lower'} than the sum of the figures, {money(t.rows_sum)}, "
                     "because each published figure is rounded; the tables show the sum.")
    return notes


def mobilisation_spend(*, programme: Programme, facts=None) -> MobilisationSpend:
    """Actual spend by year, revenue and capital, the total per year and cumulative, and
    the sum — with a note wherever a published total differs from it. Four queries."""
    facts, _ = facts or ledger_facts(programme=programme)
    per_year: dict = defaultdict(lambda: [ZERO, ZERO])
    for year, category, _ct, _ws, amount in facts:
        per_year[year][0 if category == Category.REVENUE else 1] += amount
    years, running = [], ZERO
    for y in sorted(per_year):
        revenue, capital = per_year[y]
        running += revenue + capital
        years.append(SpendYear(y, revenue, capital, running))
    return MobilisationSpend(years=years, revenue=sum((y.revenue for y in years), ZERO),
                             capital=sum((y.capital for y in years), ZERO),
                             notes=reconciliation_notes(programme=programme))


@dataclass
class PlanAgainstActual:
    label: str
    rows: list[tuple[FinancialYear, Decimal, Decimal]]  # year, planned, actual

    @property
    def planned_total(self) -> Decimal:
        return sum((r[1] for r in self.rows), ZERO)

    @property
    def actual_total(self) -> Decimal:
        return sum((r[2] for r in self.rows), ZERO)


def soc_against_actual(*, programme: Programme, facts=None) -> PlanAgainstActual | None:
    """The original budget version (the planned cost at Strategic Outline Case) against
    actual spend, for the years it planned."""
    original = (BudgetVersion.objects.filter(programme=programme, kind=BudgetVersion.Kind.ORIGINAL)
                .order_by("approved_on", "pk").first())
    if original is None:
        return None
    planned = {FinancialYear.parse(y): t for y, t in BudgetLine.objects.filter(version=original)
               .values_list("financial_year").annotate(t=Sum("amount")).order_by()}
    facts, _ = facts or ledger_facts(programme=programme)
    actual: dict = defaultdict(lambda: ZERO)
    for year, *_rest, amount in facts:
        actual[year] += amount
    return PlanAgainstActual(label=original.name,
                             rows=[(y, planned[y], actual.get(y, ZERO)) for y in sorted(planned)])


@dataclass
class ReservePosition:
    source: FundingSource
    committed: Decimal  # this programme's current budget drawn from it

    @property
    def uncommitted(self) -> Decimal | None:
        if self.source.balance is None:
            return None
        return self.source.balance - self.committed - self.source.other_commitments


def reserve_positions(*, programme: Programme) -> list[ReservePosition]:
    """Each funding source: balance, committed to this programme (the current budget drawn
    from it), committed elsewhere, uncommitted. Two queries."""
    committed = dict(BudgetLine.objects.filter(programme=programme, version__is_current=True,
                                               funding_source__isnull=False)
                     .values_list("funding_source").annotate(t=Sum("amount")).order_by())
    return [ReservePosition(s, committed.get(s.pk, ZERO))
            for s in FundingSource.objects.filter(programme=programme)]


# --- Benefits ---------------------------------------------------------------------------------

@dataclass
class BenefitsYear:
    year: FinancialYear
    investment: Decimal = ZERO
    income: Decimal = ZERO
    recurrent_savings: Decimal = ZERO
    one_off_savings: Decimal = ZERO
    cumulative_net: Decimal = ZERO

    @property
    def savings(self) -> Decimal:
        return self.recurrent_savings + self.one_off_savings

    @property
    def benefits(self) -> Decimal:
        return self.income + self.savings

    @property
    def net(self) -> Decimal:
        return self.benefits - self.investment


@dataclass(frozen=True)
class Payback:
    """When the programme pays back, on one basis: "gross" (its savings against the whole
    investment) or "net" (its savings and income, the funding among them, against the
    investment). `year` None: not within the years planned."""

    basis: str
    year: FinancialYear | None
    investment: Decimal  # what is to be paid back: all of it, or what funding leaves
    recovered: Decimal  # what the years planned recover of it, by their end
    last_year: FinancialYear | None
    # Never a net cost to recover: the money coming in each year covers what goes out.
    covered: bool = False
    has_investment: bool = True

    @property
    def within_plan(self) -> bool:
        return self.year is not None

    @property
    def words(self) -> str:
        from core.formats import money

        what = ("On the gross investment, before any funding or income," if self.basis == "gross"
                else "Net of its funding and income,")
        if not self.has_investment:
            return "The programme has no investment to pay back."
        if self.covered:
            return (f"{what} the programme never has a cost to recover: the money coming in each year covers "
                    f"what it spends, so it pays back in {self.year}, the year it starts.")
        if self.year is not None:
            return f"{what} the programme pays back in {self.year}, within the years planned."
        return (f"{what} the programme does not pay back within the years planned (to {self.last_year}): "
                f"by then it has recovered {money(self.recovered)} of {money(self.investment)}.")


def _payback(basis: str, years: list, flows: list[Decimal], *, has_investment: bool) -> Payback:
    """The first year from which the cumulative position stays at zero or above, after the
    investment; a position that is never below zero pays back in its first year."""
    running, lowest, year = ZERO, ZERO, None
    for y, flow in zip(years, flows, strict=True):
        running += flow
        lowest = min(lowest, running)
        if running < 0:
            year = None
        elif year is None:
            year = y
    last = years[-1] if years else None
    if lowest == 0:
        return Payback(basis, years[0], ZERO, ZERO, last, covered=True, has_investment=has_investment)
    # A position that ends below zero has recovered what it climbed back from its lowest.
    return Payback(basis, year, -lowest, running - lowest if year is None else -lowest, last,
                   has_investment=has_investment)


@dataclass
class CostsAndBenefits:
    years: list[BenefitsYear]
    # The payback on each basis: gross (savings against the whole investment) and net of
    # funding (income and savings against it).
    gross_payback: Payback | None = None
    net_payback: Payback | None = None

    @property
    def payback_year(self) -> FinancialYear | None:
        """The year the programme pays back net of its funding (None: not within the plan)."""
        return self.net_payback.year if self.net_payback else None

    @property
    def paybacks(self) -> list[Payback]:
        return [p for p in (self.gross_payback, self.net_payback) if p is not None]

    def total(self, attr: str) -> Decimal:
        return sum((getattr(y, attr) for y in self.years), ZERO)

    @property
    def totals(self) -> dict:
        return {a: self.total(a) for a in ("investment", "income", "recurrent_savings", "one_off_savings",
                                           "savings", "benefits", "net")}


def costs_and_benefits(*, programme: Programme) -> CostsAndBenefits:
    """Investment, income and planned savings by year, the net and cumulative position, and
    the payback both ways (`_payback`): gross, and net of funding. Two queries."""
    years: dict = {}

    def year(y) -> BenefitsYear:
        fy = FinancialYear.parse(y)
        return years.setdefault(fy, BenefitsYear(fy))

    for y, kind, t in (InvestmentLine.objects.filter(programme=programme)
                       .values_list("financial_year", "kind").annotate(t=Sum("amount")).order_by()):
        if kind == InvestmentLine.Kind.INVESTMENT:
            year(y).investment += t
        else:
            year(y).income += t
    for y, rec, t in (SavingsLine.objects.filter(programme=programme)
                      .values_list("financial_year", "recurrence").annotate(t=Sum("amount")).order_by()):
        if rec == SavingsLine.Recurrence.RECURRENT:
            year(y).recurrent_savings += t
        else:
            year(y).one_off_savings += t
    ordered = [years[y] for y in sorted(years)]
    running = ZERO
    for y in ordered:
        running += y.net
        y.cumulative_net = running
    fys = [y.year for y in ordered]
    if not ordered:
        return CostsAndBenefits(years=ordered)
    invested = any(y.investment for y in ordered)
    return CostsAndBenefits(
        years=ordered,
        gross_payback=_payback("gross", fys, [y.savings - y.investment for y in ordered], has_investment=invested),
        net_payback=_payback("net", fys, [y.net for y in ordered], has_investment=invested))


@dataclass
class SavingsRow:
    label: str
    planned: Decimal = ZERO
    realised: Decimal = ZERO

    @property
    def gap(self) -> Decimal:
        return self.realised - self.planned


def savings_against_plan(*, programme: Programme) -> tuple[list[SavingsRow], list[SavingsRow]]:
    """Planned and realised savings by year and by category. Three queries."""
    by_year: dict = {}
    by_cat: dict = {}
    # Categories in the council's order; a code the list no longer holds goes last, by code.
    entries = council_list(programme.lead_organisation_id, SAVINGS_CATEGORY)
    order = {e.value: i for i, e in enumerate(entries)}
    names = {e.value: e.label for e in entries}
    for model, attr in ((SavingsLine, "planned"), (RealisedSaving, "realised")):
        for y, cat, t in (model.objects.filter(programme=programme)
                          .values_list("financial_year", "category").annotate(t=Sum("amount")).order_by()):
            fy = FinancialYear.parse(y)
            row = by_year.setdefault(fy, SavingsRow(str(fy)))
            setattr(row, attr, getattr(row, attr) + t)
            crow = by_cat.setdefault(cat, SavingsRow(label_of(names, cat)))
            setattr(crow, attr, getattr(crow, attr) + t)
    return ([by_year[y] for y in sorted(by_year)],
            [by_cat[c] for c in sorted(by_cat, key=lambda c: (order.get(c, len(order)), c))])


# --- KPIs ---------------------------------------------------------------------------------------

@dataclass
class KpiSummary:
    kpi: Kpi
    readings: list  # KpiReading, oldest first

    @property
    def latest(self):
        return self.readings[-1] if self.readings else None

    @property
    def status(self) -> Rag:
        """Meets target (green); short of it but better than the baseline (amber) or not
        (red). Without a target, or short of it with no baseline to compare, there is no RAG
        to give, and the words say why rather than a colour guessing."""
        latest = self.latest
        if latest is None:
            return Rag("", "No reading yet")
        if self.kpi.target is None:
            return Rag("", "No target set")
        if self.kpi.meets_target(latest.value):
            return Rag("green", "Meets target")
        if self.kpi.baseline is None:
            return Rag("", "Short of target; no baseline to compare")
        better = (latest.value > self.kpi.baseline if self.kpi.direction == Kpi.Direction.HIGHER
                  else latest.value < self.kpi.baseline)
        return Rag("amber", "Improving") if better else Rag(
            "red", "Not improving")


def kpi_summary(kpi: Kpi) -> KpiSummary:
    """One KPI with its readings, oldest first (from its prefetched readings if read so)."""
    return KpiSummary(kpi, sorted(kpi.readings.all(), key=lambda r: r.date))


def kpi_summaries(*, programme: Programme) -> list[KpiSummary]:
    """Every KPI with its readings. Two queries."""
    kpis = Kpi.objects.filter(programme=programme).select_related("workstream").prefetch_related("readings")
    return [kpi_summary(k) for k in kpis]
