"""A council's own identity provider (OpenID Connect), through which its staff sign in."""
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel
from programmes.models import Organisation

# Plain http is allowed only to a provider on this machine (a developer's, or the tests').
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


def email_domains(text: str) -> list[str]:
    """The domains in `text` (one a line, or separated by commas or spaces), lower-cased,
    without a leading "@", in the order given and each once."""
    seen: list[str] = []
    for part in text.replace(",", " ").split():
        domain = part.strip().lstrip("@").lower()
        if domain and domain not in seen:
            seen.append(domain)
    return seen


class CouncilSignIn(TimeStampedModel):
    """How one council's staff sign in with the council's own accounts: its OpenID provider
    (most often Microsoft Entra ID), the client Insource is registered as there, and who may
    come in that way.

    The client secret is kept out of the history (each historical row would be another copy
    of it); `secret_changed_at`, which is in the history, records that it changed and when."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="sign_in",
        limit_choices_to={"kind": Organisation.Kind.COUNCIL},
    )
    issuer = models.URLField(
        "Issuer URL", max_length=500,
        help_text="The provider's issuer; its discovery document is at "
                  "<issuer>/.well-known/openid-configuration. For Entra ID: "
                  "https://login.microsoftonline.com/<tenant ID>/v2.0",
    )
    client_id = models.CharField("Client ID", max_length=255,
                                 help_text="Entra calls it the application (client) ID.")
    client_secret = models.CharField(max_length=500, blank=True)
    secret_changed_at = models.DateTimeField(null=True, blank=True)
    tenant_id = models.CharField(
        "Expected tenant ID", max_length=100, blank=True,
        help_text="When set, a sign-in is refused unless the token's tenant (Entra's tid claim) is this one.",
    )
    allowed_email_domains = models.TextField(
        help_text="Only people whose verified email is at one of these domains may sign in. "
                  "One a line, or separated by commas.",
    )
    enabled = models.BooleanField("Offer sign-in with the council's account", default=False)
    create_accounts = models.BooleanField(
        "Create an account on first sign-in", default=False,
        help_text="Off: only people who already have an account (or an invitation) may sign in. "
                  "A new account has no access to any programme until someone grants it.",
    )
    history = HistoricalRecords(excluded_fields=["client_secret"])

    class Meta:
        ordering = ["organisation__name"]

    def __str__(self) -> str:
        return f"Sign-in for {self.organisation}"

    @property
    def domains(self) -> list[str]:
        return email_domains(self.allowed_email_domains)

    @property
    def has_secret(self) -> bool:
        return bool(self.client_secret)

    def clean(self) -> None:
        errors = {}
        parts = urlsplit(self.issuer or "")
        if parts.scheme != "https" and not (parts.scheme == "http" and parts.hostname in LOCAL_HOSTS):
            errors["issuer"] = ("Enter the issuer's https address (for example "
                                "https://login.microsoftonline.com/<tenant ID>/v2.0).")
        elif parts.query or parts.fragment:
            errors["issuer"] = "Enter the issuer without a query or fragment (nothing after ? or #)."
        if not self.domains:
            errors["allowed_email_domains"] = "Enter at least one email domain, such as bathnes.gov.uk."
        elif bad := [d for d in self.domains if "." not in d or "@" in d or "/" in d]:
            errors["allowed_email_domains"] = f"{bad[0]} is not an email domain: enter domains such as bathnes.gov.uk."
        if self.enabled and not self.client_secret:
            errors["client_secret"] = "Enter the client secret before offering sign-in."
        if self.organisation_id and self.organisation.kind != Organisation.Kind.COUNCIL:
            errors["organisation"] = "Only a council has its own sign-in."
        if errors:
            raise ValidationError(errors)
