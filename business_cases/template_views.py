"""The council's paper template, in the council area: its administrator sets the sections of
a Cabinet paper (order, headings, the council's own, which are required before final) and
the name and logo on the front sheet. Every save is a new version; papers keep theirs.

Each view: `council_access` (404 to anyone who does not administer the council), a form,
`services.template_save`, redirect.
"""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from business_cases.forms import TemplateFrontForm, TemplateSectionsForm
from business_cases.models import PaperTemplate
from business_cases.paper_templates import DEFAULT_SECTIONS, OWN_EXAMPLES, template_sections
from business_cases.services import KEEP_LOGO, template_save
from programmes.access import council_access
from programmes.council_views import council_context

ACTIVE = "paper_template"
# The versions listed on the template's page, newest first.
VERSIONS_SHOWN = 20


def _latest(council) -> PaperTemplate | None:
    return PaperTemplate.objects.filter(organisation=council).select_related("made_by").order_by("-number").first()


@login_required
@require_safe
def template_home(request: HttpRequest, organisation_id: int, number: int | None = None) -> HttpResponse:
    council = council_access(request.user, organisation_id)
    versions = list(PaperTemplate.objects.filter(organisation=council).select_related("made_by")
                    .annotate(paper_count=Count("papers")).order_by("-number")[:VERSIONS_SHOWN])
    if number is None:
        shown = versions[0] if versions else None
    else:
        shown = next((v for v in versions if v.number == number), None) or get_object_or_404(
            PaperTemplate.objects.select_related("made_by").annotate(paper_count=Count("papers")),
            organisation=council, number=number)
    return render(request, "business_cases/template.html", council_context(
        council, ACTIVE, template=shown, sections=template_sections(shown), versions=versions,
        latest=versions[0] if versions else None, past=number is not None and versions and shown != versions[0]))


@login_required
@require_http_methods(["GET", "POST"])
def template_sections_edit(request: HttpRequest, organisation_id: int) -> HttpResponse:
    council = council_access(request.user, organisation_id)
    latest = _latest(council)
    form = TemplateSectionsForm(request.POST if request.method == "POST" else None,
                                sections=template_sections(latest) if latest else DEFAULT_SECTIONS)
    if request.method == "POST" and form.is_valid():
        try:
            saved = template_save(council=council, user=request.user, sections=form.cleaned_data["sections"],
                                  change=(request.POST.get("change_reason") or "Sections changed"))
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, f"Version {saved.number} of the paper template is saved. Papers started from "
                                      "now on use it; papers already started keep theirs.")
            return redirect("paper_templates:home", council.pk)
    return render(request, "business_cases/template_sections.html", council_context(
        council, ACTIVE, form=form, latest=latest, examples=OWN_EXAMPLES), status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def template_front_edit(request: HttpRequest, organisation_id: int) -> HttpResponse:
    council = council_access(request.user, organisation_id)
    latest = _latest(council)
    form = TemplateFrontForm(request.POST if request.method == "POST" else None, request.FILES or None, initial={
        "council_name": latest.council_name if latest else council.name,
        "logo_alt": latest.logo_alt if latest else ""})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        logo = None if data["remove_logo"] else data.get("checked_logo", KEEP_LOGO)
        change = ("Logo removed" if data["remove_logo"] else "Logo uploaded" if data.get("checked_logo")
                  else "Name on the front sheet changed")
        try:
            saved = template_save(council=council, user=request.user, council_name=data["council_name"],
                                  logo=logo, logo_alt=data["logo_alt"], change=change)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, f"Version {saved.number} of the paper template is saved.")
            return redirect("paper_templates:home", council.pk)
    return render(request, "business_cases/template_front.html", council_context(
        council, ACTIVE, form=form, latest=latest), status=400 if form.errors else 200)


@login_required
@require_safe
def template_logo(request: HttpRequest, organisation_id: int, number: int) -> HttpResponse:
    """A version's logo, as stored: a PNG or a cleaned SVG, never run as a page."""
    council = council_access(request.user, organisation_id)
    template = get_object_or_404(PaperTemplate, organisation=council, number=number)
    if not template.logo:
        return HttpResponse("This version has no logo.", status=404, content_type="text/plain")
    with template.logo.open("rb") as f:
        content = f.read(2 * 1024 * 1024)
    response = HttpResponse(content, content_type=template.logo_type)
    # Even opened on its own, an SVG may run nothing and fetch nothing.
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    extension = ".svg" if template.logo_type == "image/svg+xml" else ".png"
    response["Content-Disposition"] = f'inline; filename="logo-v{template.number}{extension}"'
    return response
