"""What each person has to do, across their programmes: the duties behind "My actions", the
reminders and the weekly digest.

Programmes knows nothing of the apps built on it, so it cannot read a risk's review date or
a business case waiting for a decision. Each app declares, in its AppConfig.ready:
  - the kinds of email a person may choose how often to get (`reminder_kind`): a key, the
    words the preferences page shows, the frequencies it offers and its default, and the
    stages at which a dated duty is reminded (14, 7 and 1 days before, overdue);
  - its duties (`duty_source`): a function that, for some programmes (and one person, or
    everyone), returns what is owed by whom and by when, in a fixed number of queries;
  - for a digest, the sections it adds (`digest_section`).
A duty whose person is no longer a member of its programme is nobody's: `duties` drops it.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import ImproperlyConfigured

from core.formats import long_date
from programmes.models import Membership, NotificationPreference, Programme

Frequency = NotificationPreference.Frequency

# How far ahead "My actions" and the reminders look: nothing further off is anyone's
# concern yet (the page says so).
LOOK_AHEAD_DAYS = 90


@dataclass(frozen=True)
class ReminderKind:
    key: str
    label: str  # "Milestones and activities due", as the preferences page lists it
    hint: str
    frequencies: tuple[str, ...]
    default: str
    # Days before the date at which the duty is reminded (each once), and whether it is
    # reminded once more when it is overdue. `at_once`: reminded once, when it appears
    # (a decision waiting), whatever its date.
    stages: tuple[int, ...] = ()
    overdue: bool = False
    at_once: bool = False
    digest: bool = False  # a digest, made by `digest_section`s rather than from duties
    order: int = 0  # its place on the preferences page


ALL_FREQUENCIES = (Frequency.IMMEDIATE, Frequency.DAILY, Frequency.WEEKLY, Frequency.OFF)
_kinds: dict[str, ReminderKind] = {}


def reminder_kind(key: str, label: str, *, hint: str, default: str, order: int,
                  frequencies: tuple[str, ...] = ALL_FREQUENCIES, stages: tuple[int, ...] = (),
                  overdue: bool = False, at_once: bool = False, digest: bool = False) -> ReminderKind:
    """Declare a kind of email. The same declaration again is harmless; a different one
    under a key already taken is refused."""
    kind = ReminderKind(key, label, hint, tuple(Frequency(f) for f in frequencies), Frequency(default),
                        tuple(sorted(stages)), overdue, at_once, digest, order)
    if kind.default not in kind.frequencies or Frequency.OFF not in kind.frequencies:
        raise ImproperlyConfigured(f"Reminder kind {key!r}: its default must be offered, and so must off.")
    known = _kinds.get(key)
    if known is not None and known != kind:
        raise ImproperlyConfigured(f"Reminder kind {key!r} is declared twice, differently.")
    _kinds[key] = kind
    return kind


def reminder_kinds() -> list[ReminderKind]:
    return sorted(_kinds.values(), key=lambda k: (k.order, k.key))


def reminder_kind_of(key: str) -> ReminderKind:
    return _kinds[key]


@dataclass(frozen=True)
class Duty:
    """One thing a person owes: a milestone to deliver, a risk to review, a decision to make."""

    kind: str  # the reminder kind
    key: str  # the thing, stable across renames: "milestone-12"
    user_id: int
    programme: Programme
    what: str  # "Milestone", "Risk review", as a heading would say it
    title: str
    when: date | None  # due by; None: waiting, undated
    path: str  # the page where it is done
    detail: str = ""

    @property
    def reminder(self) -> ReminderKind:
        return _kinds[self.kind]


# source(programme_ids=[...], today=..., user_id=None or one person's id) -> duties
DutySource = Callable[..., list[Duty]]
_sources: dict[str, DutySource] = {}


def duty_source(key: str, source: DutySource) -> None:
    """Register an app's duties (the rules of deadline_source)."""
    known = _sources.get(key)
    if known is not None and known is not source:
        raise ImproperlyConfigured(f"Duty source {key!r} is registered twice, differently.")
    _sources[key] = source


