"""ELI rosters and readiness sheets through the one upload pipeline in core.uploads.

Every row goes through the page's own form (`EmployeeRecordForm`, `ReadinessForm`), with
spreadsheet text turned into values first. What one row cannot know on its own — the
programme's teams and pay scales, and which employee references appear on more than one
row — is looked up once per file in `RosterLookups` and handed to every row's form
through the pipeline's form_kwargs, so validating 5,000 rows runs no query per row.

A roster's commit reuses the rows its preview validated (`ROSTER_REUSE`) while the file,
its mapping and these lookups are as they were; the fingerprint of the lookups is made
from what the lookups read, so a team added or renamed in between is noticed.
"""
import hashlib
import json
import re
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

from django import forms
from django.db import models, transaction
from django.db.models import Max, ProtectedError
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core.bulk import bulk_insert
from core.formats import label_noun
from core.protection import refusal_message
from core.uploads import ColumnSpec, UploadError, UploadSpec
from core.uploads.spec import RowReuse
from programmes.models import Programme
from programmes.services import record_delete, record_save
from workforce.forms import EmployeeRecordForm, ReadinessForm
from workforce.models import (
    DEFAULT_STANDARD_WEEK,
    ContractType,
    EmployeeRecord,
    Establishment,
    PayScale,
    PensionScheme,
    Readiness,
    ReadinessItem,
    StaffStatus,
    Team,
    Terms,
    TransferRoster,
    WorkforceSettings,
    record_problems,
)

ROSTER_KIND = "workforce.roster"
READINESS_KIND = "workforce.readiness"

ROSTER_COLUMNS = (
    ColumnSpec("employee_ref", "Employee reference", aliases=(
        "Employee No", "Employee No.", "Employee number", "Employee ref", "Emp ref", "Emp no", "Staff ID",
        "Staff number", "Staff no", "Payroll number", "Assignment number", "Person ID", "Post number")),
    ColumnSpec("is_vacancy", "Vacancy", required=False, aliases=("Vacant", "Is vacancy", "Vacant post"),
               display="yes_no"),
    ColumnSpec("name", "Name", required=False, aliases=("Full name", "Employee name", "Staff name")),
    ColumnSpec("forename", "Forename", required=False, aliases=("First name", "Given name", "Forenames")),
    ColumnSpec("surname", "Surname", required=False, aliases=("Last name", "Family name")),
    ColumnSpec("job_title", "Job title", aliases=("Post title", "Role", "Position", "Job")),
    ColumnSpec("team", "Team", aliases=("Team name", "Department", "Cost centre name")),
    ColumnSpec("service_line", "Service line", required=False, aliases=("Service", "Service code")),
    ColumnSpec("grade", "Grade", aliases=("Band", "Grade/Band", "Grade or band", "Pay band", "AfC band")),
    ColumnSpec("pay_scale", "Pay scale", aliases=("Pay scale code", "Scale", "Salary scale", "Pay spine")),
    ColumnSpec("terms", "Terms and conditions", aliases=("T&Cs", "Ts and Cs", "Terms", "Contract terms", "T and C")),
    ColumnSpec("annual_pay", "Annual pay", required=False, aliases=(
        "Salary", "Annual salary", "Basic pay", "Basic salary", "Pay"), display="money"),
    ColumnSpec("contracted_hours", "Contracted hours", aliases=(
        "Hours per week", "Weekly hours", "Hours", "Contracted hours per week")),
    ColumnSpec("fte", "FTE", aliases=("WTE", "Whole time equivalent", "Full time equivalent")),
    ColumnSpec("contract_type", "Contract type", aliases=("Contract", "Employment type", "Permanent/Fixed term")),
    ColumnSpec("continuous_service_date", "Continuous service date", required=False, aliases=(
        "CSD", "Continuous service", "Date of continuous service", "Start date")),
    ColumnSpec("pension_scheme", "Pension scheme", aliases=("Pension", "Pension scheme name")),
    ColumnSpec("base_location", "Base location", required=False, aliases=("Base", "Work base", "Location")),
    ColumnSpec("status", "Status", required=False, aliases=("Employment status", "Absence status")),
    ColumnSpec("sickness_absence_days", "Sickness absence days", required=False, aliases=(
        "Sickness days", "Sickness absence", "Days sick")),
    ColumnSpec("disciplinary_last_two_years", "Disciplinary", required=False, aliases=(
        "Disciplinary (last 2 years)", "Disciplinary in the last two years")),
    ColumnSpec("grievance_last_two_years", "Grievance", required=False, aliases=(
        "Grievance (last 2 years)", "Grievance in the last two years")),
    ColumnSpec("claims", "Claims", required=False, aliases=("Tribunal claims", "Claims brought")),
)

