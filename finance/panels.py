"""The finance figures on the programme overview, registered with `programmes.panels`."""
from datetime import date

from django.db.models import Sum
from django.urls import reverse

from core.formats import money
from finance.models import BudgetLine, LedgerSummary
from finance.reporting import ZERO
from programmes.panels import overview_panel


@overview_panel
def finance_overview_panel(programme, today: date) -> dict:
    """Budget, spend and what is left: two queries (the overview pins its count)."""
    budget = BudgetLine.objects.filter(programme=programme, version__is_current=True).aggregate(
        t=Sum("amount"))["t"] or ZERO
    spent = LedgerSummary.objects.filter(programme=programme).aggregate(t=Sum("amount"))["t"] or ZERO
    home = reverse("finance:home", args=[programme.slug])
    left = budget - spent
    return {"title": "Finance", "items": [
        ("current budget", money(budget), home),
        ("spent to date (ledger)", money(spent), home),
        ("left to spend" if left >= 0 else "over budget", money(abs(left)), None),
    ]}
