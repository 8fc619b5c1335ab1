"""Pages of the business case app. Each view: find the programme through the access helper
(404 for outsiders, 403 for a role without the capability), bind a form, call a selector or
a service, render or redirect."""
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import Truncator
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from business_cases import reporting, selectors
from business_cases.case_document import FORMATS as CASE_FORMATS
from business_cases.case_document import KIND as CASE_KIND
from business_cases.case_document import case_request
from business_cases.compare import structured_changes, text_diffs
from business_cases.exports import matrix_xlsx
from business_cases.forms import (
    AppraisalLineForm,
    CriterionForm,
    CsfForm,
    DecisionForm,
    EqualityAssessmentForm,
    EqualityImpactForm,
    EqualityMitigationForm,
    MatrixSettingsForm,
    ObjectiveForm,
    OptionCellsForm,
    OptionForm,
    VersionForm,
)
from business_cases.imports import KIND as IMPORT_KIND
from business_cases.imports import row_form_kwargs
from business_cases.models import (
    SECTIONS,
    AppraisalLine,
    BusinessCaseVersion,
    Criterion,
    CriticalSuccessFactor,
    EqualityAssessment,
    EqualityImpact,
    EqualityMitigation,
    MatrixCell,
    Option,
    Stage,
    StrategicObjective,
)
from business_cases.services import (
    assessment_save,
    cells_save,
    equality_impact_delete,
    snapshot_build,
    statement_next_number,
    statement_save,
    version_save,
)
from business_cases.services import (
    version_create as version_create_service,
)
from business_cases.services import (
    version_decide as version_decide_service,
)
from business_cases.services import (
    version_submit as version_submit_service,
)
from core.concurrency import atomic_post
from core.jobs import jobs_for
from core.roles import Capability
from programmes import job_pages
from programmes.access import ProgrammeAccess, programme_access
from programmes.history import history_entries
from programmes.record_pages import RecordPages
from programmes.services import record_save
from programmes.upload_pages import UploadPages
from programmes.views import programme_context, today

ACTIVE = "business_cases"


def _ctx(access: ProgrammeAccess, **extra) -> dict:
    return programme_context(access, ACTIVE, **extra)


def _stage(stage: str) -> str:
    if stage not in Stage.values:
        raise Http404("No such stage")
    return stage


def _form_page(request, access, form, heading, cancel, submit="Save", ask_reason=False) -> HttpResponse:
    return render(request, "programmes/form.html", _ctx(
        access, form=form, heading=heading, submit=submit, ask_reason=ask_reason, cancel_url=cancel))


# --- Overview and stages -------------------------------------------------------------------

@login_required
@require_safe
def home(request: HttpRequest, slug: str) -> HttpResponse:
    access = programme_access(request.user, slug)
    programme = access.programme
    rank = selectors.ranking(programme=programme)
    results = selectors.appraisal(programme=programme, rank=rank)
    return render(request, "business_cases/home.html", _ctx(
        access, stages=selectors.stage_views(programme=programme, rank=rank, results=results),
        objectives=selectors.objectives(programme=programme), csfs=selectors.csfs(programme=programme),
        matrix=reporting.matrix_table_from(rank), results=results))


def _stage_view(programme, stage: str) -> selectors.StageView:
    return next(v for v in selectors.stage_views(programme=programme) if v.stage == stage)


@login_required
@require_safe
def stage(request: HttpRequest, slug: str, stage: str) -> HttpResponse:
    access = programme_access(request.user, slug)
    view = _stage_view(access.programme, _stage(stage))
    return render(request, "business_cases/stage.html", _ctx(
        access, view=view, version=view.current, sections=_sections(view.current)))


def _sections(version) -> list[tuple[str, str]]:
    if version is None:
        return []
    return [(heading, getattr(version, name)) for name, heading in SECTIONS]


def _version(access: ProgrammeAccess, stage: str, number: int) -> BusinessCaseVersion:
    return get_object_or_404(BusinessCaseVersion.objects.select_related("business_case", "decided_by"),
                             programme=access.programme, business_case__stage=_stage(stage), number=number)


@login_required
@require_safe
def version_detail(request: HttpRequest, slug: str, stage: str, number: int) -> HttpResponse:
    access = programme_access(request.user, slug)
    version = _version(access, stage, number)
    view = _stage_view(access.programme, stage)
    return render(request, "business_cases/stage.html", _ctx(
        access, view=view, version=version, sections=_sections(version), entries=_history(version),
        request_id=uuid.uuid4().hex))