# The example row of the downloadable template: one invented person.
ROSTER_EXAMPLE = {
    "employee_ref": "E0001", "is_vacancy": "No", "name": "Alex Example", "job_title": "Social worker",
    "team": "First Response", "service_line": "PD01", "grade": "Band 6", "pay_scale": "AFC",
    "terms": "Agenda for Change", "annual_pay": Decimal("23976.00"), "contracted_hours": 37, "fte": Decimal("1.00"),
    "contract_type": "Permanent", "continuous_service_date": date(2015, 3, 31), "pension_scheme": "NHS Pension Scheme",
    "base_location": "Bath", "status": "In post", "sickness_absence_days": 2, "disciplinary_last_two_years": "No",
    "grievance_last_two_years": "No", "claims": "None",
}
ROSTER_COLUMNS = tuple(replace(c, example=ROSTER_EXAMPLE.get(c.name, "")) for c in ROSTER_COLUMNS)

# The readiness sheet's first column; a column for each of the programme's own day-one
# checks follows (readiness_columns).
READINESS_COLUMNS = (ROSTER_COLUMNS[0],)
# Other headings a sheet may give a default check's column, besides its label.
READINESS_ALIASES = {
    "on_payroll": ("On payroll", "Payroll", "On first payroll"),
    "network_account": ("Network account", "IT account", "Account"),
    "laptop": ("Laptop",),
    "phone": ("Phone", "Mobile phone", "Mobile"),
    "induction_booked": ("Induction",),
}


def check_field(item) -> str:
    """The row form's field (and the sheet's column name) of a day-one check."""
    return f"check_{item.pk}"


def readiness_columns(programme: Programme) -> tuple[ColumnSpec, ...]:
    """A column for each of the programme's day-one checks: each is optional, and a check
    whose column the sheet does not have is left as it was."""
    return tuple(ColumnSpec(check_field(item), item.label, required=False, display="yes_no", example="Yes",
                            aliases=(item.key, *READINESS_ALIASES.get(item.key, ())))
                 for item in ReadinessItem.objects.filter(programme=programme))


# Spreadsheet spellings of each choice, besides its value and label.
SYNONYMS = {
    "terms": {"afc": Terms.AGENDA_FOR_CHANGE, "nhsafc": Terms.AGENDA_FOR_CHANGE,
              "agendaforchange": Terms.AGENDA_FOR_CHANGE, "nhs": Terms.AGENDA_FOR_CHANGE,
              "njc": Terms.NJC, "greenbook": Terms.NJC, "localgovernment": Terms.NJC,
              "provider": Terms.PROVIDER, "providers": Terms.PROVIDER, "own": Terms.PROVIDER},
    "pension_scheme": {"nhs": PensionScheme.NHS, "nhsps": PensionScheme.NHS, "nhspension": PensionScheme.NHS,
                       "lgps": PensionScheme.LGPS, "provider": PensionScheme.PROVIDER,
                       "none": PensionScheme.NONE, "optedout": PensionScheme.NONE, "no": PensionScheme.NONE},
    "contract_type": {"perm": ContractType.PERMANENT, "fixedterm": ContractType.FIXED_TERM,
                      "ftc": ContractType.FIXED_TERM, "temporary": ContractType.FIXED_TERM,
                      "bank": ContractType.BANK, "casual": ContractType.BANK},
    "status": {"inpost": StaffStatus.IN_POST, "active": StaffStatus.IN_POST, "maternity": StaffStatus.MATERNITY,
               "maternityleave": StaffStatus.MATERNITY, "sabbatical": StaffStatus.SABBATICAL,
               "longtermsick": StaffStatus.LONG_TERM_SICKNESS, "lts": StaffStatus.LONG_TERM_SICKNESS,
               "longtermsickness": StaffStatus.LONG_TERM_SICKNESS, "secondment": StaffStatus.SECONDMENT,
               "seconded": StaffStatus.SECONDMENT},
}
CHOICES = {"terms": Terms, "pension_scheme": PensionScheme, "contract_type": ContractType, "status": StaffStatus}
# Every spelling of every choice, squeezed as `_key` squeezes a cell, looked up in one step.
CHOICE_LOOKUP = {
    name: {**SYNONYMS[name], **{re.sub(r"[^a-z0-9]", "", str(s).lower()): value
                                for value, label in enum.choices for s in (value, label)}}
    for name, enum in CHOICES.items()
}
TRUE = {"yes", "y", "true", "1", "x", "done"}
FALSE = {"no", "n", "false", "0", ""}
DATE_FIELDS = ("continuous_service_date",)
NUMBER_FIELDS = ("annual_pay", "contracted_hours", "fte", "sickness_absence_days")
MONEY_FIELDS = ("annual_pay",)
COLUMN_LABELS = {c.name: c.label for c in ROSTER_COLUMNS}


