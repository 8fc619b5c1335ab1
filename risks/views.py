"""Pages of the risk and issue register. Each view: find the programme through the
access helper (404 for outsiders, 403 for a role that may not edit risks), bind a form,
call a selector or a service, render or redirect."""
from urllib.parse import urlencode

import django_filters as df
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from core.concurrency import atomic_post
from core.exports import xlsx_bytes
from core.filters import one_of, page_filters, ticked, whole_number
from core.roles import Capability
from programmes.access import ProgrammeAccess, programme_access
from programmes.history import history_entries
from programmes.models import Membership
from programmes.services import record_save
from programmes.upload_pages import UploadPages
from programmes.views import programme_context, today
from risks import selectors
from risks.forms import IssueForm, RiskActionForm, RiskForm, RiskSettingsForm
from risks.heatmap import heatmap_svg
from risks.imports import KIND as IMPORT_KIND
from risks.imports import row_form_kwargs
from risks.models import RAG, Issue, Risk, RiskAction, RiskAppetite
from risks.services import risk_action_save, risk_save, risk_settings_for, risk_settings_save

SORT_LABELS = [("reference", "Reference"), ("residual", "Residual score"),
               ("inherent", "Inherent score"), ("review", "Review date")]


def _int(raw: str) -> int | None:
    raw = (raw or "").strip()
    return int(raw) if raw.isdigit() else None


class RegisterFilter(df.FilterSet):
    """The register's filters (core.filters), parsed by their form; the selector applies
    them. The category's choices are the council's, given when it is made."""

    category = one_of("A category", [])
    owner = whole_number("Owner")
    workstream = whole_number("Workstream")
    rag = one_of("A RAG", RAG.choices)
    escalated = ticked("Escalated to the board")
    review_overdue = ticked("Review overdue")
    above_appetite = ticked("Above appetite")
    likelihood = one_of("A likelihood", [(str(n), str(n)) for n in range(1, 6)])
    impact = one_of("An impact", [(str(n), str(n)) for n in range(1, 6)])
    basis = one_of("A basis", [(b, b) for b in selectors.BASES])
    status = one_of("A status", Risk.Status.choices)
    sort = one_of("An order", [(k, k) for k in selectors.SORTS])

    class Meta:
        model = Risk
        fields = []

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["category"].choices = [("", ""), *categories]


class IssueFilter(df.FilterSet):
    status = one_of("A status", Issue.Status.choices)

    class Meta:
        model = Issue
        fields = []


def _filters(request: HttpRequest, categories: list[tuple[str, str]]) -> tuple[selectors.RegisterFilters, list]:
    values, errors = page_filters(RegisterFilter, request, categories=categories)
    number = {name: int(values[name]) if values.get(name) else None for name in ("likelihood", "impact")}
    return selectors.RegisterFilters(
        category=values.get("category") or None, owner=values.get("owner"), workstream=values.get("workstream"),
        rag=values.get("rag") or None, escalated=bool(values.get("escalated")),
        review_overdue=bool(values.get("review_overdue")), above_appetite=bool(values.get("above_appetite")),
        **number, basis=values.get("basis") or "residual",
        # Open risks unless the query asks for a status; asked for with none, every risk.
        status=values.get("status") or None if "status" in request.GET else "open",
        sort=values.get("sort") or "reference"), errors


def _members(programme):
    return list(Membership.objects.filter(programme=programme).select_related("user")
                .order_by("user__first_name", "user__last_name"))


def _cell_url(slug: str, basis: str):
    base = reverse("risks:register", args=[slug])
    return lambda likelihood, impact: f"{base}?" + urlencode(
        {"likelihood": likelihood, "impact": impact, "basis": basis})


def _heatmaps(access: ProgrammeAccess, settings) -> list:
    counts = selectors.heatmap_counts(programme=access.programme)
    return [
        heatmap_svg(counts=counts[basis], title=f"{basis.capitalize()} risk",
                    url=_cell_url(access.programme.slug, basis), green_max=settings.green_max,
                    amber_max=settings.amber_max, element_id=f"heatmap-{basis}")
        for basis in ("inherent", "residual")
    ]


