"""A real OpenID provider for the sign-in tests: panva's oidc-provider (an npm
devDependency) started with Node from tests/sso/provider.mjs on a free port of the loopback,
once for the session. Tests say who exists there and what it claims of them
(`provider.accounts(...)`), and drive its login and consent pages over HTTP with requests,
as a browser would; Insource is driven through the Django test client."""
import json
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from sso.models import CouncilSignIn
from tests.factories import OrganisationFactory
from tests.servers import free_port

HERE = Path(__file__).resolve().parent
CLIENT_ID = "insource-tests"
CLIENT_SECRET = "a-secret-only-the-tests-know"
# The test client's requests are for http://testserver, so that is where Insource tells the
# provider to send people back.
REDIRECT_URI = "http://testserver/accounts/sso/callback/"
TENANT = "9188040d-6c67-4c5b-b112-36a304b66dad"


@dataclass
class LocalProvider:
    issuer: str
    accounts_file: Path

    def accounts(self, accounts: dict[str, dict]) -> None:
        """Who can sign in at the provider, each with the claims it makes of them."""
        self.accounts_file.write_text(json.dumps(accounts))


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    node = shutil.which("node")
    assert node, "Node.js runs the tests' OpenID provider: install it (see README, Sign-in)"
    assert (HERE.parent.parent / "node_modules" / "oidc-provider").is_dir(), "run make install (npm ci)"
    folder = tmp_path_factory.mktemp("oidc")
    accounts = folder / "accounts.json"
    accounts.write_text("{}")
    port = free_port()
    log = (folder / "provider.log").open("w")
    process = subprocess.Popen(
        [node, str(HERE / "provider.mjs")], stdout=log, stderr=subprocess.STDOUT,
        env={"PATH": "/usr/bin:/bin", "PORT": str(port), "CLIENT_ID": CLIENT_ID, "CLIENT_SECRET": CLIENT_SECRET,
             "REDIRECT_URI": REDIRECT_URI, "ACCOUNTS_FILE": str(accounts)},
    )
    issuer = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            requests.get(issuer + "/.well-known/openid-configuration", timeout=2).raise_for_status()
            break
        except requests.RequestException:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                said = (folder / "provider.log").read_text()
                raise RuntimeError(f"the OpenID provider did not start: {said}") from None
            time.sleep(0.2)
    yield LocalProvider(issuer=issuer, accounts_file=accounts)
    process.terminate()
    process.wait(timeout=10)
    log.close()


@pytest.fixture
def provider(oidc_provider):
    cache.clear()  # discovery documents are cached; each test reads its own
    oidc_provider.accounts({})
    return oidc_provider


@pytest.fixture
def council(db):
    return OrganisationFactory(name="Bath and North East Somerset Council")


@pytest.fixture
def sign_in_config(council, provider) -> CouncilSignIn:
    return CouncilSignIn.objects.create(
        organisation=council, issuer=provider.issuer, client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
        tenant_id=TENANT, allowed_email_domains="bathnes.gov.uk", enabled=True, create_accounts=False,
    )


def claims(email: str, *, verified=True, tid=TENANT, **more) -> dict:
    return {"email": email, "email_verified": verified, "tid": tid, "given_name": "Alex",
            "family_name": "Jones", **more}


def at_provider(url: str, account: str) -> str:
    """Sign in at the provider as `account` (its login page, then its consent page), as a
    browser would, and return the address it sends the browser back to."""
    browser = requests.Session()
    response = browser.get(url, allow_redirects=False, timeout=10)
    for _ in range(12):
        if response.is_redirect:
            location = urljoin(response.url, response.headers["Location"])
            if location.startswith("http://testserver/"):
                return location
            response = browser.get(location, allow_redirects=False, timeout=10)
            continue
        assert response.status_code == 200, response.text[:500]
        action = re.search(r'<form[^>]*action="([^"]+)"', response.text).group(1)
        prompt = re.search(r'name="prompt" value="(\w+)"', response.text).group(1)
        form = {"prompt": prompt}
        if prompt == "login":
            form |= {"login": account, "password": "any password: the provider's test login takes any"}
        response = browser.post(urljoin(response.url, action), data=form, allow_redirects=False, timeout=10)
    raise AssertionError("the provider never sent the browser back")


@dataclass
class SignIn:
    start: object  # Insource's answer to the start
    back_to: str  # where the provider sent the browser
    callback: object  # Insource's answer to the callback

    @property
    def state(self) -> str:
        return parse_qs(urlsplit(self.back_to).query)["state"][0]


def sign_in(client: Client, config: CouncilSignIn, account: str, *, next_url: str | None = None) -> SignIn:
    """The whole flow: Insource's start, the provider's pages, Insource's callback."""
    url = reverse("sso:login", args=[config.organisation_id])
    start = client.get(url, {"next": next_url} if next_url else {})
    assert start.status_code == 302, start
    back_to = at_provider(start["Location"], account)
    callback = client.get(back_to.removeprefix("http://testserver"))
    return SignIn(start, back_to, callback)
