"""Pages of the workforce app. Each view: find the programme through the access helper
(404 for outsiders, 403 for a role without the capability), bind a form, call a selector,
`workforce.reporting` or a service, render or redirect.

Who sees people: only a role with VIEW_PERSONAL_DATA (the HR lead; administrators). Every
other page shows aggregates, with small groups suppressed (see `workforce.reporting`), and
every page that shows a person logs the look (`services.personal_data_viewed`)."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.concurrency import atomic_post
from core.exports import xlsx_bytes
from core.models import Upload
from core.roles import Capability
from core.uploads import UploadError, upload_inspect, uploads_for
from programmes.access import ProgrammeAccess
from programmes.record_pages import RecordPages
from programmes.services import record_save
from programmes.upload_pages import UploadPages, views_by_kind
from programmes.views import programme_context, today
from workforce import eli_workbook, reporting, selectors
from workforce.access import workforce_access
from workforce.forms import (
    EmployeeRecordForm,
    EstablishmentForm,
    EstablishmentLinesForm,
    PayScaleForm,
    PensionRateForm,
    ReadinessForm,
    ReadinessItemForm,
    RosterDetailsForm,
    TeamForm,
    WorkforceSettingsForm,
)
from workforce.imports import READINESS_KIND, ROSTER_KIND, offered_teams, roster_form_kwargs
from workforce.models import PensionRate, PersonalDataView, ReadinessItem, WorkforceSettings
from workforce.services import (
    establishment_lines_save,
    personal_data_viewed,
    readiness_item_delete,
    readiness_item_save,
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
    access = workforce_access(request.user, slug)
    roster = selectors.latest_roster(programme=access.programme)
    summary_ = reporting.team_summary(roster, personal=_personal(access))
    return render(request, "workforce/summary.html", _ctx(
        access, "summary", roster=roster, summary=summary_, chart=reporting.team_chart(summary_)))


@login_required
@require_safe
def breakdowns(request: HttpRequest, slug: str) -> HttpResponse:
    access = workforce_access(request.user, slug)
    roster = selectors.latest_roster(programme=access.programme)
    return render(request, "workforce/breakdowns.html", _ctx(
        access, "breakdowns", roster=roster, breakdowns=reporting.breakdowns(roster, personal=_personal(access))))


@login_required
@require_safe
def versions(request: HttpRequest, slug: str) -> HttpResponse:
    access = workforce_access(request.user, slug)
    # The contracts once, for the ELI deadlines of the programme, of each phase and of each version.
    prefetch_related_objects([access.programme], "contracts")
    rosters = selectors.rosters(programme=access.programme)
    rows = reporting.version_rows(rosters, selectors.version_counts(rosters), personal=_personal(access))
    return render(request, "workforce/versions.html", _ctx(
        access, "versions", rows=rows, eli_deadline=access.programme.eli_deadline,
        phased=any(r.contract_id for r in rosters),
        deadlines=[(c.title, c.transfer_date, c.eli_deadline) for c in access.programme.contracts.all()
                   if c.eli_deadline]))


def _int(raw) -> int | None:
    raw = str(raw or "").strip()
    return int(raw) if raw.isdigit() else None


@login_required
@require_safe
def difference(request: HttpRequest, slug: str) -> HttpResponse:
    access = workforce_access(request.user, slug)
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
    access = workforce_access(request.user, slug)
    roster = selectors.latest_roster(programme=access.programme)
    personal = _personal(access)
    table = reporting.readiness_by_team(access.programme, roster, personal=personal, today=today())
    people = []
    if personal and roster:
        ready = selectors.readiness_by_ref(programme=access.programme)
        for record in selectors.people(roster=roster):
            if not record.is_vacancy:
                done = ready.get(record.employee_ref.upper())
                people.append((record, [bool(done and done.has(i)) for i in table.items]))
        personal_data_viewed(programme=access.programme, user=request.user, roster=roster,
                             what="Day-one readiness by person")
    return render(request, "workforce/readiness.html", _ctx(
        access, "readiness", roster=roster, table=table, people=people))


@login_required
@require_safe
def pensions(request: HttpRequest, slug: str) -> HttpResponse:
    """The transfer's annual employer pension cost by scheme and by team, per phase; the
    rates it is worked from; and, for HR, each person's line (the look logged)."""
    access = workforce_access(request.user, slug)
    personal = _personal(access)
    rosters = selectors.pension_rosters(programme=access.programme)
    costs = reporting.pension_costs(rosters, selectors.pension_rates(programme=access.programme), personal=personal)
    if personal and rosters:
        personal_data_viewed(programme=access.programme, user=request.user, roster=rosters[-1],
                             what="Employer pension cost by person")
    return render(request, "workforce/pensions.html", _ctx(access, "pensions", costs=costs))


