"""Derived deadlines: dates the law (or the programme's own rule) fixes from another date.

Each one is worked out from a source date — a contract's end or staff transfer, a meeting, a
decision's publication, a restructure's first dismissal — by a period of core.statutory, and
says its rule in words with its legal reference. Nobody types them and nobody edits them:
they move when their source moves. The one thing a person records is that one was done, and
on which day (DeadlineDone, keyed by the deadline's key, which names the rule and the source
record rather than the date).

Programmes knows nothing of the apps above it, so it cannot read a restructure. Each app that
holds a source registers a function with `deadline_source` in its AppConfig.ready (as
navigation.nav_section does for the programme's sections); `derived_deadlines` asks every
registered source, in a fixed number of queries each.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

from django.core.exceptions import ImproperlyConfigured
from django.db import models

from core.formats import long_date
from core.statutory import (
    AGENDA_INSPECTION,
    ELI_BEFORE_TRANSFER,
    GENERAL_EXCEPTION_NOTICE,
    GENERAL_EXCEPTION_WORDS,
    KEY_DECISION_NOTICE,
    PRIVATE_MEETING_NOTICE,
    PRIVATE_MEETING_SECOND_NOTICE,
    REG13_INFORMATION_REFERENCE,
    REG13_MEASURES_REFERENCE,
    SPECIAL_URGENCY_WORDS,
    StatutoryPeriod,
    call_in_period,
    contract_notice,
    programme_lead_time,
)
from programmes.models import DeadlineDone, Decision, Programme, Workstream


class DeadlineState(models.TextChoices):
    DONE = "done", "Done"
    LATE = "late", "Late"
    PASSED = "passed", "Passed"
    DUE = "due", "Due"


@dataclass(frozen=True)
class DerivedMilestone:
    """A date the law or the council's rules fix from another date: computed, never typed,
    so it moves when its source moves."""

    key: str  # the rule and the source record: "eli-deadline-12"; what a DeadlineDone names
    title: str
    date: date
    workstream_kind: str
    source: str  # the rule in words, with its legal reference
    rule: str = ""  # which rule made it: "eli", "forward-plan", "collective-consultation", ...
    reference: str = ""  # the legal reference alone
    event_date: date | None = None  # the source date; after it, a missed deadline is past, not late
    done_on: date | None = None
    warning: str = ""  # what to do now that it has passed undone, where the law gives a way
    state: str = ""  # done, late, passed or due, on the day it was worked out (`status`)
    # False for a period to wait out (call-in) rather than a thing to do by a day: never late.
    action: bool = True

    @property
    def workstream_label(self) -> str:
        return Workstream.Kind(self.workstream_kind).label

    def late(self, today: date) -> bool:
        """Passed, not done, and its event still to come: something can (and must) still be
        done about it. Once the event itself has passed, a missed deadline is history."""
        return (self.action and self.done_on is None and self.date < today
                and (self.event_date is None or self.event_date >= today))

    def due_within(self, today: date, days: int) -> bool:
        return self.done_on is None and 0 <= (self.date - today).days <= days

    def status(self, today: date) -> str:
        if self.done_on:
            return "done"
        if self.late(today):
            return "late"
        return "passed" if self.date < today else "due"


def _rule(period: StatutoryPeriod, what: str, source_date: date, condition: str = "") -> str:
    """The rule in words: "45 days before the first dismissal takes effect on 1 March 2027
    (100 or more proposed redundancies at Keynsham; TULRCA 1992 s188(1A)(a) and s193(2)(a))"."""
    relation = "before" if period.before else "after"
    extra = f"{condition}; " if condition else ""
    return f"{period.words} {relation} {what} on {long_date(source_date)} ({extra}{period.reference})"


def dated(period: StatutoryPeriod, *, key: str, rule: str, title: str, what: str, source_date: date,
          workstream_kind: str, condition: str = "", warning: str = "") -> DerivedMilestone:
    """One derived deadline: its date from the period and the source date, its rule in words."""
    return DerivedMilestone(
        key=key, title=title, date=period.date_for(source_date), workstream_kind=workstream_kind,
        source=_rule(period, what, source_date, condition), rule=rule, reference=period.reference,
        event_date=source_date if period.before else None, warning=warning, action=period.before)


# --- the registry -----------------------------------------------------------------------

DeadlineSource = Callable[[Programme], list[DerivedMilestone]]
_sources: dict[str, DeadlineSource] = {}


def deadline_source(key: str, source: DeadlineSource) -> None:
    """Register an app's derived deadlines: `source(programme)` returns them. The same
    function again under its key is harmless; another under a key already taken is refused."""
    known = _sources.get(key)
    if known is not None and known is not source:
        raise ImproperlyConfigured(f"Deadline source {key!r} is registered twice, differently.")
    _sources[key] = source


# --- the programme's own sources: contracts and decisions ---------------------------------

