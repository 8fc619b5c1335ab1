"""Pages of the workforce app. Each view: find the programme through the access helper
(404 for outsiders, 403 for a role without the capability), bind a form, call a selector,
`workforce.reporting` or a service, render or redirect.

Who sees people: only a role with VIEW_PERSONAL_DATA (the HR lead; administrators). Every
other page shows aggregates, with small groups suppressed (see `workforce.reporting`), and
every page that shows a person logs the look (`services.personal_data_viewed`)."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.concurrency import atomic_post
from core.exports import xlsx_bytes
from core.models import Upload
from core.roles import Capability
from core.uploads import (
    FileAlreadyLoaded,
    UploadError,
    UploadFileForm,
    confirmed_warnings,
    get_upload_spec,
    mapping_form,
    sheet_choice,
    upload_choose_sheet,
    upload_commit,
    upload_discard,
    upload_errors_xlsx,
    upload_inspect,
    upload_preview,
    upload_receive,
    upload_rollback,
    upload_sheets,
    upload_template_xlsx,
    uploads_for,
)
from programmes.access import ProgrammeAccess, programme_access
from programmes.services import record_save
from programmes.upload_pages import commit_refused, confirm_error, confirm_query
from programmes.views import programme_context, today
from workforce import eli_workbook, reporting, selectors
from workforce.forms import (
    EmployeeRecordForm,
    EstablishmentForm,
    EstablishmentLinesForm,
    PayScaleForm,
    ReadinessForm,
    RosterDetailsForm,
    TeamForm,
    WorkforceSettingsForm,
)
from workforce.imports import READINESS_KIND, ROSTER_KIND, offered_teams, roster_form_kwargs
from workforce.models import PersonalDataView, Readiness, WorkforceSettings
from workforce.services import (
    establishment_lines_save,
    personal_data_viewed,
    readiness_save,
    teams_create,
    workforce_settings_save,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KINDS = {"roster": ROSTER_KIND, "readiness": READINESS_KIND}
KIND_TITLES = {"roster": "a transfer roster (ELI)", "readiness": "a day-one readiness sheet"}


def _personal(access: ProgrammeAccess) -> bool:
    return access.can(Capability.VIEW_PERSONAL_DATA)


def _ctx(access: ProgrammeAccess, section: str, **extra) -> dict:
    return programme_context(access, "workforce", section=section, personal=_personal(access), **extra)


def _version(access: ProgrammeAccess, version: int):
    roster = selectors.roster_by_version(programme=access.programme, version=version)
    if roster is None:
        raise Http404("No such roster version")
    return roster


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- What everyone sees: aggregates -----------------------------------------------------------

@login_required
@require_safe
def summary(request: HttpRequest, slug: str) -> HttpResponse:
    access = programme_access(request.user, slug)
    roster = selectors.latest_roster(programme=access.programme)
    summary_ = reporting.team_summary(roster, personal=_personal(access))
    return render(request, "workforce/summary.html", _ctx(
        access, "summary", roster=roster, summary=summary_, chart=reporting.team_chart(summary_)))


@login_required
@require_safe
def breakdowns(request: HttpRequest, slug: str) -> HttpResponse:
    access = programme_access(request.user, slug)
    roster = selectors.latest_roster(programme=access.programme)
    return render(request, "workforce/breakdowns.html", _ctx(
        access, "breakdowns", roster=roster, breakdowns=reporting.breakdowns(roster, personal=_personal(access))))


@login_required
@require_safe
def versions(request: HttpRequest, slug: str) -> HttpResponse:
    access = programme_access(request.user, slug)
    rosters = selectors.rosters(programme=access.programme)
    rows = reporting.version_rows(rosters, selectors.version_counts(rosters), personal=_personal(access))
    return render(request, "workforce/versions.html", _ctx(
        access, "versions", rows=rows, eli_deadline=access.programme.eli_deadline))


def _int(raw) -> int | None:
    raw = str(raw or "").strip()
    return int(raw) if raw.isdigit() else None


@login_required
@require_safe
def difference(request: HttpRequest, slug: str) -> HttpResponse:
    access = programme_access(request.user, slug)
    rosters = selectors.roster_versions(programme=access.programme)
    by_version = {r.version: r for r in rosters}
    newer = by_version.get(_int(request.GET.get("to"))) or (rosters[0] if rosters else None)
    older = by_version.get(_int(request.GET.get("from"))) or (rosters[1] if len(rosters) > 1 else None)
    diff = None
    if older and newer and older.pk != newer.pk:
        personal = _personal(access)
        diff = reporting.difference(older, newer, personal=personal)
        if personal:
            personal_data_viewed(programme=access.programme, user=request.user, roster=newer,
                                 what=f"Difference between versions {older.version} and {newer.version}")
    return render(request, "workforce/difference.html", _ctx(
        access, "difference", rosters=rosters, older=older, newer=newer, diff=diff))


@login_required
@require_safe
def readiness(request: HttpRequest, slug: str) -> HttpResponse:
    access = programme_access(request.user, slug)
    roster = selectors.latest_roster(programme=access.programme)
    personal = _personal(access)
    table = reporting.readiness_by_team(access.programme, roster, personal=personal, today=today())
    people = []
    if personal and roster:
        ready = selectors.readiness_by_ref(programme=access.programme)
        for record in selectors.people(roster=roster):
            if not record.is_vacancy:
                people.append((record, ready.get(record.employee_ref.upper())))
        personal_data_viewed(programme=access.programme, user=request.user, roster=roster,
                             what="Day-one readiness by person")
    return render(request, "workforce/readiness.html", _ctx(
        access, "readiness", roster=roster, table=table, people=people, checks=_check_labels()))


def _check_labels() -> list[str]:
    return [str(Readiness._meta.get_field(c).verbose_name) for c in Readiness.CHECKS]


@login_required
@require_safe
def restructures(request: HttpRequest, slug: str) -> HttpResponse:
    access = programme_access(request.user, slug)
    return render(request, "workforce/restructures.html", _ctx(
        access, "restructures", establishments=selectors.establishments(programme=access.programme)))


@login_required
@require_safe
def establishment(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = programme_access(request.user, slug)
    found = selectors.establishment_for(programme=access.programme, pk=pk)
    if found is None:
        raise Http404("No such establishment")
    return render(request, "workforce/establishment.html", _ctx(
        access, "restructures", comparison=reporting.establishment_compare(found, personal=_personal(access))))


@login_required
@require_safe
def export(request: HttpRequest, slug: str) -> HttpResponse:
    """The aggregate workbook: the same suppressed figures as the pages, for every role."""
    access = programme_access(request.user, slug, Capability.EXPORT)
    personal = _personal(access)
    roster = selectors.latest_roster(programme=access.programme)
    rows = reporting.roster_rows(roster)
    s = reporting.team_summary(roster, personal=personal, rows=rows)
    team_rows = [[r.team, r.service_line, r.people.shown_headcount, r.people.shown_fte, r.vacancies, r.vacancy_fte]
                 for r in s.rows]
    team_rows.append(["Total", "", s.total.shown_headcount, s.total.shown_fte, s.vacancies, s.vacancy_fte])
    lines = [[line, cell.shown_headcount, cell.shown_fte, v] for line, cell, v in s.service_lines]
    breakdown_rows = [[b.title, label, cell.shown_headcount, cell.shown_fte]
                      for b in reporting.breakdowns(roster, personal=personal, rows=rows) for label, cell in b.rows]
    table = reporting.readiness_by_team(access.programme, roster, personal=personal, today=today())
    ready_rows = [[r.team, r.people.shown_headcount, *(r.done[c] if not r.people.hidden else "–"
                                                       for c in Readiness.CHECKS)]
                  for r in [*table.rows, table.total]]
    rosters = selectors.rosters(programme=access.programme)
    version_rows = [[v.roster.version, v.roster.as_at, v.roster.received_on, v.roster.days_late,
                     v.people.shown_headcount, v.people.shown_fte, v.vacancies]
                    for v in reporting.version_rows(rosters, selectors.version_counts(rosters), personal=personal)]
    content = xlsx_bytes([
        ("Teams", ["Team", "Service line", "Headcount", "FTE", "Vacancies", "Vacancy FTE"], team_rows),
        ("Service lines", ["Service line", "Headcount", "FTE", "Vacancies"], lines),
        ("Breakdowns", ["Breakdown", "Group", "Headcount", "FTE"], breakdown_rows),
        ("Readiness", ["Team", "People", *_check_labels()], ready_rows),
        ("Versions", ["Version", "As at", "Received on", "Days late", "Headcount", "FTE", "Vacancies"], version_rows),
    ])
    return _xlsx(content, f"{slug}-workforce-{today():%Y-%m-%d}.xlsx")


# --- HR only: people ------------------------------------------------------------------------

@login_required
@require_safe
def people(request: HttpRequest, slug: str, version: int) -> HttpResponse:
    access = programme_access(request.user, slug, Capability.VIEW_PERSONAL_DATA)
    roster = _version(access, version)
    team = _int(request.GET.get("team"))
    records = selectors.people(roster=roster, team=team)
    personal_data_viewed(programme=access.programme, user=request.user, roster=roster,
                         what=f"People on version {roster.version}")
    return render(request, "workforce/people.html", _ctx(
        access, "versions", roster=roster, records=records, teams=selectors.teams(programme=access.programme),
        team=team))


@login_required
@require_safe
def people_export(request: HttpRequest, slug: str, version: int) -> HttpResponse:
    access = programme_access(request.user, slug, Capability.VIEW_PERSONAL_DATA)
    roster = _version(access, version)
    records = selectors.people(roster=roster)
    personal_data_viewed(programme=access.programme, user=request.user, roster=roster,
                         what=f"Spreadsheet of the people on version {roster.version}")
    headers = ["Employee reference", "Vacancy", "Name", "Job title", "Team", "Service line", "Grade", "Pay scale",
               "Terms and conditions", "Annual pay", "Contracted hours", "FTE", "Contract type",
               "Continuous service date", "Pension scheme", "Base location", "Status", "Sickness absence days",
               "Disciplinary", "Grievance", "Claims"]
    rows = [[r.employee_ref, "Yes" if r.is_vacancy else "No", r.name, r.job_title, r.team.name, r.service_line,
             r.grade, r.pay_scale.code, r.get_terms_display(), r.annual_pay, r.contracted_hours, r.fte,
             r.get_contract_type_display(), r.continuous_service_date, r.get_pension_scheme_display(),
             r.base_location, r.get_status_display(), r.sickness_absence_days, r.disciplinary_last_two_years,
             r.grievance_last_two_years, r.claims] for r in records]
    return _xlsx(xlsx_bytes([(f"Version {roster.version}", headers, rows)]),
                 f"{slug}-roster-v{roster.version}-personal.xlsx")


def _record(access: ProgrammeAccess, pk: int):
    record = selectors.record_for_detail(programme=access.programme, pk=pk)
    if record is None:
        raise Http404("No such record")
    return record


@login_required
@require_safe
def person(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = programme_access(request.user, slug, Capability.VIEW_PERSONAL_DATA)
    record = _record(access, pk)
    personal_data_viewed(programme=access.programme, user=request.user, record=record, what="Person's record")
    return render(request, "workforce/person.html", _ctx(
        access, "versions", record=record,
        readiness=selectors.readiness_of(programme=access.programme, employee_ref=record.employee_ref),
        checks=list(zip(Readiness.CHECKS, _check_labels(), strict=True))))


@login_required
@require_http_methods(["GET", "POST"])
@atomic_post  # the version check locks the row until the save
def person_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = programme_access(request.user, slug, Capability.EDIT_WORKFORCE)
    access.require(Capability.VIEW_PERSONAL_DATA)
    record = _record(access, pk)
    form = EmployeeRecordForm(request.POST or None, instance=record, programme=access.programme,
                              standard_week=selectors.standard_week(programme=access.programme))
    if request.method == "POST" and form.is_valid():
        record_save(instance=form.save(commit=False), user=request.user,
                    reason=request.POST.get("change_reason") or "Record corrected")
        messages.success(request, "The record has been saved.")
        return redirect("workforce:person", slug, record.pk)
    if request.method == "GET":
        personal_data_viewed(programme=access.programme, user=request.user, record=record,
                             what="Person's record (to edit)")
    return render(request, "programmes/form.html", _ctx(
        access, "versions", form=form, heading=f"Correct the record of {record.employee_ref}", submit="Save record",
        ask_reason=True, cancel_url=reverse("workforce:person", args=[slug, record.pk])))


@login_required
@require_http_methods(["GET", "POST"])
@atomic_post  # the version check locks the row until the save
def readiness_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = programme_access(request.user, slug, Capability.EDIT_WORKFORCE)
    record = _record(access, pk)
    current = selectors.readiness_of(programme=access.programme, employee_ref=record.employee_ref)
    form = ReadinessForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        readiness_save(programme=access.programme, employee_ref=record.employee_ref, user=request.user,
                       checks={c: form.cleaned_data[c] for c in Readiness.CHECKS})
        messages.success(request, f"Day-one readiness of {record.employee_ref} saved.")
        return redirect("workforce:readiness", slug)
    return render(request, "programmes/form.html", _ctx(
        access, "readiness", form=form, heading=f"Day-one readiness of {record.employee_ref}",
        submit="Save readiness", cancel_url=reverse("workforce:readiness", args=[slug])))


@login_required
@require_safe
def access_log(request: HttpRequest, slug: str) -> HttpResponse:
    access = programme_access(request.user, slug, Capability.VIEW_PERSONAL_DATA)
    views_ = list(PersonalDataView.objects.filter(programme=access.programme)
                  .select_related("user", "roster", "record").order_by("-viewed_at", "-pk")[:200])
    return render(request, "workforce/access_log.html", _ctx(access, "settings", views=views_))


# --- HR: settings, teams, pay scales, restructures ------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
@atomic_post  # the version check locks the row until the save
def settings(request: HttpRequest, slug: str) -> HttpResponse:
    access = programme_access(request.user, slug, Capability.EDIT_WORKFORCE)
    current = WorkforceSettings.objects.filter(programme=access.programme).first()
    form = WorkforceSettingsForm(request.POST or None, instance=current or WorkforceSettings(
        programme=access.programme))
    if request.method == "POST" and form.is_valid():
        workforce_settings_save(programme=access.programme, user=request.user,
                                standard_weekly_hours=form.cleaned_data["standard_weekly_hours"])
        messages.success(request, "Workforce settings saved.")
        return redirect("workforce:settings", slug)
    return render(request, "workforce/settings.html", _ctx(
        access, "settings", form=form, teams=selectors.teams(programme=access.programme),
        pay_scales=selectors.pay_scales(programme=access.programme)))


def _simple_create(request, slug, form_class, heading, submit, reason):
    access = programme_access(request.user, slug, Capability.EDIT_WORKFORCE)
    form = form_class(request.POST or None, programme=access.programme)
    if request.method == "POST" and form.is_valid():
        record_save(instance=form.save(commit=False), user=request.user, reason=reason)
        messages.success(request, f"{heading.replace('Add a', 'The').replace('Add', 'The')} has been added.")
        return redirect("workforce:settings", slug)
    return render(request, "programmes/form.html", _ctx(
        access, "settings", form=form, heading=heading, submit=submit,
        cancel_url=reverse("workforce:settings", args=[slug])))


@login_required
@require_http_methods(["GET", "POST"])
def team_create(request: HttpRequest, slug: str) -> HttpResponse:
    return _simple_create(request, slug, TeamForm, "Add a team", "Add team", "Team added")


@login_required
@require_http_methods(["GET", "POST"])
def pay_scale_create(request: HttpRequest, slug: str) -> HttpResponse:
    return _simple_create(request, slug, PayScaleForm, "Add a pay scale", "Add pay scale", "Pay scale added")


@login_required
@require_http_methods(["GET", "POST"])
def establishment_create(request: HttpRequest, slug: str) -> HttpResponse:
    access = programme_access(request.user, slug, Capability.EDIT_WORKFORCE)
    form = EstablishmentForm(request.POST or None, programme=access.programme)
    if request.method == "POST" and form.is_valid():
        found = record_save(instance=form.save(commit=False), user=request.user, reason="Establishment proposed")
        return redirect("workforce:establishment_edit", slug, found.pk)
    return render(request, "programmes/form.html", _ctx(
        access, "restructures", form=form, heading="Propose an establishment", submit="Continue",
        cancel_url=reverse("workforce:restructures", args=[slug])))


@login_required
@require_http_methods(["GET", "POST"])
@atomic_post  # the version check locks the row until the save
def establishment_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = programme_access(request.user, slug, Capability.EDIT_WORKFORCE)
    found = selectors.establishment_for(programme=access.programme, pk=pk)
    if found is None:
        raise Http404("No such establishment")
    teams = selectors.teams(programme=access.programme)
    form = EstablishmentLinesForm(request.POST or None, teams=teams,
                                  initial_lines={ln.team_id: ln for ln in found.lines.all()})
    if request.method == "POST" and form.is_valid():
        establishment_lines_save(establishment=found, lines=form.lines(), user=request.user)
        messages.success(request, f"{found.name} saved.")
        return redirect("workforce:establishment", slug, found.pk)
    return render(request, "workforce/establishment_edit.html", _ctx(
        access, "restructures", form=form, establishment=found))


# --- HR: uploads through core.uploads -----------------------------------------------------

def _kind(kind: str) -> str:
    if kind not in KINDS:
        raise Http404("No such upload")
    return KINDS[kind]


def _upload(access: ProgrammeAccess, kind: str, upload_pk: int) -> Upload:
    return get_object_or_404(uploads_for(access.programme, kind=_kind(kind)), pk=upload_pk)


def _upload_ctx(access: ProgrammeAccess, kind: str, **extra) -> dict:
    slug = access.programme.slug
    return _ctx(access, "uploads", kind=kind, kind_title=KIND_TITLES[kind],
                uploads_url=reverse("workforce:uploads", args=[slug]), **extra)


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    access = programme_access(request.user, slug, Capability.EDIT_WORKFORCE)
    upload_kind = _kind(kind)
    form = UploadFileForm(request.POST, request.FILES) if request.method == "POST" else UploadFileForm()
    upload_error = already_loaded = None
    if request.method == "POST" and form.is_valid():
        try:
            found = upload_receive(target=access.programme, kind=upload_kind, uploaded_file=form.cleaned_data["file"],
                                   user=request.user, refuse_if_loaded=True)
        except FileAlreadyLoaded as e:
            already_loaded = e
        except UploadError as e:
            upload_error = e.message
        else:
            return redirect("workforce:upload_mapping", slug, kind, found.pk)
    return render(request, "workforce/upload.html", _upload_ctx(
        access, kind, upload_form=form, upload_error=upload_error, already_loaded=already_loaded,
        template_url=reverse("workforce:upload_template", args=[slug, kind]),
        upload_action=reverse("workforce:upload", args=[slug, kind])))


@login_required
@require_http_methods(["GET", "POST"])
def upload_mapping(request: HttpRequest, slug: str, kind: str, upload_pk: int) -> HttpResponse:
    access = programme_access(request.user, slug, Capability.EDIT_WORKFORCE)
    found = _upload(access, kind, upload_pk)
    spec = get_upload_spec(KINDS[kind])
    # Another sheet is chosen before the current one is read, since that one may be the
    # very sheet that cannot be (an empty front sheet before the roster).
    if request.method == "POST" and "sheet" in request.POST:
        try:
            upload_choose_sheet(upload=found, sheet=request.POST["sheet"], sheets=upload_sheets(found))
        except UploadError as e:
            messages.error(request, e.message)
        return redirect("workforce:upload_mapping", slug, kind, found.pk)
    mapping_action = reverse("workforce:upload_mapping", args=[slug, kind, found.pk])
    try:
        preview = upload_inspect(upload=found, form_kwargs=roster_form_kwargs(
            access.programme, upload=found, kind=KINDS[kind]))
    except UploadError as e:
        choice = sheet_choice(found)
        if choice is None:
            messages.error(request, e.message)
            return redirect("workforce:upload", slug, kind)
        return render(request, "workforce/upload_mapping.html", _upload_ctx(
            access, kind, upload=found, preview=choice, mapping_action=mapping_action, sheet_error=e.message))
    form = mapping_form(spec, preview.headers, initial=preview.mapping,
                        data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if found.status in (Upload.Status.PREVIEWED, Upload.Status.FAILED):
            mapping = {c.name: form.cleaned_data.get(c.name) or None for c in spec.columns}
            upload_preview(upload=found, mapping=mapping, form_kwargs=roster_form_kwargs(
                access.programme, upload=found, mapping=mapping, kind=KINDS[kind]))
        return redirect("workforce:upload_preview", slug, kind, found.pk)
    return render(request, "workforce/upload_mapping.html", _upload_ctx(
        access, kind, upload=found, mapping_form=form, preview=preview, mapping_action=mapping_action))


def _preview_page(request, access: ProgrammeAccess, kind: str, found: Upload, details_form=None, status=200):
    kwargs = roster_form_kwargs(access.programme, upload=found, kind=KINDS[kind])
    preview = upload_inspect(upload=found, form_kwargs=kwargs)
    slug = access.programme.slug
    return render(request, "workforce/upload_preview.html", _upload_ctx(
        access, kind, upload=found, preview=preview, unknown_teams=list(offered_teams(kwargs["lookups"]).items()),
        details_form=details_form or (RosterDetailsForm(initial={"received_on": today()}) if kind == "roster"
                                      else None),
        load_suffix=" as a new version" if kind == "roster" else "",
        confirm_error=confirm_error(request, preview),
        # The rows are people: this page shows counts and errors, and no one's details.
        hide_rows=True,
        errors_url=reverse("workforce:upload_errors", args=[slug, kind, found.pk]),
        discard_action=reverse("workforce:upload_discard", args=[slug, kind, found.pk]),
        commit_action=reverse("workforce:upload_commit", args=[slug, kind, found.pk]),
        teams_action=reverse("workforce:upload_teams", args=[slug, kind, found.pk]),
        mapping_url=reverse("workforce:upload_mapping", args=[slug, kind, found.pk])), status=status)


@login_required
@require_safe
def upload_preview_page(request: HttpRequest, slug: str, kind: str, upload_pk: int) -> HttpResponse:
    access = programme_access(request.user, slug, Capability.EDIT_WORKFORCE)
    found = _upload(access, kind, upload_pk)
    try:
        return _preview_page(request, access, kind, found)
    except UploadError as e:
        messages.error(request, e.message)
        return redirect("workforce:upload", slug, kind)


@login_required
@require_POST
def upload_teams(request: HttpRequest, slug: str, kind: str, upload_pk: int) -> HttpResponse:
    """Create the unknown teams the HR lead ticked on the preview, then check again."""
    access = programme_access(request.user, slug, Capability.EDIT_WORKFORCE)
    found = _upload(access, kind, upload_pk)
    kwargs = roster_form_kwargs(access.programme, upload=found, kind=KINDS[kind])
    try:
        # Reading the file is what finds the teams it names that the programme lacks.
        upload_inspect(upload=found, form_kwargs=kwargs)
    except UploadError as e:
        messages.error(request, e.message)
        return redirect("workforce:upload", slug, kind)
    offered = offered_teams(kwargs["lookups"])
    chosen = {name: offered[name] for name in request.POST.getlist("team") if name in offered}
    if not chosen:
        messages.error(request, "Tick the teams to create.")
    else:
        made = teams_create(programme=access.programme, teams=chosen, user=request.user)
        messages.success(request, f"{len(made)} team{'s' if len(made) != 1 else ''} created: "
                                  f"{', '.join(t.name for t in made)}. The file has been checked again.")
    return redirect("workforce:upload_preview", slug, kind, found.pk)


@login_required
@require_POST
def upload_commit_view(request: HttpRequest, slug: str, kind: str, upload_pk: int) -> HttpResponse:
    access = programme_access(request.user, slug, Capability.EDIT_WORKFORCE)
    found = _upload(access, kind, upload_pk)
    write_ctx = {"programme": access.programme}
    if kind == "roster":
        details = RosterDetailsForm(request.POST)
        if not details.is_valid():
            try:
                return _preview_page(request, access, kind, found, details_form=details)
            except UploadError as e:
                messages.error(request, e.message)
                return redirect("workforce:upload", slug, kind)
        write_ctx |= {k: details.cleaned_data[k] for k in ("as_at", "received_on", "note")}
    try:
        outcome = upload_commit(upload=found, user=request.user, write_ctx=write_ctx,
                                form_kwargs=roster_form_kwargs(access.programme, upload=found, kind=KINDS[kind]),
                                accept_warnings=confirmed_warnings(request.POST.get("accept_warnings")))
    except UploadError as e:
        messages.error(request, e.message)
        return redirect("workforce:uploads", slug)
    if commit_refused(request, outcome):
        if outcome.already_loaded:
            return redirect("workforce:uploads", slug)
        if outcome.needs_confirmation:
            return redirect(reverse("workforce:upload_preview", args=[slug, kind, found.pk]) + confirm_query(request))
        return redirect("workforce:upload_preview", slug, kind, found.pk)
    if kind == "roster":
        messages.success(request, f"{outcome.written} rows loaded from {found.original_name} as a new roster version.")
        return redirect("workforce:versions", slug)
    messages.success(request, f"Readiness of {outcome.written} people updated from {found.original_name}.")
    return redirect("workforce:readiness", slug)


@login_required
@require_safe
def uploads(request: HttpRequest, slug: str) -> HttpResponse:
    access = programme_access(request.user, slug, Capability.EDIT_WORKFORCE)
    return render(request, "workforce/uploads.html", _ctx(
        access, "uploads", roster_uploads=_with_discard_urls(access, "roster"),
        readiness_uploads=_with_discard_urls(access, "readiness"), can_roll_back=True,
        rollback_url=reverse("workforce:uploads", args=[slug])))


def _with_discard_urls(access: ProgrammeAccess, kind: str) -> list[Upload]:
    found = list(uploads_for(access.programme, kind=KINDS[kind]))
    for u in found:
        u.discard_url = (reverse("workforce:upload_discard", args=[access.programme.slug, kind, u.pk])
                         if u.status in (Upload.Status.PREVIEWED, Upload.Status.FAILED) else None)
    return found


@login_required
@require_POST
def upload_discard_view(request: HttpRequest, slug: str, kind: str, upload_pk: int) -> HttpResponse:
    access = programme_access(request.user, slug, Capability.EDIT_WORKFORCE)
    found = _upload(access, kind, upload_pk)
    try:
        upload_discard(upload=found, user=request.user)
    except UploadError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, f"{found.original_name} has been discarded. Nothing from it was loaded.")
    return redirect("workforce:uploads", slug)


@login_required
@require_safe
def upload_errors(request: HttpRequest, slug: str, kind: str, upload_pk: int) -> HttpResponse:
    """The file's rows with errors, each with its problems, to correct and upload again."""
    access = programme_access(request.user, slug, Capability.EDIT_WORKFORCE)
    found = _upload(access, kind, upload_pk)
    try:
        preview = upload_inspect(upload=found, form_kwargs=roster_form_kwargs(access.programme, upload=found,
                                                                             kind=KINDS[kind]))
    except UploadError as e:
        messages.error(request, e.message)
        return redirect("workforce:upload", slug, kind)
    # The rows go back as the file had them: names and pay, so the look is logged.
    personal_data_viewed(programme=access.programme, user=request.user,
                         what=f"Rows with errors of {found.original_name}")
    return _xlsx(upload_errors_xlsx(found, preview), f"{kind}-errors.xlsx")