def _key(text) -> str:
    return re.sub(r"[^a-z0-9]", "", str(text or "").lower())


class SharedFields(dict):
    """A form's fields, shared by every row form of one file: a form deep-copies its
    `base_fields`, and this copy is shallow (validation changes no field)."""

    def __deepcopy__(self, memo):
        return dict(self)


class RosterLookups:
    """What every row of one file is checked against, read once per file: the programme's
    teams, pay scales, standard week and (for readiness) the people on its latest roster,
    and the rows each employee reference is on (`rows_by_ref`, which the pipeline calls
    with the file's rows before it validates them). It also collects the unknown team
    names, which the preview offers to create."""

    def __init__(self, programme: Programme):
        self.programme = programme
        self.team_list = list(Team.objects.filter(programme=programme).order_by("pk"))
        self.teams = {_key(t.name): t for t in self.team_list}
        self.scale_list = list(PayScale.objects.filter(programme=programme).order_by("pk"))
        self.pay_scales = {}
        for scale in self.scale_list:
            self.pay_scales.setdefault(_key(scale.code), scale)
            self.pay_scales.setdefault(_key(scale.name), scale)
        settings = WorkforceSettings.objects.filter(programme=programme).first()
        self.standard_week = settings.standard_weekly_hours if settings else DEFAULT_STANDARD_WEEK
        # The day the rows were checked on: a continuous service date may not be after it.
        self.today = timezone.localdate()
        self.ref_rows: dict[str, list[int]] = {}
        # Unknown team names (matched ignoring case and spacing) → (the name as first
        # written, the service line on that row): offered for creation on the preview.
        self.unknown_teams: dict[str, tuple[str, str]] = {}
        self.row_fields: SharedFields | None = None
        # (field, cell text) → the field's cleaned value, for the cells of this file that
        # cleaned without error: a field's own cleaning depends on nothing but the text
        # (the lookups come in later, in the form's clean_<field>), and most columns of an
        # ELI file repeat a few values (teams, grades, terms, hours) on thousands of rows.
        self.clean_cells: dict[tuple[str, str], object] = {}
        self.blank_record = EmployeeRecord(programme=programme)
        self._people: set[str] | None = None
        self._readiness_items: list[ReadinessItem] | None = None
        # The readiness checks (row form fields) the file has a column for: readiness_rows.
        self.mapped_checks: set[str] = set()

    @property
    def people(self) -> set[str]:
        """Employee references of the people on the latest roster version (upper case)."""
        if self._people is None:
            latest = TransferRoster.objects.filter(programme=self.programme).order_by("-version").first()
            self._people = {r.upper() for r in EmployeeRecord.objects.filter(
                roster=latest, is_vacancy=False).values_list("employee_ref", flat=True)} if latest else set()
        return self._people

    @property
    def readiness_items(self) -> list[ReadinessItem]:
        """The programme's day-one checks, for a readiness sheet."""
        if self._readiness_items is None:
            self._readiness_items = list(ReadinessItem.objects.filter(programme=self.programme))
        return self._readiness_items

    def fingerprint(self) -> str:
        """Everything a roster row's validation reads besides the row itself, as a hash:
        the programme, its teams (a row's service line comes from its team), its pay
        scales, the standard week and the day. Made from what was read for the check,
        never read again, so a change made while the rows were being checked shows."""
        text = json.dumps([self.programme.pk, [(t.pk, t.name, t.service_line) for t in self.team_list],
                           [(p.pk, p.code, p.name) for p in self.scale_list], str(self.standard_week),
                           self.today.isoformat()])
        return hashlib.sha256(text.encode()).hexdigest()

    def duplicate_message(self, ref: str) -> str | None:
        rows = self.ref_rows.get(ref.upper(), [])
        if len(rows) > 1:
            listed = ", ".join(str(n) for n in rows[:-1]) + f" and {rows[-1]}"
            return f"Employee reference {ref} is on more than one row: rows {listed}"
        return None


