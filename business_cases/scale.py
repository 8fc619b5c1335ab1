"""Scale data for business cases: a big options appraisal matrix (12 options × 20 criteria
of every kind, every cell filled), ten years of appraisal lines for each option, and three
versions of each stage's document, in every scale programme (see `programmes.scale`)."""
from decimal import Decimal

from business_cases.models import (
    AppraisalLine,
    BusinessCase,
    BusinessCaseVersion,
    Criterion,
    CriticalSuccessFactor,
    MatrixCell,
    Option,
    Stage,
    StrategicObjective,
)
from core.financial_year import FinancialYear
from programmes.scale import ScaleContext, scale_step

OPTIONS = 12
CRITERIA = 20
YEARS = 10
KINDS = [Criterion.Kind.LEVELS, Criterion.Kind.LEVELS, Criterion.Kind.RATING, Criterion.Kind.SCORE,
         Criterion.Kind.MONEY]


@scale_step
def business_cases_scale(ctx: ScaleContext) -> None:
    for sp in ctx.programmes:
        p, rng = sp.programme, sp.rng
        objectives = StrategicObjective.objects.bulk_create(
            [StrategicObjective(programme=p, number=n, text=f"Synthetic objective {n}") for n in range(1, 7)])
        csfs = CriticalSuccessFactor.objects.bulk_create(
            [CriticalSuccessFactor(programme=p, number=n, text=f"Synthetic success factor {n}") for n in range(1, 7)])
        options = Option.objects.bulk_create([
            Option(programme=p, code=f"Op.{n}", order=n, title=f"Synthetic option {n}",
                   kind=Option.Kind.BUSINESS_AS_USUAL if n == 1 else Option.Kind.OPTION,
                   optimism_bias_percent=Decimal(rng.randint(10, 40)),
                   benefits_confidence_percent=Decimal(rng.randint(60, 100)))
            for n in range(1, OPTIONS + 1)])
        criteria = []
        for n in range(1, CRITERIA + 1):
            kind = Criterion.Kind.GATE if n == CRITERIA else KINDS[n % len(KINDS)]
            criteria.append(Criterion(
                programme=p, order=n, title=f"Synthetic criterion {n}", kind=kind, weight=Decimal(rng.randint(1, 3)),
                objective=objectives[n % 6] if n <= 6 else None, csf=csfs[n % 6] if 6 < n <= 12 else None,
                scale_min=Decimal(0) if kind == Criterion.Kind.SCORE else None,
                scale_max=Decimal(10) if kind == Criterion.Kind.SCORE else None,
                direction=Criterion.Direction.LOWER if kind == Criterion.Kind.MONEY else ""))
        criteria = Criterion.objects.bulk_create(criteria)
        cells = []
        for o in options:
            for c in criteria:
                cell = MatrixCell(programme=p, option=o, criterion=c)
                if c.kind == Criterion.Kind.LEVELS:
                    cell.level = rng.choice(["meets", "partial", "not_met"])
                elif c.kind == Criterion.Kind.GATE:
                    cell.gate = rng.random() > 0.2
                elif c.kind == Criterion.Kind.RATING:
                    cell.rating = rng.choice(["high", "medium", "low"])
                elif c.kind == Criterion.Kind.SCORE:
                    cell.score = Decimal(rng.randint(0, 10))
                else:
                    cell.money = Decimal(rng.randint(100, 5000) * 1000)
                cells.append(cell)
        MatrixCell.objects.bulk_create(cells)
        lines = []
        for o in options:
            for year in range(YEARS):
                for category in ("capital", "revenue", "transition", "risk", "cash_releasing", "non_cash_releasing"):
                    lines.append(AppraisalLine(programme=p, option=o, category=category, year=year,
                                               financial_year=FinancialYear.of(ctx.today) + year,
                                               description=f"Synthetic {category} line",
                                               amount=Decimal(rng.randint(10, 900) * 1000)))
        AppraisalLine.objects.bulk_create(lines)
        for stage in Stage.values:
            case = BusinessCase.objects.create(programme=p, stage=stage)
            BusinessCaseVersion.objects.bulk_create([
                BusinessCaseVersion(programme=p, business_case=case, number=n,
                                    status=BusinessCaseVersion.Status.SUPERSEDED if n < 3
                                    else BusinessCaseVersion.Status.DRAFT,
                                    strategic_case=f"Synthetic strategic case, version {n}. " * 20)
                for n in range(1, 4)])
