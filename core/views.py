from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from core.context_processors import SERVICE_NAME
from core.models import ApiToken
from core.tokens import api_token_issue, api_token_revoke


class LoginView(auth_views.LoginView):
    """Sign-in in the GOV.UK style. django-axes counts failures and cools off repeat
    offenders; the form's errors use the error summary pattern."""

    template_name = "registration/login.html"
    redirect_authenticated_user = True


@login_required
@require_http_methods(["GET", "POST"])
def api_token(request: HttpRequest) -> HttpResponse:
    """Make, renew or delete the user's API token. The secret is shown once, when made."""
    new_key = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            api_token_revoke(user=request.user)
            messages.success(request, "Your API token has been deleted.")
        else:
            new_key = api_token_issue(user=request.user).secret
            messages.success(request, "Your new API token is below. Copy it now: it is not shown again.")
    token = ApiToken.objects.filter(user=request.user).first()
    return render(request, "registration/api_token.html", {
        "token": token, "new_key": new_key, "expired": token is not None and token.expires_at <= timezone.now(),
        "lifetime_days": settings.API_TOKEN_LIFETIME_DAYS})


def server_error(request: HttpRequest) -> HttpResponse:
    """500, rendered from the template alone: no request context, so no context processor
    runs and nothing asks the database, which may be what failed."""
    html = loader.get_template("500.html").render({"service_name": SERVICE_NAME})
    return HttpResponseServerError(html)
