"""The business cases' duties (programmes.reach): a stage version in review waits for a
decision from each member who may approve it (the directors), and the highlight report's
"it is ready" email is a kind a person chooses like the reminders."""
from datetime import date

from django.urls import reverse

from business_cases.models import BusinessCaseVersion
from core.roles import RULES, Capability
from programmes.models import Membership
from programmes.reach import Duty, reminder_kind

DECISION = reminder_kind(
    "decision", "Business cases waiting for your decision", default="immediate", order=50, at_once=True,
    hint="For directors: once, when a stage version is sent for review.")
HIGHLIGHT = reminder_kind(
    "highlight", "Highlight reports ready", default="immediate", order=60, frequencies=("immediate", "off"),
    hint="Only for the programmes whose highlight reports you asked to be told about.")


def decision_duties(*, programme_ids: list[int], today: date, user_id: int | None = None) -> list[Duty]:
    waiting = list(BusinessCaseVersion.objects.filter(programme_id__in=programme_ids,
                                                      status=BusinessCaseVersion.Status.IN_REVIEW)
                   .select_related("programme", "business_case"))
    if not waiting:
        return []
    deciders = Membership.objects.filter(programme_id__in={v.programme_id for v in waiting},
                                         role__in=RULES[Capability.APPROVE_BUSINESS_CASE])
    if user_id is not None:
        deciders = deciders.filter(user_id=user_id)
    by_programme: dict[int, list[int]] = {}
    for m in deciders:
        by_programme.setdefault(m.programme_id, []).append(m.user_id)
    case = {v.pk: v.business_case for v in waiting}
    return [Duty(kind=DECISION.key, key=f"case-version-{v.pk}", user_id=person, programme=v.programme,
                 what="Decision", title=f"{case[v.pk].get_stage_display()}, version {v.number}",
                 when=v.meeting_date,
                 path=reverse("business_cases:version", args=[v.programme.slug, case[v.pk].stage, v.number]),
                 detail=v.summary)
            for v in waiting for person in by_programme.get(v.programme_id, [])]