@login_required
@require_safe
def risk_register(request: HttpRequest, slug: str) -> HttpResponse:
    access = programme_access(request.user, slug)
    programme = access.programme
    settings = risk_settings_for(programme=programme)
    categories = selectors.register_categories(programme=programme)
    filters, filter_errors = _filters(request, categories)
    risks = selectors.register(programme=programme, filters=filters, settings=settings, today=today())
    trends = selectors.residual_trends(risks)
    for r in risks:
        r.trend = trends.get(r.pk, [])
    query = request.GET.copy()
    query.pop("sort", None)
    return render(request, "risks/register.html", programme_context(
        access, "risks", risks=risks, filters=filters, filter_errors=filter_errors, settings=settings,
        categories=categories, members=_members(programme),
        workstreams=list(programme.workstreams.all()), rags=RAG.choices, sorts=SORT_LABELS,
        sort_query=query.urlencode()))


@login_required
@require_safe
def risk_heatmap(request: HttpRequest, slug: str) -> HttpResponse:
    access = programme_access(request.user, slug)
    settings = risk_settings_for(programme=access.programme)
    return render(request, "risks/heatmap.html", programme_context(
        access, "risks", heatmaps=_heatmaps(access, settings), settings=settings))


@login_required
@require_safe
def risk_export(request: HttpRequest, slug: str) -> HttpResponse:
    access = programme_access(request.user, slug, Capability.EXPORT)
    settings = risk_settings_for(programme=access.programme)
    risks = selectors.register(programme=access.programme, filters=selectors.RegisterFilters(status=None),
                               settings=settings, today=today())
    headers = ["Reference", "Title", "Category", "Cause", "Event", "Effect", "Owner", "Workstream",
               "Likelihood", "Impact", "Inherent score", "Inherent RAG", "Residual likelihood",
               "Residual impact", "Residual score", "Residual RAG", "Target score", "Above appetite",
               "Response", "Status", "Proximity", "Proximity date", "Next review", "Escalated on"]
    rows = [[r.reference, r.title, r.get_category_display(), r.cause, r.event, r.effect,
             str(r.owner or ""), r.workstream.name if r.workstream else "", r.likelihood, r.impact,
             r.inherent_score, r.inherent_rag.capitalize(), r.residual_likelihood, r.residual_impact,
             r.residual_score, r.residual_rag.capitalize(), r.target_score,
             "Yes" if r.above_appetite else "No", r.get_response_display(), r.get_status_display(),
             r.get_proximity_display(), r.proximity_date, r.next_review_date,
             r.escalated_on if r.escalated else None] for r in risks]
    content = xlsx_bytes([("Risk register", headers, rows)])
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{slug}-risks-{today():%Y-%m-%d}.xlsx"'
    return response


def _risk(access: ProgrammeAccess, pk: int) -> Risk:
    risk = selectors.risk_for_detail(programme=access.programme, pk=pk)
    if risk is None:
        raise Http404("No such risk")
    return risk


@login_required
@require_safe
def risk_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = programme_access(request.user, slug)
    risk = _risk(access, pk)
    settings = risk_settings_for(programme=access.programme)
    selectors.decorate([risk], settings=settings, today=today())
    risk.trend = selectors.residual_trends([risk]).get(risk.pk, [])
    return render(request, "risks/detail.html", programme_context(
        access, "risks", risk=risk, actions=selectors.actions_for(risk), entries=history_entries(risk),
        issues=list(risk.issues.order_by("-raised_on")), tab=request.GET.get("tab", "details")))


