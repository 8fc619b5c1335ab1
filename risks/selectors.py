"""Every read of the risk register that a page, the API or an export makes, each in a
fixed number of queries however many risks there are."""
from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery

from programmes.council_lists import RISK_CATEGORY, council_list, label_expression
from programmes.models import Programme
from risks.models import Issue, Risk, RiskAction, RiskAppetite, RiskSettings

SORTS = {
    "reference": ("number",),
    "residual": ("-residual", "number"),
    "inherent": ("-inherent", "number"),
    "review": (F("next_review_date").asc(nulls_last=True), "number"),
}
BASES = ("residual", "inherent")


@dataclass
class RegisterFilters:
    category: str | None = None
    owner: int | None = None
    workstream: int | None = None
    rag: str | None = None
    escalated: bool = False
    review_overdue: bool = False
    above_appetite: bool = False
    likelihood: int | None = None
    impact: int | None = None
    basis: str = "residual"
    status: str | None = "open"
    sort: str = "reference"

    @property
    def is_filtered(self) -> bool:
        return any([self.category, self.owner, self.workstream, self.rag, self.escalated,
                    self.review_overdue, self.above_appetite, self.likelihood, self.impact])


def category_label():
    """The label of a risk's (or an appetite's) category in its council's list: a
    subquery, no query per row."""
    return label_expression(RISK_CATEGORY, "category")


def register_categories(*, programme: Programme) -> list[tuple[str, str]]:
    """(code, label) of the council's risk categories for the register's filter, in the
    council's order. Retired ones are there too, marked, since older risks hold them. One query."""
    return [(e.value, f"{e.label} (retired)" if e.retired else e.label)
            for e in council_list(programme.lead_organisation_id, RISK_CATEGORY)]


def appetite_categories(*, programme: Programme, held) -> list[tuple[str, str]]:
    """(code, label) of the categories the settings page sets an appetite for: the
    council's offered ones in its order, a retired one where the programme still holds an
    appetite for it (`held`: codes), and last any held code the list no longer has, shown
    as the code, so every appetite stays visible and can be cleared. One query."""
    entries = council_list(programme.lead_organisation_id, RISK_CATEGORY)
    known = {e.value for e in entries}
    return ([(e.value, e.label) for e in entries if not e.retired or e.value in held]
            + [(code, code) for code in sorted(held) if code not in known])


def scored(qs: QuerySet[Risk]) -> QuerySet[Risk]:
    """Risks with their inherent and residual scores, the appetite of their category
    (None when the programme has set none) and the category's label in the council's
    list, worked out in the database."""
    appetite = RiskAppetite.objects.filter(programme=OuterRef("programme"), category=OuterRef("category"))
    return qs.annotate(
        inherent=F("likelihood") * F("impact"),
        residual=F("residual_likelihood") * F("residual_impact"),
        appetite=Subquery(appetite.values("max_residual_score")[:1], output_field=IntegerField()),
        category_label=category_label(),
    )


def with_rag(qs: QuerySet[Risk], *, rag: str | None, settings: RiskSettings, basis: str = "residual"):
    """The scored risks (`scored`) whose inherent or residual score has this RAG under the
    programme's thresholds; all of them for no RAG."""
    if rag == "green":
        return qs.filter(**{f"{basis}__lte": settings.green_max})
    if rag == "amber":
        return qs.filter(**{f"{basis}__gt": settings.green_max, f"{basis}__lte": settings.amber_max})
    if rag == "red":
        return qs.filter(**{f"{basis}__gt": settings.amber_max})
    return qs


