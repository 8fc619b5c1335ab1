"""Pages of the programme app. Each view: find the programme through the access helper,
bind a form, call a selector or a service, render or redirect."""
import uuid
from datetime import date

import django_filters as df
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.concurrency import atomic_post, find_conflict, locked_copy, record_version
from core.filters import one_of, page_filters, ticked, whole_number
from core.jobs import job_request, jobs_for
from core.pagination import page_links
from core.roles import Capability
from programmes import exports, job_pages, selectors
from programmes.access import ProgrammeAccess, council_access, councils_administered, programme_access
from programmes.baselines import compare_with
from programmes.council_lists import LISTS, council_list, use_counts
from programmes.deadlines import derived_deadlines, find_deadline
from programmes.feeds import calendar_feed_for, calendar_feed_issue, calendar_feed_revoke
from programmes.forms import (
    CouncilListAddForm,
    CouncilListValueForm,
    DeadlineDoneForm,
    MilestoneForm,
    MilestoneStatusForm,
    ProgrammeCreateForm,
    ProgrammeForm,
)
from programmes.history import history_entries
from programmes.models import Baseline, Membership, Milestone
from programmes.navigation import programme_nav
from programmes.panels import overview_panels
from programmes.services import (
    council_list_value_add,
    council_list_value_change,
    council_list_value_remove,
    deadline_mark_done,
    deadline_mark_not_done,
    milestone_save,
    milestone_set_status,
    record_delete,
    record_save,
)
from programmes.setup import setup_pending, setup_steps
from programmes.timeline import default_window, legend_items, timeline_svg

PLAN_PDF_KIND = "programmes.plan_pdf"


def today() -> date:
    return timezone.localdate()


def programme_context(access: ProgrammeAccess, active: str, **extra) -> dict:
    """What every page of a programme needs: the programme, the user's standing in it and
    the section navigation (`active` is the key of the section to mark, as its app declared it
    in programmes.navigation). Other apps' pages use it too, so they sit in the same frame."""
    programme = access.programme
    return {"programme": programme, "access": access, "may": access.may,
            "programme_nav": programme_nav(access, active),
            "today": today(), **extra}


# Programme list, create, overview, edit ----------------------------------------------------

@login_required
@require_safe
def programme_list(request: HttpRequest) -> HttpResponse:
    cards = list(selectors.programme_cards(user=request.user, today=today()))
    for card in cards:
        card.days_left = card.days_to_transfer(today())
    # A council administrator's way into the council area, in the service navigation.
    administered = list(councils_administered(request.user))
    council_links = [{"label": f"Administer {c.short_name or c.name}",
                      "url": reverse("programmes:council_home", args=[c.pk]), "active": False}
                     for c in administered]
    return render(request, "programmes/list.html", {"cards": cards, "today": today(),
                                                    "council_nav": council_links,
                                                    "administered_councils": administered})


@login_required
@require_http_methods(["GET", "POST"])
def programme_create(request: HttpRequest) -> HttpResponse:
    if not request.user.is_superuser:
        # A council administrator sets up programmes for their own council only, from the
        # council's page, where the lead organisation is fixed.
        administered = list(councils_administered(request.user)[:2])
        if len(administered) == 1:
            return redirect("programmes:council_programme_create", administered[0].pk)
        if administered:
            return redirect("programmes:council_list")
        raise PermissionDenied("Only a council's administrators set up new programmes.")
    form = ProgrammeCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        programme = record_save(instance=form.save(commit=False), user=request.user,
                                reason="Programme set up",
                                m2m={"partners": form.cleaned_data["partners"]})
        messages.success(request, f"{programme.name} has been set up.")
        return redirect("programmes:overview", programme.slug)
    return render(request, "programmes/form.html", {
        "form": form, "heading": "Set up a programme", "submit": "Set up programme",
        "breadcrumbs": [("Programmes", reverse("programmes:list")), ("New", None)],
    })


