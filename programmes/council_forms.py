"""Forms of the council area: setting up a programme, finding and adding people, roles,
invitations, and the invited person's password."""
from django import forms
from django.contrib.auth import get_user_model

from core.forms import govuk_messages
from core.roles import Role
from programmes.councils import person_label
from programmes.forms import ProgrammeCreateForm


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
