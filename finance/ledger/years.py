"""The financial years a ledger date may fall in (those with a budget), and what is said
of a date outside them."""
from datetime import date

from core.financial_year import MAX_START_YEAR, MIN_START_YEAR, FinancialYear
from finance.models import BudgetLine
from programmes.models import Programme


def year_message(day: date, known: frozenset[int]) -> str:
    try:
        year = FinancialYear.of(day)
    except ValueError:
        # A date far outside any programme (1 Jan 1900, 31 Dec 9999): no financial year
        # can even be named for it.
        return (f"{day:%-d %b %Y} is not a date a ledger line can have (financial years "
                f"{FinancialYear(MIN_START_YEAR)} to {FinancialYear(MAX_START_YEAR)}). Check the date.")
    if not known:
        return (f"{day:%-d %b %Y} is in {year}, but this programme has no budget yet, so no "
                "financial year is known. Add the budget first, then upload the ledger.")
    first, last = FinancialYear(min(known)), FinancialYear(max(known))
    span = str(first) if first == last else f"{first} to {last}"
    return (f"{day:%-d %b %Y} is in {year}, which has no budget in this programme (known years are "
            f"those with a budget: {span}). Check the date, or add a budget for {year} first.")


def known_years(programme: Programme) -> frozenset[int]:
    """The financial years a ledger date may fall in: those with a budget line."""
    return frozenset(y.start_year for y in BudgetLine.objects.filter(programme=programme)
                     .values_list("financial_year", flat=True).distinct())