# The programme's own day-one checks: added, renamed and removed by HR on the record pages
# (programmes.record_pages), listed on the readiness page. Removing one removes its ticks.
READINESS_ITEMS = RecordPages(
    key="readiness_items", model=ReadinessItem, form=ReadinessItemForm, singular="day-one check",
    capability=Capability.EDIT_WORKFORCE, namespace="workforce", done="workforce:readiness",
    context=lambda access, **extra: _ctx(access, "readiness", **extra), access=workforce_access,
    edit_heading=lambda item: f"Change the check “{item.label}”",
    saved_message=lambda item: f"The check “{item.label}” has been saved.",
    deleted_message=lambda item: f"The check “{item.label}” has been removed, with every tick of it.",
    delete_warning=lambda item: (f"{selectors.readiness_ticks(item=item)} of the programme's people have it ticked: "
                                 "the ticks go with it, and stay in each person's history."),
    save=readiness_item_save, remove=readiness_item_delete, delete_reason="Day-one check removed")


# A scheme's employer rate: added, changed and removed by HR on the record pages
# (programmes.record_pages), listed on the pensions page.
PENSION_RATES = RecordPages(
    key="pension_rates", model=PensionRate, form=PensionRateForm, singular="pension rate",
    capability=Capability.EDIT_WORKFORCE, namespace="workforce", done="workforce:pensions",
    context=lambda access, **extra: _ctx(access, "pensions", **extra), access=workforce_access,
    edit_heading=lambda rate: f"Change the employer rate of the {rate.get_scheme_display()}",
    saved_message=lambda rate: f"The employer rate of the {rate.get_scheme_display()} has been saved.",
    delete_reason="Pension rate removed")


@login_required
@require_safe
def restructures(request: HttpRequest, slug: str) -> HttpResponse:
    access = workforce_access(request.user, slug)
    return render(request, "workforce/restructures.html", _ctx(
        access, "restructures", establishments=selectors.establishments(programme=access.programme)))


