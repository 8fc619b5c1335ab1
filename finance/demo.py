"""The demo programme's money, from the reference figures of the real transfer: the Adult
Social Care reserve, the planned cost at Strategic Outline Case, the mobilisation budget,
and a ledger workbook — generated, always the same — whose lines add up exactly to the
published actuals by year, revenue and capital, loaded through the real upload pipeline.
Its totals row carries the published total (£1 more than the figures' sum, because each
published figure was rounded), so the reconciliation warning shows. Then a savings plan
and a few KPIs with readings, which are illustrative.

Financial years move with the demo's dates, by the same whole number of years (programmes'
`demo_shift`), so every figure stays in the year its events fall in; amounts never change.
The ledger's lines are spread over each year up to the demo's today, never after it, and
savings realised and KPI readings are loaded only once their day has come.
"""
import random
from datetime import date, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from core.financial_year import FinancialYear
from core.uploads import ALL_WARNINGS, upload_receive
from finance.ledger import KIND as LEDGER_KIND
from finance.models import (
    AccountCode,
    BudgetLine,
    BudgetVersion,
    Category,
    CostCentre,
    FundingSource,
    InvestmentLine,
    Kpi,
    KpiReading,
    RealisedSaving,
    SavingsLine,
)
from finance.services import budget_version_save, ledger_commit
from programmes.demo import demo_step
from programmes.services import record_save

REASON = "Demo data loaded"
FY = FinancialYear.parse
R, C = Category.REVENUE, Category.CAPITAL

# reference: finance.reserve
RESERVE_BALANCE = Decimal("7300000")
# Committed from the reserve outside this programme, so that its uncommitted balance is the
# published 3,300,000 once the mobilisation budget (3,444,992) is taken off.
RESERVE_OTHER_COMMITMENTS = Decimal("555008")
# reference: finance.soc_programme_cost_estimate
SOC_ESTIMATE = {"2022/23": 274500, "2023/24": 549000}
# reference: finance.mobilisation_actuals (pounds)
ACTUALS = {("2022/23", R): 324932, ("2023/24", R): 1014886, ("2023/24", C): 343000, ("2024/25", R): 597173}
PUBLISHED_TOTAL = 2279992
# The mobilisation budget: the actuals came in 1,165,000 below it (against the published
# total), so it was 3,444,992. Its split by year and line is illustrative.
BUDGET = [
    ("2022/23", R, "staff", "Governance", 250000, "Programme team"),
    ("2022/23", R, "professional", "Legal", 150000, "Legal advice on the exit and transfer"),
    ("2023/24", R, "staff", "HR", 600000, "HR, payroll and TUPE team"),
    ("2023/24", R, "systems", "IT & systems", 450000, "Case management and finance systems"),
    ("2023/24", R, "professional", "Legal", 250000, "Business Transfer Agreement"),
    ("2023/24", R, "training", "HR", 150000, "Recruitment and induction"),
    ("2023/24", R, "other", "Communications & engagement", 150000, "Engagement and communications"),
    ("2023/24", C, "systems", "IT & systems", 300000, "Systems build"),
    ("2023/24", C, "equipment", "IT & systems", 100000, "Laptops and phones"),
    ("2024/25", R, "staff", "Service operations", 700000, "Transition and double-running"),
    ("2024/25", R, "systems", "IT & systems", 244992, "Systems support after transfer"),
    ("2024/25", R, "other", "Governance", 100000, "Post-transfer assurance"),
]
COST_CENTRES = [("ASC101", "Programme management", "Governance"), ("ASC102", "HR and TUPE", "HR"),
                ("ASC103", "IT and systems", "IT & systems"), ("ASC104", "Legal", "Legal"),
                ("ASC105", "Service readiness", "Service operations"),
                ("ASC106", "Communications", "Communications & engagement")]
ACCOUNT_CODES = [("1001", "Salaries and interim staff", "staff", R),
                 ("2100", "Software and licences", "systems", R),
                 ("3100", "Legal and professional fees", "professional", R),
                 ("4100", "Training and recruitment", "training", R),
                 ("5100", "Communications", "other", R),
                 ("8100", "IT hardware", "equipment", C),
                 ("8200", "Systems development", "systems", C)]
