"""The finance API permission matrix: every route and method × every member of the cast.
Members read (the report, the records, the ledger's lines and uploads); finance officers and
programme managers (EDIT_FINANCE) write and roll an upload back; outsiders get 404 and
anonymous clients 401. Ledger lines are read only: they come and go with their upload."""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from core.financial_year import FinancialYear
from core.models import Upload
from core.roles import Capability
from finance.api import VIEWSETS
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
    LedgerTransaction,
    RealisedSaving,
    SavingsLine,
)
from tests.api_matrix import SIGNED_IN, Endpoint, run_row
from tests.finance.conftest import commit, good_rows, make_budget, receive, xlsx
from tests.permissions import history_tables

pytestmark = pytest.mark.django_db
NAMESPACE = "finance_api"
FY = FinancialYear(2024)


@dataclass
class World:
    cast: object
    records: dict
    upload: Upload


@pytest.fixture
def world(cast) -> World:
    p = cast.programme
    version = make_budget(p, cast.workstream)
    kpi = Kpi.objects.create(programme=p, name="Reviews on time", unit="%", baseline=Decimal("60"),
                             target=Decimal("90"))
    records = {
        # A source no budget line draws on, so that deleting it is allowed.
        "funding-sources": FundingSource.objects.create(programme=p, name="Partner grant", kind="partner"),
        "budget-versions": version,
        "budget-lines": BudgetLine.objects.filter(version=version).first(),
        "forecasts": Forecast.objects.create(programme=p, financial_year=FY, amount=Decimal("500")),
        "cost-centres": CostCentre.objects.get(programme=p, code="CC1"),
        "account-codes": AccountCode.objects.get(programme=p, code="1001"),
        "savings": SavingsLine.objects.create(programme=p, financial_year=FY, category="staffing",
                                              amount=Decimal("1000")),
        "investments": InvestmentLine.objects.create(programme=p, financial_year=FY, kind="investment",
                                                     description="Case system", amount=Decimal("2000")),
        "realised-savings": RealisedSaving.objects.create(programme=p, financial_year=FY, category="contract",
                                                          amount=Decimal("300")),
        "kpis": kpi,
        "kpi-readings": KpiReading.objects.create(programme=p, kpi=kpi, date=date(2030, 1, 31),
                                                  value=Decimal("70")),
    }
    upload = receive(cast, xlsx(good_rows(3)))
    commit(cast, upload)
    return World(cast, records, upload)


BODIES = {
    "funding-sources": lambda w: {"name": "Better Care Fund", "kind": "bcf", "balance": "25000.00"},
    "budget-versions": lambda w: {"name": "Revised budget", "kind": "revised", "reason": "Pay award"},
    "budget-lines": lambda w: {"version": w.records["budget-versions"].pk, "financial_year": "2024/25",
                               "category": "capital", "cost_type": "systems", "amount": "1234.50"},
    "forecasts": lambda w: {"financial_year": "2025/26", "category": "revenue", "cost_type": "staff",
                            "amount": "800.00"},
    "cost-centres": lambda w: {"code": "CC9", "name": "Transition"},
    "account-codes": lambda w: {"code": "4004", "name": "Licences", "cost_type": "systems",
                                "category": "revenue"},
    "savings": lambda w: {"financial_year": "2025/26", "category": "contract", "recurrence": "one_off",
                          "amount": "450.00"},
    "investments": lambda w: {"financial_year": "2025/26", "kind": "income", "description": "Grant",
                              "amount": "600.00"},
    "realised-savings": lambda w: {"financial_year": "2025/26", "category": "overheads", "amount": "90.00"},
    "kpis": lambda w: {"name": "Waiting list", "unit": "people", "baseline": "120", "target": "40",
                       "direction": "lower"},
    "kpi-readings": lambda w: {"kpi": w.records["kpis"].pk, "date": "2030-02-28", "value": "75"},
}


def _slug(w) -> dict:
    return {"programme_slug": w.cast.programme.slug}


def _endpoints() -> dict[str, Endpoint]:
    edit = Capability.EDIT_FINANCE
    out = {
        "report": Endpoint({"get": (Capability.VIEW, 200)}, kwargs=_slug),
        "ledger-uploads": Endpoint({"get": (Capability.VIEW, 200)}, kwargs=_slug),
        "ledger-transactions-list": Endpoint({"get": (Capability.VIEW, 200)}, kwargs=_slug),
        "ledger-upload-rollback": Endpoint(
            {"post": (edit, 200), "get": (SIGNED_IN, 405)},
            kwargs=lambda w: {"programme_slug": w.cast.programme.slug, "pk": w.upload.pk}),
    }
    for segment, body in BODIES.items():
        out[f"{segment}-list"] = Endpoint({"get": (Capability.VIEW, 200), "post": (edit, 201)},
                                          kwargs=_slug, body=body)
        out[f"{segment}-detail"] = Endpoint(
            {"get": (Capability.VIEW, 200), "put": (edit, 200), "patch": (edit, 200), "delete": (edit, 204)},
            kwargs=lambda w, s=segment: {**_slug(w), "pk": w.records[s].pk}, body=body)
    return out


ENDPOINTS = _endpoints()
# Every record keeps its history; ledger lines (no history of their own) are counted as rows.
TABLES = [*history_tables([FundingSource, BudgetVersion, BudgetLine, Forecast, CostCentre, AccountCode,
                           SavingsLine, InvestmentLine, RealisedSaving, Kpi, KpiReading]),
          LedgerTransaction._meta.db_table]


def test_every_record_viewset_has_a_body():
    assert BODIES.keys() == VIEWSETS.keys()


@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_api_permission_matrix(world, name):
    expected, actual, problems = run_row(world, world.cast, f"{NAMESPACE}:{name}", ENDPOINTS[name], TABLES)
    assert actual == expected
    assert problems == []
