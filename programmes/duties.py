"""The programme's own duties (programmes.reach): the milestones and activities each owner
is to deliver, and the derived statutory deadlines, which fall to the lead of the
workstream they belong to (or, with no such lead, to the programme managers)."""
from datetime import date

from django.urls import reverse

from core.formats import long_date
from core.roles import Role
from programmes.deadlines import derived_deadlines
from programmes.models import Membership, Milestone, Programme, Workstream
from programmes.reach import Duty, reminder_kind

DUE = reminder_kind(
    "due", "Milestones and activities due", default="daily", order=10, stages=(14, 7, 1), overdue=True,
    hint="The ones you own: 14, 7 and 1 days before the date they are forecast, and once when overdue.")
DEADLINE = reminder_kind(
    "deadline", "Statutory deadlines approaching", default="daily", order=20, stages=(14, 7, 1), overdue=True,
    hint="The dates the law fixes, for the workstreams you lead (or, as programme manager, those no one leads).")


def milestone_duties(*, programme_ids: list[int], today: date, user_id: int | None = None) -> list[Duty]:
    found = (Milestone.objects.filter(programme_id__in=programme_ids, owner__isnull=False)
             .exclude(status__in=Milestone.CLOSED_STATUSES).select_related("programme"))
    if user_id is not None:
        found = found.filter(owner_id=user_id)
    return [Duty(kind=DUE.key, key=f"milestone-{m.pk}", user_id=m.owner_id, programme=m.programme,
                 what=m.get_kind_display(), title=m.title, when=m.forecast_date,
                 path=reverse("programmes:milestone_detail", args=[m.programme.slug, m.pk]))
            for m in found]


def deadline_duties(*, programme_ids: list[int], today: date, user_id: int | None = None) -> list[Duty]:
    """Each programme's open deadlines (to do, not done, not yet past their event), for the
    lead of the first workstream of their kind, or for every programme manager."""
    managers: dict[int, list[int]] = {}
    for m in Membership.objects.filter(programme_id__in=programme_ids, role=Role.PROGRAMME_MANAGER):
        managers.setdefault(m.programme_id, []).append(m.user_id)
    leads: dict[tuple[int, str], int] = {}
    for w in Workstream.objects.filter(programme_id__in=programme_ids, lead__isnull=False).order_by("order", "name"):
        leads.setdefault((w.programme_id, w.kind), w.lead_id)
    concerned = {pid for pid in programme_ids if user_id is None or user_id in managers.get(pid, [])
                 or any(lead == user_id for (p, _), lead in leads.items() if p == pid)}
    found = []
    for programme in Programme.objects.filter(pk__in=concerned):
        path = reverse("programmes:deadlines", args=[programme.slug])
        for d in derived_deadlines(programme=programme, today=today):
            if not d.action or d.state not in ("due", "late"):
                continue
            lead = leads.get((programme.pk, d.workstream_kind))
            for person in [lead] if lead else managers.get(programme.pk, []):
                if user_id is None or person == user_id:
                    found.append(Duty(kind=DEADLINE.key, key=f"deadline-{programme.pk}-{d.key}", user_id=person,
                                      programme=programme, what="Statutory deadline", title=d.title, when=d.date,
                                      path=path, detail=d.source))
    return found


# --- The digest's sections ---------------------------------------------------------------

DIGEST = reminder_kind(
    "digest", "A digest of each programme", default="weekly", order=90, frequencies=("daily", "weekly", "off"),
    digest=True,
    hint="For programme managers and directors: what changed, what is late and due, which risks moved, "
         "which deadlines are near.")
DIGEST_AHEAD_DAYS = 14


def _listed(items, words) -> list[str]:
    return [words(i) for i in items]


def plan_changes(*, programme: Programme, since, today: date):
    """What changed in the plan since `since`: milestones added, met and moved."""
    from programmes.reach import DigestSection

    then = {h.id: h for h in Milestone.history.as_of(since).filter(programme_id=programme.pk)}
    lines = []
    for m in Milestone.objects.filter(programme=programme).order_by("forecast_date", "pk"):
        before = then.get(m.pk)
        if before is None:
            lines.append(f"Added: {m.title}, forecast {long_date(m.forecast_date)}.")
        elif m.status == Milestone.Status.COMPLETE and before.status != Milestone.Status.COMPLETE:
            lines.append(f"Met: {m.title}" + (f", on {long_date(m.actual_date)}." if m.actual_date else "."))
        elif m.forecast_date != before.forecast_date:
            way = "later" if m.forecast_date > before.forecast_date else "earlier"
            lines.append(f"Moved {way}: {m.title}, from {long_date(before.forecast_date)} to "
                         f"{long_date(m.forecast_date)}.")
    return DigestSection("What changed in the plan", lines or ["Nothing was added, met or moved."],
                         reverse("programmes:tracker", args=[programme.slug]))


def plan_late_and_due(*, programme: Programme, since, today: date):
    from programmes.reach import DigestSection, due_words

    open_ = [m for m in Milestone.objects.filter(programme=programme).select_related("owner")
             .exclude(status__in=Milestone.CLOSED_STATUSES).order_by("forecast_date", "pk")]
    late = [m for m in open_ if m.is_late(today)]
    soon = [m for m in open_ if not m.is_late(today) and (m.forecast_date - today).days <= DIGEST_AHEAD_DAYS]
    lines = _listed(late, lambda m: f"Late: {m.title} ({due_words(m.forecast_date, today).lower()}).")
    lines += _listed(soon, lambda m: f"Due: {m.title}, {long_date(m.forecast_date)}.")
    return DigestSection(f"Late, and due in the next {DIGEST_AHEAD_DAYS} days",
                         lines or ["Nothing is late, and nothing is due."],
                         reverse("programmes:tracker", args=[programme.slug]))


def deadlines_near(*, programme: Programme, since, today: date):
    from programmes.reach import DigestSection

    near = [d for d in derived_deadlines(programme=programme, today=today)
            if d.action and d.state in ("due", "late") and (d.date - today).days <= DIGEST_AHEAD_DAYS]
    lines = _listed(near, lambda d: f"{'Late' if d.state == 'late' else 'Due'}: {d.title}, {long_date(d.date)}.")
    return DigestSection("Statutory deadlines near", lines or [f"None in the next {DIGEST_AHEAD_DAYS} days."],
                         reverse("programmes:deadlines", args=[programme.slug]))
