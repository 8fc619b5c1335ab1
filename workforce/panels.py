"""The workforce figures on the programme overview (aggregates only), registered with
`programmes.panels`."""
from datetime import date

from django.db.models.functions import Upper
from django.urls import reverse

from core.formats import number, percent
from programmes.panels import overview_panel
from workforce import reporting, selectors
from workforce.models import EmployeeRecord, Readiness, ReadinessItem


@overview_panel
def workforce_overview_panel(programme, today: date) -> dict | None:
    """Headcount, FTE and vacancies on the latest version, and the share of its people
    ready on every one of the programme's day-one checks. Always four queries, with or
    without a roster; none, and no
    panel, where no staff transfer."""
    if not programme.has_staff_transfer:
        return None
    roster = selectors.latest_roster(programme=programme)
    rows = list(EmployeeRecord.objects.filter(roster=roster).order_by().values(
        "team_id", "team__name", "team__service_line", "fte", "is_vacancy", "terms", "pension_scheme",
        "contract_type", "grade", "status"))
    summary = reporting.team_summary(roster, personal=False, rows=rows)
    people = EmployeeRecord.objects.filter(roster=roster, is_vacancy=False).annotate(ref=Upper("employee_ref"))
    checks = set(ReadinessItem.objects.filter(programme=programme).values_list("pk", flat=True))
    ticks = Readiness.objects.filter(programme=programme).annotate(ref=Upper("employee_ref")).filter(
        ref__in=people.values("ref")).values_list("done", flat=True)
    ready = sum(checks <= set(done) for done in ticks) if checks else 0
    url = reverse("workforce:summary", args=[programme.slug])
    total = summary.total
    share = ("–" if total.hidden or not total.headcount or not checks
             else percent(round(100 * ready / total.headcount)))
    return {"title": "Workforce transferring", "items": [
        ("people on the latest roster", total.shown_headcount, url),
        ("FTE", number(total.shown_fte), url),
        ("vacant posts", summary.vacancies, url),
        ("ready on every day-one check", share, reverse("workforce:readiness", args=[programme.slug])),
    ]}
