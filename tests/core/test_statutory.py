"""The statutory periods and their day counting: one home, used by every date derived from them."""
from datetime import date, timedelta

import pytest

from core.financial_year import FinancialYear
from core.statutory import (
    AGENDA_INSPECTION,
    ELI_BEFORE_TRANSFER,
    KEY_DECISION_NOTICE,
    PRIVATE_MEETING_NOTICE,
    PRIVATE_MEETING_SECOND_NOTICE,
    Counting,
    bank_holiday,
    call_in_period,
    clear_days_before,
    clear_days_between,
    collective_redundancy_duty,
    days_before,
    working_day,
    working_days_after,
    working_days_before,
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


# Working days and the England and Wales bank holidays --------------------------------------


def test_bank_holidays_come_from_the_library_substitute_days_included():
    assert bank_holiday(date(2026, 12, 25)) and bank_holiday(date(2026, 8, 31))
    # Boxing Day 2026 is a Saturday: the Monday after is the substitute day.
    assert bank_holiday(date(2026, 12, 28))
    assert bank_holiday(date(2027, 3, 26)) and bank_holiday(date(2027, 3, 29))  # Easter 2027
    assert not bank_holiday(date(2027, 3, 27)) and not working_day(date(2027, 3, 27))  # a Saturday
    assert working_day(date(2027, 3, 25)) and not working_day(date(2027, 3, 26))


def test_working_days_skip_weekends():
    # A decision published on Monday 1 March 2027: five working days end on Monday 8 March.
    assert working_days_after(date(2027, 3, 1), 5) == date(2027, 3, 8)
    # Published on a Friday: the weekend does not count, so the next Friday.
    assert working_days_after(date(2027, 3, 5), 5) == date(2027, 3, 12)
    # Published on a Saturday: Monday is the first working day.
    assert working_days_after(date(2027, 3, 6), 1) == date(2027, 3, 8)


def test_working_days_skip_bank_holidays():
    # Published Tuesday 23 March 2027: Good Friday (26th) and Easter Monday (29th) are not
    # counted, so 24, 25, 30, 31 March and 1 April.
    assert working_days_after(date(2027, 3, 23), 5) == date(2027, 4, 1)
    # Over Christmas 2026: the 25th (Friday) and the substitute Boxing Day (28th) are out.
    assert working_days_after(date(2026, 12, 23), 3) == date(2026, 12, 30)
    assert working_days_before(date(2026, 12, 30), 3) == date(2026, 12, 23)


def test_working_days_across_a_months_end():
    # Friday 30 April 2027, then Monday 3 May is the early May bank holiday.
    assert working_days_after(date(2027, 4, 30), 1) == date(2027, 5, 4)
    assert working_days_after(date(2027, 4, 29), 2) == date(2027, 5, 4)


def test_call_in_is_the_councils_number_of_working_days_after_publication():
    five = call_in_period(5)
    assert five.counting is Counting.WORKING and not five.before
    assert five.words == "5 working days" and call_in_period(1).words == "1 working day"
    assert five.date_for(date(2027, 3, 1)) == date(2027, 3, 8)
    assert call_in_period(10).date_for(date(2027, 3, 1)) == date(2027, 3, 15)


def test_meeting_notices_are_clear_days():
    meeting = date(2027, 3, 31)  # a Wednesday
    assert PRIVATE_MEETING_NOTICE.latest_date(meeting) == date(2027, 3, 2)  # 28 clear days
    # 5 clear days: 25 to 30 March lie between, so publish on the 25th at the latest.
    assert PRIVATE_MEETING_SECOND_NOTICE.latest_date(meeting) == date(2027, 3, 25)
    assert AGENDA_INSPECTION.latest_date(meeting) == date(2027, 3, 25)
    assert clear_days_between(date(2027, 3, 25), meeting) == 5
    # Across a month's end: 5 clear days before 3 March 2027 is 25 February (no 29th).
    assert AGENDA_INSPECTION.latest_date(date(2027, 3, 3)) == date(2027, 2, 25)
    assert "reg. 5" in PRIVATE_MEETING_NOTICE.reference and "reg. 7" in AGENDA_INSPECTION.reference


@pytest.mark.parametrize("proposed,days,reference", [
    (19, None, None),
    (20, 30, "TULRCA 1992 s188(1A)(b)"),
    (99, 30, "TULRCA 1992 s188(1A)(b)"),
    (100, 45, "TULRCA 1992 s188(1A)(a)"),
])
def test_collective_redundancy_thresholds(proposed, days, reference):
    duty = collective_redundancy_duty(proposed)
    if days is None:
        assert duty is None
        return
    assert duty.period.days == days and duty.period.counting is Counting.CALENDAR
    assert duty.consultation_reference == reference
    assert duty.notification_reference.startswith("TULRCA 1992 s193(2)")
    assert duty.period.latest_date(date(2027, 6, 30)) == date(2027, 6, 30) - timedelta(days=days)