def contract_dates(programme: Programme, contracts) -> list[DerivedMilestone]:
    """Each contract's dates to act by: the last day to give notice to end it and to take up
    an extension, and, where staff transfer under it, the ELI deadline (TUPE reg. 11) and the
    programme's reg. 13 lead times. A transformation (no staff transfer) has no TUPE dates."""
    staff_transfer = programme.kind in Programme.KINDS_WITH_STAFF_TRANSFER
    items = []
    for c in contracts:
        ends = "the contract ends"
        if c.notice_days is not None:
            items.append(dated(contract_notice(c.notice_days), key=f"contract-notice-{c.pk}", rule="contract-notice",
                               title=f"Last day to give notice to end: {c.title}", what=ends,
                               source_date=c.end_date, workstream_kind=Workstream.Kind.PROCUREMENT))
        if c.extension_notice_days is not None:
            items.append(dated(contract_notice(c.extension_notice_days), key=f"contract-extension-{c.pk}",
                               rule="contract-extension", title=f"Last day to extend: {c.title}", what=ends,
                               source_date=c.end_date, workstream_kind=Workstream.Kind.PROCUREMENT,
                               condition=c.extension_options or "an extension"))
        if not (staff_transfer and c.staff_transfer and c.transfer_date):
            continue
        transfer = "staff transfer under it"
        items.append(dated(ELI_BEFORE_TRANSFER, key=f"eli-deadline-{c.pk}", rule="eli",
                           title=f"TUPE Employee Liability Information due: {c.title}", what=transfer,
                           source_date=c.transfer_date, workstream_kind=Workstream.Kind.HR))
        items.append(dated(programme_lead_time(programme.reg13_measures_days, REG13_MEASURES_REFERENCE),
                           key=f"reg13-measures-{c.pk}", rule="reg13-measures",
                           title=f"Measures information to the outgoing employer: {c.title}", what=transfer,
                           source_date=c.transfer_date, workstream_kind=Workstream.Kind.HR))
        items.append(dated(programme_lead_time(programme.reg13_information_days, REG13_INFORMATION_REFERENCE),
                           key=f"reg13-information-{c.pk}", rule="reg13-information",
                           title=f"Inform the staff representatives (TUPE reg. 13): {c.title}", what=transfer,
                           source_date=c.transfer_date, workstream_kind=Workstream.Kind.HR))
    return items


def decision_dates(programme: Programme, decisions, done: dict[str, date], today: date) -> list[DerivedMilestone]:
    """Each decision's notices: the agenda and reports open to inspection (reg. 7), the
    forward-plan notice of a key decision (reg. 9), the two notices of a private meeting
    (reg. 5), and the end of the call-in period once the decision is published. A key
    decision whose forward-plan notice date has passed undone, with the meeting still to
    come, needs the general exception (reg. 10) or special urgency (reg. 11)."""
    items = []
    governance = Workstream.Kind.GOVERNANCE
    for d in decisions:
        meeting = f"the meeting of {d.body}"
        name = f"{d.body}, {d.title}"
        items.append(dated(AGENDA_INSPECTION, key=f"agenda-{d.pk}", rule="agenda",
                           title=f"Agenda and reports open to inspection: {name}", what=meeting,
                           source_date=d.meeting_date, workstream_kind=governance))
        if d.key_decision:
            notice = dated(KEY_DECISION_NOTICE, key=f"forward-plan-{d.pk}", rule="forward-plan",
                           title=f"Publish on forward plan: {name}", what=meeting,
                           source_date=d.meeting_date, workstream_kind=governance)
            given = done.get(notice.key)
            if (given is None or given > notice.date) and notice.date < today <= d.meeting_date:
                exception = dated(GENERAL_EXCEPTION_NOTICE, key=f"general-exception-{d.pk}",
                                  rule="general-exception",
                                  title=f"General exception notice to overview and scrutiny: {name}",
                                  what=meeting, source_date=d.meeting_date, workstream_kind=governance)
                routes = (SPECIAL_URGENCY_WORDS if exception.date < today and exception.key not in done
                          else f"{GENERAL_EXCEPTION_WORDS} {SPECIAL_URGENCY_WORDS}")
                notice = replace(notice, warning=(
                    f"The forward-plan notice was due by {long_date(notice.date)} and has not been given in time, "
                    f"so the decision can only be taken by another route. {routes}"))
                items.append(exception)
            items.append(notice)
        if d.private_meeting:
            items.append(dated(PRIVATE_MEETING_NOTICE, key=f"private-notice-{d.pk}", rule="private-notice",
                               title=f"Notice of a private meeting: {name}", what=meeting,
                               source_date=d.meeting_date, workstream_kind=governance))
            items.append(dated(PRIVATE_MEETING_SECOND_NOTICE, key=f"private-second-notice-{d.pk}",
                               rule="private-second-notice",
                               title=f"Second notice of a private meeting, with reasons: {name}", what=meeting,
                               source_date=d.meeting_date, workstream_kind=governance))
        if d.published_on:
            items.append(dated(call_in_period(programme.call_in_working_days), key=f"call-in-{d.pk}",
                               rule="call-in", title=f"Call-in period ends: {name}",
                               what="the decision is published", source_date=d.published_on,
                               workstream_kind=governance))
    return items


def derived_deadlines(*, programme: Programme, today: date, decisions=None, contracts=None) -> list[DerivedMilestone]:
    """Every derived deadline of the programme, in date order, each with the day it was
    marked done: its contracts' and decisions' (given, or read in one query each), every
    registered source's, and one query for the done marks."""
    if contracts is None:
        contracts = list(programme.contracts.all())
    if decisions is None:
        decisions = list(Decision.objects.filter(programme=programme))
    done = dict(DeadlineDone.objects.filter(programme=programme).values_list("key", "done_on"))
    items = contract_dates(programme, contracts) + decision_dates(programme, decisions, done, today)
    for source in _sources.values():
        items.extend(source(programme))
    items = [replace(d, done_on=done[d.key]) if d.key in done else d for d in items]
    return sorted((replace(d, state=d.status(today)) for d in items), key=lambda d: (d.date, d.title))


def find_deadline(*, programme: Programme, key: str, today: date) -> DerivedMilestone | None:
    return next((d for d in derived_deadlines(programme=programme, today=today) if d.key == key), None)
