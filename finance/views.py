"""Pages of the finance app. Each view: find the programme through the access helper (404
for outsiders, 403 for a role that may not edit finance), bind a form, call a selector,
reporting function or service, render or redirect."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.charts import bar_chart, line_chart
from core.concurrency import atomic_post
from core.exports import xlsx_bytes
from core.figures import figure_value, offered_figures
from core.formats import money
from core.jobs import jobs_for
from core.roles import Capability
from core.uploads import (
    UploadError,
    confirmed_warnings,
    uploads_for,
    warnings_key,
)
from finance import reporting, selectors
from finance.forms import BudgetLineFromFigureForm
from finance.ledger import KIND as LEDGER_KIND
from finance.ledger import ledger_form_kwargs
from finance.services import (
    LEDGER_COMMIT_KIND,
    budget_line_from_figure,
    ledger_commit,
    ledger_commit_as_job,
    ledger_commit_request,
)
from programmes import job_pages
from programmes.access import ProgrammeAccess, programme_access
from programmes.upload_pages import UploadPages, commit_refused, confirm_query
from programmes.views import programme_context, today

SECTIONS = [("home", "Budget against actual"), ("budget", "Budget and funding"), ("ledger", "Ledger uploads"),
            ("codes", "Ledger codes"), ("benefits", "Savings and benefits"), ("kpis", "KPIs")]


def _context(access: ProgrammeAccess, section: str, **extra) -> dict:
    slug = access.programme.slug
    tabs = [{"label": label, "url": reverse(f"finance:{name}", args=[slug]), "active": name == section}
            for name, label in SECTIONS]
    return programme_context(access, "finance", finance_tabs=tabs,
                             can_edit=access.can(Capability.EDIT_FINANCE), **extra)


def budget_charts(report: reporting.BudgetReport) -> dict:
    """The budget page's charts (the Cabinet paper draws the same ones)."""
    labels = [str(line.label) for line in report.by_year]
    return {
        "by_year_chart": bar_chart(
            categories=labels, element_id="chart-budget-by-year",
            title="Budget, actual and expected outturn by financial year",
            series=[("Budget", [x.budget for x in report.by_year]), ("Actual", [x.actual for x in report.by_year]),
                    ("Expected outturn", [x.outturn for x in report.by_year])]),
        "cumulative_chart": line_chart(
            categories=[str(y) for y, _, _ in report.cumulative], element_id="chart-cumulative",
            title="Cumulative budget and actual spend",
            series=[("Cumulative budget", [b for _, b, _ in report.cumulative]),
                    ("Cumulative actual", [a for _, _, a in report.cumulative])]),
    }


@login_required
@require_safe
def home(request: HttpRequest, slug: str) -> HttpResponse:
    access = programme_access(request.user, slug)
    programme = access.programme
    facts = reporting.ledger_facts(programme=programme)
    report = reporting.budget_against_actual(programme=programme, facts=facts)
    return render(request, "finance/home.html", _context(
        access, "home", report=report, **budget_charts(report),
        spend=reporting.mobilisation_spend(programme=programme, facts=facts),
        soc=reporting.soc_against_actual(programme=programme, facts=facts),
        reserves=reporting.reserve_positions(programme=programme)))