def rows_by_ref(*, rows, header_of: dict, form_kwargs: dict) -> None:
    """Employee reference → the spreadsheet rows it is on, from the rows the pipeline read,
    so each row's form can say which other row holds the same reference."""
    header = header_of.get("employee_ref")
    found: dict[str, list[int]] = {}
    if header:
        for row in rows:
            ref = (row.get(header) or "").strip()
            if ref:
                found.setdefault(ref.upper(), []).append(row.number)
    form_kwargs["lookups"].ref_rows = found


def _normalise(data: dict) -> dict:
    """Spreadsheet habits as form input: UK dates as ISO, "£1,234.50" as 1234.50."""
    out = dict(data)
    for name in DATE_FIELDS:
        text = str(out.get(name) or "").strip()
        match = re.fullmatch(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})", text)
        if match:
            day, month, year = (int(g) for g in match.groups())
            try:
                out[name] = datetime(year, month, day).date().isoformat()
            except ValueError:
                pass
    for name in NUMBER_FIELDS:
        text = str(out.get(name) or "").strip()
        # Money is read by its own field (core.money), which refuses a comma it would have
        # to guess at; the other figures only lose their thousands separators here.
        out[name] = text if name in MONEY_FIELDS else text.replace("£", "").replace(",", "")
    return out


