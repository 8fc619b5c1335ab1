"""The ID token checks, on tokens the real provider issued (tests/sso/conftest.py): one
changed after signing, one signed by another key under the provider's key id, one for
another client, one past its expiry, one with another sign-in's nonce."""
import base64
import json
import secrets
from datetime import datetime, timedelta

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from mozilla_django_oidc.utils import generate_code_challenge

from sso.backends import CouncilSignInBackend, SignInRefused, SignInUnderWay
from sso.provider import provider_for
from tests.sso.conftest import CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, at_provider, claims

pytestmark = pytest.mark.django_db


def issued_id_token(provider, account: str, nonce: str) -> str:
    """An ID token from the provider, got as Insource gets one (code flow with PKCE)."""
    verifier = secrets.token_urlsafe(48)
    start = requests.Request("GET", provider.issuer + "/auth", params={
        "response_type": "code", "client_id": CLIENT_ID, "redirect_uri": REDIRECT_URI, "scope": "openid email",
        "state": secrets.token_urlsafe(16), "nonce": nonce,
        "code_challenge": generate_code_challenge(verifier, "S256"), "code_challenge_method": "S256",
    }).prepare().url
    back = at_provider(start, account)
    code = requests.utils.urlparse(back).query.split("code=")[1].split("&")[0]
    answer = requests.post(provider.issuer + "/token", timeout=10, data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI,
        "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "code_verifier": verifier})
    answer.raise_for_status()
    return answer.json()["id_token"]


@pytest.fixture
def backend(sign_in_config):
    backend = CouncilSignInBackend()
    backend.configure(SignInUnderWay(config=sign_in_config, provider=provider_for(sign_in_config)))
    return backend


@pytest.fixture
def token(provider):
    provider.accounts({"alex": claims("alex@bathnes.gov.uk")})
    return issued_id_token(provider, "alex", nonce="the-nonce")


def b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_a_genuine_token_passes_every_check(backend, token):
    payload = backend.verify_token(token, nonce="the-nonce")
    assert payload["email"] == "alex@bathnes.gov.uk" and payload["aud"] == CLIENT_ID


def test_a_token_changed_after_signing_is_refused(backend, token):
    header, body, signature = token.split(".")
    forged = {**jwt.decode(token, options={"verify_signature": False}), "email": "director@bathnes.gov.uk"}
    with pytest.raises(SignInRefused) as refused:
        backend.verify_token(f"{header}.{b64(forged)}.{signature}", nonce="the-nonce")
    assert "Signature verification failed" in refused.value.detail


def test_a_token_signed_by_another_key_under_the_providers_key_id_is_refused(backend, token):
    header = jwt.get_unverified_header(token)
    payload = jwt.decode(token, options={"verify_signature": False})
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = jwt.encode(payload, other_key, algorithm="RS256", headers={"kid": header["kid"]})
    with pytest.raises(SignInRefused):
        backend.verify_token(forged, nonce="the-nonce")


def test_a_token_with_no_signature_is_refused(backend, token):
    payload = jwt.decode(token, options={"verify_signature": False})
    with pytest.raises(SignInRefused) as refused:
        backend.verify_token(jwt.encode(payload, None, algorithm="none"), nonce="the-nonce")
    assert "not accepted" in refused.value.detail


def test_a_token_for_another_client_is_refused(backend, token):
    backend.config.client_id = "another-application"
    with pytest.raises(SignInRefused) as refused:
        backend.verify_token(token, nonce="the-nonce")
    assert "Audience" in refused.value.detail


def test_a_token_past_its_expiry_is_refused(backend, token, monkeypatch):
    # As if two hours had passed (the provider's ID tokens last one): the clock PyJWT reads.
    class TwoHoursOn(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime.now(tz) + timedelta(hours=2)

    monkeypatch.setattr("jwt.api_jwt.datetime", TwoHoursOn)
    with pytest.raises(SignInRefused) as refused:
        backend.verify_token(token, nonce="the-nonce")
    assert "expired" in refused.value.detail


def test_a_token_with_another_sign_ins_nonce_is_refused(backend, token):
    with pytest.raises(SignInRefused) as refused:
        backend.verify_token(token, nonce="another-nonce")
    assert "nonce" in refused.value.detail
