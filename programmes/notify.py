"""Reminders and digests by email: who is sent what, and when, each recorded once and sent once.

A run (`run_reminders`, on Celery beat's schedule or `manage.py send_reminders`) does two
things:
 1. It asks every duty source (programmes.reach) what is owed, works out each duty's
    reminder stage today (due in 14, 7 or 1 days, overdue, waiting), and records a
    Notification for each person who has not turned that kind off. The row's unique event
    key is the guard: a repeated run, or a second scheduler running at the same moment,
    inserts nothing new.
 2. It sends what is due: a reminder wanted straight away at once, one wanted daily or
    weekly with the others of its kind in the day's (EMAIL_DAILY_HOUR) or the week's
    (Monday's) email. A run takes a row from pending to sending in one UPDATE, so only one
    run ever sends it.
Every email names its kind and carries a one-click way to stop that kind (RFC 8058: the
List-Unsubscribe and List-Unsubscribe-Post headers, and a link in the body). The emails say
what the pages say to anyone in the programme: titles, dates and links, never a person's
staff record.
"""
from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.formats import long_date
from core.mail import send_email
from core.roles import Role
from programmes.models import Membership, Notification, NotificationPreference, Programme
from programmes.reach import (
    Duty,
    digest_sections,
    due_words,
    duties,
    event_key,
    reminder_kind_of,
    stage_of,
)

logger = logging.getLogger(__name__)
Frequency = NotificationPreference.Frequency
State = Notification.State

DIGEST_KIND = "digest"  # declared in programmes.duties
# Who the digest is for.
DIGEST_ROLES = (Role.PROGRAMME_MANAGER, Role.DIRECTOR)
# A run sends at most this many emails' rows; the rest wait for the next run.
SEND_LIMIT = 2000
# A row that could not be sent is tried again at the next runs, this many times in all.
MAX_ATTEMPTS = 3
UNSUBSCRIBE_SALT = "programmes.notify.unsubscribe"


# --- Preferences --------------------------------------------------------------------------

def preferences_of(user_ids) -> dict[tuple[int, str], str]:
    """{(user id, kind): frequency} for the choices these people have made (one query)."""
    return {(p.user_id, p.kind): p.frequency
            for p in NotificationPreference.objects.filter(user_id__in=list(user_ids))}


def frequency_for(prefs: dict, user_id: int, kind: str) -> str:
    chosen = prefs.get((user_id, kind))
    allowed = reminder_kind_of(kind).frequencies
    return chosen if chosen in allowed else reminder_kind_of(kind).default


@transaction.atomic
def preference_set(*, user, kind: str, frequency: str) -> NotificationPreference:
    """Choose how often `user` gets `kind` (a frequency that kind offers)."""
    allowed = reminder_kind_of(kind).frequencies
    if frequency not in allowed:
        raise ValueError(f"{frequency!r} is not offered for {kind!r}")
    preference, _ = NotificationPreference.objects.select_for_update().get_or_create(
        user=user, kind=kind, defaults={"frequency": frequency})
    if preference.frequency != frequency:
        preference.frequency = frequency
        preference._change_reason = f"Emails about {reminder_kind_of(kind).label.lower()}: {frequency}"
        preference.save()
    return preference


