"""Forms for the programme pages. The API's serializers apply the same model rules
through full_clean in the services."""
from datetime import date

from django import forms
from django.contrib.auth import get_user_model

from core.concurrency import VersionedForm
from core.forms import GovukDateField, govuk_date_fields, govuk_messages
from core.scoping import scope_form
from core.search import MAX_QUERY_LENGTH
from programmes.access import programme_members
from programmes.baselines import baseline_holding, name_taken, tidy_name
from programmes.council_lists import ENGAGEMENT_KIND, LISTS, active_choices
from programmes.models import (
    Baseline,
    ConfidenceAssessment,
    Contract,
    CouncilListValue,
    Decision,
    EngagementEvent,
    Lesson,
    Milestone,
    Organisation,
    Programme,
    ServiceInScope,
    Workstream,
)

LOOP_MESSAGE = "These dependencies would make a loop back to this milestone."


def council_list_fields(form: forms.BaseForm, *, council) -> None:
    """Make each field `form.council_lists` names a choice of the council's active values
    of its list (the value a saved record holds stays offered even when retired), so a
    value another council added, or one retired, is "Select a valid choice"."""
    for name, key in getattr(form, "council_lists", {}).items():
        old = form.fields.get(name)
        if old is None:
            continue
        keep = getattr(form.instance, name, None) if getattr(form.instance, "pk", None) else None
        choices = active_choices(council, key, keep=keep)
        form.fields[name] = forms.ChoiceField(
            choices=[("", "Choose one"), *choices],
            required=old.required, label=old.label, help_text=old.help_text)


class ProgrammeScopedForm(VersionedForm):
    """A ModelForm bound to one programme. Every model choice holds only that programme's
    rows, and every choice of a person only its members (core.scoping), so nothing of
    another programme can be picked: a posted id of one is "Select a valid choice"."""

    # Field name -> key of the council list its codes come from (programmes.council_lists).
    council_lists: dict[str, str] = {}

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.instance.programme = programme
        council_list_fields(self, council=programme.lead_organisation_id)
        # A row form of a large upload may share fields already prepared (workforce.imports).
        if not getattr(self, "fields_prepared", False):
            govuk_date_fields(self)
            govuk_messages(self)
        scope_form(self, tenant=programme, members=programme_members(programme))
        for field in self.fields.values():
            if (isinstance(field, forms.ModelChoiceField) and not isinstance(field, forms.ModelMultipleChoiceField)
                    and issubclass(field.queryset.model, get_user_model())):
                field.queryset = field.queryset.order_by("first_name", "last_name")
                field.empty_label = "Nobody yet"
        if "workstream" in self.fields:
            self.fields["workstream"].empty_label = "Choose a workstream" if (
                self.fields["workstream"].required) else "None"


class ProgrammeForm(VersionedForm):
    """The programme's own details. Who it contracts with and when each agreement ends
    are in the contract register (ContractForm), not here."""

    class Meta:
        model = Programme
        fields = ["name", "kind", "summary", "status", "transfer_date", "director",
                  "contract_share", "partners", "reg13_information_days", "reg13_measures_days",
                  "call_in_working_days"]
        widgets = {"partners": forms.CheckboxSelectMultiple, "kind": forms.RadioSelect}

    # Lead times and the call-in period: left empty, they keep what the programme has (a new
    # one, the defaults), so a form that does not show them changes nothing.
    OPTIONAL_SETTINGS = ("reg13_information_days", "reg13_measures_days", "call_in_working_days")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        govuk_date_fields(self)
        govuk_messages(self)
        self.fields["partners"].queryset = Organisation.objects.exclude(
            kind=Organisation.Kind.OUTGOING_PROVIDER)
        for name in self.OPTIONAL_SETTINGS:
            self.fields[name].required = False

    def clean(self):
        cleaned = super().clean()
        for name in self.OPTIONAL_SETTINGS:
            if cleaned.get(name) is None and name not in self.errors:
                cleaned[name] = getattr(self.instance, name)
        return cleaned


