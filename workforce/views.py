"""Pages of the workforce app."""
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from programmes.access import programme_access
from programmes.views import programme_context


@login_required
@require_safe
def summary(request: HttpRequest, slug: str) -> HttpResponse:
    access = programme_access(request.user, slug)
    return render(request, "workforce/summary.html", programme_context(access, "workforce"))