class EliRowForm(EmployeeRecordForm):
    """One row of an ELI file: the record form's fields and rules, with the text of a
    spreadsheet turned into values (teams and pay scales by name, choices by their usual
    spellings, Yes/No for a vacancy, forename + surname as the name)."""

    def __init__(self, *args, data=None, programme: Programme, lookups: RosterLookups, **kwargs):
        data = _normalise(data) if data is not None else None
        prepared = lookups.row_fields
        self.lookups = lookups
        if prepared is not None and not args and not kwargs:
            # Every row of a file has the same fields, programme and blank instance: the
            # first row's form set them up (its ModelForm and programme scoping ran then,
            # and they hold no per-row state), so each later row is only a form bound to
            # its data. For 5,000 rows that setup was a third of the check.
            self.base_fields = prepared
            # A row form is never rendered: no label suffix to translate for each row.
            forms.BaseForm.__init__(self, data=data, label_suffix="")
            self.instance, self.programme = lookups.blank_record, programme
            self.standard_week, self.conflict = lookups.standard_week, None
            return
        kwargs.setdefault("instance", lookups.blank_record)  # never changed: see _post_clean
        super().__init__(*args, data=data, programme=programme, standard_week=lookups.standard_week, **kwargs)
        self._text_fields()
        lookups.row_fields = SharedFields(self.fields)

    def _text_fields(self):
        # The model fields' own validators (FTE 0 to 1.5, pay and hours not negative) on
        # the form fields, so every row meets them without the model validating it again.
        for name, field in self.fields.items():
            model_field = next((f for f in EmployeeRecord._meta.fields if f.name == name), None)
            if model_field is not None and model_field._validators:
                field.validators = [*field.validators, *model_field._validators]
        for name in ("team", "pay_scale", *CHOICES, "is_vacancy"):
            old = self.fields[name]
            self.fields[name] = forms.CharField(
                label=old.label, required=name in ("team", "pay_scale", "terms", "contract_type", "pension_scheme"),
                error_messages={"required": f"Enter the {str(old.label).lower()}"})
        for name in ("forename", "surname"):
            self.fields[name] = forms.CharField(required=False)
        self.fields["continuous_service_date"].error_messages["invalid"] = "Enter a real date, for example 31/03/2015"
        for field in self.fields.values():
            if isinstance(field, forms.DateField):
                # The same formats, looked up once for the file instead of once per row, and
                # ISO first (when it is one of them): a date cell reads as ISO text, and
                # _normalise makes a UK date ISO. No text matches ISO and another format.
                formats = list(field.input_formats)
                field.input_formats = sorted(formats, key=lambda f: f != "%Y-%m-%d")
        for name in NUMBER_FIELDS:
            if name in MONEY_FIELDS:
                continue  # the money field's own messages name the field and say what it takes
            # The column's own words: the model's labels carry units ("Contracted hours a week").
            self.fields[name].error_messages["invalid"] = f"Enter the {label_noun(COLUMN_LABELS[name])} as a number"

    def _clean_fields(self):
        """Django's own field cleaning, without making a BoundField for every cell: an ELI
        file runs two dozen fields for each of thousands of rows, and the BoundFields were
        a third of the time. No field of this form is disabled, so `data` is all it reads.
        A cell's text that a field has cleaned before, on an earlier row of the file, is
        not cleaned again (`RosterLookups.clean_cells`)."""
        cells = self.lookups.clean_cells
        for name, field in self.fields.items():
            try:
                value = field.widget.value_from_datadict(self.data, self.files, self.add_prefix(name))
                if type(value) is str:
                    key = (name, value)
                    cleaned = cells.get(key, cells)
                    if cleaned is cells:  # not seen yet (a cell that fails is never kept)
                        cleaned = cells[key] = field.clean(value)
                    self.cleaned_data[name] = cleaned
                else:
                    self.cleaned_data[name] = field.clean(value)
                clean = getattr(self, f"clean_{name}", None)
                if clean is not None:
                    self.cleaned_data[name] = clean()
            except forms.ValidationError as e:
                self.add_error(name, e)

    def today(self):
        # The day the file is checked on, read once for it (and part of its fingerprint).
        return self.lookups.today

    def clean_employee_ref(self):
        ref = self.cleaned_data["employee_ref"].strip()
        problem = self.lookups.duplicate_message(ref)
        if problem:
            raise forms.ValidationError(problem)
        return ref

    def clean_is_vacancy(self):
        text = _key(self.cleaned_data.get("is_vacancy"))
        if text in TRUE or text in ("vacancy", "vacant"):
            return True
        if text in FALSE:
            return False
        raise forms.ValidationError("Enter Yes or No")

    def _choice(self, name: str) -> str:
        text = _key(self.cleaned_data.get(name))
        if not text:
            return StaffStatus.IN_POST if name == "status" else ""
        value = CHOICE_LOOKUP[name].get(text)
        if value is None:
            labels = ", ".join(label for _, label in CHOICES[name].choices)
            raise forms.ValidationError(f"\"{self.cleaned_data.get(name)}\" is not one of: {labels}")
        return value

    def clean_terms(self):
        return self._choice("terms")

    def clean_pension_scheme(self):
        return self._choice("pension_scheme")

    def clean_contract_type(self):
        return self._choice("contract_type")

    def clean_status(self):
        return self._choice("status")

    def clean_team(self):
        text = " ".join(self.cleaned_data["team"].split())
        team = self.lookups.teams.get(_key(text))
        if team is None:
            self.lookups.unknown_teams.setdefault(_key(text), (text, (self.data.get("service_line") or "").strip()))
            raise forms.ValidationError(f"There is no team called \"{text}\": create it from this page, "
                                        "or correct the name in the file")
        return team

    def clean_pay_scale(self):
        text = self.cleaned_data["pay_scale"].strip()
        scale = self.lookups.pay_scales.get(_key(text))
        if scale is None:
            raise forms.ValidationError(f"\"{text}\" is not a known pay scale: add it in the workforce "
                                        "settings, or correct the file")
        return scale

    def clean(self):
        data = self.cleaned_data
        if not data.get("name") and (data.get("forename") or data.get("surname")):
            data["name"] = " ".join(p for p in (data.get("forename"), data.get("surname")) if p)
        data.pop("forename", None)
        data.pop("surname", None)
        return super().clean()

    def _post_clean(self):
        """The model's own rules across fields (`record_problems`, which
        `EmployeeRecord.clean` applies too), but not its per-field validation again: each
        form field was given the model field's validators (`_text_fields`), and the model's check of
        a foreign key would run a query per row (team and pay scale were found among the
        programme's own, read once per file)."""
        d = self.cleaned_data
        problems = record_problems(programme_id=self.programme.pk, team=d.get("team"), pay_scale=d.get("pay_scale"),
                                   is_vacancy=bool(d.get("is_vacancy")), name=d.get("name", ""),
                                   annual_pay=d.get("annual_pay"))
        for name, message in problems.items():
            if name not in self.errors and (name in d or name in ("name", "annual_pay")):
                self.add_error(name, message)


def offered_teams(lookups: RosterLookups) -> dict[str, str]:
    """The unknown teams a check found, as {name: service line}, in name order."""
    return dict(sorted(lookups.unknown_teams.values()))


