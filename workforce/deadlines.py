"""The workforce's derived deadlines (registered with programmes.deadlines): the collective
redundancy duties a restructure brings.

Where 20 or more redundancies are proposed at one establishment within a period of 90 days,
the employer consults the representatives and notifies the Insolvency Service on form HR1
at least 30 days before the first dismissal takes effect, or 45 days where 100 or more
(TULRCA 1992 s188 and s193). A restructure records its establishment, its proposed first
dismissal date and, line by line, the voluntary and compulsory redundancies it proposes;
restructures at the same establishment whose first dismissals fall within 90 days of each
other are counted together. The deadlines say the band, never the count of people."""
from dataclasses import replace

from django.db.models import F, Sum

from core.statutory import COLLECTIVE_REDUNDANCY_WINDOW_DAYS, collective_redundancy_duty
from programmes.deadlines import DerivedMilestone, dated
from programmes.models import Programme, Workstream
from workforce.models import Establishment


def proposed_redundancies(*, programme: Programme) -> list[Establishment]:
    """The programme's restructures that have a first dismissal date, each with `proposed`
    (voluntary and compulsory redundancies over its lines), in one query."""
    return list(Establishment.objects.filter(programme=programme, first_dismissal_date__isnull=False)
                .annotate(proposed=Sum(F("lines__voluntary_redundancies") + F("lines__compulsory_redundancies")))
                .only("name", "site", "first_dismissal_date").order_by("first_dismissal_date", "pk"))


def _same_establishment(a: Establishment, b: Establishment) -> bool:
    if a.pk == b.pk:
        return True
    if not (a.site.strip() and b.site.strip()) or a.site.strip().casefold() != b.site.strip().casefold():
        return False
    return abs((a.first_dismissal_date - b.first_dismissal_date).days) < COLLECTIVE_REDUNDANCY_WINDOW_DAYS


def collective_redundancy_deadlines(programme: Programme) -> list[DerivedMilestone]:
    restructures = proposed_redundancies(programme=programme)
    items = []
    for r in restructures:
        together = [o for o in restructures if _same_establishment(r, o)]
        duty = collective_redundancy_duty(sum(o.proposed or 0 for o in together))
        if duty is None:
            continue
        where = f"at {r.site.strip()}" if r.site.strip() else "at one establishment"
        condition = f"{duty.band} {where} within 90 days"
        if len(together) > 1:
            others = ", ".join(o.name for o in together if o.pk != r.pk)
            condition += f", counting {others}"
        what = f"the first dismissal of {r.name} takes effect"
        items.append(dated(replace(duty.period, reference=duty.consultation_reference),
                           key=f"collective-consultation-{r.pk}", rule="collective-consultation",
                           title=f"Collective consultation begins: {r.name}", what=what,
                           source_date=r.first_dismissal_date, workstream_kind=Workstream.Kind.HR,
                           condition=condition))
        items.append(dated(replace(duty.period, reference=duty.notification_reference),
                           key=f"hr1-{r.pk}", rule="hr1",
                           title=f"Form HR1 to the Insolvency Service: {r.name}", what=what,
                           source_date=r.first_dismissal_date, workstream_kind=Workstream.Kind.HR,
                           condition=condition))
    return items