@login_required
@require_safe
def programme_overview(request: HttpRequest, slug: str) -> HttpResponse:
    access = programme_access(request.user, slug)
    ov = selectors.programme_overview(programme=access.programme, today=today())
    panels = overview_panels(programme=access.programme, today=today())
    setup = setup_steps(access=access, overview=ov, user=request.user)
    return render(request, "programmes/overview.html", programme_context(
        access, "overview", ov=ov, panels=panels, setup=setup, setup_pending=setup_pending(setup),
        days_to_transfer=access.programme.days_to_transfer(today())))


@login_required
@require_http_methods(["GET", "POST"])
@atomic_post  # the version check locks the row until the save
def programme_edit(request: HttpRequest, slug: str) -> HttpResponse:
    access = programme_access(request.user, slug, Capability.EDIT_PROGRAMME)
    form = ProgrammeForm(request.POST or None, instance=access.programme)
    if request.method == "POST" and form.is_valid():
        record_save(instance=form.save(commit=False), user=request.user,
                    reason=request.POST.get("change_reason") or "Programme details edited",
                    m2m={"partners": form.cleaned_data["partners"]})
        messages.success(request, "Programme details saved.")
        return redirect("programmes:overview", slug)
    return render(request, "programmes/form.html", programme_context(
        access, "overview", form=form, heading="Edit programme details", submit="Save",
        ask_reason=True, cancel_url=reverse("programmes:overview", args=[slug])))


@login_required
@require_safe
def programme_history(request: HttpRequest, slug: str) -> HttpResponse:
    access = programme_access(request.user, slug)
    return render(request, "programmes/history.html", programme_context(
        access, "overview", object=access.programme, entries=history_entries(access.programme),
        back_url=reverse("programmes:overview", args=[slug]), heading="Programme details"))


# Milestones -------------------------------------------------------------------------------

class TrackerFilter(df.FilterSet):
    """The milestones page's filters (core.filters), parsed by their form; the selector
    applies them."""

    workstream = whole_number("Workstream")
    owner = whole_number("Owner")
    due_within = whole_number("Due within")
    status = one_of("A status", Milestone.Status.choices)
    late = ticked("Late only")

    class Meta:
        model = Milestone
        fields = []


def _tracker_filters(request: HttpRequest) -> tuple[selectors.TrackerFilters, list]:
    values, errors = page_filters(TrackerFilter, request)
    return selectors.TrackerFilters(
        workstream=values.get("workstream"), owner=values.get("owner"), due_within=values.get("due_within"),
        status=values.get("status") or None, late=bool(values.get("late"))), errors


@login_required
@require_safe
def milestone_tracker(request: HttpRequest, slug: str) -> HttpResponse:
    access = programme_access(request.user, slug)
    programme = access.programme
    filters, filter_errors = _tracker_filters(request)
    now = today()
    raw_page = request.GET.get("page", "")
    plan = selectors.milestone_tracker(programme=programme, filters=filters, today=now,
                                       page=int(raw_page) if raw_page.isdigit() else 1)
    selectors.read_contracts(programme)  # once, for the derived dates and the timeline's lines
    rows = plan.rows
    # Every decision's dates (agenda, notices, call-in), as the overview and deadlines page show.
    derived = [] if filters.narrowed else selectors.derived_milestones(programme=programme, today=now)
    warnings = selectors.dependency_warnings(rows)
    for m in rows:
        m.behind = warnings.get(m.pk, [])
    # The forecast against another baseline than the one in use, when asked (one query more).
    taken = list(Baseline.objects.filter(programme=programme))
    compare, raw = None, request.GET.get("compare", "").strip()
    if raw:
        compare = next((b for b in taken if str(b.pk) == raw), None)
        if compare is None:
            filter_errors.append(("compare", "Choose a baseline from the list"))
    compare_with(rows, compare if compare is not None and not compare.in_use else None)
    owners = list(
        Membership.objects.filter(programme=programme).select_related("user")
        .order_by("user__first_name"))
    whole = request.GET.get("window") == "all"
    svg = timeline_svg(programme=programme, milestones=rows, derived=derived,
                       workstreams=plan.workstreams, today=now, whole=whole, total=plan.total)
    query = request.GET.copy()
    query.pop("window", None)
    query.pop("page", None)
    for section in plan.sections:
        # "Show all" keeps the other filters and chooses the section's workstream.
        section_query = query.copy()
        section_query["workstream"] = section.workstream.pk
        section.all_query = section_query.urlencode()
    return render(request, "programmes/tracker.html", programme_context(
        access, "milestones", plan=plan, derived=derived,
        svg=svg, legend=legend_items(), workstreams=plan.workstreams, owners=owners,
        statuses=Milestone.Status.choices, filters=filters, filter_errors=filter_errors,
        baselines=taken, compare=compare, in_use=next((b for b in taken if b.in_use), None),
        is_filtered=filters.narrowed, whole=whole, window_query=query.urlencode(),
        window=default_window(programme, now), window_is_run_up=bool(
            programme.transfer_date and programme.transfer_date >= now),
        pagination=page_links(request, plan.page, plan.pages),
        section_rows=selectors.TRACKER_SECTION_ROWS,
        days_to_transfer=programme.days_to_transfer(now)))