@login_required
@require_safe
def export(request: HttpRequest, slug: str) -> HttpResponse:
    access = programme_access(request.user, slug, Capability.EXPORT)
    programme = access.programme
    facts = reporting.ledger_facts(programme=programme)
    report = reporting.budget_against_actual(programme=programme, facts=facts)
    spend = reporting.mobilisation_spend(programme=programme, facts=facts)
    cb = reporting.costs_and_benefits(programme=programme)
    heads = ["", "Budget", "Actual", "Forecast", "Expected outturn", "Variance (budget less outturn)", "RAG"]

    def rows(lines):
        return [[x.label, x.budget, x.actual, x.forecast, x.outturn, x.variance, x.rag.text] for x in lines]

    sheets = [
        ("By year", ["Financial year", *heads[1:]], rows(report.by_year) + rows([report.total])),
        ("By year and category", ["Year and category", *heads[1:]], rows(report.by_category)),
        ("By cost type", ["Cost type", *heads[1:]], rows(report.by_cost_type)),
        ("By workstream", ["Workstream", *heads[1:]], rows(report.by_workstream)),
        ("Cumulative", ["Financial year", "Cumulative budget", "Cumulative actual"],
         [[str(y), b, a] for y, b, a in report.cumulative]),
        ("Mobilisation spend", ["Financial year", "Revenue", "Capital", "Total", "Cumulative"],
         [[str(y.year), y.revenue, y.capital, y.total, y.cumulative] for y in spend.years]
         + [["Total", spend.revenue, spend.capital, spend.total, None]] + [[n] for n in spend.notes]),
        ("Costs and benefits", ["Financial year", "Investment", "Income", "Recurrent savings", "One-off savings",
                                "Net", "Cumulative net"],
         [[str(y.year), y.investment, y.income, y.recurrent_savings, y.one_off_savings, y.net, y.cumulative_net]
          for y in cb.years]),
    ]
    response = HttpResponse(xlsx_bytes(sheets),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{slug}-finance-{today():%Y-%m-%d}.xlsx"'
    return response


@login_required
@require_safe
def budget(request: HttpRequest, slug: str) -> HttpResponse:
    access = programme_access(request.user, slug)
    p = access.programme
    return render(request, "finance/budget.html", _context(
        access, "budget", versions=selectors.budget_versions(programme=p),
        reserves=reporting.reserve_positions(programme=p), forecasts=selectors.forecasts(programme=p)))


@login_required
@require_http_methods(["GET", "POST"])
@atomic_post
def budget_line_from_figure_view(request: HttpRequest, slug: str) -> HttpResponse:
    """A budget line made from a figure another app offers (core.figures), such as the
    transfer's annual employer pension cost: each figure shown with what it is made of and
    what it leaves out, then the line's year, cost type and workstream chosen."""
    access = programme_access(request.user, slug, Capability.EDIT_FINANCE)
    p = access.programme
    form = BudgetLineFromFigureForm(request.POST or None, programme=p)
    if request.method == "POST" and form.is_valid():
        try:
            line = budget_line_from_figure(line=form.save(commit=False), figure_key=form.cleaned_data["figure"],
                                           user=request.user)
        except ValidationError as e:
            for field_name, errors in e.message_dict.items():
                for error in errors:
                    form.add_error(field_name if field_name in form.fields else None, error)
        else:
            messages.success(request, f"A budget line of {money(line.amount, pence=True)} for "
                                      f"{line.financial_year} has been added.")
            return redirect("finance:budget", slug)
    figures = [(f, figure_value(f.key, p)) for f in offered_figures(p)]
    return render(request, "finance/budget_line_from_figure.html", _context(
        access, "budget", form=form, figures=figures))


@login_required
@require_safe
def codes(request: HttpRequest, slug: str) -> HttpResponse:
    access = programme_access(request.user, slug)
    p = access.programme
    unmapped_cc, unmapped_ac = selectors.unmapped_codes(programme=p)
    return render(request, "finance/codes.html", _context(
        access, "codes", cost_centres=selectors.cost_centres(programme=p),
        account_codes=selectors.account_codes(programme=p), unmapped_cc=unmapped_cc, unmapped_ac=unmapped_ac))


@login_required
@require_safe
def benefits(request: HttpRequest, slug: str) -> HttpResponse:
    access = programme_access(request.user, slug)
    p = access.programme
    cb = reporting.costs_and_benefits(programme=p)
    by_year, by_category = reporting.savings_against_plan(programme=p)
    return render(request, "finance/benefits.html", _context(
        access, "benefits", cb=cb, savings_by_year=by_year, savings_by_category=by_category,
        cb_chart=costs_and_benefits_chart(cb),
        savings_chart=bar_chart(categories=[r.label for r in by_year], element_id="chart-savings",
                                title="Planned and realised savings by financial year",
                                series=[("Planned", [r.planned for r in by_year]),
                                        ("Realised", [r.realised for r in by_year])]),
        lines=selectors.benefit_lines(programme=p)))


def costs_and_benefits_chart(cb: reporting.CostsAndBenefits):
    return line_chart(categories=[str(y.year) for y in cb.years], element_id="chart-net-position",
                      title="Cumulative net position (benefits less investment)",
                      series=[("Cumulative net position", [y.cumulative_net for y in cb.years])],
                      guides=[("Break-even", 0)])


def kpi_chart(summary: reporting.KpiSummary):
    kpi = summary.kpi
    # A line only for what has a figure: an unset target or an unmeasured baseline is not zero.
    guides = [(name, v) for name, v in (("Target", kpi.target), ("Baseline", kpi.baseline)) if v is not None]
    if kpi.comparator_value is not None:
        guides.append((kpi.comparator_label[:22], kpi.comparator_value))
    return line_chart(categories=[f"{r.date:%b %Y}" for r in summary.readings], element_id=f"chart-kpi-{kpi.pk}",
                      title=f"{kpi.name} ({kpi.unit}) over time", unit=kpi.unit,
                      series=[(kpi.name[:40], [r.value for r in summary.readings])], guides=guides)


@login_required
@require_safe
def kpis(request: HttpRequest, slug: str) -> HttpResponse:
    access = programme_access(request.user, slug)
    summaries = reporting.kpi_summaries(programme=access.programme)
    for s in summaries:
        s.chart = kpi_chart(s)
    return render(request, "finance/kpis.html", _context(access, "kpis", summaries=summaries))


# --- Ledger uploads (core.uploads does the work) --------------------------------------------------

UPLOAD_HINT = ("The ledger export as an Excel workbook (.xlsx) or CSV file, one transaction a row, with the "
               "column headings in the first row: transaction date, cost centre, account code, amount, and if "
               "you have them period, description, supplier and reference. A row saying \"Total\" is checked "
               "against the rows above it.")


# Choosing, mapping, previewing and rolling back a ledger file are the shared upload pages;
# the commit is this app's own (a big file loads as a Job) and the list is the ledger page.
UPLOADS = UploadPages(
    kind=LEDGER_KIND, capability=Capability.EDIT_FINANCE, namespace="finance", 
    templates=("finance/ledger_upload.html", "finance/ledger_mapping.html", "finance/ledger_preview.html"),
    uploads_template="finance/ledger.html", hint=UPLOAD_HINT, form_kwargs=ledger_form_kwargs,
    context=lambda access, **extra: _context(access, "ledger", **extra),
    done="finance:home", written=lambda n, upload: f"{n:,} transactions loaded from {upload.original_name}.",
    removed="The transactions loaded from {name} have been removed.",
    names={"receive": "ledger_upload", "mapping": "ledger_mapping", "preview": "ledger_preview",
           "commit": "ledger_commit", "uploads": "ledger", "rollback": "ledger_rollback",
           "discard": "ledger_discard", "template": "ledger_template", "errors": "ledger_errors"},
    preview_extra=lambda preview: {"batch": preview.cleaned if not preview.errors else None,
                                   "as_job": ledger_commit_as_job(rows=preview.row_count)})


@login_required
@require_safe
def ledger(request: HttpRequest, slug: str) -> HttpResponse:
    access = programme_access(request.user, slug)
    p = access.programme
    return render(request, "finance/ledger.html", _context(
        access, "ledger", uploads=UPLOADS.with_discard_urls(slug, uploads_for(p, kind=LEDGER_KIND)[:100]),
        line_counts=selectors.ledger_line_counts(programme=p),
        rollback_url=reverse("finance:ledger", args=[slug]) + "uploads/"))


@login_required
@require_POST
def ledger_commit_view(request: HttpRequest, slug: str, upload_pk: int) -> HttpResponse:
    access = programme_access(request.user, slug, Capability.EDIT_FINANCE)
    upload = UPLOADS.upload_for(access, upload_pk)
    accept = confirmed_warnings(request.POST.get("accept_warnings"))
    if ledger_commit_as_job(upload=upload):
        # The warnings the preview recorded are checked here, so an unconfirmed big file
        # never becomes a job; the job checks again against what it finds. With none
        # recorded there is nothing the person can have confirmed, and what was sent is
        # dropped: it would otherwise make a job (and a job key) of its own.
        if upload.warnings and accept != warnings_key(upload.warnings):
            return redirect(reverse("finance:ledger_preview", args=[slug, upload.pk]) + confirm_query(request))
        if not upload.warnings:
            accept = ""
        job = ledger_commit_request(upload=upload, programme=access.programme, user=request.user,
                                    accept_warnings=accept)
        return redirect("finance:ledger_job", slug, job.uuid)
    try:
        outcome = ledger_commit(upload=upload, programme=access.programme, user=request.user,
                                accept_warnings=accept)
    except UploadError as e:
        messages.error(request, e.message)
        return redirect("finance:ledger", slug)
    if commit_refused(request, outcome):
        if outcome.already_loaded:
            return redirect("finance:ledger", slug)
        if outcome.needs_confirmation:
            return redirect(reverse("finance:ledger_preview", args=[slug, upload.pk]) + confirm_query(request))
        return redirect("finance:ledger_preview", slug, upload.pk)
    messages.success(request, f"{outcome.written:,} transaction{'s' if outcome.written != 1 else ''} loaded "
                              f"from {upload.original_name}.")
    return redirect("finance:home", slug)


@login_required
@require_safe
def ledger_job(request: HttpRequest, slug: str, job_uuid) -> HttpResponse:
    access = programme_access(request.user, slug, Capability.EDIT_FINANCE)
    job = get_object_or_404(jobs_for(access.programme, kind=LEDGER_COMMIT_KIND), uuid=job_uuid)
    template = "finance/includes/job_status.html" if request.headers.get("HX-Request") else "finance/ledger_job.html"
    status = job_pages.status_context(request, access, job,
                                      retry_url=reverse("finance:ledger_job_retry", args=[slug, job.uuid]),
                                      job_url=lambda j: reverse("finance:ledger_job", args=[slug, j.uuid]))
    return render(request, template, _context(access, "ledger", job=job, **status))


@login_required
@require_POST
def ledger_job_retry(request: HttpRequest, slug: str, job_uuid) -> HttpResponse:
    access = programme_access(request.user, slug, Capability.EDIT_FINANCE)
    job = get_object_or_404(jobs_for(access.programme, kind=LEDGER_COMMIT_KIND), uuid=job_uuid)
    return redirect("finance:ledger_job", slug, job_pages.retry_job(request, access, job).uuid)


