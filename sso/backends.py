"""The authentication backend for sign-in with a council's account: mozilla-django-oidc's
code flow (token exchange, JWKS signature check, nonce), configured per council at each
sign-in instead of once in settings, with the checks a council needs on top.

The callback view (sso.views) puts the sign-in under way on the request as
`request.council_sign_in`; without it this backend does nothing, so a password sign-in
never reaches it."""
import logging
from dataclasses import dataclass

import jwt
from django.contrib.auth import get_user_model
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from sso import services
from sso.models import CouncilSignIn
from sso.provider import Provider

log = logging.getLogger(__name__)

# Clocks of the provider and of the web servers may differ by this many seconds.
CLOCK_LEEWAY_SECONDS = 60


class SignInRefused(Exception):
    """A sign-in that must not go ahead; the message is what the person is told."""

    def __init__(self, message: str, detail: str = ""):
        super().__init__(message)
        self.message = message
        self.detail = detail or message


@dataclass(frozen=True)
class SignInUnderWay:
    """The council, and its provider, that the callback being handled belongs to."""

    config: CouncilSignIn
    provider: Provider


def email_is_verified(claims: dict) -> bool:
    """Whether the provider vouches for the email: the standard `email_verified` claim, or
    Entra ID's `xms_edov` (the email's domain is verified by the tenant that owns it), which
    Entra sends instead when the optional claim is configured."""
    return claims.get("email_verified") is True or claims.get("xms_edov") in (True, "true", "1", 1)


class CouncilSignInBackend(OIDCAuthenticationBackend):
    """Authenticate a person through their council's OpenID provider (see module docstring)."""

    def __init__(self, *args, **kwargs):
        # The library reads one provider from settings here; ours come per council.
        self.UserModel = get_user_model()

    def authenticate(self, request, **kwargs):
        under_way = getattr(request, "council_sign_in", None) if request is not None else None
        if under_way is None:
            return None
        self.configure(under_way)
        return super().authenticate(request, **kwargs)

    def configure(self, under_way: SignInUnderWay) -> None:
        """Point the library's attributes at this council's provider and client."""
        self.config, self.provider = under_way.config, under_way.provider
        self.OIDC_OP_TOKEN_ENDPOINT = self.provider.token_endpoint
        self.OIDC_OP_USER_ENDPOINT = self.provider.userinfo_endpoint
        self.OIDC_OP_JWKS_ENDPOINT = self.provider.jwks_uri
        self.OIDC_RP_CLIENT_ID = self.config.client_id
        self.OIDC_RP_CLIENT_SECRET = self.config.client_secret
        self.OIDC_RP_IDP_SIGN_KEY = None
        self.OIDC_RP_SIGN_ALGO = "RS256"

    def verify_token(self, token, **kwargs):
        """The ID token's claims, once its signature (by a key of the provider's JWKS), issuer,
        audience, expiry and nonce are checked; any failure refuses the sign-in."""
        try:
            alg = jwt.get_unverified_header(token).get("alg")
        except jwt.InvalidTokenError as exc:
            raise SignInRefused(self._unreadable, f"ID token unreadable: {exc}") from exc
        if alg not in self.provider.signing_algorithms:
            raise SignInRefused(self._unreadable, f"ID token signed with {alg!r}, which is not accepted")
        self.OIDC_RP_SIGN_ALGO = alg
        key = self.retrieve_matching_jwk(token)
        try:
            payload = jwt.decode(
                token, key, algorithms=[alg], audience=self.config.client_id, issuer=self.provider.issuer,
                leeway=CLOCK_LEEWAY_SECONDS, options={"require": ["iss", "aud", "exp", "iat", "sub"]},
            )
        except jwt.InvalidTokenError as exc:
            raise SignInRefused(self._unreadable, f"ID token refused: {exc}") from exc
        if kwargs.get("nonce") is None or payload.get("nonce") != kwargs["nonce"]:
            raise SignInRefused(self._unreadable, "ID token nonce does not match the sign-in's")
        return payload

    @property
    def _unreadable(self) -> str:
        return (f"{self.config.organisation}'s sign-in service sent an answer that could not be trusted, "
                "so you have not been signed in. Try again; if it happens again, tell your council administrator.")

    def get_userinfo(self, access_token, id_token, payload):
        """The person's claims: the ID token's, with the email from the userinfo endpoint
        when the token carries none (providers that follow the OpenID spec's default)."""
        claims = dict(payload)
        if "email" not in claims and self.OIDC_OP_USER_ENDPOINT and access_token:
            info = super().get_userinfo(access_token, id_token, payload)
            if info.get("sub") != payload.get("sub"):
                raise SignInRefused(self._unreadable, "userinfo answered for another subject")
            for name in ("email", "email_verified", "xms_edov", "given_name", "family_name"):
                if name in info:
                    claims[name] = info[name]
        return claims

    def verify_claims(self, claims):
        """Refuse a person from another tenant, without a verified email, or whose email is
        outside the council's domains."""
        council = self.config.organisation
        if self.config.tenant_id and claims.get("tid") != self.config.tenant_id:
            raise SignInRefused(
                f"That account belongs to another organisation's directory, not {council}'s. "
                f"Sign in with your {council} account.",
                f"tenant {claims.get('tid')!r} is not the expected {self.config.tenant_id!r}")
        email = (claims.get("email") or "").strip()
        if not email:
            raise SignInRefused(f"{council}'s sign-in service did not give your email address, so you "
                                "cannot be matched to an account. Tell your council administrator.", "no email claim")
        if not email_is_verified(claims):
            raise SignInRefused(f"{council}'s sign-in service has not verified the email address {email}, "
                                "so you have not been signed in. Tell your council administrator.",
                                f"email {email} not verified")
        domain = email.rsplit("@", 1)[-1].lower()
        if domain not in self.config.domains:
            raise SignInRefused(f"{email} is not an address at {council} "
                                f"({', '.join(self.config.domains)}), so you cannot sign in this way.",
                                f"email domain {domain} not allowed")
        return True

    def get_or_create_user(self, access_token, id_token, payload):
        """The one account with the person's verified email (any case); a new one if there is
        none and the council allows it. Otherwise the sign-in is refused."""
        claims = self.get_userinfo(access_token, id_token, payload)
        self.verify_claims(claims)
        email = claims["email"].strip()
        users = list(self.UserModel.objects.filter(email__iexact=email)[:2])
        if len(users) > 1:
            raise SignInRefused(f"More than one account has the email {email}, so you have not been signed in. "
                                "Ask your council administrator to sort this out.", "several accounts match")
        if users:
            user = users[0]
            if user.is_superuser:
                # A site superuser holds every council's data: a council's directory must not
                # be able to sign someone in as one.
                raise SignInRefused("Site administrators sign in with their password.", "account is a superuser")
            if not user.is_active:
                raise SignInRefused(f"The account for {email} is switched off. Ask your council administrator.",
                                    "account inactive")
            return user
        if not self.config.create_accounts:
            raise SignInRefused(f"There is no account for {email} yet. Ask your council administrator to "
                                "invite you.", "no such account and creation is off")
        return services.user_create_from_sign_in(config=self.config, email=email,
                                                 given_name=claims.get("given_name") or "",
                                                 family_name=claims.get("family_name") or "")