@login_required
@require_http_methods(["GET", "POST"])
@atomic_post  # the version check locks the row until the save
def risk_edit(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    access = programme_access(request.user, slug, Capability.EDIT_RISKS)
    instance = get_object_or_404(Risk, programme=access.programme, pk=pk) if pk else None
    form = RiskForm(request.POST or None, instance=instance, programme=access.programme)
    if request.method == "POST" and form.is_valid():
        risk = risk_save(risk=form.save(commit=False), user=request.user,
                         reason=request.POST.get("change_reason") or ("Risk edited" if instance else "Risk added"))
        messages.success(request, f"Risk {risk.reference} saved.")
        return redirect("risks:detail", slug, risk.pk)
    cancel = reverse("risks:detail", args=[slug, pk]) if pk else reverse("risks:register", args=[slug])
    return render(request, "programmes/form.html", programme_context(
        access, "risks", form=form, heading=f"Edit risk {instance.reference}" if instance else "Add a risk",
        submit="Save risk", ask_reason=bool(instance), cancel_url=cancel))


@login_required
@require_http_methods(["GET", "POST"])
@atomic_post  # the version check locks the row until the save
def action_edit(request: HttpRequest, slug: str, pk: int, action_pk: int | None = None) -> HttpResponse:
    access = programme_access(request.user, slug, Capability.EDIT_RISKS)
    risk = get_object_or_404(Risk, programme=access.programme, pk=pk)
    instance = get_object_or_404(RiskAction, risk=risk, pk=action_pk) if action_pk else None
    form = RiskActionForm(request.POST or None, instance=instance, programme=access.programme)
    if request.method == "POST" and form.is_valid():
        action = form.save(commit=False)
        action.risk = risk
        risk_action_save(action=action, user=request.user,
                         reason=request.POST.get("change_reason") or (
                             "Action edited" if instance else "Action added"))
        messages.success(request, "The mitigating action has been saved.")
        return redirect("risks:detail", slug, risk.pk)
    return render(request, "programmes/form.html", programme_context(
        access, "risks", form=form,
        heading=f"{'Edit' if instance else 'Add'} a mitigating action for {risk.reference}",
        submit="Save action", ask_reason=bool(instance),
        cancel_url=reverse("risks:detail", args=[slug, risk.pk])))


@login_required
@require_safe
def issue_list(request: HttpRequest, slug: str) -> HttpResponse:
    access = programme_access(request.user, slug)
    values, errors = page_filters(IssueFilter, request)
    status = values.get("status") or None
    issues = selectors.issues_log(programme=access.programme, status=status)
    return render(request, "risks/issues.html", programme_context(access, "risks", issues=issues, status=status,
                                                                  filter_errors=errors))


@login_required
@require_http_methods(["GET", "POST"])
@atomic_post  # the version check locks the row until the save
def issue_edit(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    access = programme_access(request.user, slug, Capability.EDIT_RISKS)
    instance = get_object_or_404(Issue, programme=access.programme, pk=pk) if pk else None
    initial = {"raised_on": today()}
    from_risk = _int(request.GET.get("risk"))
    if from_risk and not instance:
        initial["risk"] = from_risk
    form = IssueForm(request.POST or None, instance=instance, programme=access.programme,
                     initial=initial)
    if request.method == "POST" and form.is_valid():
        record_save(instance=form.save(commit=False), user=request.user,
                    reason=request.POST.get("change_reason") or ("Issue edited" if instance else "Issue raised"))
        messages.success(request, "The issue has been saved.")
        return redirect("risks:issues", slug)
    return render(request, "programmes/form.html", programme_context(
        access, "risks", form=form, heading="Edit issue" if instance else "Raise an issue",
        submit="Save issue", ask_reason=bool(instance), cancel_url=reverse("risks:issues", args=[slug])))


@login_required
@require_http_methods(["GET", "POST"])
@atomic_post  # the version check locks the row until the save
def risk_settings(request: HttpRequest, slug: str) -> HttpResponse:
    access = programme_access(request.user, slug, Capability.EDIT_RISKS)
    programme = access.programme
    settings = risk_settings_for(programme=programme)
    appetites = dict(RiskAppetite.objects.filter(programme=programme)
                     .values_list("category", "max_residual_score"))
    form = RiskSettingsForm(request.POST or None, settings=settings, appetites=appetites,
                            categories=selectors.appetite_categories(programme=programme, held=appetites))
    if request.method == "POST" and form.is_valid():
        risk_settings_save(programme=programme, green_max=form.cleaned_data["green_max"],
                           amber_max=form.cleaned_data["amber_max"], appetites=form.appetites(),
                           user=request.user)
        messages.success(request, "Risk thresholds and appetite saved.")
        return redirect("risks:register", slug)
    return render(request, "programmes/form.html", programme_context(
        access, "risks", form=form, heading="Risk thresholds and appetite", submit="Save",
        cancel_url=reverse("risks:register", args=[slug])))


# --- Importing a register from a spreadsheet (core.uploads does the work) ----------------

UPLOADS = UploadPages(
    kind=IMPORT_KIND, capability=Capability.EDIT_RISKS, namespace="risks",
    templates=("risks/import.html", "risks/import_mapping.html", "risks/import_preview.html"),
    uploads_template="risks/uploads.html",
    hint=("An Excel workbook (.xlsx) or a CSV file (.csv), one risk a row, with the column headings in the "
          "first row. The register's own download can be edited and uploaded."),
    form_kwargs=row_form_kwargs,
    context=lambda access, **extra: programme_context(
        access, "risks", register_url=reverse("risks:register", args=[access.programme.slug]), **extra),
    done="risks:register", written=lambda n, upload: f"{n} risk{'s' if n != 1 else ''} added from "
                                                     f"{upload.original_name}.",
    removed="The risks loaded from {name} have been removed.",
    names={"receive": "import", "mapping": "import_mapping", "preview": "import_preview",
           "commit": "import_commit", "rollback": "upload_rollback", "discard": "import_discard",
           "template": "import_template", "errors": "import_errors"})
