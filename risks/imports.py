"""Importing a risk register from a spreadsheet, through the one upload pipeline in
core.uploads. The register's own xlsx export is accepted as it is, so export → edit →
import round-trips (its Reference and score columns are ignored: references are numbered
afresh and scores are worked out)."""
import re
from dataclasses import replace
from datetime import datetime

from django import forms

from core.uploads import ColumnSpec, UploadSpec
from programmes.access import programme_members
from programmes.council_lists import RISK_CATEGORY, active_choices
from programmes.models import Programme
from programmes.services import record_delete
from risks.forms import RiskForm
from risks.models import Risk
from risks.services import risk_save

KIND = "risks.register"

COLUMNS = (
    ColumnSpec("title", "Title", aliases=("Risk title", "Risk", "Risk name", "Name", "Short title")),
    ColumnSpec("cause", "Cause", required=False, aliases=("Causes", "Because of", "Source")),
    ColumnSpec("event", "Event", required=False,
               aliases=("Description", "Risk description", "Risk event", "Detail", "Details")),
    ColumnSpec("effect", "Effect", required=False, aliases=("Effects", "Consequence", "Consequences",
                                                            "Impact description")),
    ColumnSpec("category", "Category", aliases=("Risk category", "Type", "Risk type")),
    ColumnSpec("owner", "Owner", required=False, aliases=("Risk owner", "Owned by", "Responsible")),
    ColumnSpec("workstream", "Workstream", required=False, aliases=("Work stream", "Stream", "Project")),
    ColumnSpec("proximity", "Proximity", required=False, aliases=("When", "Timescale")),
    ColumnSpec("proximity_date", "Proximity date", required=False, aliases=("Date it could happen",)),
    ColumnSpec("likelihood", "Likelihood", aliases=(
        "L", "Probability", "P", "Inherent likelihood", "Gross likelihood", "Likelihood (inherent)")),
    ColumnSpec("impact", "Impact", aliases=(
        "I", "Severity", "Inherent impact", "Gross impact", "Impact (inherent)")),
    ColumnSpec("residual_likelihood", "Residual likelihood", aliases=(
        "Residual L", "RL", "Residual probability", "Net likelihood", "Likelihood (residual)")),
    ColumnSpec("residual_impact", "Residual impact", aliases=(
        "Residual I", "RI", "Residual severity", "Net impact", "Impact (residual)")),
    ColumnSpec("target_score", "Target score", required=False, aliases=("Target", "Target risk score")),
    ColumnSpec("response", "Response", required=False, aliases=(
        "Mitigation", "Risk response", "Treatment", "Strategy", "Response strategy")),
    ColumnSpec("status", "Status", required=False, aliases=("Risk status", "Open or closed")),
    ColumnSpec("next_review_date", "Next review date", required=False, aliases=(
        "Review date", "Next review", "Review by", "Date of next review")),
    ColumnSpec("escalated", "Escalated", required=False, display="yes_no", aliases=(
        "Escalated to the board", "Escalated?", "Board escalation")),
    ColumnSpec("escalated_on", "Escalated date", required=False, aliases=(
        "Escalated on", "Date escalated", "Escalation date")),
)
# The example row of the downloadable template: one risk as a register would hold it.
EXAMPLE = {"title": "Payroll not ready for transfer day", "cause": "The payroll provider is appointed late",
           "event": "Staff are not paid correctly in the first month", "effect": "Hardship for staff",
           "category": "Financial", "proximity": "Within 3 months", "likelihood": 3, "impact": 4,
           "residual_likelihood": 2, "residual_impact": 3, "target_score": 4, "response": "Treat",
           "status": "Open", "escalated": "No"}
COLUMNS = tuple(replace(c, example=EXAMPLE.get(c.name, "")) for c in COLUMNS)

# The category's choices are the council's own (RowLookups.choices), the others fixed.
CHOICE_FIELDS = {
    "category": None,
    "proximity": Risk.Proximity.choices,
    "response": Risk.Response.choices,
    "status": Risk.Status.choices,
}
TRUE = {"yes", "y", "true", "1", "x"}
FALSE = {"no", "n", "false", "0", ""}


def _key(text: str) -> str:
    return " ".join(str(text).lower().split())


class RowLookups:
    """The programme's members and workstreams, and the risk categories its council offers,
    looked up once per file, not once per row."""

    def __init__(self, programme: Programme):
        self.choices = {**CHOICE_FIELDS,
                        "category": active_choices(programme.lead_organisation_id, RISK_CATEGORY)}
        self.owners: dict[str, list] = {}
        for user in programme_members(programme).distinct():
            for name in {user.username, user.get_full_name(), str(user)}:
                if name:
                    self.owners.setdefault(_key(name), [])
                    if user not in self.owners[_key(name)]:
                        self.owners[_key(name)].append(user)
        self.workstreams = {_key(w.name): w for w in programme.workstreams.all()}


