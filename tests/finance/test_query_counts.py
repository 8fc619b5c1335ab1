"""Each finance page runs a pinned number of queries, the same for a few records as for
many (and for a few ledger lines as for thousands)."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.financial_year import FinancialYear
from finance.models import AccountCode, Forecast, InvestmentLine, Kpi, KpiReading, SavingsLine
from programmes.council_lists import COST_TYPE
from programmes.services import council_list_value_add
from tests.finance.conftest import commit, good_rows, make_budget, receive, xlsx

pytestmark = pytest.mark.django_db

PAGES = ["home", "budget", "codes", "benefits", "kpis", "ledger"]


def build(cast, size: int, start: int = 0):
    p = cast.programme
    if not start:
        make_budget(p, cast.workstream)
        # A cost type of the council's own, so the labels come from its list, not the defaults.
        council_list_value_add(council=p.lead_organisation, key=COST_TYPE, value="care_packages",
                               label="Care packages", user=cast.users["pm"])
    for k in range(start, start + size):
        rows = good_rows(size * 5, f"U{k}-") + [[None, None, None, "Total", None, 1.0, None]]
        rows[-1][5] = sum(r[5] for r in rows[:-1]) + 0.5
        commit(cast, receive(cast, xlsx(rows), f"f{k}.xlsx"))
        SavingsLine.objects.create(programme=p, financial_year=FinancialYear(2023 + k % 3), category="staffing",
                                   amount=k + 1)
        cost_type = ("care_packages", "systems", "a_retired_code")[k % 3]
        Forecast.objects.create(programme=p, financial_year=FinancialYear(2023 + k % 3), cost_type=cost_type,
                                amount=k + 1)
        AccountCode.objects.create(programme=p, code=f"A{k}", cost_type=cost_type)
        InvestmentLine.objects.create(programme=p, financial_year=FinancialYear(2023 + k % 3), kind="investment",
                                      description="x", amount=k + 1)
        kpi = Kpi.objects.create(programme=p, name=f"KPI {k}", unit="%", baseline=1, target=2)
        for m in range(size):
            KpiReading.objects.create(programme=p, kpi=kpi, date=f"2024-{m % 12 + 1:02d}-01", value=m)


def counts(cast):
    client = cast.client("finance")
    out = {}
    for name in PAGES:
        with CaptureQueriesContext(connection) as q:
            assert client.get(reverse(f"finance:{name}", args=["home"])).status_code == 200
        out[name] = len(q)
    return out


def test_query_counts_do_not_grow_with_data(cast):
    build(cast, 2)
    small = counts(cast)
    build(cast, 6, start=2)
    assert counts(cast) == small
    # the session and user (2), the programme and membership (2), then the page's own (home sums the
    # ledger once, in one query, for the budget table, the spend table and SOC against actual; and
    # reads the council's cost types once, for the by-cost-type table's order and labels)
    assert small == {"home": 15, "budget": 9, "codes": 8, "benefits": 12, "kpis": 6, "ledger": 6}
