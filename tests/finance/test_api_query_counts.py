"""The finance API's lists run a pinned number of queries, the same for 3 rows as for 30,
each row with its related records (version, workstream, funding source, KPI, upload) filled
in. Each count is: the session and the user (2), the programme and the membership (2), then
the count and the page (2); the uploads list is not paged (1)."""
from datetime import date, timedelta
from decimal import Decimal
from itertools import count

import pytest
from django.urls import reverse

from core.financial_year import FinancialYear
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
    RealisedSaving,
    SavingsLine,
)
from tests.api_matrix import api_client, list_queries
from tests.factories import WorkstreamFactory
from tests.finance.conftest import commit, csv_bytes, good_rows, make_budget, receive

pytestmark = pytest.mark.django_db
FY = FinancialYear(2024)
# + the KPIs' readings, in one prefetch; + the council's savings categories, or its cost types,
# that the serializer's field may accept.
PINNED = {**{segment: 6 for segment in VIEWSETS}, "kpis": 7, "savings": 7, "realised-savings": 7,
          "budget-lines": 7, "forecasts": 7, "account-codes": 7,
          "ledger-transactions": 6, "ledger-uploads": 5}
_serial = count()


def _grow_one(segment: str, cast) -> None:
    p, k = cast.programme, next(_serial)
    ws = WorkstreamFactory(programme=p)
    money = Decimal("100")
    if segment == "funding-sources":
        FundingSource.objects.create(programme=p, name=f"Source {k}", balance=money)
    elif segment == "budget-versions":
        BudgetVersion.objects.create(programme=p, name=f"Budget {k}")
    elif segment == "budget-lines":
        version = BudgetVersion.objects.create(programme=p, name=f"Budget {k}")
        source = FundingSource.objects.create(programme=p, name=f"Source {k}")
        BudgetLine.objects.create(programme=p, version=version, financial_year=FY, workstream=ws,
                                  funding_source=source, amount=money)
    elif segment == "forecasts":
        Forecast.objects.create(programme=p, financial_year=FY, workstream=ws, amount=money)
    elif segment == "cost-centres":
        CostCentre.objects.create(programme=p, code=f"CC{k}", workstream=ws)
    elif segment == "account-codes":
        AccountCode.objects.create(programme=p, code=f"{k:04d}")
    elif segment == "savings":
        SavingsLine.objects.create(programme=p, financial_year=FY, category="staffing", amount=money)
    elif segment == "investments":
        InvestmentLine.objects.create(programme=p, financial_year=FY, kind="investment", description="Kit",
                                      amount=money)
    elif segment == "realised-savings":
        RealisedSaving.objects.create(programme=p, financial_year=FY, category="contract", amount=money)
    elif segment == "kpis":
        Kpi.objects.create(programme=p, name=f"KPI {k}", workstream=ws, unit="%", baseline=1, target=2)
    elif segment == "kpi-readings":
        kpi = Kpi.objects.create(programme=p, name=f"KPI {k}", workstream=ws, unit="%", baseline=1, target=2)
        KpiReading.objects.create(programme=p, kpi=kpi, date=date(2030, 1, 1) + timedelta(days=k), value=1)
    else:
        raise AssertionError(segment)


def grow(segment: str, cast, n: int) -> None:
    if segment in ("ledger-transactions", "ledger-uploads"):
        # One loaded upload a time, of one line each: n lines, n uploads.
        if not CostCentre.objects.filter(programme=cast.programme, code="CC1").exists():
            make_budget(cast.programme, cast.workstream)
        for _ in range(n):
            k = next(_serial)
            commit(cast, receive(cast, csv_bytes(good_rows(1, prefix=f"U{k}-")), name=f"ledger{k}.csv"))
        return
    for _ in range(n):
        _grow_one(segment, cast)


def _url(segment: str, cast) -> str:
    name = segment if segment == "ledger-uploads" else f"{segment}-list"
    return reverse(f"finance_api:{name}", kwargs={"programme_slug": cast.programme.slug})


@pytest.mark.parametrize("segment", sorted(PINNED))
def test_api_list_query_count_is_pinned(cast, segment):
    client = api_client(cast, "finance")
    grow(segment, cast, 3)
    few, rows = list_queries(client, _url(segment, cast))
    assert rows == 3
    grow(segment, cast, 27)
    many, rows = list_queries(client, _url(segment, cast))
    assert rows == 30
    assert (few, many) == (PINNED[segment], PINNED[segment])
