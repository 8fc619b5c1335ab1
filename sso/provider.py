"""What a council's OpenID provider says of itself (its discovery document), read over
HTTP and kept for a while: the endpoints Insource sends people and codes to."""
from dataclasses import dataclass

import requests
from django.conf import settings
from django.core.cache import cache

from sso.models import CouncilSignIn

# Only asymmetric signatures: an ID token signed with the client secret (HS256) could be
# made by anyone who holds the secret, and "none" by anyone at all.
SIGNING_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512")


class ProviderUnavailable(Exception):
    """The provider's discovery document could not be read or does not describe it."""


@dataclass(frozen=True)
class Provider:
    """A provider's endpoints, as its discovery document gives them."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    userinfo_endpoint: str | None
    signing_algorithms: tuple[str, ...]


def discovery_url(issuer: str) -> str:
    return issuer.rstrip("/") + "/.well-known/openid-configuration"


def provider_for(config: CouncilSignIn) -> Provider:
    """The provider of `config`, from its discovery document (cached for
    SSO_DISCOVERY_CACHE_SECONDS, so a sign-in costs no extra round trip)."""
    key = "sso:discovery:" + config.issuer
    if (found := cache.get(key)) is not None:
        return found
    url = discovery_url(config.issuer)
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise ProviderUnavailable(f"Could not read {url}: {exc}") from exc
    # OpenID Connect Discovery 1.0, section 4.3: the document's issuer is exactly the one
    # it was fetched for; otherwise it describes some other provider.
    if not isinstance(document, dict) or document.get("issuer", "").rstrip("/") != config.issuer.rstrip("/"):
        raise ProviderUnavailable(f"{url} describes issuer {document.get('issuer')!r}, not {config.issuer!r}")
    try:
        provider = Provider(
            issuer=document["issuer"],
            authorization_endpoint=document["authorization_endpoint"],
            token_endpoint=document["token_endpoint"],
            jwks_uri=document["jwks_uri"],
            userinfo_endpoint=document.get("userinfo_endpoint"),
            signing_algorithms=tuple(a for a in document.get("id_token_signing_alg_values_supported", ["RS256"])
                                     if a in SIGNING_ALGORITHMS),
        )
    except KeyError as exc:
        raise ProviderUnavailable(f"{url} names no {exc.args[0]}") from exc
    cache.set(key, provider, settings.SSO_DISCOVERY_CACHE_SECONDS)
    return provider