def roster_form_kwargs(programme: Programme) -> dict:
    """The row forms' keyword arguments for one file of either kind."""
    return {"programme": programme, "lookups": RosterLookups(programme)}


def _stored_as(field) -> str | None:
    if field.name in ("team", "pay_scale"):
        return field.name
    if isinstance(field, models.DecimalField):
        return "decimal"
    if isinstance(field, models.DateField):
        return "date"
    return None


# How each cleaned value of a roster row is stored between its preview and its commit,
# by the record's field: teams and pay scales by id (found again among the lookups, so one
# deleted since is noticed), Decimals and dates as text. Everything else is JSON as it is.
_STORED = {f.name: _stored_as(f) for f in EmployeeRecord._meta.concrete_fields if _stored_as(f)}


def _dump_rows(cleaned: list[dict]) -> dict:
    names = list(cleaned[0]) if cleaned else []

    def out(name, value):
        how = _STORED.get(name)
        if value is None or how is None:
            return value
        return value.pk if how in ("team", "pay_scale") else str(value) if how == "decimal" else value.isoformat()

    return {"fields": names, "rows": [[out(n, row[n]) for n in names] for row in cleaned]}


def _load_rows(stored: dict, form_kwargs: dict) -> list[dict]:
    lookups = form_kwargs["lookups"]
    by_pk = {"team": {t.pk: t for t in lookups.team_list}, "pay_scale": {p.pk: p for p in lookups.scale_list}}
    names = stored["fields"]
    make = []
    for name in names:
        how = _STORED.get(name)
        if how in by_pk:
            make.append(by_pk[how].__getitem__)
        elif how == "decimal":
            make.append(Decimal)
        elif how == "date":
            make.append(date.fromisoformat)
        else:
            make.append(None)
    return [{n: (v if f is None or v is None else f(v)) for n, f, v in zip(names, make, row, strict=True)}
            for row in stored["rows"]]


ROSTER_REUSE = RowReuse(lookups=lambda form_kwargs: form_kwargs["lookups"].fingerprint(), dump=_dump_rows,
                        load=_load_rows)


def roster_next_version(*, programme: Programme) -> int:
    """The next version number; the programme row is locked so two uploads committed at
    once do not take the same number (the unique constraint catches anything else)."""
    Programme.objects.select_for_update().filter(pk=programme.pk).first()
    top = TransferRoster.objects.filter(programme=programme).aggregate(n=Max("version"))["n"]
    return (top or 0) + 1


@transaction.atomic
def write_roster(*, upload, rows, user, programme: Programme, as_at, received_on, note: str = "",
                 contract=None) -> int:
    """A new roster version holding every row of the file, with each record's history
    saying who loaded it and from which file. Rows are created in bulk (with their
    history rows), since an ELI file may hold thousands of people."""
    roster = TransferRoster(programme=programme, version=roster_next_version(programme=programme),
                            as_at=as_at, received_on=received_on, note=note, upload=upload, contract=contract)
    record_save(instance=roster, user=user, reason=f"Loaded from {upload.original_name}"[:100])
    records = [EmployeeRecord(programme=programme, roster=roster, **row) for row in rows]
    # COPY on PostgreSQL, records and their history rows alike (core.bulk).
    bulk_insert(EmployeeRecord, records, history_user=user,
                history_reason=f"Loaded from {upload.original_name}"[:100])
    return len(records)


@transaction.atomic
def rollback_roster(*, upload, user) -> None:
    """Remove the roster version the upload made, with all its records. Refused, with
    what to do first, while a restructure uses the version as its baseline."""
    for roster in TransferRoster.objects.filter(upload=upload):
        EmployeeRecord.objects.filter(roster=roster).delete()
        try:
            record_delete(instance=roster, user=user, reason="Upload rolled back")
        except ProtectedError as e:
            # Raised before anything is deleted; the records above go back with the
            # transaction the error leaves through.
            raise UploadError(refusal_message(
                e, instance=roster, what="roster version", action="roll back",
                labels={Establishment: ("restructure", "baseline")})) from e


