"""The statutory periods the programme's dates are derived from, each with its legal
reference, and the day counting they use — in one place below every app, so the 28 days of
the forward plan or of TUPE are written once.

Three ways of counting appear in the law that governs a transfer:
- *days*: a notice given "at least 28 days before" an event may be given on the day 28
  days earlier (TUPE reg. 11);
- *clear days*: neither the day the notice is published nor the day of the event counts,
  so 28 clear days before a meeting means publishing no later than 29 days before it
  (the Local Authorities (Executive Arrangements) (Meetings and Access to Information)
  (England) Regulations 2012, reg. 9);
- *working days*: Monday to Friday, leaving out the bank holidays of England and Wales,
  which come from the `holidays` library (its "GB" calendar for England) so that nobody
  types them: a council's call-in period is counted so.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

import holidays


class Counting(enum.Enum):
    CALENDAR = "days"
    CLEAR = "clear days"
    WORKING = "working days"


@cache
def _bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def bank_holiday(day: date) -> bool:
    """Whether `day` is a bank holiday in England and Wales (a substitute day included)."""
    return day in _bank_holidays(day.year)


def working_day(day: date) -> bool:
    """Monday to Friday, and not a bank holiday in England and Wales."""
    return day.weekday() < 5 and not bank_holiday(day)


def working_days_after(start: date, days: int) -> date:
    """The day on which `days` working days after `start` have passed: `start` itself does
    not count, so 5 working days after a Friday publication is the next Friday (or later,
    when a bank holiday falls between)."""
    day, counted = start, 0
    while counted < days:
        day += timedelta(days=1)
        counted += working_day(day)
    return day


def working_days_before(event: date, days: int) -> date:
    """The last day that leaves `days` whole working days before `event`, the event's day not
    counted: the mirror of working_days_after."""
    day, counted = event, 0
    while counted < days:
        day -= timedelta(days=1)
        counted += working_day(day)
    return day


@dataclass(frozen=True)
class StatutoryPeriod:
    """A period the law (or the council's own rule) sets, how it is counted and where it
    comes from. `before` periods end at an event (a notice due ahead of a meeting); the
    others run from one (a call-in period after a decision is published)."""

    days: int
    counting: Counting
    reference: str  # the legal reference, as a paper or a derived milestone cites it
    before: bool = True

    def latest_date(self, event: date) -> date:
        """The last day on which the thing can be done for it to be in time for `event`."""
        if self.counting is Counting.CLEAR:
            return clear_days_before(event, self.days)
        if self.counting is Counting.WORKING:
            return working_days_before(event, self.days)
        return days_before(event, self.days)

    def end_date(self, start: date) -> date:
        """The day a period running from `start` ends."""
        if self.counting is Counting.WORKING:
            return working_days_after(start, self.days)
        if self.counting is Counting.CLEAR:
            return start + timedelta(days=self.days + 1)
        return start + timedelta(days=self.days)

    def date_for(self, source: date) -> date:
        return self.latest_date(source) if self.before else self.end_date(source)

    @property
    def clear(self) -> bool:
        return self.counting is Counting.CLEAR

    @property
    def words(self) -> str:
        """The period as a sentence says it: "28 clear days", "5 working days" or "28 days"."""
        return f"{self.days} {self.counting.value if self.days != 1 else self.counting.value[:-1]}"


def days_before(event: date, days: int) -> date:
    """The day `days` calendar days before `event` ("at least 28 days before")."""
    return event - timedelta(days=days)


def clear_days_before(event: date, days: int) -> date:
    """The last day that leaves `days` clear days before `event`: neither that day nor the
    day of the event is counted, so it is `days + 1` days earlier."""
    return event - timedelta(days=days + 1)


def clear_days_between(first: date, last: date) -> int:
    """How many clear days lie between two dates, counting neither of them (0 when they are
    the same day or next to each other)."""
    return max((last - first).days - 1, 0)


# TUPE 2006 reg. 11: the outgoing employer gives the Employee Liability Information at least
# 28 days before the transfer.
ELI_BEFORE_TRANSFER = StatutoryPeriod(days=28, counting=Counting.CALENDAR, reference="TUPE 2006 reg. 11")

MEETINGS_REGULATIONS = ("the Local Authorities (Executive Arrangements) (Meetings and Access to "
                        "Information) (England) Regulations 2012")

# A key decision is published on the forward plan at least 28 clear days before the meeting
# that takes it.
KEY_DECISION_NOTICE = StatutoryPeriod(
    days=28, counting=Counting.CLEAR, reference=f"reg. 9 of {MEETINGS_REGULATIONS}")

# A meeting to be held wholly or partly in private: a first notice 28 clear days before, and a
# second (with the reasons, and any representations received) 5 clear days before (reg. 5).
PRIVATE_MEETING_NOTICE = StatutoryPeriod(
    days=28, counting=Counting.CLEAR, reference=f"reg. 5(2) of {MEETINGS_REGULATIONS}")
PRIVATE_MEETING_SECOND_NOTICE = StatutoryPeriod(
    days=5, counting=Counting.CLEAR, reference=f"reg. 5(4) of {MEETINGS_REGULATIONS}")

# The agenda and the reports open to inspection at least 5 clear days before the meeting (reg. 7).
AGENDA_INSPECTION = StatutoryPeriod(
    days=5, counting=Counting.CLEAR, reference=f"reg. 7 of {MEETINGS_REGULATIONS}")

# When the forward-plan notice was not given in time: the general exception lets the decision be
# taken once 5 clear days have passed since notice to the chair of overview and scrutiny and the
# public (reg. 10); when even that is impracticable, special urgency needs the chair's agreement
# that the decision is urgent and cannot reasonably be deferred (reg. 11).
GENERAL_EXCEPTION_NOTICE = StatutoryPeriod(
    days=5, counting=Counting.CLEAR, reference=f"reg. 10 of {MEETINGS_REGULATIONS}")
GENERAL_EXCEPTION_WORDS = (
    "General exception (reg. 10): tell the chair of the overview and scrutiny committee in writing, "
    "make the notice available at the council's offices and publish it on its website; the decision "
    "can then be taken once 5 clear days have passed since the notice.")
SPECIAL_URGENCY_WORDS = (
    "Special urgency (reg. 11): where even 5 clear days cannot be given, the decision can be taken "
    "only if the chair of the overview and scrutiny committee (or, failing that, the chair or vice-chair "
    "of the council) agrees that it is urgent and cannot reasonably be put off; a notice giving the "
    "reasons is then published as soon as it reasonably can be.")

# Call-in: a decision can't be put into effect until the period in which overview and scrutiny
# may call it in has ended, counted in working days from its publication. The council's
# constitution sets the length; 5 working days is the usual one.
DEFAULT_CALL_IN_WORKING_DAYS = 5
CALL_IN_REFERENCE = "the council's constitution (call-in under the Local Government Act 2000 s9F)"


def call_in_period(working_days: int) -> StatutoryPeriod:
    return StatutoryPeriod(days=working_days, counting=Counting.WORKING, reference=CALL_IN_REFERENCE,
                           before=False)


# Collective redundancy (TULRCA 1992 s188 and s193): where 20 or more redundancies are proposed
# at one establishment within 90 days, consultation begins and form HR1 reaches the Insolvency
# Service at least 30 days before the first dismissal takes effect, or 45 days where 100 or more.
COLLECTIVE_REDUNDANCY_THRESHOLD = 20
COLLECTIVE_REDUNDANCY_LARGE = 100
COLLECTIVE_REDUNDANCY_WINDOW_DAYS = 90


@dataclass(frozen=True)
class CollectiveRedundancyDuty:
    period: StatutoryPeriod
    band: str  # "20 to 99 proposed redundancies" or "100 or more proposed redundancies"
    consultation_reference: str
    notification_reference: str


def collective_redundancy_duty(proposed: int) -> CollectiveRedundancyDuty | None:
    """The consultation and HR1 period for `proposed` redundancies at one establishment within
    90 days, or None below 20, where neither duty arises."""
    if proposed < COLLECTIVE_REDUNDANCY_THRESHOLD:
        return None
    if proposed >= COLLECTIVE_REDUNDANCY_LARGE:
        return CollectiveRedundancyDuty(
            StatutoryPeriod(45, Counting.CALENDAR, "TULRCA 1992 s188(1A)(a) and s193(2)(a)"),
            "100 or more proposed redundancies", "TULRCA 1992 s188(1A)(a)", "TULRCA 1992 s193(2)(a)")
    return CollectiveRedundancyDuty(
        StatutoryPeriod(30, Counting.CALENDAR, "TULRCA 1992 s188(1A)(b) and s193(2)(b)"),
        "20 to 99 proposed redundancies", "TULRCA 1992 s188(1A)(b)", "TULRCA 1992 s193(2)(b)")


# TUPE 2006 reg. 13: the outgoing employer informs the appropriate representatives long enough
# before the transfer to allow consultation, and the incoming employer gives the outgoing one the
# measures it envisages in time for that. The law sets no number of days: the programme sets its
# own lead times, and the rule says so.
_OWN_LEAD_TIME = "the law sets no number of days, so this is the programme's own lead time"
REG13_INFORMATION_REFERENCE = f"TUPE 2006 reg. 13(2); {_OWN_LEAD_TIME}"
REG13_MEASURES_REFERENCE = f"TUPE 2006 reg. 13(4); {_OWN_LEAD_TIME}"
DEFAULT_REG13_INFORMATION_DAYS = 42
DEFAULT_REG13_MEASURES_DAYS = 56


def programme_lead_time(days: int, reference: str) -> StatutoryPeriod:
    return StatutoryPeriod(days=days, counting=Counting.CALENDAR, reference=reference)


def contract_notice(days: int) -> StatutoryPeriod:
    """A contract's own notice period: counted as "at least N days before" the end date,
    and cited as the contract's terms, not a statute."""
    return StatutoryPeriod(days=days, counting=Counting.CALENDAR, reference="the contract's notice terms")
