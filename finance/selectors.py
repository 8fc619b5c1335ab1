"""Every finance queryset a page or the API lists: scoped to one programme, with what
its rows show fetched in the same few queries however many rows there are."""
from django.db.models import Prefetch, Sum

from finance.models import (
    AccountCode,
    BudgetLine,
    BudgetVersion,
    CostCentre,
    Forecast,
    InvestmentLine,
    LedgerSummary,
    RealisedSaving,
    SavingsLine,
)
from programmes.council_lists import COST_TYPE, SAVINGS_CATEGORY, label_expression
from programmes.models import Programme


def cost_type_label():
    """The label of a record's cost type in its council's list: a subquery, no query per row."""
    return label_expression(COST_TYPE, "cost_type")


def budget_versions(*, programme: Programme) -> list[BudgetVersion]:
    """Versions, current first, each with its lines (workstream, funding source and the
    cost type's label)."""
    lines = (BudgetLine.objects.select_related("workstream", "funding_source")
             .annotate(cost_type_label=cost_type_label()).order_by("financial_year", "category", "pk"))
    return list(BudgetVersion.objects.filter(programme=programme).order_by("-is_current", "-approved_on", "-pk")
                .prefetch_related(Prefetch("lines", queryset=lines)))


def forecasts(*, programme: Programme) -> list[Forecast]:
    return list(Forecast.objects.filter(programme=programme).select_related("workstream")
                .annotate(cost_type_label=cost_type_label()))


def cost_centres(*, programme: Programme) -> list[CostCentre]:
    return list(CostCentre.objects.filter(programme=programme).select_related("workstream"))


def account_codes(*, programme: Programme) -> list[AccountCode]:
    return list(AccountCode.objects.filter(programme=programme).annotate(cost_type_label=cost_type_label()))


def unmapped_codes(*, programme: Programme) -> tuple[list[str], list[str]]:
    """Codes in loaded ledger lines that the code tables do not map yet (two queries)."""
    lines = LedgerSummary.objects.filter(programme=programme)
    cc = (lines.exclude(cost_centre__in=CostCentre.objects.filter(programme=programme).values("code"))
          .values_list("cost_centre", flat=True).distinct().order_by("cost_centre"))
    ac = (lines.exclude(account_code__in=AccountCode.objects.filter(programme=programme).values("code"))
          .values_list("account_code", flat=True).distinct().order_by("account_code"))
    return list(cc[:200]), list(ac[:200])


def savings_label():
    """The label of a saving's category in its council's list: a subquery, no query per row."""
    return label_expression(SAVINGS_CATEGORY, "category")


def benefit_lines(*, programme: Programme) -> dict:
    return {
        "savings": list(SavingsLine.objects.filter(programme=programme).annotate(category_label=savings_label())),
        "investments": list(InvestmentLine.objects.filter(programme=programme)),
        "realised": list(RealisedSaving.objects.filter(programme=programme).annotate(category_label=savings_label())),
    }


def ledger_line_counts(*, programme: Programme) -> dict[int, int]:
    """Upload id → how many lines it loaded that are still in."""
    return dict(LedgerSummary.objects.filter(programme=programme).values_list("upload")
                .annotate(n=Sum("lines")).order_by())