class RiskImportRowForm(RiskForm):
    """One row of the file: the risk form's fields and model validation, with the text of a
    spreadsheet turned into values first — choices by label or value (any case; the category
    from the council's offered ones), the owner by username or full name of a programme
    member, the workstream by name, Yes/No for flags."""

    # The category is matched here against the council's list, which RowLookups read once
    # for the file, rather than read again for every row's form.
    council_lists: dict[str, str] = {}

    def __init__(self, *args, programme: Programme, lookups: RowLookups | None = None, **kwargs):
        super().__init__(*args, programme=programme, **kwargs)
        self.lookups = lookups or RowLookups(programme)
        for name in (*CHOICE_FIELDS, "owner", "workstream", "escalated"):
            old = self.fields[name]
            required = name == "category"
            self.fields[name] = forms.CharField(
                label=old.label, required=required,
                error_messages={"required": f"Enter the {str(old.label).lower()}"})
        for name in ("proximity_date", "next_review_date", "escalated_on"):
            self.fields[name].error_messages["invalid"] = "Enter a real date, for example 31/03/2026."

    def _choice(self, name: str) -> str:
        text = _key(self.cleaned_data.get(name) or "")
        if not text:
            default = Risk._meta.get_field(name).get_default()
            return default or ""
        choices = self.lookups.choices[name]
        for value, label in choices:
            if text in (_key(value), _key(label), _key(value).replace("_", " ")):
                return value
        labels = ", ".join(label for _, label in choices)
        raise forms.ValidationError(f"\"{self.cleaned_data.get(name)}\" is not a {name}: use one of {labels}")

    def clean_category(self):
        return self._choice("category")

    def clean_proximity(self):
        return self._choice("proximity")

    def clean_response(self):
        return self._choice("response")

    def clean_status(self):
        return self._choice("status")

    def clean_owner(self):
        text = (self.cleaned_data.get("owner") or "").strip()
        if not text:
            return None
        found = self.lookups.owners.get(_key(text), [])
        if len(found) > 1:
            raise forms.ValidationError(f"More than one member is called \"{text}\": give their username")
        if not found:
            raise forms.ValidationError(
                f"No member of this programme has the username or name \"{text}\"")
        return found[0]

    def clean_workstream(self):
        text = (self.cleaned_data.get("workstream") or "").strip()
        if not text:
            return None
        found = self.lookups.workstreams.get(_key(text))
        if found is None:
            raise forms.ValidationError(f"This programme has no workstream called \"{text}\"")
        return found

    def clean_escalated(self):
        text = _key(self.cleaned_data.get("escalated") or "")
        if text in TRUE:
            return True
        if text in FALSE:
            return False
        raise forms.ValidationError("Enter Yes or No")

    def clean(self):
        data = super().clean()
        # The register's export gives the date escalated but no Yes/No column.
        if data.get("escalated_on") and not data.get("escalated") and not _key(self.data.get("escalated", "")):
            data["escalated"] = True
        return data


def _normalise_dates(data: dict) -> dict:
    """Day/month/year with slashes or dots (the UK way) as ISO, which the date fields read."""
    out = dict(data)
    for name in ("proximity_date", "next_review_date", "escalated_on"):
        text = str(out.get(name) or "").strip()
        match = re.fullmatch(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})", text)
        if match:
            day, month, year = (int(g) for g in match.groups())
            try:
                out[name] = datetime(year, month, day).date().isoformat()
            except ValueError:
                pass
    return out


class RiskImportForm(RiskImportRowForm):
    """What the pipeline builds for each row (`form_class(data=row, **form_kwargs)`)."""

    def __init__(self, *args, data=None, **kwargs):
        super().__init__(*args, data=_normalise_dates(data) if data is not None else None, **kwargs)


def row_form_kwargs(programme: Programme) -> dict:
    return {"programme": programme, "lookups": RowLookups(programme)}


def write_risks(*, upload, rows, user, programme: Programme) -> int:
    """Create each risk through the service, so it is numbered and its history says who
    imported it and from which file."""
    reason = f"Imported from {upload.original_name}"[:100]
    for row in rows:
        risk_save(risk=Risk(programme=programme, upload=upload, **row), user=user, reason=reason)
    return len(rows)


def rollback_risks(*, upload, user) -> None:
    for risk in Risk.objects.filter(upload=upload):
        record_delete(instance=risk, user=user, reason="Upload rolled back")


SPEC = UploadSpec(kind=KIND, columns=COLUMNS, form_class=RiskImportForm, write=write_risks,
                  rollback=rollback_risks, label="Risk register")