def _history(version: BusinessCaseVersion) -> list:
    """The version's history, with long section texts cut short (the comparison page shows
    the full difference)."""
    entries = history_entries(version)
    for entry in entries:
        for change in entry.changes:
            change.old, change.new = Truncator(change.old).chars(80), Truncator(change.new).chars(80)
    return entries


@login_required
@require_POST
def version_create(request: HttpRequest, slug: str, stage: str) -> HttpResponse:
    access = programme_access(request.user, slug, Capability.EDIT_BUSINESS_CASE)
    version = version_create_service(programme=access.programme, stage=_stage(stage), user=request.user)
    messages.success(request, f"{version} started from the latest text.")
    return redirect("business_cases:version_edit", slug, stage, version.number)


@login_required
@require_http_methods(["GET", "POST"])
@atomic_post  # the version check locks the row until the save
def version_edit(request: HttpRequest, slug: str, stage: str, number: int) -> HttpResponse:
    access = programme_access(request.user, slug, Capability.EDIT_BUSINESS_CASE)
    version = _version(access, stage, number)
    cancel = reverse("business_cases:version", args=[slug, stage, number])
    if not version.is_editable:
        messages.error(request, f"{version} is {version.get_status_display().lower()}: start a new version "
                                "to change the text.")
        return redirect(cancel)
    form = VersionForm(request.POST or None, instance=version)
    if request.method == "POST" and form.is_valid():
        version_save(version=form.save(commit=False), user=request.user,
                     reason=request.POST.get("change_reason") or "Text edited")
        messages.success(request, f"{version} saved.")
        return redirect(cancel)
    return _form_page(request, access, form, f"Edit the {Stage(stage).label}, version {number}", cancel,
                      submit="Save version", ask_reason=True)


@login_required
@require_POST
def version_submit(request: HttpRequest, slug: str, stage: str, number: int) -> HttpResponse:
    access = programme_access(request.user, slug, Capability.EDIT_BUSINESS_CASE)
    version = _version(access, stage, number)
    try:
        version_submit_service(version=version, user=request.user)
    except ValidationError as e:
        for m in e.messages:
            messages.error(request, m)
    else:
        messages.success(request, f"{version} has been sent to review.")
    return redirect("business_cases:version", slug, stage, number)


@login_required
@require_http_methods(["GET", "POST"])
def version_decide(request: HttpRequest, slug: str, stage: str, number: int) -> HttpResponse:
    access = programme_access(request.user, slug, Capability.APPROVE_BUSINESS_CASE)
    version = _version(access, stage, number)
    back = reverse("business_cases:version", args=[slug, stage, number])
    if version.status != BusinessCaseVersion.Status.IN_REVIEW:
        messages.error(request, f"{version} is not in review, so there is no decision to record.")
        return redirect(back)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            version_decide_service(version=version, user=request.user, approve=d["decision"] == "approve",
                                   approving_body=d["approving_body"], meeting_date=d["meeting_date"],
                                   decision_reference=d["decision_reference"], notes=d["notes"])
        except ValidationError as e:
            form.add_error("decision", " ".join(e.messages))
        else:
            messages.success(request, f"The decision on {version} has been recorded.")
            return redirect(back)
    return _form_page(request, access, form, f"Record the decision on the {version.business_case.short}, "
                                             f"version {number}", back, submit="Record the decision")


@login_required
@require_safe
def compare(request: HttpRequest, slug: str, stage: str) -> HttpResponse:
    access = programme_access(request.user, slug)
    versions = list(BusinessCaseVersion.objects.filter(programme=access.programme, business_case__stage=_stage(stage))
                    .select_related("business_case").order_by("number"))
    by_number = {v.number: v for v in versions}

    def pick(name, default):
        raw = request.GET.get(name, "")
        return by_number.get(int(raw)) if raw.isdigit() else default

    old = pick("a", versions[-2] if len(versions) > 1 else None)
    new = pick("b", versions[-1] if versions else None)
    diffs = changes = None
    if old and new:
        if old.number > new.number:
            old, new = new, old
        live = None
        if not old.snapshot or not new.snapshot:
            live = snapshot_build(programme=access.programme)
        diffs = text_diffs(old, new)
        changes = structured_changes(old.snapshot or live, new.snapshot or live)
    return render(request, "business_cases/compare.html", _ctx(
        access, stage=stage, stage_label=Stage(stage).label, versions=versions, old=old, new=new,
        diffs=diffs, changes=changes))