def _milestone(access: ProgrammeAccess, pk: int) -> Milestone:
    return get_object_or_404(
        Milestone.objects.select_related("workstream", "owner", "rag_override_by"), pk=pk,
        programme=access.programme)


@login_required
@require_safe
def deadlines(request: HttpRequest, slug: str) -> HttpResponse:
    """Every derived deadline of the programme with its rule and whether it is done."""
    access = programme_access(request.user, slug)
    now = today()
    selectors.read_contracts(access.programme)
    found = derived_deadlines(programme=access.programme, today=now)
    return render(request, "programmes/deadlines.html", programme_context(
        access, "milestones", deadlines=found, late=[d for d in found if d.state == "late"],
        warnings=[d for d in found if d.warning]))


@login_required
@require_http_methods(["GET", "POST"])
def deadline_done(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    """Mark a derived deadline done, with the day; or take the mark back. Its date is never
    edited: it follows its source."""
    access = programme_access(request.user, slug, Capability.UPDATE_MILESTONE_STATUS)
    now = today()
    selectors.read_contracts(access.programme)
    deadline = find_deadline(programme=access.programme, key=key, today=now)
    if deadline is None:
        raise Http404("No such derived deadline")
    back = f"{reverse('programmes:deadlines', args=[slug])}#{deadline.key}"
    if request.method == "POST" and request.POST.get("action") == "clear":
        deadline_mark_not_done(programme=access.programme, key=key, title=deadline.title, user=request.user)
        messages.success(request, f"“{deadline.title}” is no longer marked done.")
        return redirect(back)
    initial = {"done_on": deadline.done_on or now}
    form = DeadlineDoneForm(request.POST or None, initial=initial, today=now)
    if request.method == "POST" and form.is_valid():
        deadline_mark_done(programme=access.programme, key=key, title=deadline.title,
                           done_on=form.cleaned_data["done_on"], note=form.cleaned_data["note"], user=request.user)
        messages.success(request, f"“{deadline.title}” is marked done.")
        return redirect(back)
    return render(request, "programmes/deadline_done.html", programme_context(
        access, "milestones", deadline=deadline, form=form, cancel_url=back))


@login_required
@require_safe
def milestone_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = programme_access(request.user, slug)
    m = _milestone(access, pk)
    m.read_rag(today())
    deps = list(m.depends_on.select_related("workstream").order_by("forecast_date"))
    dependents = list(m.dependents.select_related("workstream").order_by("forecast_date"))
    behind = [d for d in deps if d.forecast_date > m.forecast_date and not d.is_closed]
    return render(request, "programmes/milestone_detail.html", programme_context(
        access, "milestones", milestone=m, deps=deps, dependents=dependents, behind=behind,
        entries=history_entries(m), status_form=MilestoneStatusForm(initial={
            "status": m.status, "record_version": record_version(m, links={"depends_on": [d.pk for d in deps]})}),
        tab=request.GET.get("tab", "details")))


@login_required
@require_http_methods(["GET", "POST"])
@atomic_post  # the version check locks the row until the save
def milestone_edit(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    access = programme_access(request.user, slug, Capability.EDIT_PLAN)
    instance = _milestone(access, pk) if pk else None
    form = MilestoneForm(request.POST or None, instance=instance, programme=access.programme)
    if request.method == "POST" and form.is_valid():
        m = milestone_save(
            instance=form.save(commit=False), user=request.user,
            reason=request.POST.get("change_reason") or (
                "Milestone edited" if instance else "Milestone added"),
            m2m={"depends_on": form.cleaned_data["depends_on"]})
        messages.success(request, f"Milestone “{m.title}” saved.")
        return redirect("programmes:milestone_detail", slug, m.pk)
    heading = f"Edit {instance.get_kind_display().lower()}" if instance else "Add a milestone or activity"
    cancel = (reverse("programmes:milestone_detail", args=[slug, pk]) if pk
              else reverse("programmes:tracker", args=[slug]))
    return render(request, "programmes/form.html", programme_context(
        access, "milestones", form=form, heading=heading, submit="Save milestone",
        ask_reason=bool(instance), cancel_url=cancel))


@login_required
@require_POST
@atomic_post  # the version check locks the row until the save
def milestone_status(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = programme_access(request.user, slug, Capability.UPDATE_MILESTONE_STATUS)
    m = _milestone(access, pk)
    form = MilestoneStatusForm(request.POST)
    current = locked_copy(Milestone, m.pk)
    if current is None:
        # Deleted by someone else since it was fetched above: saving it would bring it back.
        messages.error(request, f"The milestone “{m.title}” has been deleted since you opened it.")
        return redirect("programmes:tracker", slug)
    read = request.POST.get("record_version")
    conflict = read and find_conflict(current=current, read_version=read)
    if not form.is_valid():
        messages.error(request, "Choose a status from the list.")
    elif conflict:
        messages.error(request, " ".join([*conflict.messages()[:-1],
                                          "Check the milestone, then set its status again."]))
    else:
        # From the locked row, so a change saved since `m` was read is kept.
        milestone_set_status(milestone=current, status=form.cleaned_data["status"], user=request.user)
        messages.success(request, f"“{current.title}” is now {current.get_status_display().lower()}.")
    back = request.POST.get("next", "")
    if back.startswith(f"/programmes/{slug}/"):
        return redirect(back)
    return redirect("programmes:milestone_detail", slug, pk)


@login_required
@require_http_methods(["GET", "POST"])
def milestone_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = programme_access(request.user, slug, Capability.EDIT_PLAN)
    m = _milestone(access, pk)
    if request.method == "POST":
        record_delete(instance=m, user=request.user, reason="Milestone deleted")
        messages.success(request, f"Milestone “{m.title}” deleted.")
        return redirect("programmes:tracker", slug)
    return render(request, "programmes/confirm_delete.html", programme_context(
        access, "milestones", object=m, what="milestone",
        cancel_url=reverse("programmes:milestone_detail", args=[slug, pk])))


# Exports: xlsx, PDF (a Celery job), calendar feed ----------------------------------------

@login_required
@require_safe
def exports_page(request: HttpRequest, slug: str) -> HttpResponse:
    access = programme_access(request.user, slug, Capability.EXPORT)
    jobs = list(jobs_for(access.programme, kind=PLAN_PDF_KIND)[:20])
    membership = access.membership
    # A new feed address is shown once, on the page the member is sent back to.
    secret = request.session.pop(_NEW_FEED_KEY, {}).get(str(membership.pk)) if membership else None
    feed_url = (request.build_absolute_uri(reverse("programmes:calendar_feed", args=[secret]))
                if secret else None)
    return render(request, "programmes/exports.html", programme_context(
        access, "exports", jobs=jobs, request_id=uuid.uuid4().hex, feed_url=feed_url,
        feed=membership if membership and membership.calendar_token_hash else None,
        feed_expired=bool(membership and membership.calendar_token_expires_at
                          and membership.calendar_token_expires_at <= timezone.now()),
        feed_lifetime_days=settings.CALENDAR_TOKEN_LIFETIME_DAYS))


@login_required
@require_safe
def plan_xlsx(request: HttpRequest, slug: str) -> HttpResponse:
    access = programme_access(request.user, slug, Capability.EXPORT)
    content = exports.plan_workbook(programme=access.programme, today=today())
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = (
        f'attachment; filename="{slug}-plan-{today():%Y-%m-%d}.xlsx"')
    return response


@login_required
@require_POST
def plan_pdf_request(request: HttpRequest, slug: str) -> HttpResponse:
    access = programme_access(request.user, slug, Capability.EXPORT)
    request_id = request.POST.get("request_id", "")
    try:
        key = f"{PLAN_PDF_KIND}:{access.programme.pk}:{request.user.pk}:{uuid.UUID(request_id).hex}"
    except ValueError:
        key = None  # no usable key: each submission is its own request
    job, created = job_request(kind=PLAN_PDF_KIND, created_by=request.user,
                               target=access.programme, idempotency_key=key,
                               params={"today": today().isoformat()})
    return redirect("programmes:plan_pdf_job", slug, job.uuid)


def _plan_job(access: ProgrammeAccess, job_uuid):
    return get_object_or_404(jobs_for(access.programme, kind=PLAN_PDF_KIND), uuid=job_uuid)


@login_required
@require_safe
def plan_pdf_job(request: HttpRequest, slug: str, job_uuid) -> HttpResponse:
    access = programme_access(request.user, slug, Capability.EXPORT)
    job = _plan_job(access, job_uuid)
    template = ("programmes/includes/job_status.html" if request.headers.get("HX-Request")
                else "programmes/plan_pdf_job.html")
    status = job_pages.status_context(request, access, job,
                                      retry_url=reverse("programmes:plan_pdf_retry", args=[slug, job.uuid]),
                                      job_url=lambda j: reverse("programmes:plan_pdf_job", args=[slug, j.uuid]))
    return render(request, template, programme_context(access, "exports", job=job, **status))


@login_required
@require_POST
def plan_pdf_retry(request: HttpRequest, slug: str, job_uuid) -> HttpResponse:
    access = programme_access(request.user, slug, Capability.EXPORT)
    job = job_pages.retry_job(request, access, _plan_job(access, job_uuid))
    return redirect("programmes:plan_pdf_job", slug, job.uuid)


@login_required
@require_safe
def plan_pdf_download(request: HttpRequest, slug: str, job_uuid) -> HttpResponse:
    access = programme_access(request.user, slug, Capability.EXPORT)
    job = _plan_job(access, job_uuid)
    if not job.result_file:
        raise Http404("This file is not ready")
    return FileResponse(job.result_file.open("rb"), as_attachment=True,
                        filename=job.result_name, content_type=job.result_content_type)


_NEW_FEED_KEY = "new_calendar_feed"


@login_required
@require_POST
def calendar_token(request: HttpRequest, slug: str) -> HttpResponse:
    """Create, renew or turn off the member's secret calendar feed address."""
    access = programme_access(request.user, slug, Capability.EXPORT)
    membership = access.membership
    if membership is None:
        raise PermissionDenied("Only members of the programme have a calendar feed.")
    if request.POST.get("action") == "revoke":
        calendar_feed_revoke(membership=membership, user=request.user)
        messages.success(request, "Your calendar feed address no longer works.")
    else:
        secret = calendar_feed_issue(membership=membership, user=request.user)
        # Kept in the session (stored on the server) only until the exports page shows it.
        request.session[_NEW_FEED_KEY] = {str(membership.pk): secret}
        messages.success(request, "Your calendar feed has a new address. Any old address no longer works.")
    return redirect("programmes:exports", slug)


@require_safe
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The member's milestones as an iCalendar feed. The secret token in the URL is the
    only credential, since calendar apps cannot sign in."""
    found = calendar_feed_for(token)
    membership = found.membership
    if membership is None:
        raise Http404("No such calendar")
    if found.expired:
        expired = timezone.localtime(membership.calendar_token_expires_at)
        return HttpResponse(
            f"This calendar feed address expired on {expired.day} {expired:%B %Y}. Sign in and make a new "
            f"one on the programme's Exports page: "
            f"{request.build_absolute_uri(reverse('programmes:exports', args=[membership.programme.slug]))}\n",
            status=410, content_type="text/plain; charset=utf-8")
    content = exports.plan_calendar(programme=membership.programme, host=request.get_host())
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{membership.programme.slug}.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response




# --- The council's own lists ------------------------------------------------------------

def _lists_crumbs(council, *more):
    return [("Programmes", reverse("programmes:list")),
            (f"{council}: lists", reverse("programmes:council_lists", args=[council.pk]) if more else None), *more]


@login_required
@require_http_methods(["GET", "POST"])
def council_lists(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """The council's own lists (savings categories, …) for its administrator, who adds
    values here; each value links to its own page to rename, move, retire or remove it."""
    council = council_access(request.user, organisation_id)
    form = CouncilListAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            row = council_list_value_add(council=council, key=form.cleaned_data["list_key"],
                                         value=form.cleaned_data["value"], label=form.cleaned_data["label"],
                                         user=request.user)
        except ValidationError as e:
            for name, errors in e.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            messages.success(request, f"{row.label} has been added.")
            return redirect("programmes:council_lists", organisation_id=council.pk)
    return render(request, "programmes/council_lists.html", {
        "council": council, "lists": selectors.council_lists_overview(council), "form": form,
        "breadcrumbs": _lists_crumbs(council)})


@login_required
@require_http_methods(["GET", "POST"])
def council_list_value(request: HttpRequest, organisation_id: int, key: str, value: str) -> HttpResponse:
    """One value of one of the council's lists: rename it, move it, retire it."""
    council = council_access(request.user, organisation_id)
    spec = LISTS.get(key)
    entry = next((e for e in council_list(council, key) if e.value == value), None) if spec else None
    if entry is None:
        raise Http404("No such value")
    form = CouncilListValueForm(request.POST or None,
                                initial={"label": entry.label, "order": entry.order, "retired": entry.retired})
    if request.method == "POST" and form.is_valid():
        try:
            council_list_value_change(council=council, key=key, value=value, user=request.user, **form.cleaned_data)
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, f"{form.cleaned_data['label']} has been saved.")
            return redirect("programmes:council_lists", organisation_id=council.pk)
    return render(request, "programmes/council_list_value.html", {
        "council": council, "spec": spec, "entry": entry, "form": form,
        "uses": use_counts(key, council).get(value, 0),
        "breadcrumbs": _lists_crumbs(council, (entry.label, None))})


@login_required
@require_POST
def council_list_value_delete(request: HttpRequest, organisation_id: int, key: str, value: str) -> HttpResponse:
    """Remove a value no record holds; one in use is refused with what to do instead."""
    council = council_access(request.user, organisation_id)
    if key not in LISTS:
        raise Http404("No such list")
    try:
        council_list_value_remove(council=council, key=key, value=value, user=request.user)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
        return redirect("programmes:council_list_value", organisation_id=council.pk, key=key, value=value)
    messages.success(request, f"{value} has been removed.")
    return redirect("programmes:council_lists", organisation_id=council.pk)