def register(*, programme: Programme, filters: RegisterFilters, settings: RiskSettings,
             today: date) -> list[Risk]:
    """The register's rows: one query, with owner and workstream joined in."""
    qs = scored(Risk.objects.filter(programme=programme)).select_related("owner", "workstream")
    f = filters
    if f.status:
        qs = qs.filter(status=f.status)
    if f.category:
        qs = qs.filter(category=f.category)
    if f.owner:
        qs = qs.filter(owner_id=f.owner)
    if f.workstream:
        qs = qs.filter(workstream_id=f.workstream)
    if f.escalated:
        qs = qs.filter(escalated=True)
    if f.review_overdue:
        qs = qs.filter(next_review_date__lt=today)
    if f.above_appetite:
        qs = qs.filter(appetite__isnull=False, residual__gt=F("appetite"))
    basis = "inherent" if f.basis == "inherent" else "residual"
    qs = with_rag(qs, rag=f.rag, settings=settings, basis=basis)
    if f.likelihood:
        qs = qs.filter(**{"likelihood" if basis == "inherent" else "residual_likelihood": f.likelihood})
    if f.impact:
        qs = qs.filter(**{"impact" if basis == "inherent" else "residual_impact": f.impact})
    risks = list(qs.order_by(*SORTS.get(f.sort, SORTS["reference"])))
    decorate(risks, settings=settings, today=today)
    return risks


def decorate(risks: list[Risk], *, settings: RiskSettings, today: date) -> None:
    """Add what a page shows of each risk: RAGs, the appetite flag, an overdue review."""
    for r in risks:
        r.inherent_rag = settings.rag(r.inherent_score)
        r.residual_rag = settings.rag(r.residual_score)
        appetite = getattr(r, "appetite", None)
        r.above_appetite = appetite is not None and r.residual_score > appetite
        r.review_overdue = bool(r.status == Risk.Status.OPEN and r.next_review_date
                                and r.next_review_date < today)


def residual_trends(risks: list[Risk]) -> dict[int, list[int]]:
    """Risk id → its residual scores, oldest first, each change once. One query for all
    the risks, reading only the two columns of their history that make the score."""
    rows = (Risk.history.model.objects.filter(id__in=[r.pk for r in risks])
            .order_by("id", "history_date", "history_id")
            .values_list("id", "residual_likelihood", "residual_impact"))
    trends: dict[int, list[int]] = {}
    for pk, likelihood, impact in rows:
        scores = trends.setdefault(pk, [])
        score = likelihood * impact
        if not scores or scores[-1] != score:
            scores.append(score)
    return trends


def heatmap_counts(*, programme: Programme) -> dict[str, Counter]:
    """Open risks counted by (likelihood, impact), inherent and residual. One query."""
    rows = Risk.objects.filter(programme=programme, status=Risk.Status.OPEN).values_list(
        "likelihood", "impact", "residual_likelihood", "residual_impact")
    counts = {"inherent": Counter(), "residual": Counter()}
    for likelihood, impact, res_l, res_i in rows:
        counts["inherent"][(likelihood, impact)] += 1
        counts["residual"][(res_l, res_i)] += 1
    return counts


def risk_for_detail(*, programme: Programme, pk: int) -> Risk | None:
    return (scored(Risk.objects.filter(programme=programme, pk=pk))
            .select_related("owner", "workstream").first())


def actions_for(risk: Risk) -> list[RiskAction]:
    return list(risk.actions.select_related("owner").order_by(
        F("due_date").asc(nulls_last=True), "pk"))


def issues_log(*, programme: Programme, status: str | None = None) -> list[Issue]:
    qs = Issue.objects.filter(programme=programme).select_related("owner", "risk")
    if status:
        qs = qs.filter(status=status)
    return list(qs.order_by("status", "-raised_on", "pk"))


def overdue_counts(*, programme: Programme, today: date) -> dict[str, int]:
    """Open risks, those whose review is overdue, and overdue open actions: two queries."""
    risks = Risk.objects.filter(programme=programme, status=Risk.Status.OPEN).aggregate(
        open=Count("pk"), reviews=Count("pk", filter=Q(next_review_date__lt=today)))
    actions = RiskAction.objects.filter(
        programme=programme, status=RiskAction.Status.OPEN, due_date__lt=today,
        risk__status=Risk.Status.OPEN).count()
    return {"open": risks["open"], "reviews_overdue": risks["reviews"], "actions_overdue": actions}