# Which (cost centre, account code, supplier) lines of each kind may use.
REVENUE_LINES = [("ASC101", "1001", "Interim programme manager"), ("ASC102", "1001", "HR consultancy"),
                 ("ASC103", "2100", "Systems supplier"), ("ASC104", "3100", "Legal firm"),
                 ("ASC102", "4100", "Recruitment agency"), ("ASC106", "5100", "Print and design"),
                 ("ASC105", "1001", "Agency staff")]
CAPITAL_LINES = [("ASC103", "8100", "Hardware supplier"), ("ASC103", "8200", "Systems integrator")]
LINES_PER_POUND_MILLION = 120  # how many ledger lines per £1m, so the workbook looks real

SAVINGS = [("2024/25", "contract", "recurrent", 400000, "Provider management fee no longer paid"),
           ("2024/25", "property", "one_off", 150000, "Surrendered lease"),
           ("2025/26", "contract", "recurrent", 600000, "Provider management fee no longer paid"),
           ("2025/26", "staffing", "recurrent", 300000, "Merged management structure"),
           ("2026/27", "contract", "recurrent", 600000, "Provider management fee no longer paid"),
           ("2026/27", "staffing", "recurrent", 400000, "Merged management structure")]
INCOME = [("2024/25", "Integrated Care Board contribution to transition", 200000)]
# (year, category, amount, note, the day by which it had been realised)
REALISED = [("2024/25", "contract", 380000, "Eleven months of the fee", date(2025, 2, 28)),
            ("2024/25", "property", 150000, "Lease surrendered in May", date(2024, 5, 31))]
KPIS = [
    ("Adults with a care review in the last 12 months", "Service operations", "%", "58", "England average", "60",
     "75", Kpi.Direction.HIGHER, ["57", "61", "64", "66", "69", "71"]),
    ("Average days from referral to assessment", "Service operations", "days", "42", "England average", "35",
     "28", Kpi.Direction.LOWER, ["44", "40", "37", "33", "31", "29"]),
    ("Vacancy rate in transferred teams", "HR", "%", "14.5", "", None, "8", Kpi.Direction.LOWER,
     ["15.2", "13.8", "12.1", "11.0", "9.6", "8.4"]),
]
KPI_DATES = [date(2023, 9, 30), date(2023, 12, 31), date(2024, 3, 31), date(2024, 6, 30), date(2024, 9, 30),
             date(2024, 12, 31)]


def _split(total_pence: int, parts: int, rng: random.Random) -> list[int]:
    """`total_pence` in `parts` amounts (each at least £1) that add up to it exactly."""
    weights = [rng.uniform(0.3, 1.7) for _ in range(parts)]
    scale = sum(weights)
    amounts = [max(100, int(total_pence * w / scale)) for w in weights]
    amounts[-1] += total_pence - sum(amounts)
    return amounts


