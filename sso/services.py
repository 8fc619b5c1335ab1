"""Writes for sign-in with a council's own accounts."""
import logging

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from programmes.models import Organisation
from sso.models import CouncilSignIn

log = logging.getLogger(__name__)

EDITABLE = ("issuer", "client_id", "tenant_id", "allowed_email_domains", "enabled", "create_accounts")


@transaction.atomic
def council_sign_in_save(*, council: Organisation, user, issuer: str, client_id: str, tenant_id: str,
                         allowed_email_domains: str, enabled: bool, create_accounts: bool,
                         client_secret: str = "") -> CouncilSignIn:
    """Create or change a council's sign-in settings, recording who did it in the history.

    A blank `client_secret` keeps the one saved before (the page never shows it back, so a
    person changing something else leaves that field empty); a different one replaces it,
    and the history records when (never the secret itself)."""
    config = CouncilSignIn.objects.select_for_update().filter(organisation=council).first()
    created = config is None
    config = config or CouncilSignIn(organisation=council)
    for name, value in {"issuer": issuer.strip(), "client_id": client_id.strip(), "tenant_id": tenant_id.strip(),
                        "allowed_email_domains": allowed_email_domains, "enabled": enabled,
                        "create_accounts": create_accounts}.items():
        setattr(config, name, value)
    reason = "Sign-in settings created" if created else "Sign-in settings changed"
    if client_secret and client_secret.strip() != config.client_secret:
        config.client_secret = client_secret.strip()
        config.secret_changed_at = timezone.now()
        reason += " (new client secret)"
    config.full_clean()
    config._history_user = user
    config._change_reason = reason
    config.save()
    return config


def _free_username(email: str) -> str:
    """The email itself as the username, or with a number after it if that is taken."""
    User = get_user_model()
    base = email.lower()[:140]
    candidate, n = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


@transaction.atomic
def user_create_from_sign_in(*, config: CouncilSignIn, email: str, given_name: str = "",
                             family_name: str = "") -> object:
    """Create the account of someone signing in for the first time with their council's
    account, where the council allows it. The account has no password (they sign in through
    the council) and no membership of any programme until someone grants one."""
    User = get_user_model()
    user = User(username=_free_username(email), email=email, first_name=given_name[:150],
                last_name=family_name[:150])
    user.set_unusable_password()
    user.full_clean()
    user.save()
    log.info("Created account %s on first sign-in through %s", user.username, config.organisation)
    return user
