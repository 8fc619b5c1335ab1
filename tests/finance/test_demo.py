"""The demo programme's money: the reference figures, exactly, loaded through the real
ledger pipeline with its rounding warning; loading twice changes nothing."""
from decimal import Decimal

import pytest
from django.core.management import call_command

from core.financial_year import FinancialYear
from core.models import Upload
from finance import reporting
from finance.demo import ACTUALS, ledger_workbook
from finance.ledger import KIND
from finance.models import LedgerTransaction
from programmes.demo import DEMO_SLUG, demo_load
from programmes.models import Programme

pytestmark = pytest.mark.django_db

FY = FinancialYear.parse


def _years(*reference: str) -> list[str]:
    """The reference years as the loaded demo names them: moved with its dates."""
    from django.utils import timezone

    from programmes.demo import demo_shift

    shift = demo_shift(today=timezone.localdate(), real_dates=False)
    return [str(shift.fy(y)) for y in reference]


@pytest.fixture
def demo():
    from django.utils import timezone

    from programmes import demo as programmes_demo

    # Only programmes' own demo and this app's step: the other apps' steps are theirs to test.
    steps = list(programmes_demo._demo_steps)
    programmes_demo._demo_steps[:] = [s for s in steps if s.__module__ == "finance.demo"]
    try:
        demo_load(today=timezone.localdate())
    finally:
        programmes_demo._demo_steps[:] = steps
    return Programme.objects.get(slug=DEMO_SLUG)


def test_mobilisation_spend_is_the_reference_by_year_with_the_sum_and_a_note(demo):
    spend = reporting.mobilisation_spend(programme=demo)
    got = [(str(y.year), y.revenue, y.capital, y.total, y.cumulative) for y in spend.years]
    y1, y2, y3 = _years("2022/23", "2023/24", "2024/25")
    assert got == [(y1, 324932, 0, 324932, 324932),
                   (y2, 1014886, 343000, 1357886, 1682818),
                   (y3, 597173, 0, 597173, 2279991)]
    assert spend.total == Decimal("2279991")
    assert spend.notes == ["The published total of £2,279,992 is £1 higher than the sum of the figures, "
                           "£2,279,991, because each published figure is rounded; the tables show the sum."]


def test_the_ledger_came_through_the_pipeline_with_the_rounding_warning(demo):
    upload = Upload.objects.get(kind=KIND, target_id=demo.pk)
    assert upload.status == Upload.Status.COMMITTED
    assert upload.uploaded_by.username == "demo-finance"
    assert "£2,279,992.00, £1.00 more than the sum of its rows, £2,279,991.00" in upload.warnings[0]["message"]
    lines = LedgerTransaction.objects.filter(programme=demo)
    assert lines.count() == upload.row_count - 1  # all but the totals row
    for (year, _category), pounds in ACTUALS.items():
        (moved,) = _years(year)
        assert sum(lines.filter(financial_year=FY(moved)).values_list("amount", flat=True)) >= pounds


def test_soc_estimate_reserve_and_budget(demo):
    soc = reporting.soc_against_actual(programme=demo)
    y1, y2 = _years("2022/23", "2023/24")
    assert [(str(y), p, a) for y, p, a in soc.rows] == [(y1, 274500, 324932), (y2, 549000, 1357886)]
    (reserve,) = reporting.reserve_positions(programme=demo)
    assert (reserve.source.balance, reserve.uncommitted) == (Decimal("7300000"), Decimal("3300000"))
    report = reporting.budget_against_actual(programme=demo)
    assert report.total.budget == Decimal("3444992")
    # Below the original commitment by 1,165,000 against the published total; 1,165,001 by the sum.
    assert report.total.variance == Decimal("1165001")
    assert report.not_mapped_actual == 0
    assert [c[2] for c in report.cumulative] == [324932, 1682818, 2279991]


def test_costs_and_benefits_and_payback(demo):
    cb = reporting.costs_and_benefits(programme=demo)
    assert [str(y.year) for y in cb.years] == _years("2022/23", "2023/24", "2024/25", "2025/26", "2026/27")
    assert [y.cumulative_net for y in cb.years] == [-324932, -1682818, -1529991, -629991, 370009]
    assert [str(cb.payback_year)] == _years("2026/27")
    assert reporting.kpi_summaries(programme=demo)[0].latest is not None


def test_the_workbook_is_the_same_every_time():
    import io

    from python_calamine import CalamineWorkbook

    def values(data):
        return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()

    assert values(ledger_workbook()) == values(ledger_workbook())


def test_loading_twice_changes_nothing(demo, capsys):
    before = (LedgerTransaction.objects.count(), Upload.objects.count())
    call_command("load_demo")
    assert (LedgerTransaction.objects.count(), Upload.objects.count()) == before