@login_required
@require_safe
def establishment(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = workforce_access(request.user, slug)
    found = selectors.establishment_for(programme=access.programme, pk=pk)
    if found is None:
        raise Http404("No such establishment")
    return render(request, "workforce/establishment.html", _ctx(
        access, "restructures", comparison=reporting.establishment_compare(found, personal=_personal(access))))


@login_required
@require_safe
def export(request: HttpRequest, slug: str) -> HttpResponse:
    """The aggregate workbook: the same suppressed figures as the pages, for every role."""
    access = workforce_access(request.user, slug, Capability.EXPORT)
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
    ready_rows = [[r.team, r.people.shown_headcount, *(done if not r.people.hidden else "–" for done, _ in r.cells),
                   r.ready if not r.people.hidden else "–"]
                  for r in [*table.rows, table.total]]
    rosters = selectors.rosters(programme=access.programme)
    version_rows = [[v.roster.version, v.roster.as_at, v.roster.received_on, v.roster.days_late,
                     v.people.shown_headcount, v.people.shown_fte, v.vacancies]
                    for v in reporting.version_rows(rosters, selectors.version_counts(rosters), personal=personal)]
    costs = reporting.pension_costs(selectors.pension_rosters(programme=access.programme),
                                    selectors.pension_rates(programme=access.programme), personal=personal)
    pension_rows = [[phase.roster.version, by, label, cell.shown_people, cell.shown_cost, cell.shown_no_pay,
                     cell.shown_no_rate]
                    for phase in costs.phases
                    for by, label, cell in [*(("Scheme", r.label, r.cell) for r in phase.schemes),
                                            *(("Team", r.team, r.cell) for r in phase.teams),
                                            ("Total", "Total", phase.total)]]
    content = xlsx_bytes([
        ("Teams", ["Team", "Service line", "Headcount", "FTE", "Vacancies", "Vacancy FTE"], team_rows),
        ("Service lines", ["Service line", "Headcount", "FTE", "Vacancies"], lines),
        ("Breakdowns", ["Breakdown", "Group", "Headcount", "FTE"], breakdown_rows),
        ("Readiness", ["Team", "People", *(i.label for i in table.items), "Every check done"], ready_rows),
        ("Versions", ["Version", "As at", "Received on", "Days late", "Headcount", "FTE", "Vacancies"], version_rows),
        ("Pension costs", ["Version", "By", "Group", "People", "Employer cost a year", "No pay", "No rate"],
         pension_rows),
    ])
    return _xlsx(content, f"{slug}-workforce-{today():%Y-%m-%d}.xlsx")


# --- HR only: people ------------------------------------------------------------------------

@login_required
@require_safe
def people(request: HttpRequest, slug: str, version: int) -> HttpResponse:
    access = workforce_access(request.user, slug, Capability.VIEW_PERSONAL_DATA)
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
    access = workforce_access(request.user, slug, Capability.VIEW_PERSONAL_DATA)
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
    access = workforce_access(request.user, slug, Capability.VIEW_PERSONAL_DATA)
    record = _record(access, pk)
    personal_data_viewed(programme=access.programme, user=request.user, record=record, what="Person's record")
    readiness = selectors.readiness_of(programme=access.programme, employee_ref=record.employee_ref)
    return render(request, "workforce/person.html", _ctx(
        access, "versions", record=record,
        checks=[(i.label, readiness.has(i)) for i in selectors.readiness_items(programme=access.programme)]))


@login_required
@require_http_methods(["GET", "POST"])
@atomic_post  # the version check locks the row until the save
def person_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = workforce_access(request.user, slug, Capability.EDIT_WORKFORCE)
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
    access = workforce_access(request.user, slug, Capability.EDIT_WORKFORCE)
    record = _record(access, pk)
    current = selectors.readiness_of(programme=access.programme, employee_ref=record.employee_ref)
    form = ReadinessForm(request.POST or None, instance=current,
                         items=selectors.readiness_items(programme=access.programme))
    if request.method == "POST" and form.is_valid():
        readiness_save(programme=access.programme, employee_ref=record.employee_ref, user=request.user,
                       done=form.cleaned_data["done"])
        messages.success(request, f"Day-one readiness of {record.employee_ref} saved.")
        return redirect("workforce:readiness", slug)
    return render(request, "programmes/form.html", _ctx(
        access, "readiness", form=form, heading=f"Day-one readiness of {record.employee_ref}",
        submit="Save readiness", cancel_url=reverse("workforce:readiness", args=[slug])))


@login_required
@require_safe
def access_log(request: HttpRequest, slug: str) -> HttpResponse:
    access = workforce_access(request.user, slug, Capability.VIEW_PERSONAL_DATA)
    views_ = list(PersonalDataView.objects.filter(programme=access.programme)
                  .select_related("user", "roster", "record").order_by("-viewed_at", "-pk")[:200])
    return render(request, "workforce/access_log.html", _ctx(access, "settings", views=views_))


# --- HR: settings, teams, pay scales, restructures ------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
@atomic_post  # the version check locks the row until the save
def settings(request: HttpRequest, slug: str) -> HttpResponse:
    access = workforce_access(request.user, slug, Capability.EDIT_WORKFORCE)
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
    access = workforce_access(request.user, slug, Capability.EDIT_WORKFORCE)
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
    access = workforce_access(request.user, slug, Capability.EDIT_WORKFORCE)
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
    access = workforce_access(request.user, slug, Capability.EDIT_WORKFORCE)
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


# --- HR: uploads, on the shared upload pages (programmes.upload_pages) -----------------------

class WorkforceUploadPages(UploadPages):
    """The shared upload pages, with what a roster's preview adds: the teams the file names
    that the programme lacks, offered for creation (the check finds them)."""

    def preview_context(self, preview, form_kwargs: dict) -> dict:
        return {**super().preview_context(preview, form_kwargs),
                "unknown_teams": list(offered_teams(form_kwargs["lookups"]).items())}

    def _access(self, request, slug: str) -> ProgrammeAccess:
        # As every workforce page: 404 where no one transfers under the programme's contracts.
        return workforce_access(request.user, slug, self.capability)


def _looked_at(request, access: ProgrammeAccess, upload: Upload, what: str) -> None:
    personal_data_viewed(programme=access.programme, user=request.user, what=what)


def _upload_pages(kind: str, title: str, **kw) -> WorkforceUploadPages:
    return WorkforceUploadPages(
        kind=KINDS[kind], kind_arg=kind, capability=Capability.EDIT_WORKFORCE, namespace="workforce",
        templates=("workforce/upload.html", "workforce/upload_mapping.html", "workforce/upload_preview.html"),
        uploads_template="workforce/uploads.html", hint="", form_kwargs=roster_form_kwargs,
        context=lambda access, **extra: _ctx(access, "uploads", kind=kind, kind_title=title, **extra),
        removed="What {name} loaded has been removed.", looked_at=_looked_at,
        names={"receive": "upload", "mapping": "upload_mapping", "preview": "upload_preview",
               "commit": "upload_commit", "discard": "upload_discard", "errors": "upload_errors",
               "template": "upload_template", "rollback": "upload_rollback"}, **kw)


UPLOAD_PAGES = {
    "roster": _upload_pages(
        "roster", KIND_TITLES["roster"], done="workforce:versions",
        written=lambda n, upload: f"{n} rows loaded from {upload.original_name} as a new roster version.",
        details_form=lambda data, programme: RosterDetailsForm(data, programme=programme) if data is not None
        else RosterDetailsForm(initial={"received_on": today()}, programme=programme),
        # The rows are people: the preview shows counts and errors, and no one's details.
        preview_extra=lambda preview: {"hide_rows": True, "load_suffix": " as a new version"}),
    "readiness": _upload_pages(
        "readiness", KIND_TITLES["readiness"], done="workforce:readiness",
        written=lambda n, upload: f"Readiness of {n} people updated from {upload.original_name}.",
        preview_extra=lambda preview: {"hide_rows": True}),
}
UPLOAD_VIEWS = views_by_kind(UPLOAD_PAGES)


def _pages(kind: str) -> WorkforceUploadPages:
    if kind not in UPLOAD_PAGES:
        raise Http404("No such upload")
    return UPLOAD_PAGES[kind]


@login_required
@require_POST
def upload_teams(request: HttpRequest, slug: str, kind: str, upload_pk: int) -> HttpResponse:
    """Create the unknown teams the HR lead ticked on the preview, then check again."""
    pages = _pages(kind)
    access = workforce_access(request.user, slug, pages.capability)
    found = pages.upload_for(access, upload_pk)
    kwargs = pages.form_kwargs(access.programme)
    try:
        # Reading the file is what finds the teams it names that the programme lacks.
        upload_inspect(upload=found, form_kwargs=kwargs)
    except UploadError as e:
        messages.error(request, e.message)
        return redirect(pages.url("receive", slug))
    offered = offered_teams(kwargs["lookups"])
    chosen = {name: offered[name] for name in request.POST.getlist("team") if name in offered}
    if not chosen:
        messages.error(request, "Tick the teams to create.")
    else:
        made = teams_create(programme=access.programme, teams=chosen, user=request.user)
        messages.success(request, f"{len(made)} team{'s' if len(made) != 1 else ''} created: "
                                  f"{', '.join(t.name for t in made)}. The file has been checked again.")
    return redirect(pages.url("preview", slug, found.pk))


@login_required
@require_safe
def uploads(request: HttpRequest, slug: str) -> HttpResponse:
    """Both kinds' uploads on one page, each with its Discard and Roll back buttons."""
    access = workforce_access(request.user, slug, Capability.EDIT_WORKFORCE)
    listed = {f"{kind}_uploads": pages.with_discard_urls(slug, uploads_for(access.programme, kind=pages.kind))
              for kind, pages in UPLOAD_PAGES.items()}
    return render(request, "workforce/uploads.html", _ctx(
        access, "uploads", can_roll_back=True, rollback_url=reverse("workforce:uploads", args=[slug]), **listed))


@login_required
@require_POST
def upload_rollback(request: HttpRequest, slug: str, upload_pk: int) -> HttpResponse:
    """Roll back an upload of either kind (one URL serves both, as the list shows both)."""
    access = workforce_access(request.user, slug, Capability.EDIT_WORKFORCE)
    for pages in UPLOAD_PAGES.values():
        if uploads_for(access.programme, kind=pages.kind).filter(pk=upload_pk).exists():
            return pages.rollback(request, slug, upload_pk)
    raise Http404("No such upload")


@login_required
@require_safe
def template(request: HttpRequest, slug: str) -> HttpResponse:
    """The example ELI workbook (invented people), made by the same code as the demo's."""
    access = workforce_access(request.user, slug, Capability.EDIT_WORKFORCE)
    rows = eli_workbook.first_version(access.programme.transfer_date)
    return _xlsx(eli_workbook.workbook_bytes(rows), "eli-template.xlsx")

