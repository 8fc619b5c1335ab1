"""Sign-in with a council's own accounts: the sign-in page's choices, the start and the
callback of the OpenID Connect code flow (mozilla-django-oidc's views, configured per
council), the page for a person with no access yet, and the council's settings page."""
import logging
from urllib.parse import parse_qs, urlsplit

import requests
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods
from django.views.generic import View
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from core.views import LoginView as PasswordLoginView
from programmes.access import council_access, councils_administered, programmes_for_user
from programmes.models import Organisation
from programmes.navigation import council_nav
from sso import selectors, services
from sso.backends import SignInRefused, SignInUnderWay
from sso.forms import CouncilSignInForm
from sso.provider import ProviderUnavailable, provider_for

log = logging.getLogger(__name__)

# state -> the council's id, for each sign-in started in this session and not yet finished.
PENDING = "sso_pending"


class LoginView(PasswordLoginView):
    """The sign-in page: a password, or a council's own account where the council offers it."""

    template_name = "sso/login.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, councils=selectors.councils_offering_sign_in())


def _refuse(request: HttpRequest, message: str, *, council=None, detail: str = "") -> HttpResponse:
    """Back to the sign-in page with `message`, and the reason in the log."""
    log.warning("Sign-in with a council's account refused (%s): %s", council or "no council", detail or message)
    messages.error(request, message)
    return redirect("login")


class SignInStart(OIDCAuthenticationRequestView):
    """Send the person to their council's provider, with a fresh state, nonce and PKCE
    challenge kept in their session (the library's), and which council it is for (ours)."""

    def __init__(self, **kwargs):
        # The library reads one provider from settings here; ours is the council's.
        View.__init__(self, **kwargs)

    def get(self, request, organisation_id: int):
        council = Organisation.objects.filter(pk=organisation_id, kind=Organisation.Kind.COUNCIL).first()
        if council is None:
            raise Http404("No such council")
        config = selectors.enabled_sign_in(organisation_id)
        if config is None:
            return _refuse(request, f"{council} does not offer sign-in with its own accounts. "
                                    "Sign in with your username and password.", council=council)
        try:
            provider = provider_for(config)
        except ProviderUnavailable as exc:
            return _refuse(request, f"{council}'s sign-in service cannot be reached just now. Try again later, "
                                    "or sign in with your username and password.", council=council, detail=str(exc))
        self.OIDC_OP_AUTH_ENDPOINT = provider.authorization_endpoint
        self.OIDC_RP_CLIENT_ID = config.client_id
        response = super().get(request)
        state = parse_qs(urlsplit(response["Location"]).query)["state"][0]
        request.session[PENDING] = {**request.session.get(PENDING, {}), state: council.pk}
        return response


class SignInCallback(OIDCAuthenticationCallbackView):
    """Where the provider sends the person back: the library checks the state and exchanges
    the code; our backend (sso.backends) checks the token and finds the account. Whatever
    goes wrong ends on the sign-in page with a message, never an error page."""

    def get(self, request):
        state = request.GET.get("state", "")
        pending = dict(request.session.get(PENDING, {}))
        organisation_id = pending.pop(state, None)
        known = state in request.session.get("oidc_states", {})
        if organisation_id is None or not known:
            # A state this session never started, or one already used: a replayed or forged
            # callback, or a sign-in begun in another browser.
            return _refuse(request, "That sign-in had expired or was already used. Start again.",
                           detail=f"unknown state {state[:8]!r}")
        request.session[PENDING] = pending
        config = selectors.enabled_sign_in(organisation_id)
        if config is None:
            del request.session["oidc_states"][state]
            request.session.modified = True
            return _refuse(request, "Sign-in with that council's accounts has been switched off. "
                                    "Sign in with your username and password.", detail=f"council {organisation_id}")
        council = config.organisation
        if request.GET.get("error"):
            super().get(request)  # forgets the state and signs out whoever was signed in
            answer = f"{request.GET.get('error')}: {request.GET.get('error_description', '')}"
            return _refuse(request, f"{council}'s sign-in service did not sign you in. Start again.",
                           council=council, detail=f"provider answered {answer}")
        try:
            request.council_sign_in = SignInUnderWay(config=config, provider=provider_for(config))
            response = super().get(request)
        except SignInRefused as exc:
            return _refuse(request, exc.message, council=council, detail=exc.detail)
        except (ProviderUnavailable, requests.RequestException, SuspiciousOperation) as exc:
            return _refuse(request, f"Signing in through {council} could not be finished. Start again; if it "
                                    "happens again, tell your council administrator.", council=council, detail=str(exc))
        if getattr(self, "user", None) is None or not request.user.is_authenticated:
            return _refuse(request, f"Signing in through {council} could not be finished. Start again.",
                           council=council, detail="no user")
        log.info("%s signed in through %s", request.user.username, council)
        return response

    @property
    def success_url(self):
        if self.request.session.get("oidc_login_next"):
            return self.request.session["oidc_login_next"]
        user = self.user
        if not programmes_for_user(user).exists() and not councils_administered(user).exists():
            return reverse("sso:no_access")
        return super().success_url


@login_required
@require_GET
def no_access(request: HttpRequest) -> HttpResponse:
    """What someone signed in sees before anyone has given them a place in a programme."""
    if programmes_for_user(request.user).exists():
        return redirect("programmes:list")
    return render(request, "sso/no_access.html")


@login_required
@require_http_methods(["GET", "POST"])
def council_sign_in_settings(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """The council administrator's page for the council's sign-in with its own accounts."""
    council = council_access(request.user, organisation_id)
    config = selectors.council_sign_in(council)
    form = CouncilSignInForm(request.POST or None, instance=config)
    if request.method == "POST" and form.is_valid():
        services.council_sign_in_save(council=council, user=request.user, **form.cleaned_data)
        messages.success(request, f"{council}'s sign-in settings have been saved.")
        return redirect("sso:settings", organisation_id=council.pk)
    return render(request, "sso/settings.html", {
        "council": council, "config": config, "form": form,
        "council_nav": council_nav(council, "sign_in"),
        "callback_url": request.build_absolute_uri(reverse("sso:callback")),
        "breadcrumbs": [("Programmes", reverse("programmes:list")), (f"{council}: sign-in", None)],
    })
