"""The finance records people keep by hand — funding sources, budget versions and lines,
forecasts, ledger codes, savings, investment and income, realised savings, KPIs and their
readings — share one set of add, edit and delete pages (programmes.record_pages). Each is
described here once; the URLs are built from this, and each is listed on its section's page."""
from core.roles import Capability
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
from finance.services import budget_version_save
from programmes.record_pages import RecordPages
from programmes.views import programme_context


def _record(key: str, model, form, singular: str, section: str, **kw) -> RecordPages:
    """A finance record whose pages sit under /programmes/<slug>/finance/<key>/, framed as
    finance, and lead back to the section page (a URL name of finance) that lists it."""
    return RecordPages(key=key, model=model, form=form, singular=singular, capability=Capability.EDIT_FINANCE,
                       namespace="finance", done=f"finance:{section}",
                       context=lambda access, **extra: programme_context(access, "finance", **extra), **kw)


def _budget_version_save(*, instance, user, reason):
    # Making a version current retires the one that was (finance.services).
    return budget_version_save(version=instance, user=user, reason=reason)


RESOURCES: dict[str, RecordPages] = {r.key: r for r in (
    _record("funding-sources", FundingSource, ff.FundingSourceForm, "funding source", "budget"),
    _record("budget-versions", BudgetVersion, ff.BudgetVersionForm, "budget version", "budget",
            save=_budget_version_save),
    _record("budget-lines", BudgetLine, ff.BudgetLineForm, "budget line", "budget"),
    _record("forecasts", Forecast, ff.ForecastForm, "forecast", "budget"),
    _record("cost-centres", CostCentre, ff.CostCentreForm, "cost centre", "codes"),
    _record("account-codes", AccountCode, ff.AccountCodeForm, "account code", "codes"),
    _record("savings", SavingsLine, ff.SavingsLineForm, "planned saving", "benefits"),
    _record("investments", InvestmentLine, ff.InvestmentLineForm, "investment or income line", "benefits"),
    _record("realised-savings", RealisedSaving, ff.RealisedSavingForm, "realised saving", "benefits"),
    _record("kpis", Kpi, ff.KpiForm, "KPI", "kpis"),
    _record("kpi-readings", KpiReading, ff.KpiReadingForm, "KPI reading", "kpis"),
)}
