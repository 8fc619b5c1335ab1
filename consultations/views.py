"""The consultations pages: the list of both kinds, and a page for each consultation with
everything recorded of it. Adding, changing and deleting are the record pages
(consultations.resources)."""
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from consultations import selectors
from consultations.models import STATE_TONE
from consultations.resources import context
from core.roles import Capability
from programmes.access import programme_access
from programmes.personal_data import personal_data_looked_at
from programmes.views import today


def _stated(consultations, day) -> list:
    for c in consultations:
        c.current_state = c.state(day)
        c.state_tone = STATE_TONE[c.current_state]
    return consultations


@login_required
@require_safe
def home(request: HttpRequest, slug: str) -> HttpResponse:
    access = programme_access(request.user, slug)
    day = today()
    return render(request, "consultations/home.html", context(
        access, staff=_stated(list(selectors.staff_consultations(programme=access.programme)), day),
        public=_stated(list(selectors.public_consultations(programme=access.programme)), day)))


@login_required
@require_safe
def staff_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = programme_access(request.user, slug)
    consultation = get_object_or_404(
        selectors.staff_consultations(programme=access.programme).prefetch_related(
            "representatives", "meetings", "proposals", "letters"), pk=pk)
    _stated([consultation], today())
    personal = access.can(Capability.VIEW_PERSONAL_DATA)
    if personal:
        personal_data_looked_at(programme=access.programme, user=request.user,
                                what=f"Staff consultation {consultation.pk}: representatives and attendees")
    return render(request, "consultations/staff_detail.html", context(
        access, consultation=consultation, personal=personal))


@login_required
@require_safe
def public_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = programme_access(request.user, slug)
    consultation = get_object_or_404(
        selectors.public_consultations(programme=access.programme).prefetch_related("findings"), pk=pk)
    _stated([consultation], today())
    return render(request, "consultations/public_detail.html", context(access, consultation=consultation))