class ReadinessRowForm(ReadinessForm):
    """One row of a readiness sheet: an employee reference of the latest roster and a
    Yes or No (blank is No) for each check whose column the sheet has. Its `done` is the
    row's ticks, and `checked` the checks the sheet speaks for."""

    def __init__(self, *args, data=None, programme: Programme, lookups: RosterLookups, **kwargs):
        super().__init__(*args, data=data, items=lookups.readiness_items, **kwargs)
        self.programme = programme
        self.lookups = lookups
        del self.fields["done"]
        self.fields["employee_ref"] = forms.CharField(
            label="Employee reference", error_messages={"required": "Enter the employee reference"})
        for item in self.items:
            self.fields[check_field(item)] = forms.CharField(label=item.label, required=False)

    def clean_employee_ref(self):
        ref = self.cleaned_data["employee_ref"].strip()
        problem = self.lookups.duplicate_message(ref)
        if problem:
            raise forms.ValidationError(problem)
        if ref.upper() not in self.lookups.people:
            raise forms.ValidationError(f"No one on the latest roster has the employee reference {ref}")
        return ref

    def clean(self):
        data = super().clean()
        mapped = [i for i in self.items if check_field(i) in self.lookups.mapped_checks]
        if not mapped:
            raise forms.ValidationError("Choose the column of at least one day-one check")
        data["done"], data["checked"] = [], [i.pk for i in mapped]
        for item in mapped:
            name = check_field(item)
            text = _key(self.data.get(name))
            if text in TRUE:
                data["done"].append(item.pk)
            elif text not in FALSE:
                self.add_error(name, "Enter Yes or No")
        return data

    def _post_clean(self):
        # The readiness row is matched to its record when it is written, not here.
        pass


def readiness_rows(*, rows, header_of, form_kwargs) -> None:
    """Before a readiness sheet's rows are checked: the rows of each reference (as for a
    roster), and which checks the sheet has a column for."""
    rows_by_ref(rows=rows, header_of=header_of, form_kwargs=form_kwargs)
    form_kwargs["lookups"].mapped_checks = {name for name in header_of if name.startswith("check_")}


def _readiness_reason(upload) -> str:
    return f"Readiness sheet {upload.pk}: {upload.original_name}"[:100]


@transaction.atomic
def write_readiness(*, upload, rows, user, programme: Programme) -> int:
    """Set each listed person's ticks of the checks the sheet has columns for, leaving
    their other checks as they were, in bulk (with history rows naming the sheet, so that
    rolling it back can restore what was there before). Every row was validated by its
    form; the readiness model has no rule beyond its fields."""
    existing = {r.employee_ref.upper(): r for r in Readiness.objects.filter(programme=programme)}
    new_items, changed = [], []
    for row in rows:
        ref = row["employee_ref"]
        item = existing.get(ref.upper())
        kept = [pk for pk in (item.done if item else []) if pk not in row["checked"]]
        done = sorted({*kept, *row["done"]})
        if item is None:
            new_items.append(Readiness(programme=programme, employee_ref=ref, done=done))
        elif item.done != done:
            item.done = done
            changed.append(item)
    reason = _readiness_reason(upload)
    bulk_create_with_history(new_items, Readiness, default_user=user, default_change_reason=reason)
    bulk_update_with_history(changed, Readiness, ["done"], default_user=user, default_change_reason=reason)
    return len(new_items) + len(changed)


@transaction.atomic
def rollback_readiness(*, upload, user) -> None:
    """Put back each person's checks as they were before the sheet (removing a readiness
    row the sheet created)."""
    history = Readiness.history.model.objects
    for h in history.filter(history_change_reason=_readiness_reason(upload)).order_by("-history_date"):
        item = Readiness.objects.filter(pk=h.id).first()
        if item is None:
            continue
        before = history.filter(id=h.id, history_date__lt=h.history_date).order_by("-history_date").first()
        if before is None:
            record_delete(instance=item, user=user, reason="Upload rolled back")
            continue
        item.done = before.done
        record_save(instance=item, user=user, reason="Upload rolled back")


ROSTER_SPEC = UploadSpec(kind=ROSTER_KIND, columns=ROSTER_COLUMNS, form_class=EliRowForm, write=write_roster,
                         rollback=rollback_roster, label="Transfer roster (ELI)", prepare_rows=rows_by_ref,
                         reuse=ROSTER_REUSE)
# A readiness sheet is small, and checked against the latest roster's people: no reuse.
READINESS_SPEC = UploadSpec(kind=READINESS_KIND, columns=READINESS_COLUMNS, form_class=ReadinessRowForm,
                            write=write_readiness, rollback=rollback_readiness, label="Day-one readiness sheet",
                            prepare_rows=readiness_rows, columns_for=readiness_columns)