def ledger_workbook(*, years: int = 0, today: date | None = None) -> bytes:
    """The demo ledger export, always the same lines: amounts that sum exactly to the
    reference actuals by year and category, dated across each year moved by `years` — but
    no later than `today`, since a ledger holds only what has been posted — and a totals
    row carrying the published total."""
    rng = random.Random(20240401)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Ledger")
    ws.append(["Posting date", "Period", "Cost centre", "Subjective", "Description", "Supplier", "Net", "Journal no"])
    number = 0
    for (year, category), pounds in ACTUALS.items():
        fy = FY(year) + years
        # The days of the year posted so far: all of a past year, up to today in this one.
        span = 364 if today is None else max(0, min(364, (today - fy.start).days))
        parts = max(6, pounds * LINES_PER_POUND_MILLION // 1_000_000)
        choices = REVENUE_LINES if category == R else CAPITAL_LINES
        for k, pence in enumerate(_split(pounds * 100, parts, rng)):
            number += 1
            day = fy.start + timedelta(days=int(span * (k + rng.random()) / parts))
            cc, ac, supplier = choices[rng.randrange(len(choices))]
            ws.append([day, FinancialYear.period_of(day), cc, ac, f"{supplier} invoice", supplier,
                       float(Decimal(pence) / 100), f"JN{number:06d}"])
    ws.append([None, None, None, None, "Total (as published)", None, float(PUBLISHED_TOTAL), None])
    import io

    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@demo_step
def finance_demo_load(programme, users, shift) -> None:
    """Add the demo programme's money (called by `demo_load`)."""
    finance = users["demo-finance"]
    workstreams = {w.name: w for w in programme.workstreams.all()}

    def save(obj, reason=REASON):
        return record_save(instance=obj, user=finance, reason=reason)

    reserve = save(FundingSource(programme=programme, name="Adult Social Care reserve",
                                 kind=FundingSource.Kind.RESERVE, balance=RESERVE_BALANCE,
                                 other_commitments=RESERVE_OTHER_COMMITMENTS))
    soc = budget_version_save(version=BudgetVersion(
        programme=programme, name="Strategic Outline Case estimate", kind=BudgetVersion.Kind.ORIGINAL,
        approved_on=shift(date(2022, 11, 10)), reason="The ASC share (61%) of programme costs as planned at SOC."),
        user=finance, reason=REASON)
    for year, amount in SOC_ESTIMATE.items():
        save(BudgetLine(programme=programme, version=soc, financial_year=shift.fy(year), category=R,
                        cost_type="other", funding_source=reserve, amount=Decimal(amount),
                        description="Programme costs, ASC share"))
    mobilisation = budget_version_save(version=BudgetVersion(
        programme=programme, name="Mobilisation budget", kind=BudgetVersion.Kind.REVISED,
        approved_on=shift(date(2023, 11, 9)), is_current=True,
        reason=f"Full Business Case: mobilisation costs to {shift(date(2025, 3, 31)):%-d %B %Y} committed "
               "from the ASC reserve."),
        user=finance, reason=REASON)
    for year, category, cost_type, ws, amount, text in BUDGET:
        save(BudgetLine(programme=programme, version=mobilisation, financial_year=shift.fy(year), category=category,
                        cost_type=cost_type, workstream=workstreams.get(ws), funding_source=reserve,
                        amount=Decimal(amount), description=text))
    for code, name, ws in COST_CENTRES:
        save(CostCentre(programme=programme, code=code, name=name, workstream=workstreams.get(ws)))
    for code, name, cost_type, category in ACCOUNT_CODES:
        save(AccountCode(programme=programme, code=code, name=name, cost_type=cost_type, category=category))

    upload = upload_receive(target=programme, kind=LEDGER_KIND, user=finance, uploaded_file=SimpleUploadedFile(
        "ledger-export-mobilisation.xlsx", ledger_workbook(years=shift.years, today=shift.today)))
    # The demo ledger's rounding warning is part of the story it tells: loaded knowingly.
    outcome = ledger_commit(upload=upload, programme=programme, user=finance, accept_warnings=ALL_WARNINGS)
    if not outcome.ok:
        raise RuntimeError(f"The demo ledger did not load: {outcome.message} {outcome.errors[:3]}")

    for year, category, recurrence, amount, text in SAVINGS:
        save(SavingsLine(programme=programme, financial_year=shift.fy(year), category=category, recurrence=recurrence,
                         amount=Decimal(amount), description=text))
    for (year, category), pounds in ACTUALS.items():
        save(InvestmentLine(programme=programme, financial_year=shift.fy(year), kind=InvestmentLine.Kind.INVESTMENT,
                            description=f"Mobilisation ({Category(category).label.lower()})",
                            amount=Decimal(pounds)))
    for year, text, amount in INCOME:
        save(InvestmentLine(programme=programme, financial_year=shift.fy(year), kind=InvestmentLine.Kind.INCOME,
                            description=text, amount=Decimal(amount)))
    for year, category, amount, note, by in REALISED:
        if not shift.happened(shift(by)):
            continue  # not realised yet
        save(RealisedSaving(programme=programme, financial_year=shift.fy(year), category=category,
                            amount=Decimal(amount), note=note))
    for name, ws, unit, baseline, comp_label, comp, target, direction, readings in KPIS:
        kpi = save(Kpi(programme=programme, name=name, workstream=workstreams.get(ws), unit=unit,
                       baseline=Decimal(baseline), comparator_label=comp_label,
                       comparator_value=Decimal(comp) if comp is not None else None, target=Decimal(target),
                       direction=direction))
        for day, value in zip(KPI_DATES, readings, strict=True):
            if shift.happened(shift(day)):  # a reading is taken on its day, not before
                save(KpiReading(programme=programme, kpi=kpi, date=shift(day), value=Decimal(value)))
