"""The transfer's duties (programmes.reach): each day-one check falls to the member made
responsible for it, until everyone on the latest roster has it done. The reminder gives
how many are still to do only where the number is not small enough to point at people."""
from datetime import date

from django.urls import reverse

from programmes.models import Programme
from programmes.reach import Duty, reminder_kind
from workforce import reporting, selectors
from workforce.models import ReadinessItem

READINESS = reminder_kind(
    "readiness", "Day-one checks", default="weekly", order=45, stages=(14, 7, 1), overdue=True,
    hint="The checks you are responsible for, until everyone transferring has them done: "
         "14, 7 and 1 days before they are due, and once when overdue.")


def readiness_duties(*, programme_ids: list[int], today: date, user_id: int | None = None) -> list[Duty]:
    owned = ReadinessItem.objects.filter(programme_id__in=programme_ids, owner__isnull=False)
    if user_id is not None:
        owned = owned.filter(owner_id=user_id)
    by_programme: dict[int, list[ReadinessItem]] = {}
    for item in owned:
        by_programme.setdefault(item.programme_id, []).append(item)
    found = []
    for programme in Programme.objects.filter(pk__in=by_programme):
        if not programme.has_staff_transfer:
            continue
        roster = selectors.latest_roster(programme=programme)
        total = reporting.readiness_by_team(programme, roster, personal=False, today=today).total
        path = reverse("workforce:readiness", args=[programme.slug]) + "#checks"
        for item in by_programme[programme.pk]:
            people, done = total.people.headcount, total.done.get(item.pk, 0)
            if roster is None:
                detail = "No roster has been loaded yet"
            elif done >= people:
                continue  # everyone has it
            elif total.people.hidden:
                detail = "Not yet done for everyone transferring"
            else:
                detail = f"{people - done} of {people} people still to do"
            found.append(Duty(kind=READINESS.key, key=f"readiness-{item.pk}", user_id=item.owner_id,
                              programme=programme, what="Day-one check", title=item.label,
                              when=item.done_by(programme), path=path, detail=detail))
    return found
