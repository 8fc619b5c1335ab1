"""The register's duties (programmes.reach): the reviews each risk owner is to hold, and the
mitigating actions each action owner is to finish."""
from datetime import date

from django.urls import reverse

from programmes.reach import Duty, reminder_kind
from risks.models import Risk, RiskAction

REVIEW = reminder_kind(
    "risk_review", "Risk reviews overdue", default="daily", order=30, overdue=True,
    hint="The risks you own, once when the date set for their next review has passed.")
ACTION = reminder_kind(
    "action", "Mitigating actions due", default="daily", order=40, stages=(7, 1), overdue=True,
    hint="The actions you own: 7 and 1 days before they are due, and once when overdue.")


def risk_duties(*, programme_ids: list[int], today: date, user_id: int | None = None) -> list[Duty]:
    risks = (Risk.objects.filter(programme_id__in=programme_ids, status=Risk.Status.OPEN, owner__isnull=False,
                                 next_review_date__isnull=False).select_related("programme"))
    actions = (RiskAction.objects.filter(programme_id__in=programme_ids, status=RiskAction.Status.OPEN,
                                         owner__isnull=False, due_date__isnull=False,
                                         risk__status=Risk.Status.OPEN)
               .select_related("programme", "risk"))
    if user_id is not None:
        risks, actions = risks.filter(owner_id=user_id), actions.filter(owner_id=user_id)
    found = [Duty(kind=REVIEW.key, key=f"risk-review-{r.pk}", user_id=r.owner_id, programme=r.programme,
                  what="Risk review", title=f"{r.reference} {r.title}", when=r.next_review_date,
                  path=reverse("risks:detail", args=[r.programme.slug, r.pk]))
             for r in risks]
    found += [Duty(kind=ACTION.key, key=f"risk-action-{a.pk}", user_id=a.owner_id, programme=a.programme,
                   what="Mitigating action", title=a.description, when=a.due_date,
                   path=reverse("risks:detail", args=[a.programme.slug, a.risk_id]),
                   detail=f"Against {a.risk.reference} {a.risk.title}")
              for a in actions]
    return found


def risks_moved(*, programme, since, today: date):
    """The digest's risks: new since `since`, closed, or with a residual score up or down."""
    from programmes.reach import DigestSection

    then = {h.id: h for h in Risk.history.as_of(since).filter(programme_id=programme.pk)}
    lines = []
    for r in Risk.objects.filter(programme=programme).order_by("number"):
        before = then.get(r.pk)
        score = r.residual_likelihood * r.residual_impact
        if before is None:
            lines.append(f"{r.reference} {r.title}: new, residual score {score}.")
        elif r.status != before.status and r.status != Risk.Status.OPEN:
            lines.append(f"{r.reference} {r.title}: {r.get_status_display().lower()}.")
        else:
            was = before.residual_likelihood * before.residual_impact
            if was != score:
                lines.append(f"{r.reference} {r.title}: residual score {'up' if score > was else 'down'} "
                             f"from {was} to {score}.")
    if not lines:
        return DigestSection("Risks that moved", ["No risk was added, closed or rescored."],
                             reverse("risks:register", args=[programme.slug]))
    return DigestSection("Risks that moved", lines, reverse("risks:register", args=[programme.slug]))