class ProgrammeCreateForm(ProgrammeForm):
    class Meta(ProgrammeForm.Meta):
        fields = ["name", "slug", "lead_organisation", *ProgrammeForm.Meta.fields[1:]]


class MilestoneForm(ProgrammeScopedForm):
    class Meta:
        model = Milestone
        fields = ["kind", "title", "workstream", "owner", "baseline_start_date", "baseline_date",
                  "forecast_start_date", "forecast_date", "actual_date", "status", "rag_override",
                  "rag_override_reason", "depends_on", "notes"]
        widgets = {"depends_on": forms.CheckboxSelectMultiple(attrs={"data-app-pick-many": "milestone"}),
                   "kind": forms.RadioSelect}
        labels = {"baseline_date": "Baseline date (an activity's baseline end)",
                  "forecast_date": "Forecast date (an activity's forecast end)",
                  "actual_date": "Actual date (when an activity ended)"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        others = self.fields["depends_on"].queryset.order_by("forecast_date")
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        self.fields["depends_on"].queryset = others
        self.fields["depends_on"].label_from_instance = (
            lambda m: f"{m.title} ({m.forecast_date:%-d %b %Y})")
        # Optional on the form, so a form or an import that says nothing of it adds a milestone.
        self.fields["kind"].required = False
        override = self.fields["rag_override"]
        override.choices = [("", "None: follow the dates and status"), *override.choices[1:]]
        self.held_by = baseline_holding(self.instance)
        if self.held_by is not None:
            # The baseline in use holds its baseline dates: re-baselining moves them.
            del self.fields["baseline_start_date"], self.fields["baseline_date"]

    def clean_kind(self):
        return self.cleaned_data["kind"] or Milestone.Kind.MILESTONE

    def clean_depends_on(self):
        deps = self.cleaned_data["depends_on"]
        if self.instance.would_loop(deps):
            raise forms.ValidationError(LOOP_MESSAGE)
        return deps


class BaselineForm(ProgrammeScopedForm):
    """A new baseline of the plan: its name, unique in the programme, and why now."""

    keep = forms.ChoiceField(
        label="Which dates to keep", widget=forms.RadioSelect, initial="forecast",
        choices=[("forecast", "Today's forecast dates: the plan as now expected"),
                 ("present", "The baseline dates the milestones have now, under this name")])

    class Meta:
        model = Baseline
        fields = ["name", "reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep"].error_messages["required"] = "Choose which dates to keep"

    def clean_name(self):
        name = tidy_name(self.cleaned_data["name"])
        if name_taken(self.programme, name):
            raise forms.ValidationError(Baseline.NAME_TAKEN)
        return name


class MilestoneStatusForm(forms.Form):
    """The quick status update in the tracker's table. The service fills in the actual
    date, so the model's own rules are applied there, not here."""

    status = forms.ChoiceField(choices=Milestone.Status.choices)
    # The milestone's version as the page showed it (core.concurrency).
    record_version = forms.CharField(widget=forms.HiddenInput, required=False)


class WorkstreamForm(ProgrammeScopedForm):
    class Meta:
        model = Workstream
        fields = ["name", "kind", "lead", "order"]


class ContractForm(ProgrammeScopedForm):
    """One agreement of the contract register. Its services are the programme's own
    (core.scoping); the dates to act by are worked out from its dates, not entered."""

    class Meta:
        model = Contract
        fields = ["title", "counterparty", "services", "start_date", "end_date", "notice_days",
                  "extension_options", "extension_notice_days", "annual_value", "staff_transfer",
                  "transfer_date"]
        widgets = {"services": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["counterparty"].required = True
        self.fields["counterparty"].empty_label = "Choose an organisation"
        self.fields["counterparty"].help_text = (
            f"{self.fields['counterparty'].help_text} Not in the list? The council's administrator adds it "
            "on the council's Organisations page.")


class ServiceForm(ProgrammeScopedForm):
    class Meta:
        model = ServiceInScope
        fields = ["code", "name", "share_of_contract"]


class DecisionForm(ProgrammeScopedForm):
    class Meta:
        model = Decision
        fields = ["body", "meeting_date", "title", "key_decision", "forward_plan_ref",
                  "classification", "wards", "decision", "delegations", "published_on"]


class LessonForm(ProgrammeScopedForm):
    class Meta:
        model = Lesson
        fields = ["title", "kind", "recorded_on", "workstream", "detail", "action"]


class EngagementEventForm(ProgrammeScopedForm):
    council_lists = {"kind": ENGAGEMENT_KIND}

    class Meta:
        model = EngagementEvent
        fields = ["date", "kind", "group", "title", "attendees", "notes"]


class ConfidenceAssessmentForm(ProgrammeScopedForm):
    class Meta:
        model = ConfidenceAssessment
        fields = ["period_end", "scale", "rating", "commentary", "assessed_by"]


class CouncilListAddForm(forms.Form):
    """A new value for one of the council's lists: its code (what records store) and label."""

    list_key = forms.ChoiceField(label="List", choices=[])
    value = forms.CharField(label="Code", max_length=20,
                            validators=CouncilListValue._meta.get_field("value").validators,
                            help_text="Lower-case letters, digits and underscores, like care_packages. "
                                      "Records store it; it cannot be changed later.")
    label = forms.CharField(label="Label", max_length=100, help_text="What people read, like Care packages.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["list_key"].choices = [(k, spec.name) for k, spec in LISTS.items()]
        self.fields["value"].widget.attrs.update({"class": "govuk-input--width-20", "spellcheck": "false"})
        govuk_messages(self)


class CouncilListValueForm(forms.Form):
    """A value's label, its place in the list and whether it is retired."""

    label = forms.CharField(label="Label", max_length=100)
    order = forms.IntegerField(label="Place in the list", min_value=0,
                               help_text="Lower numbers come first.")
    retired = forms.BooleanField(label="Retired: not offered for new records, still shown on old ones",
                                 required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["order"].widget.attrs["class"] = "govuk-input--width-3"
        govuk_messages(self)


class DeadlineDoneForm(forms.Form):
    """That a derived deadline was met: the day (not after today) and an optional note. The
    deadline's date itself is worked out and cannot be changed here or anywhere."""

    done_on = GovukDateField(label="Done on", help_text="For example, 27 3 2027")
    note = forms.CharField(max_length=300, required=False, label="Note (optional)",
                           help_text="For example, where the notice was published.")

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        govuk_messages(self)
        self.fields["done_on"].error_messages["required"] = "Enter the day it was done"

    def clean_done_on(self):
        done_on = self.cleaned_data["done_on"]
        if done_on > self.today:
            raise forms.ValidationError("The day it was done must be today or earlier")
        return done_on


class EmailSettingsForm(forms.Form):
    """How often a person gets each kind of email (programmes.reach declares the kinds)."""

    def __init__(self, *args, kinds, initial_frequencies: dict, **kwargs):
        super().__init__(*args, **kwargs)
        from programmes.models import NotificationPreference

        labels = dict(NotificationPreference.Frequency.choices)
        for kind in kinds:
            self.fields[kind.key] = forms.ChoiceField(
                label=kind.label, help_text=kind.hint, widget=forms.RadioSelect,
                choices=[(f, labels[f]) for f in kind.frequencies], initial=initial_frequencies.get(kind.key),
                error_messages={"required": f"Choose how often you get emails about {kind.label.lower()}",
                                "invalid_choice": f"Choose how often you get emails about {kind.label.lower()}"})


class SearchForm(forms.Form):
    """The search box in the header, and on the results page. A search longer than the
    index is asked to read is refused with a message, not cut short without a word."""

    q = forms.CharField(
        label="Search your programmes", required=False, strip=True, max_length=MAX_QUERY_LENGTH,
        error_messages={"max_length": f"Enter a search of {MAX_QUERY_LENGTH} characters or fewer"},
        help_text="Milestones, activities, risks, issues, actions, decisions, lessons, engagement events, "
                  "options, business cases and Cabinet papers.")
