"""The finance records people keep by hand — funding sources, budget versions and lines,
forecasts, ledger codes, savings, investment and income, realised savings, KPIs and their
readings — share one set of add, edit and delete pages. Each is described here once; the
views and URLs are built from this, and each is listed on its section's page."""
from dataclasses import dataclass

from django import forms

from finance import forms as ff
from finance.models import (
    AccountCode,
    BudgetLine,
    BudgetVersion,
    CostCentre,
    Forecast,
    FundingSource,
    InvestmentLine,
    Kpi,
    KpiReading,
    RealisedSaving,
    SavingsLine,
)


@dataclass(frozen=True)
class FinanceResource:
    key: str  # URL segment and name prefix
    model: type
    form: type[forms.ModelForm]
    singular: str
    section: str  # the URL name of the page that lists it


RESOURCES: dict[str, FinanceResource] = {r.key: r for r in (
    FinanceResource("funding-sources", FundingSource, ff.FundingSourceForm, "funding source", "budget"),
    FinanceResource("budget-versions", BudgetVersion, ff.BudgetVersionForm, "budget version", "budget"),
    FinanceResource("budget-lines", BudgetLine, ff.BudgetLineForm, "budget line", "budget"),
    FinanceResource("forecasts", Forecast, ff.ForecastForm, "forecast", "budget"),
    FinanceResource("cost-centres", CostCentre, ff.CostCentreForm, "cost centre", "codes"),
    FinanceResource("account-codes", AccountCode, ff.AccountCodeForm, "account code", "codes"),
    FinanceResource("savings", SavingsLine, ff.SavingsLineForm, "planned saving", "benefits"),
    FinanceResource("investments", InvestmentLine, ff.InvestmentLineForm, "investment or income line", "benefits"),
    FinanceResource("realised-savings", RealisedSaving, ff.RealisedSavingForm, "realised saving", "benefits"),
    FinanceResource("kpis", Kpi, ff.KpiForm, "KPI", "kpis"),
    FinanceResource("kpi-readings", KpiReading, ff.KpiReadingForm, "KPI reading", "kpis"),
)}