def unsubscribe_token(user_id: int, kind: str) -> str:
    """The secret in an email's one-click stop link: who and which kind, signed. It does
    not expire, as a link in an old email must still work."""
    return signing.dumps({"u": user_id, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_read(token: str) -> tuple[int, str] | None:
    """(user id, kind) from a stop link's secret, or None for a forged or mangled one."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        user_id, kind = int(data["u"]), str(data["k"])
        reminder_kind_of(kind)
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    return user_id, kind


def unsubscribe_url(user_id: int, kind: str) -> str:
    return settings.SITE_URL + reverse("programmes:unsubscribe", args=[unsubscribe_token(user_id, kind)])


def kind_email(*, user, kind: str, subject: str, template: str, context: dict) -> int:
    """Send one email of a kind to a person, with the way to stop that kind: the header for
    one-click stopping (RFC 8058) and the link in the body. How many were sent."""
    stop = unsubscribe_url(user.pk, kind)
    context = {**context, "kind": reminder_kind_of(kind), "stop_link": stop,
               "settings_link": settings.SITE_URL + reverse("programmes:email_settings")}
    headers = {"List-Unsubscribe": f"<{stop}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    return send_email(to=user.email, subject=subject, template=template, context=context, headers=headers)


def wants(user, kind: str) -> bool:
    """Whether the person gets this kind of email at all (for an email sent when something
    happens, as a highlight report made, rather than by the run)."""
    return frequency_for(preferences_of([user.pk]), user.pk, kind) != Frequency.OFF


# --- When a reminder goes -----------------------------------------------------------------

def _at_hour(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(settings.EMAIL_DAILY_HOUR)))


def deliver_after(frequency: str, found_at: datetime) -> datetime:
    """Straight away; the day's email time at or after `found_at`; or Monday's."""
    if frequency == Frequency.IMMEDIATE:
        return found_at
    local = timezone.localtime(found_at)
    day = local.date()
    if frequency == Frequency.DAILY:
        moment = _at_hour(day)
        return moment if moment >= found_at else _at_hour(day + timedelta(days=1))
    monday = day - timedelta(days=day.weekday())
    moment = _at_hour(monday)
    return moment if moment >= found_at else _at_hour(monday + timedelta(days=7))


# --- A run --------------------------------------------------------------------------------

@dataclass
class Planned:
    user_id: int
    email: str
    kind: str
    key: str
    title: str
    says: str
    link: str
    when: date | None
    programme: Programme
    frequency: str


@dataclass
class RunReport:
    recorded: list[Planned] = field(default_factory=list)  # new this run (or would be, dry)
    sent: list[str] = field(default_factory=list)  # "to: subject" of each email sent (or would be)
    skipped: int = 0
    failed: int = 0

    def lines(self, *, dry_run: bool) -> list[str]:
        verb = "Would record" if dry_run else "Recorded"
        out = [f"{verb} {len(self.recorded)} new reminder{'s' if len(self.recorded) != 1 else ''}."]
        out += [f"  {p.email}: {p.says}: {p.title} ({p.programme.name}; {p.frequency})" for p in self.recorded]
        out.append(f"{'Would send' if dry_run else 'Sent'} {len(self.sent)} email{'s' if len(self.sent) != 1 else ''}.")
        out += [f"  {line}" for line in self.sent]
        if self.skipped or self.failed:
            out.append(f"Not sent: {self.skipped} turned off or no longer owed; "
                       f"{self.failed} failed (tried again later).")
        return out


def _digest_duties(programmes: list[Programme]) -> list[Duty]:
    """The digest as a duty of each programme manager and director, one per programme."""
    members = Membership.objects.filter(programme__in=programmes, role__in=DIGEST_ROLES, user__is_active=True)
    by_pk = {p.pk: p for p in programmes}
    return [Duty(kind=DIGEST_KIND, key=f"digest-{m.programme_id}", user_id=m.user_id, programme=by_pk[m.programme_id],
                 what="Digest", title=f"What happened in {by_pk[m.programme_id].name}", when=None,
                 path=reverse("programmes:overview", args=[by_pk[m.programme_id].slug]))
            for m in members]


def plan(*, now: datetime) -> list[Planned]:
    """Every reminder and digest owed at `now` to someone who has not turned its kind off,
    recorded or not: the run records those not recorded yet."""
    today = timezone.localdate(now)
    programmes = list(Programme.objects.exclude(status=Programme.Status.CLOSED))
    found = duties(programme_ids=[p.pk for p in programmes], today=today)
    found += _digest_duties(programmes)
    from django.contrib.auth import get_user_model

    users = {u.pk: u for u in get_user_model().objects.filter(pk__in={d.user_id for d in found}, is_active=True)
             .exclude(email="")}
    prefs = preferences_of(users)
    planned = []
    for duty in found:
        user = users.get(duty.user_id)
        if user is None:
            continue
        frequency = frequency_for(prefs, user.pk, duty.kind)
        if frequency == Frequency.OFF:
            continue
        if duty.kind == DIGEST_KIND:
            period = timezone.localtime(deliver_after(frequency, now)).date()
            key, says = f"{duty.key}:{period.isoformat()}", "Digest"
        else:
            stage = stage_of(duty, today)
            if stage is None:
                continue
            key, says = event_key(duty, stage), stage.says
        planned.append(Planned(user.pk, user.email, duty.kind, key, duty.title[:300], says, duty.path, duty.when,
                               duty.programme, frequency))
    return planned


def run_reminders(*, now: datetime | None = None, dry_run: bool = False) -> RunReport:
    """Record what is owed and send what is due (module docstring). A dry run writes and
    sends nothing, and reports what it would have."""
    now = now or timezone.now()
    report = RunReport()
    planned = plan(now=now)
    known = set(Notification.objects.filter(user_id__in={p.user_id for p in planned},
                                            event_key__in={p.key for p in planned})
                .values_list("user_id", "kind", "event_key"))
    report.recorded = [p for p in planned if (p.user_id, p.kind, p.key) not in known]
    run = uuid.uuid4().hex
    if dry_run:
        due = [p for p in report.recorded if deliver_after(p.frequency, now) <= now]
        pending = list(Notification.objects.filter(state=State.PENDING, deliver_after__lte=now)
                       .select_related("user"))
        report.sent = [f"{p.email}: {p.says}: {p.title}" for p in due] + [
            f"{n.user.email}: {n.says}: {n.title}" for n in pending]
        return report
    Notification.objects.bulk_create([
        Notification(user_id=p.user_id, programme=p.programme, kind=p.kind, event_key=p.key, title=p.title,
                     says=p.says, link=p.link, when=p.when, frequency=p.frequency, found_at=now,
                     deliver_after=deliver_after(p.frequency, now), run=run)
        for p in report.recorded], ignore_conflicts=True)
    # Only what this run inserted counts as recorded by it (a twin run may have won a row).
    mine = set(Notification.objects.filter(run=run).values_list("user_id", "kind", "event_key"))
    report.recorded = [p for p in report.recorded if (p.user_id, p.kind, p.key) in mine]
    _send_due(now=now, run=run, report=report)
    return report


def _claim(now: datetime, run: str) -> list[Notification]:
    ids = list(Notification.objects.filter(state=State.PENDING, deliver_after__lte=now)
               .order_by("deliver_after", "pk").values_list("pk", flat=True)[:SEND_LIMIT])
    Notification.objects.filter(pk__in=ids, state=State.PENDING).update(state=State.SENDING, run=run)
    return list(Notification.objects.filter(run=run, state=State.SENDING).select_related("user", "programme")
                .order_by("user_id", "kind", "programme__name", "when", "pk"))


def _still_owed(rows: list[Notification], now: datetime) -> tuple[list[Notification], list[Notification]]:
    """The rows whose person still wants the kind and still belongs to the programme."""
    members = set(Membership.objects.filter(user_id__in={r.user_id for r in rows})
                  .values_list("user_id", "programme_id"))
    prefs = preferences_of({r.user_id for r in rows})
    keep, drop = [], []
    for r in rows:
        owed = (r.user.is_active and r.user.email and (r.programme_id is None or (r.user_id, r.programme_id) in members)
                and frequency_for(prefs, r.user_id, r.kind) != Frequency.OFF)
        (keep if owed else drop).append(r)
    return keep, drop


def _send_due(*, now: datetime, run: str, report: RunReport) -> None:
    rows = _claim(now, run)
    if not rows:
        return
    keep, drop = _still_owed(rows, now)
    Notification.objects.filter(pk__in=[r.pk for r in drop]).update(state=State.SKIPPED)
    report.skipped += len(drop)
    emails: list[list[Notification]] = []
    bundles: dict[tuple[int, str], list[Notification]] = {}
    for r in keep:
        if r.kind == DIGEST_KIND or r.frequency == Frequency.IMMEDIATE:
            emails.append([r])
        else:
            bundles.setdefault((r.user_id, r.kind), []).append(r)
    emails += list(bundles.values())
    today = timezone.localdate(now)
    for group in emails:
        first = group[0]
        try:
            subject = (_send_digest(first, now=now, today=today) if first.kind == DIGEST_KIND
                       else _send_reminders(group, today=today))
        except Exception as error:  # noqa: BLE001 - a mail server's trouble must not stop the others
            logger.exception("Could not send %s notification(s) to user %s", len(group), first.user_id)
            for r in group:
                r.attempts += 1
                r.state = State.FAILED if r.attempts >= MAX_ATTEMPTS else State.PENDING
                r.problem = str(error)[:300]
            Notification.objects.bulk_update(group, ["attempts", "state", "problem"])
            report.failed += len(group)
            continue
        Notification.objects.filter(pk__in=[r.pk for r in group]).update(state=State.SENT, sent_at=timezone.now())
        report.sent.append(f"{first.user.email}: {subject}")


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def _send_reminders(group: list[Notification], *, today: date) -> str:
    first = group[0]
    kind = reminder_kind_of(first.kind)

    def says(r: Notification) -> str:
        # As on the day it is sent: a reminder found yesterday at 7 days is due in 6 today.
        return due_words(r.when, today) if r.when and not kind.at_once else r.says

    if len(group) == 1:
        subject = f"{says(first)}: {first.title} ({first.programme.name})"
    else:
        every = {"daily": "today", "weekly": "this week"}.get(first.frequency, "")
        subject = f"{kind.label}: {len(group)} reminders {every}".strip()
    items = [{"says": says(r), "title": r.title, "link": _absolute(r.link), "programme": r.programme.name,
              "when": long_date(r.when) if r.when else ""} for r in group]
    context = {"subject": subject, "items": items, "person": first.user, "today": long_date(today),
               "my_actions": _absolute(reverse("programmes:my_actions"))}
    kind_email(user=first.user, kind=first.kind, subject=subject, template="programmes/email/reminders",
               context=context)
    return subject


def _send_digest(row: Notification, *, now: datetime, today: date) -> str:
    days = 1 if row.frequency == Frequency.DAILY else 7
    since = now - timedelta(days=days)
    sections = digest_sections(programme=row.programme, since=since, today=today)
    period = f"{long_date(timezone.localdate(since))} to {long_date(today)}"
    subject = f"{row.programme.name}: {'the day' if days == 1 else 'the week'} in Insource, {period}"
    context = {"subject": subject, "programme": row.programme, "period": period,
               "link": _absolute(row.link), "person": row.user,
               "sections": [{"heading": s.heading, "lines": s.lines, "link": _absolute(s.link) if s.link else ""}
                            for s in sections]}
    kind_email(user=row.user, kind=DIGEST_KIND, subject=subject, template="programmes/email/digest", context=context)
    return subject