# --- Objectives and CSFs -------------------------------------------------------------------

def _next_number(model):
    """The form's first guess at a new objective's or CSF's number: the one after the last."""
    return lambda request, access: {"number": statement_next_number(model=model, programme=access.programme)}


def _record(key: str, model, form, singular: str, done: str, **kw) -> RecordPages:
    """A business case record whose add, edit (and delete) pages are the shared record pages,
    leading back to the page (a URL name of business_cases) that lists it."""
    return RecordPages(key=key, model=model, form=form, singular=singular, capability=Capability.EDIT_BUSINESS_CASE,
                       namespace="business_cases", done=f"business_cases:{done}", context=_ctx, **kw)


OBJECTIVES = _record("objective", StrategicObjective, ObjectiveForm, "strategic objective", "home",
                     initial=_next_number(StrategicObjective), save=statement_save,
                     edit_heading=lambda o: f"Edit {o.code}", saved_message=lambda o: f"{o.code} saved.")
CSFS = _record("csf", CriticalSuccessFactor, CsfForm, "critical success factor", "home",
               initial=_next_number(CriticalSuccessFactor), save=statement_save,
               edit_heading=lambda o: f"Edit {o.code}", saved_message=lambda o: f"{o.code} saved.")


# --- The options appraisal matrix ----------------------------------------------------------

@login_required
@require_safe
def matrix(request: HttpRequest, slug: str) -> HttpResponse:
    access = programme_access(request.user, slug)
    rank = selectors.ranking(programme=access.programme)
    return render(request, "business_cases/matrix.html", _ctx(
        access, matrix=reporting.matrix_table_from(rank), criteria=rank.criteria))


