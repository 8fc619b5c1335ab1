"""Forms of the council area: setting up a programme, finding and adding people, roles,
invitations, and the invited person's password."""
from django import forms
from django.contrib.auth import get_user_model

from core.forms import govuk_messages
from core.roles import Role
from programmes.councils import ADDABLE_ORGANISATION_KINDS, organisation_name_problem, person_label
from programmes.forms import ProgrammeCreateForm
from programmes.models import Organisation


class CouncilProgrammeForm(ProgrammeCreateForm):
    """The programme set-up form without the lead organisation: a council administrator
    sets up a programme for their own council, which the view fixes."""

    class Meta(ProgrammeCreateForm.Meta):
        fields = [f for f in ProgrammeCreateForm.Meta.fields if f != "lead_organisation"]


class PersonSearchForm(forms.Form):
    q = forms.CharField(label="Find a person", max_length=200, required=False,
                        help_text="Part of their name or username, or their whole email address.")


class _PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return person_label(obj)


class MemberAddForm(forms.Form):
    user = _PersonChoice(queryset=get_user_model().objects.filter(is_active=True),
                         label="Person", error_messages={"invalid_choice": "Choose a person from the list."})
    role = forms.ChoiceField(choices=Role.choices, label="Role", initial=Role.VIEWER)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        govuk_messages(self)


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices, label="Role", initial=Role.VIEWER)


class AdministratorAddForm(forms.Form):
    user = _PersonChoice(queryset=get_user_model().objects.filter(is_active=True),
                         label="Person", error_messages={"invalid_choice": "Choose a person from the list."})


class InviteForm(forms.Form):
    email = forms.EmailField(label="Email address", max_length=254)
    first_name = forms.CharField(label="First name", max_length=150, required=False)
    last_name = forms.CharField(label="Last name", max_length=150, required=False)
    role = forms.ChoiceField(choices=Role.choices, label="Role", initial=Role.VIEWER)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        govuk_messages(self)


class OrganisationAddForm(forms.ModelForm):
    """A provider, partner, company or mutual that contracts and programmes can name. Councils
    that use the service are set up by the site, not here."""

    class Meta:
        model = Organisation
        fields = ["name", "short_name", "kind"]
        labels = {"name": "Name", "short_name": "Short name", "kind": "Kind of organisation"}
        help_texts = {"name": "Its full name, as contracts give it.",
                      "short_name": "What officers call it, if shorter."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = ADDABLE_ORGANISATION_KINDS
        self.fields["kind"].widget = forms.RadioSelect(choices=ADDABLE_ORGANISATION_KINDS)
        govuk_messages(self)

    def clean_name(self):
        name, problem = organisation_name_problem(self.cleaned_data["name"])
        if problem:
            raise forms.ValidationError(problem)
        return name
