"""The statutory periods the programme's dates are derived from, each with its legal
reference, and the day counting they use — in one place below every app, so the 28 days of
the forward plan or of TUPE are written once.

Two ways of counting appear in the law that governs a transfer:
- *days before*: a notice given "at least 28 days before" an event may be given on the day
  28 days earlier (TUPE reg. 11);
- *clear days*: neither the day the notice is published nor the day of the event counts,
  so 28 clear days before a meeting means publishing no later than 29 days before it
  (the Local Authorities (Executive Arrangements) (Meetings and Access to Information)
  (England) Regulations 2012, reg. 9).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class StatutoryPeriod:
    """A period the law sets before an event, how it is counted and where it comes from."""

    days: int
    clear: bool  # clear days: the day of publication and the day of the event do not count
    reference: str  # the legal reference, as a paper or a derived milestone cites it

    def latest_date(self, event: date) -> date:
        """The last day on which the thing can be done for it to be in time for `event`."""
        return clear_days_before(event, self.days) if self.clear else days_before(event, self.days)

    @property
    def words(self) -> str:
        """The period as a sentence says it: "28 clear days" or "28 days"."""
        return f"{self.days} {'clear ' if self.clear else ''}days"


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
ELI_BEFORE_TRANSFER = StatutoryPeriod(
    days=28, clear=False,
    reference="TUPE 2006 reg. 11")

# A key decision is published on the forward plan at least 28 clear days before the meeting
# that takes it.
KEY_DECISION_NOTICE = StatutoryPeriod(
    days=28, clear=True,
    reference="reg. 9 of the Local Authorities (Executive Arrangements) (Meetings and Access to "
              "Information) (England) Regulations 2012")


def contract_notice(days: int) -> StatutoryPeriod:
    """A contract's own notice period: counted as "at least N days before" the end date,
    and cited as the contract's terms, not a statute."""
    return StatutoryPeriod(days=days, clear=False, reference="the contract's notice terms")