@login_required
@require_safe
def matrix_export(request: HttpRequest, slug: str) -> HttpResponse:
    access = programme_access(request.user, slug, Capability.EXPORT)
    table = reporting.matrix_table(programme=access.programme)
    response = HttpResponse(matrix_xlsx(table, title=access.programme.name),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{slug}-options-matrix-{today():%Y-%m-%d}.xlsx"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
@atomic_post  # the version check locks the row until the save
def matrix_settings(request: HttpRequest, slug: str) -> HttpResponse:
    access = programme_access(request.user, slug, Capability.EDIT_BUSINESS_CASE)
    settings = selectors.matrix_settings_for(programme=access.programme)
    form = MatrixSettingsForm(request.POST or None, instance=settings)
    back = reverse("business_cases:matrix", args=[slug])
    if request.method == "POST" and form.is_valid():
        record_save(instance=form.save(commit=False), user=request.user, reason="Matrix scoring set")
        messages.success(request, "The matrix scoring has been saved.")
        return redirect(back)
    return _form_page(request, access, form, "How levels and ratings score", back)


OPTIONS = _record("option", Option, OptionForm, "option", "matrix", article="an",
                  edit_heading=lambda o: f"Edit option {o.code}", saved_message=lambda o: f"Option {o.code} saved.")


@login_required
@require_http_methods(["GET", "POST"])
@atomic_post  # the version check locks the row until the save
def option_cells(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = programme_access(request.user, slug, Capability.EDIT_BUSINESS_CASE)
    option = get_object_or_404(Option, programme=access.programme, pk=pk)
    criteria = selectors.criteria(programme=access.programme)
    cells = {c.criterion_id: c for c in MatrixCell.objects.filter(option=option)}
    form = OptionCellsForm(request.POST or None, criteria=criteria, cells=cells)
    back = reverse("business_cases:matrix", args=[slug])
    if request.method == "POST" and form.is_valid():
        try:
            n = cells_save(option=option, values=form.values(), user=request.user)
        except ValidationError as e:
            form.add_error(None, e.messages)
        else:
            messages.success(request, f"{n} score{'s' if n != 1 else ''} of {option.code} changed.")
            return redirect(back)
    return _form_page(request, access, form, f"Score {option.code} {option.title} against each criterion", back,
                      submit="Save scores")


CRITERIA = _record("criterion", Criterion, CriterionForm, "criterion", "matrix")


# --- Economic appraisal --------------------------------------------------------------------

@login_required
@require_safe
def appraisal(request: HttpRequest, slug: str) -> HttpResponse:
    access = programme_access(request.user, slug)
    results = selectors.appraisal(programme=access.programme, equality=True)
    # Reversing two URLs for each of hundreds of lines is most of the page's time, so the
    # lines' URLs are built from one reversed prefix.
    lines_url = reverse("business_cases:line_create", args=[slug]).removesuffix("new/")
    for a in results.appraisals:
        a.lines = results.lines_by_option.get(a.option_id, [])
        a.unmitigated = results.unmitigated_for(a.option_id)
        for line in a.lines:
            line.edit_url, line.delete_url = f"{lines_url}{line.pk}/edit/", f"{lines_url}{line.pk}/delete/"
    return render(request, "business_cases/appraisal.html", _ctx(
        access, results=results, summary=reporting.appraisal_summary_from(results),
        categories=AppraisalLine.Category.choices))


def _option_from_query(request: HttpRequest, access: ProgrammeAccess) -> dict:
    """A line added from an option's part of the appraisal page starts with that option."""
    raw = request.GET.get("option", "")
    return {"option": int(raw)} if raw.isdigit() else {}


# Lines are removed by a button on the appraisal page, without a page of their own.
LINES = _record("line", AppraisalLine, AppraisalLineForm, "appraisal line", "appraisal", article="an",
                initial=_option_from_query, confirm_delete=False, delete_reason="Appraisal line removed",
                deleted_message=lambda line: f"The line “{line.description}” has been removed.")


# --- Uploading appraisal lines (core.uploads does the work) --------------------------------

UPLOADS = UploadPages(
    kind=IMPORT_KIND, capability=Capability.EDIT_BUSINESS_CASE, namespace="business_cases",
    templates=("business_cases/import.html", "business_cases/import_mapping.html",
               "business_cases/import_preview.html"), uploads_template="business_cases/uploads.html",
    hint=("An Excel workbook (.xlsx) or a CSV file (.csv), one line a row, with the column headings in the first "
          "row: Option, Category, Year, Financial year, Description, Amount, Final."),
    form_kwargs=row_form_kwargs,
    context=lambda access, **extra: _ctx(
        access, register_url=reverse("business_cases:appraisal", args=[access.programme.slug]), **extra),
    done="business_cases:appraisal",
    written=lambda n, upload: f"{n} appraisal line{'s' if n != 1 else ''} added from {upload.original_name}.",
    removed="The appraisal lines loaded from {name} have been removed.",
    names={"receive": "import", "mapping": "import_mapping", "preview": "import_preview",
           "commit": "import_commit", "rollback": "upload_rollback", "discard": "import_discard",
           "template": "import_template", "errors": "import_errors"})




# --- Equality impact assessments -------------------------------------------------------------

@login_required
@require_safe
def equality(request: HttpRequest, slug: str) -> HttpResponse:
    """The programme's equality impact assessments and each option's, and the options
    that have none yet."""
    access = programme_access(request.user, slug)
    views = selectors.equality_views(programme=access.programme)
    assessed = {v.assessment.option_id for v in views}
    return render(request, "business_cases/equality.html", _equality_ctx(
        access, views=views, has_programme_wide=None in assessed,
        unassessed=[o for o in selectors.options(programme=access.programme) if o.pk not in assessed]))


@login_required
@require_safe
def equality_assessment(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = programme_access(request.user, slug)
    assessment = get_object_or_404(EqualityAssessment.objects.select_related("option", "signed_off_by"),
                                   programme=access.programme, pk=pk)
    (view,) = selectors.equality_views(programme=access.programme, assessment=assessment)
    groups = [("The protected characteristics (Equality Act 2010)", view.protected),
              ("The council's own additions", view.council_groups)]
    return render(request, "business_cases/equality_assessment.html", _equality_ctx(access, view=view,
                                                                                      groups=groups))


def _assessment_url(assessment_id: int, slug: str) -> str:
    return reverse("business_cases:eia", args=[slug, assessment_id])


def _from_query(*names: str):
    """A new record's first values from the query string (?assessment=3 on a line added
    from an assessment's page), for the named foreign keys."""
    def initial(request: HttpRequest, access: ProgrammeAccess) -> dict:
        return {name: int(request.GET[name]) for name in names if request.GET.get(name, "").isdigit()}
    return initial


def _equality_ctx(access: ProgrammeAccess, **extra) -> dict:
    return programme_context(access, "equality", **extra)


def _equality_record(key: str, model, form, singular: str, **kw) -> RecordPages:
    """An assessment, or a line or mitigation of one, on the shared record pages, framed
    by the Equality section; written by those who write the business case."""
    return RecordPages(key=key, model=model, form=form, singular=singular, capability=Capability.EDIT_BUSINESS_CASE,
                       namespace="business_cases", done="business_cases:equality", context=_equality_ctx, **kw)


EIAS = _equality_record(
    "eia", EqualityAssessment, EqualityAssessmentForm, "equality impact assessment", article="an",
    initial=_from_query("option"), save=assessment_save,
    saved_message=lambda a: f"The equality impact assessment “{a.title}” has been saved.")
# A line and a mitigation are shown on their assessment's page, and lead back to it.
EIA_IMPACTS = _equality_record(
    "eia_impact", EqualityImpact, EqualityImpactForm, "characteristic", initial=_from_query("assessment"),
    back=lambda i: _assessment_url(i.assessment_id, i.programme.slug), remove=equality_impact_delete,
    edit_heading=lambda i: f"Edit the impact on {i.label}",
    saved_message=lambda i: f"The line for {i.label} has been saved.")
EIA_MITIGATIONS = _equality_record(
    "eia_mitigation", EqualityMitigation, EqualityMitigationForm, "mitigation", initial=_from_query("impact"),
    back=lambda m: _assessment_url(m.impact.assessment_id, m.programme.slug))


# --- The version as a document (business_cases.case_document) ----------------------------------

def _case_job(access: ProgrammeAccess, version: BusinessCaseVersion, job_uuid):
    return get_object_or_404(jobs_for(version, kind=CASE_KIND), uuid=job_uuid)


@login_required
@require_POST
def case_document_request(request: HttpRequest, slug: str, stage: str, number: int) -> HttpResponse:
    access = programme_access(request.user, slug)
    version = _version(access, stage, number)
    access.require(Capability.EXPORT)
    fmt = request.POST.get("format", "")
    if fmt not in CASE_FORMATS:
        messages.error(request, "Choose a PDF or a Word file.")
        return redirect("business_cases:version", slug, stage, number)
    job, _ = case_request(version=version, fmt=fmt, user=request.user, request_id=request.POST.get("request_id", ""))
    return redirect("business_cases:case_document_job", slug, stage, number, job.uuid)


@login_required
@require_safe
def case_document_job(request: HttpRequest, slug: str, stage: str, number: int, job_uuid) -> HttpResponse:
    access = programme_access(request.user, slug, Capability.EXPORT)
    version = _version(access, stage, number)
    job = _case_job(access, version, job_uuid)
    template = ("business_cases/includes/case_document_status.html" if request.headers.get("HX-Request")
                else "business_cases/case_document_job.html")
    status = job_pages.status_context(
        request, access, job,
        retry_url=reverse("business_cases:case_document_retry", args=[slug, stage, number, job.uuid]),
        job_url=lambda j: reverse("business_cases:case_document_job", args=[slug, stage, number, j.uuid]))
    return render(request, template, _ctx(access, version=version, view=_stage_view(access.programme, stage),
                                          job=job, **status))


@login_required
@require_POST
def case_document_retry(request: HttpRequest, slug: str, stage: str, number: int, job_uuid) -> HttpResponse:
    access = programme_access(request.user, slug, Capability.EXPORT)
    version = _version(access, stage, number)
    job = job_pages.retry_job(request, access, _case_job(access, version, job_uuid))
    return redirect("business_cases:case_document_job", slug, stage, number, job.uuid)


@login_required
@require_safe
def case_document_download(request: HttpRequest, slug: str, stage: str, number: int, job_uuid) -> HttpResponse:
    access = programme_access(request.user, slug, Capability.EXPORT)
    version = _version(access, stage, number)
    job = _case_job(access, version, job_uuid)
    if not job.result_file:
        raise Http404("This file is not ready")
    return FileResponse(job.result_file.open("rb"), as_attachment=True, filename=job.result_name,
                        content_type=job.result_content_type)
