"""The pages at a dead end: 403 (refused) and 404 (not found), in the service's frame.

Django calls these (config/urls.py names them) for every page that raises PermissionDenied
or Http404; the API answers its own JSON through DRF's handler and never comes here. A
refusal from `ProgrammeAccess.require` carries the capability and the member's standing,
so the 403 page keeps the programme's navigation, says which roles may do what was refused
and who in the programme holds them. A 404 under a programme the user belongs to keeps that
programme's frame too; anywhere else (or a programme they do not belong to, whose existence
is not revealed) the way back is the programme list.
"""
import re

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from core.roles import CapabilityDenied, roles_in_words, roles_with
from programmes.access import ProgrammeAccess, programme_access
from programmes.views import programme_context

# A programme's pages, of every app, live under /programmes/<slug>/ (config/urls.py).
_PROGRAMME_PATH = re.compile(r"^/programmes/(?P<slug>[-\w]+)/")


def _frame(access: ProgrammeAccess | None) -> dict:
    """The programme's frame and the way back to it, or the way back to the list."""
    if access is None:
        return {"back_url": reverse("programmes:list"), "back_label": "Go to your programmes"}
    return programme_context(access, "", back_url=reverse("programmes:overview", args=[access.programme.slug]),
                             back_label=f"Go to the overview of {access.programme.name}")


def _access_from_path(request: HttpRequest) -> ProgrammeAccess | None:
    """The user's standing in the programme the path is under, if they belong to it."""
    match = _PROGRAMME_PATH.match(request.path_info)
    if match is None:
        return None
    try:
        return programme_access(request.user, match["slug"])
    except Http404:
        return None


def forbidden(request: HttpRequest, exception: Exception) -> HttpResponse:
    """403: what was refused, which roles may do it, and whom to ask."""
    context = {"reason": str(exception) if exception.args else ""}
    access = None
    if isinstance(exception, CapabilityDenied):
        access = exception.context if isinstance(exception.context, ProgrammeAccess) else None
        context["needed"] = roles_in_words(exception.capability)
        context["capability"] = exception.capability.label
        if access is not None:
            # Whom to ask: the members who hold a role that may do it.
            context["holders"] = list(
                access.programme.memberships.filter(role__in=roles_with(exception.capability))
                .select_related("user").order_by("role", "user__first_name", "user__username"))
    if access is None:
        access = _access_from_path(request)
    return render(request, "403.html", {**context, **_frame(access)}, status=403)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """404 in the GOV.UK pattern, with the way back."""
    return render(request, "404.html", _frame(_access_from_path(request)), status=404)
