from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods
from rest_framework.authtoken.models import Token


class LoginView(auth_views.LoginView):
    """Sign-in in the GOV.UK style. django-axes counts failures and cools off repeat
    offenders; the form's errors use the error summary pattern."""

    template_name = "registration/login.html"
    redirect_authenticated_user = True


@login_required
@require_http_methods(["GET", "POST"])
def api_token(request: HttpRequest) -> HttpResponse:
    """Create, replace or delete the user's API token. The key is shown once, when made."""
    new_key = None
    if request.method == "POST":
        Token.objects.filter(user=request.user).delete()
        if request.POST.get("action") != "revoke":
            new_key = Token.objects.create(user=request.user).key
            messages.success(request, "Your new API token is below. Copy it now: it is not shown again.")
        else:
            messages.success(request, "Your API token has been deleted.")
    token = Token.objects.filter(user=request.user).first()
    return render(request, "registration/api_token.html", {"token": token, "new_key": new_key})
