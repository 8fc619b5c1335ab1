"""The council administrator's form for the council's sign-in settings."""
from django import forms

from core.forms import govuk_messages
from sso.models import CouncilSignIn


class WriteOnlyField(forms.CharField):
    """A field whose value is never written into the page: not the saved one, nor one
    just typed into a form that came back with errors."""

    def prepare_value(self, value):
        return ""


class CouncilSignInForm(forms.ModelForm):
    """Issuer, client and who may sign in. The client secret is write-only: the field is
    always shown empty, and left empty it keeps the secret saved before."""

    issuer = forms.URLField(label=CouncilSignIn._meta.get_field("issuer").verbose_name, max_length=500,
                            assume_scheme="https", help_text=CouncilSignIn._meta.get_field("issuer").help_text)
    client_secret = WriteOnlyField(
        label="Client secret", required=False, max_length=500,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )

    class Meta:
        model = CouncilSignIn
        fields = ["issuer", "client_id", "client_secret", "tenant_id", "allowed_email_domains",
                  "enabled", "create_accounts"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        govuk_messages(self)
        self.fields["client_secret"].help_text = (
            "A secret is saved; it is never shown. Leave this empty to keep it, or enter a new one to replace it."
            if self.instance.has_secret else
            "The client's secret (in Entra: Certificates & secrets). It is never shown again once saved.")

    def clean_client_secret(self) -> str:
        return self.cleaned_data["client_secret"] or self.instance.client_secret
