"""The plan's baselines (programmes.baselines): every member reads them and compares the
forecast with any; the programme manager takes a new one, or goes back to an earlier one,
having seen what it moves."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.roles import Capability
from programmes import baselines
from programmes.access import ProgrammeAccess, programme_access
from programmes.forms import BaselineForm
from programmes.history import history_entries
from programmes.models import Baseline
from programmes.views import programme_context


def _baseline(access: ProgrammeAccess, pk: int) -> Baseline:
    return get_object_or_404(Baseline.objects.select_related("taken_by"), pk=pk, programme=access.programme)


def _moved_words(moved: list) -> str:
    n = len(moved)
    return f"{n} milestone{'s' if n != 1 else ''} and activit{'ies' if n != 1 else 'y'} moved" if n else "nothing moved"


@login_required
@require_safe
def baseline_list(request: HttpRequest, slug: str) -> HttpResponse:
    access = programme_access(request.user, slug)
    rows = list(Baseline.objects.filter(programme=access.programme).select_related("taken_by")
                .annotate(items=Count("dates")))
    return render(request, "programmes/baselines.html", programme_context(access, "milestones", baselines=rows))


@login_required
@require_http_methods(["GET", "POST"])
def baseline_take(request: HttpRequest, slug: str) -> HttpResponse:
    access = programme_access(request.user, slug, Capability.BASELINE_PLAN)
    programme = access.programme
    form = BaselineForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        try:
            taken = baselines.baseline_take(programme=programme, name=form.cleaned_data["name"],
                                            reason=form.cleaned_data["reason"], keep=form.cleaned_data["keep"],
                                            user=request.user)
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, f"Baseline “{taken.name}” taken: the plan is measured against it now.")
            return redirect("programmes:baseline_detail", slug, taken.pk)
    milestones = baselines.plan_milestones(programme)
    moved = baselines.moves(milestones, baselines.forecast_spans(milestones))
    return render(request, "programmes/baseline_take.html", programme_context(
        access, "milestones", form=form, moved=moved, count=len(milestones), current=baselines.in_use(programme),
        cancel_url=reverse("programmes:baselines", args=[slug])))


@login_required
@require_safe
def baseline_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """One baseline's dates beside today's forecast; for the programme manager, when it is
    not the one in use, what going back to it would move."""
    access = programme_access(request.user, slug)
    baseline = _baseline(access, pk)
    milestones = baselines.plan_milestones(access.programme)
    spans = baselines.baseline_spans(baseline)
    moved = (baselines.moves(milestones, spans)
             if access.can(Capability.BASELINE_PLAN) and not baseline.in_use else [])
    rows = [(m, spans.get(m.pk), (m.forecast_date - spans[m.pk][1]).days if m.pk in spans else None)
            for m in milestones]
    return render(request, "programmes/baseline_detail.html", programme_context(
        access, "milestones", baseline=baseline, rows=rows, moved=moved, entries=history_entries(baseline),
        compare_url=reverse("programmes:tracker", args=[slug]) + f"?compare={baseline.pk}"))


@login_required
@require_POST
def baseline_use(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = programme_access(request.user, slug, Capability.BASELINE_PLAN)
    baseline = _baseline(access, pk)
    moved = baselines.baseline_use(baseline=baseline, user=request.user)
    messages.success(request, f"The plan is measured against “{baseline.name}” again: {_moved_words(moved)}.")
    return redirect("programmes:baseline_detail", slug, baseline.pk)
