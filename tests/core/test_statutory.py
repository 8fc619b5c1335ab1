"""The statutory periods and their day counting: one home, used by every date derived from them."""
from datetime import date

import pytest

from core.financial_year import FinancialYear
from core.statutory import (
    ELI_BEFORE_TRANSFER,
    KEY_DECISION_NOTICE,
    clear_days_before,
    clear_days_between,
    days_before,
)


def test_clear_days_count_neither_the_day_of_publication_nor_the_day_of_the_meeting():
    meeting = date(2026, 7, 15)
    latest = clear_days_before(meeting, 28)
    assert latest == date(2026, 6, 16)
    assert clear_days_between(latest, meeting) == 28
    # A day later leaves only 27 clear days.
    assert clear_days_between(date(2026, 6, 17), meeting) == 27
    assert clear_days_between(meeting, meeting) == 0


def test_days_before_counts_calendar_days_across_a_month_and_a_leap_day():
    assert days_before(date(2028, 3, 10), 28) == date(2028, 2, 11)
    assert days_before(date(2027, 3, 10), 28) == date(2027, 2, 10)


def test_the_periods_carry_their_counting_and_their_legal_reference():
    assert KEY_DECISION_NOTICE.latest_date(date(2026, 7, 15)) == date(2026, 6, 16)
    assert KEY_DECISION_NOTICE.words == "28 clear days"
    assert "reg. 9" in KEY_DECISION_NOTICE.reference and "2012" in KEY_DECISION_NOTICE.reference
    assert ELI_BEFORE_TRANSFER.latest_date(date(2026, 10, 1)) == date(2026, 9, 3)
    assert ELI_BEFORE_TRANSFER.words == "28 days"
    assert ELI_BEFORE_TRANSFER.reference == "TUPE 2006 reg. 11"


@pytest.mark.parametrize(("day", "period"), [
    (date(2024, 4, 1), 1), (date(2024, 12, 31), 9), (date(2025, 1, 1), 10), (date(2025, 3, 31), 12),
])
def test_the_ledger_period_is_the_month_of_the_financial_year(day, period):
    assert FinancialYear.period_of(day) == period


def test_every_derived_date_uses_the_one_home():
    """No app writes the 28 days (or the clear-day arithmetic) again."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = []
    for app in ("programmes", "workforce", "risks", "finance", "business_cases"):
        for path in (root / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            text = path.read_text()
            if re.search(r"^\s*[A-Z_]*DAYS[A-Z_]*\s*=\s*28\b", text, re.MULTILINE) or "month - 4) % 12" in text:
                offenders.append(str(path.relative_to(root)))
    assert offenders == []