def duties(*, programme_ids: Iterable[int], today: date, user_id: int | None = None) -> list[Duty]:
    """Every registered source's open duties in these programmes, due by LOOK_AHEAD_DAYS
    from today (or undated), of members only: of one person, or of everyone. Ordered by
    date, undated first."""
    ids = list(programme_ids)
    if not ids:
        return []
    found: list[Duty] = []
    for source in _sources.values():
        found += source(programme_ids=ids, today=today, user_id=user_id)
    members = Membership.objects.filter(programme_id__in=ids, user__is_active=True)
    if user_id is not None:
        members = members.filter(user_id=user_id)
    member = set(members.values_list("user_id", "programme_id"))
    horizon = today + timedelta(days=LOOK_AHEAD_DAYS)
    kept = [d for d in found if (d.user_id, d.programme.pk) in member
            and (d.when is None or d.when <= horizon or d.reminder.at_once)]
    return sorted(kept, key=lambda d: (d.when is not None, d.when or today, d.programme.name, d.what, d.title))


# --- When a duty is reminded -------------------------------------------------------------

@dataclass(frozen=True)
class Stage:
    key: str  # "14", "7", "1", "overdue", "waiting"
    says: str  # "Due in 6 days"


def _days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


def due_words(when: date | None, today: date) -> str:
    """"Overdue by 3 days", "Due today", "Due in 6 days" ("Waiting" for an undated duty)."""
    if when is None:
        return "Waiting"
    days = (when - today).days
    if days < 0:
        return f"Overdue by {_days(-days)}"
    return "Due today" if days == 0 else "Due tomorrow" if days == 1 else f"Due in {_days(days)}"


def stage_of(duty: Duty, today: date) -> Stage | None:
    """The reminder a duty is at today, if any: the nearest of its kind's stages that its
    date is within (so a reminder a stopped server missed still goes, once, at the next
    run), or overdue. None: nothing to remind yet."""
    kind = duty.reminder
    if kind.at_once or duty.when is None:
        return Stage("waiting", "Waiting for you") if kind.at_once else None
    days = (duty.when - today).days
    if days < 0:
        return Stage("overdue", due_words(duty.when, today)) if kind.overdue else None
    stage = next((s for s in kind.stages if days <= s), None)
    return Stage(str(stage), due_words(duty.when, today)) if stage is not None else None


def event_key(duty: Duty, stage: Stage) -> str:
    """The reminder's identity: the thing, its date (a new date is a new event) and the stage."""
    when = duty.when.isoformat() if duty.when else "-"
    return f"{duty.key}:{when}:{stage.key}"


# --- My actions --------------------------------------------------------------------------

@dataclass
class ActionGroup:
    key: str
    heading: str
    duties: list[Duty] = field(default_factory=list)


def my_actions(duties_found: list[Duty], today: date) -> list[ActionGroup]:
    """A person's duties in the page's groups: overdue, this week (today and the six days
    after), later; waiting (undated: a decision asked for) goes with this week."""
    groups = {"overdue": ActionGroup("overdue", "Overdue"), "week": ActionGroup("week", "This week"),
              "later": ActionGroup("later", "Later")}
    week_end = today + timedelta(days=6)
    for d in duties_found:
        if d.when is not None and d.when < today:
            groups["overdue"].duties.append(d)
        elif d.when is None or d.when <= week_end:
            groups["week"].duties.append(d)
        else:
            groups["later"].duties.append(d)
    return list(groups.values())


def week_words(today: date) -> str:
    return f"{long_date(today)} to {long_date(today + timedelta(days=6))}"


# --- Digests -----------------------------------------------------------------------------

@dataclass
class DigestSection:
    heading: str
    lines: list[str]
    link: str = ""  # a path


# section(programme, since: datetime, today: date) -> a DigestSection or None (nothing to say)
DigestBuilder = Callable[..., "DigestSection | None"]
_digest_sections: list[tuple[int, DigestBuilder]] = []


def digest_section(order: int, builder: DigestBuilder) -> None:
    """Add a section to the programme's digest, at `order` (once, however often imported)."""
    if all(b is not builder for _, b in _digest_sections):
        _digest_sections.append((order, builder))
        _digest_sections.sort(key=lambda pair: pair[0])


def digest_sections(*, programme: Programme, since, today: date) -> list[DigestSection]:
    return [s for s in (b(programme=programme, since=since, today=today) for _, b in _digest_sections) if s]
