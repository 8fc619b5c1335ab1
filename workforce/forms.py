"""Forms of the workforce pages. The ELI upload validates every row through
`EmployeeRecordForm` too (see `workforce.imports`), so a row of a file and a record
corrected on the page obey the same rules."""
from decimal import Decimal

from django import forms
from django.utils import timezone

from core.concurrency import VersionedForm, VersionedRecordsForm
from core.forms import govuk_date_fields, govuk_messages
from programmes.forms import ProgrammeScopedForm
from workforce.models import (
    FTE_TOLERANCE,
    MAX_FTE,
    EmployeeRecord,
    Establishment,
    PayScale,
    PensionRate,
    Readiness,
    ReadinessItem,
    Team,
    WorkforceSettings,
)


def fte_problem(fte: Decimal | None, hours: Decimal | None, standard_week: Decimal) -> str | None:
    """Why FTE and contracted hours disagree on the programme's standard week, or None."""
    if fte is None or hours is None:
        return None
    expected = Decimal(hours) / Decimal(standard_week)
    if abs(Decimal(fte) - expected) > FTE_TOLERANCE:
        return (f"FTE {fte} does not match {hours.normalize():f} contracted hours on a "
                f"{standard_week.normalize():f}-hour week (that would be {expected:.2f})")
    return None


class EmployeeRecordForm(ProgrammeScopedForm):
    """One person (or vacant post) on a roster: HR corrects a record with it, and every
    row of an ELI upload goes through it (as `workforce.imports.EliRowForm`)."""

    class Meta:
        model = EmployeeRecord
        fields = ["employee_ref", "is_vacancy", "name", "job_title", "team", "service_line", "grade",
                  "pay_scale", "terms", "annual_pay", "contracted_hours", "fte", "contract_type",
                  "continuous_service_date", "pension_scheme", "base_location", "status",
                  "sickness_absence_days", "disciplinary_last_two_years", "grievance_last_two_years",
                  "claims"]

    def __init__(self, *args, standard_week: Decimal, **kwargs):
        super().__init__(*args, **kwargs)
        self.standard_week = standard_week

    def today(self):
        """The day a continuous service date may not be after."""
        return timezone.localdate()

    def clean_continuous_service_date(self):
        value = self.cleaned_data.get("continuous_service_date")
        if value and value > self.today():
            raise forms.ValidationError("The continuous service date must be today or in the past")
        return value

    def clean(self):
        data = super().clean()
        fte = data.get("fte")
        in_range = fte is not None and 0 <= fte <= MAX_FTE
        problem = fte_problem(fte, data.get("contracted_hours"), self.standard_week) if in_range else None
        if problem and "fte" not in self.errors:
            self.add_error("fte", problem)
        if data.get("is_vacancy"):
            # A vacant post has no person: nothing personal may be recorded against it.
            for name in ("name", "annual_pay", "continuous_service_date"):
                if data.get(name) not in (None, ""):
                    self.add_error(name, "Leave this blank for a vacancy")
        team = data.get("team")
        if team is not None and not data.get("service_line"):
            data["service_line"] = team.service_line
        return data


