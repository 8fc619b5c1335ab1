"""Scale data for the risk register: about 60 risks, each with a few actions, in every
scale programme (see `programmes.scale`)."""
from datetime import timedelta

from programmes.council_lists import LISTS, RISK_CATEGORY
from programmes.scale import ScaleContext, scale_step
from risks.models import Risk, RiskAction

RISKS_PER_PROGRAMME = 60


@scale_step
def risks_scale(ctx: ScaleContext) -> None:
    # Today's default categories, which every scale council uses.
    categories = [value for value, _ in LISTS[RISK_CATEGORY].defaults]
    owners = list(ctx.users.values())
    for sp in ctx.programmes:
        rng = sp.rng
        risks = Risk.objects.bulk_create([
            Risk(programme=sp.programme, number=n, title=f"Synthetic risk {n}",
                 category=categories[n % len(categories)], owner=owners[n % len(owners)],
                 workstream=sp.workstreams[n % len(sp.workstreams)],
                 cause="Synthetic cause", event="Synthetic event", effect="Synthetic effect",
                 likelihood=(lk := rng.randint(2, 5)), impact=(im := rng.randint(2, 5)),
                 residual_likelihood=rng.randint(1, lk), residual_impact=rng.randint(1, im),
                 target_score=4, status=Risk.Status.OPEN if n % 10 else Risk.Status.CLOSED,
                 next_review_date=ctx.today + timedelta(days=rng.randint(-30, 60)),
                 escalated=n % 15 == 0, escalated_on=ctx.today - timedelta(days=10) if n % 15 == 0 else None)
            for n in range(1, RISKS_PER_PROGRAMME + 1)
        ])
        RiskAction.objects.bulk_create([
            RiskAction(programme=sp.programme, risk=risk, description=f"Synthetic action {k} for {risk.reference}",
                       owner=owners[(risk.number + k) % len(owners)],
                       due_date=ctx.today + timedelta(days=rng.randint(-20, 90)),
                       status=RiskAction.Status.DONE if k == 0 and risk.number % 3 == 0 else RiskAction.Status.OPEN)
            for risk in risks for k in range(rng.randint(1, 3))
        ])