@login_required
@require_safe
def upload_template(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    """A blank workbook with this kind's columns and an example row."""
    programme_access(request.user, slug, Capability.EDIT_WORKFORCE)
    return _xlsx(upload_template_xlsx(get_upload_spec(_kind(kind))), f"{kind}-template.xlsx")


@login_required
@require_POST
def upload_rollback_view(request: HttpRequest, slug: str, upload_pk: int) -> HttpResponse:
    access = programme_access(request.user, slug, Capability.EDIT_WORKFORCE)
    found = get_object_or_404(Upload.objects.filter(kind__in=KINDS.values()), pk=upload_pk)
    found = _upload(access, "roster" if found.kind == ROSTER_KIND else "readiness", upload_pk)
    try:
        upload_rollback_done = upload_rollback(upload=found, user=request.user)
    except UploadError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, f"What {upload_rollback_done.original_name} loaded has been removed.")
    return redirect("workforce:uploads", slug)


@login_required
@require_safe
def template(request: HttpRequest, slug: str) -> HttpResponse:
    """The example ELI workbook (invented people), made by the same code as the demo's."""
    access = programme_access(request.user, slug, Capability.EDIT_WORKFORCE)
    rows = eli_workbook.first_version(access.programme.transfer_date)
    return _xlsx(eli_workbook.workbook_bytes(rows), "eli-template.xlsx")