class ReadinessForm(VersionedForm):
    """Which of the programme's day-one checks one person has done (`items`: the
    programme's list, workforce.selectors.readiness_items). A tick of a check no longer on
    the list is dropped when the form is saved."""

    done = forms.TypedMultipleChoiceField(label="Checks done", coerce=int, required=False,
                                          widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Readiness
        fields = ["done"]

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        if "done" in self.fields:
            self.fields["done"].choices = [(i.pk, i.label) for i in self.items]
            self.initial["done"] = [pk for pk in (self.instance.done or []) if pk in {i.pk for i in self.items}]

    def clean_done(self):
        return sorted(self.cleaned_data["done"])


class ReadinessItemForm(ProgrammeScopedForm):
    """One check of the programme's day-one list: its label, unique (ignoring case), who
    is responsible for it (a member) and the day it is to be done by."""

    class Meta:
        model = ReadinessItem
        fields = ["label", "owner", "due_date"]

    def clean_label(self):
        label = ReadinessItem.label_tidied(self.cleaned_data["label"])
        if ReadinessItem.label_taken(self.programme, label, instance=self.instance):
            raise forms.ValidationError(ReadinessItem.LABEL_TAKEN)
        return label


class RosterDetailsForm(forms.Form):
    """What the file itself does not say: the as-at date, when it arrived, and a note."""

    # Labels are nouns: the GOV.UK messages are made from them ("Enter the as-at date"), and
    # the field template itself adds "(optional)".
    as_at = forms.DateField(label="As-at date", help_text="The date the provider's information describes")
    received_on = forms.DateField(label="Date received", help_text="The date the provider sent it")
    note = forms.CharField(label="Note", required=False, max_length=300)

    def __init__(self, *args, programme=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Where staff transfer under more than one contract (phased transfers), the list may
        # be one contract's: its lateness is then measured against that contract's deadline.
        phased = (programme.contracts.filter(staff_transfer=True, transfer_date__isnull=False)
                  .order_by("transfer_date", "pk") if programme is not None else None)
        if phased is not None and len(phased) > 1:
            self.fields["contract"] = forms.ModelChoiceField(
                queryset=phased, required=False, label="Contract",
                empty_label="Every transfer: one list for all the contracts",
                help_text="Whose staff the list covers. It is on time or late against that contract's "
                          "ELI deadline; a list for every transfer, against the first.")
            self.fields["contract"].label_from_instance = (
                lambda c: f"{c.title}: staff transfer {c.transfer_date:%-d %B %Y}, "
                          f"ELI due by {c.eli_deadline:%-d %B %Y}")
        govuk_date_fields(self)
        govuk_messages(self)

    def clean(self):
        data = super().clean()
        if data.get("as_at") and data.get("received_on") and data["received_on"] < data["as_at"]:
            self.add_error("received_on", "The date received must be on or after the as-at date")
        return data


class TeamForm(ProgrammeScopedForm):
    class Meta:
        model = Team
        fields = ["name", "service_line"]

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if Team.objects.filter(programme=self.programme, name__iexact=name).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(f"There is already a team called {name}")
        return name


class PayScaleForm(ProgrammeScopedForm):
    class Meta:
        model = PayScale
        fields = ["code", "name"]

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if PayScale.objects.filter(programme=self.programme, code__iexact=code).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(f"There is already a pay scale with the code {code}")
        return code


class WorkforceSettingsForm(VersionedForm):
    class Meta:
        model = WorkforceSettings
        fields = ["standard_weekly_hours"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        govuk_messages(self)


class EstablishmentForm(ProgrammeScopedForm):
    class Meta:
        model = Establishment
        fields = ["name", "baseline", "site", "first_dismissal_date", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["baseline"].queryset = self.fields["baseline"].queryset.order_by("-version")
        self.fields["baseline"].empty_label = "Choose a roster version"


class EstablishmentLinesForm(VersionedRecordsForm):
    """Posts, FTE and redundancies for every team of the programme, in one table."""

    COLUMNS = (("posts", "Posts"), ("fte", "FTE"), ("voluntary", "Voluntary redundancies"),
               ("compulsory", "Compulsory redundancies"))

    versioned_what = "this establishment"

    def __init__(self, *args, teams: list[Team], initial_lines: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.teams = teams
        self.versioned_records = sorted(initial_lines.values(), key=lambda line: line.pk)
        for team in teams:
            line = initial_lines.get(team.pk)
            for key, label in self.COLUMNS:
                name = f"{key}_{team.pk}"
                full = f"{label} in {team.name}"
                if key == "fte":
                    field = forms.DecimalField(label=full, min_value=0, max_digits=7, decimal_places=2)
                else:
                    field = forms.IntegerField(label=full, min_value=0)
                field.required = True
                field.error_messages.update({
                    "required": f"Enter the {label.lower()} for {team.name} (0 if none)",
                    "invalid": f"Enter a number for the {label.lower()} of {team.name}",
                    "min_value": f"Enter 0 or more for the {label.lower()} of {team.name}",
                })
                if line is not None:
                    field.initial = {"posts": line.posts, "fte": line.fte, "voluntary": line.voluntary_redundancies,
                                     "compulsory": line.compulsory_redundancies}[key]
                else:
                    field.initial = 0
                self.fields[name] = field

    def rows(self):
        """(team, [bound fields]) for the template's table."""
        return [(team, [self[f"{key}_{team.pk}"] for key, _ in self.COLUMNS]) for team in self.teams]

    def lines(self) -> dict[int, dict]:
        d = self.cleaned_data
        return {t.pk: {"posts": d[f"posts_{t.pk}"], "fte": d[f"fte_{t.pk}"],
                       "voluntary_redundancies": d[f"voluntary_{t.pk}"],
                       "compulsory_redundancies": d[f"compulsory_{t.pk}"]} for t in self.teams}

    def clean(self):
        data = super().clean()
        for team in self.teams:
            posts = data.get(f"posts_{team.pk}")
            fte = data.get(f"fte_{team.pk}")
            if posts is not None and fte is not None and fte > posts * Decimal("1.5"):
                self.add_error(f"fte_{team.pk}", f"The FTE of {team.name} cannot be more than 1.5 a post")
        return data


class PensionRateForm(ProgrammeScopedForm):
    """A scheme's employer contribution rate; one rate a scheme."""

    class Meta:
        model = PensionRate
        fields = ["scheme", "fund", "employer_rate"]

    def clean_scheme(self):
        scheme = self.cleaned_data["scheme"]
        if PensionRate.scheme_taken(self.programme, scheme, instance=self.instance):
            raise forms.ValidationError(PensionRate.SCHEME_TAKEN)
        return scheme
