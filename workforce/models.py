"""The TUPE transfer of a programme: the outgoing provider's Employee Liability Information
(ELI) as numbered roster versions kept whole, the teams and pay scales they are checked
against, day-one readiness per person, proposed establishments (restructures), and a log
of every look at personal data.

Names and the personal fields of `EmployeeRecord` are for the HR lead only; everything
else in the app works from aggregates (see `workforce.selectors`).
"""
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from core.models import MoneyField
from programmes.models import Programme

DEFAULT_STANDARD_WEEK = Decimal("37")
MAX_FTE = Decimal("1.5")
# How far FTE may sit from contracted hours ÷ standard week: FTE is given to 2 decimals,
# so a rounding of half a hundredth either side is allowed, and no more.
FTE_TOLERANCE = Decimal("0.01")

# Fields that identify a person or describe them as an individual: blanked by the purge
# command and never shown outside HR. Team, grade, FTE, pay scale and the like stay,
# since the summaries are made from them.
PERSONAL_FIELDS = ("name", "annual_pay", "continuous_service_date", "base_location",
                   "sickness_absence_days", "disciplinary_last_two_years",
                   "grievance_last_two_years", "claims")


class WorkforceSettings(models.Model):
    """A programme's workforce settings: the standard full-time week that FTE is checked
    against (37 hours unless the programme sets another)."""

    programme = models.OneToOneField(Programme, on_delete=models.CASCADE, related_name="workforce_settings")
    standard_weekly_hours = models.DecimalField(
        "Standard full-time week (hours)", max_digits=4, decimal_places=2, default=DEFAULT_STANDARD_WEEK,
        validators=[MinValueValidator(Decimal("1"), "Enter a week of at least 1 hour"),
                    MaxValueValidator(Decimal("60"), "Enter a week of at most 60 hours")])
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Workforce settings of {self.programme}"


class Team(models.Model):
    """A team staff transfer into, within a service line (such as PD01 or SD43)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="workforce_teams")
    name = models.CharField(max_length=120)
    service_line = models.CharField(max_length=120, help_text="For example PD01 or SD43")
    history = HistoricalRecords()

    class Meta:
        ordering = ["service_line", "name"]
        constraints = [models.UniqueConstraint(fields=["programme", "name"], name="team_name_unique_per_programme")]

    def __str__(self) -> str:
        return self.name


class PayScale(models.Model):
    """A pay scale the provider's staff are on (NHS Agenda for Change, NJC, its own).
    A roster naming a pay scale the programme does not know is refused."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="pay_scales")
    code = models.CharField(max_length=40)
    name = models.CharField(max_length=120)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["programme", "code"],
                                               name="pay_scale_code_unique_per_programme")]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"


class TransferRoster(models.Model):
    """One version of the programme's transfer roster: one ELI upload, kept whole.
    Version numbers count up per programme; rolling the upload back removes the version."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="transfer_rosters")
    version = models.PositiveIntegerField(editable=False)
    as_at = models.DateField("As at", help_text="The date the provider's information describes")
    received_on = models.DateField("Received on", help_text="The date the provider sent it")
    upload = models.ForeignKey("core.Upload", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+", editable=False)
    note = models.CharField(max_length=300, blank=True)
    # Where transfers are phased (two agreements, two transfer days), a list may cover the
    # staff of one contract only; it is then on time or late against that contract's ELI
    # deadline. Blank: one list for every transfer, measured against the first.
    contract = models.ForeignKey("programmes.Contract", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="transfer_rosters",
                                 help_text="The contract whose staff the list covers, where transfers are phased")
    # Set by `purge_workforce_personal_data`: the names and personal fields are gone.
    personal_data_purged_at = models.DateTimeField(null=True, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        # By ids only: ordering by "programme" would join and sort by the programme's own
        # ordering in every query of a roster's thousands of records.
        ordering = ["programme_id", "version"]
        constraints = [models.UniqueConstraint(fields=["programme", "version"], name="roster_version_unique")]

    def __str__(self) -> str:
        return f"Version {self.version} (as at {self.as_at:%-d %b %Y})"

    def clean(self):
        if self.as_at and self.received_on and self.received_on < self.as_at:
            raise ValidationError({"received_on": "The date received must be on or after the as-at date"})

    @property
    def eli_deadline(self):
        """The ELI deadline (28 days before transfer) this list answers: its contract's,
        or the programme's first where it covers every transfer."""
        own = self.contract.eli_deadline if self.contract_id else None
        return own or self.programme.eli_deadline

    @property
    def days_late(self) -> int:
        """Days after its ELI deadline it arrived; 0 if on time (or with no deadline)."""
        deadline = self.eli_deadline
        return max(0, (self.received_on - deadline).days) if deadline else 0

    @property
    def is_late(self) -> bool:
        return self.days_late > 0


class Terms(models.TextChoices):
    AGENDA_FOR_CHANGE = "agenda_for_change", "NHS Agenda for Change"
    NJC = "njc", "NJC (local government)"
    PROVIDER = "provider", "Provider's own terms"
    OTHER = "other", "Other"


class PensionScheme(models.TextChoices):
    NHS = "nhs", "NHS Pension Scheme"
    LGPS = "lgps", "Local Government Pension Scheme"
    PROVIDER = "provider", "Provider scheme"
    NONE = "none", "Not in a scheme"


# The schemes an employer pays into; "not in a scheme" has no employer rate.
SCHEMES_WITH_RATES = [(value, label) for value, label in PensionScheme.choices if value != PensionScheme.NONE]


class PensionRate(models.Model):
    """The employer contribution rate the council will pay into one pension scheme for the
    staff who transfer in it, as a percentage of pay: the NHS Pension Scheme's, the LGPS
    fund's (named, since each fund sets its own), or the provider's own scheme's where it
    stays open to them. The transfer's annual employer pension cost is worked from these and
    the roster's pay (`workforce.reporting.pension_costs`)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="pension_rates")
    scheme = models.CharField("Pension scheme", max_length=20, choices=SCHEMES_WITH_RATES)
    fund = models.CharField("Fund", max_length=120, blank=True,
                            help_text="For the LGPS, the fund the staff will be in, for example Avon Pension Fund")
    employer_rate = models.DecimalField(
        "Employer contribution rate (%)", max_digits=5, decimal_places=2,
        help_text="The percentage of pay the employer pays, for example 23.7",
        validators=[MinValueValidator(Decimal("0"), "Enter a rate from 0 to 100 per cent"),
                    MaxValueValidator(Decimal("100"), "Enter a rate from 0 to 100 per cent")])
    history = HistoricalRecords()

    class Meta:
        ordering = ["scheme"]
        constraints = [models.UniqueConstraint(fields=["programme", "scheme"], name="pension_rate_unique_per_scheme")]

    def __str__(self) -> str:
        return f"{self.get_scheme_display()}{f' ({self.fund})' if self.fund else ''}: {self.employer_rate}%"

    SCHEME_TAKEN = "This scheme already has a rate: change that one instead"

    @classmethod
    def scheme_taken(cls, programme, scheme: str, *, instance=None) -> bool:
        """Whether the programme has a rate for `scheme` other than `instance` (one a scheme:
        the form and the API say so on the field, before the constraint would)."""
        return cls.objects.filter(programme=programme, scheme=scheme).exclude(
            pk=getattr(instance, "pk", None)).exists()

    def clean(self):
        if self.scheme == PensionScheme.LGPS and not self.fund.strip():
            raise ValidationError({"fund": "Enter the LGPS fund"})


class ContractType(models.TextChoices):
    PERMANENT = "permanent", "Permanent"
    FIXED_TERM = "fixed_term", "Fixed term"
    BANK = "bank", "Bank or casual"


class StaffStatus(models.TextChoices):
    IN_POST = "in_post", "In post"
    MATERNITY = "maternity", "Maternity leave"
    SABBATICAL = "sabbatical", "Sabbatical"
    LONG_TERM_SICKNESS = "long_term_sickness", "Long-term sickness"
    SECONDMENT = "secondment", "Secondment"


class EmployeeRecord(models.Model):
    """One row of a roster version: a person (their ELI under TUPE reg. 11 and the written
    particulars of employment) or a vacant post, which is a row of its own with no person."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    roster = models.ForeignKey(TransferRoster, on_delete=models.CASCADE, related_name="records")
    employee_ref = models.CharField("Employee reference", max_length=40,
                                    help_text="The provider's reference (the post number for a vacancy)")
    is_vacancy = models.BooleanField("Vacancy", default=False)
    name = models.CharField(max_length=120, blank=True)
    job_title = models.CharField(max_length=120)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="records")
    service_line = models.CharField(max_length=120, blank=True)
    grade = models.CharField("Grade or band", max_length=40)
    pay_scale = models.ForeignKey(PayScale, on_delete=models.PROTECT, related_name="records")
    terms = models.CharField("Terms and conditions", max_length=20, choices=Terms.choices)
    annual_pay = MoneyField("Annual pay (£)", max_digits=10, null=True, blank=True,
                            validators=[MinValueValidator(Decimal("0"), "Enter pay of £0 or more")],
                            sign="Pay a year is a positive amount (£0 or more).")
    contracted_hours = models.DecimalField("Contracted hours a week", max_digits=5, decimal_places=2,
                                           validators=[MinValueValidator(Decimal("0"), "Enter hours of 0 or more")])
    fte = models.DecimalField("FTE", max_digits=4, decimal_places=2,
                              validators=[MinValueValidator(Decimal("0"), "Enter an FTE from 0 to 1.5"),
                                          MaxValueValidator(MAX_FTE, "Enter an FTE from 0 to 1.5")])
    contract_type = models.CharField(max_length=20, choices=ContractType.choices)
    continuous_service_date = models.DateField("Continuous service date", null=True, blank=True)
    pension_scheme = models.CharField(max_length=20, choices=PensionScheme.choices)
    base_location = models.CharField(max_length=120, blank=True)
    status = models.CharField(max_length=20, choices=StaffStatus.choices, default=StaffStatus.IN_POST)
    sickness_absence_days = models.DecimalField("Sickness absence (days, last 2 years)", max_digits=6,
                                                decimal_places=1, null=True, blank=True,
                                                validators=[MinValueValidator(Decimal("0"), "Enter 0 or more days")])
    disciplinary_last_two_years = models.TextField("Disciplinary (last 2 years)", blank=True)
    grievance_last_two_years = models.TextField("Grievance (last 2 years)", blank=True)
    claims = models.TextField("Claims (brought or likely)", blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["roster_id", "employee_ref"]  # no joins: a version may hold thousands
        constraints = [
            models.UniqueConstraint(fields=["roster", "employee_ref"], name="employee_ref_unique_per_roster"),
            models.CheckConstraint(condition=models.Q(fte__gte=0, fte__lte=MAX_FTE), name="employee_fte_0_to_1_5"),
        ]
        indexes = [models.Index(fields=["programme", "employee_ref"], name="employee_programme_ref_idx")]

    def __str__(self) -> str:
        return f"Vacancy {self.employee_ref}" if self.is_vacancy else f"{self.employee_ref} {self.name}"

    def get_constraints(self):
        # The FTE range is checked by the field's validators already; validating the
        # CheckConstraint would build and run a query for every row of a 5,000-row upload.
        return [(cls, [c for c in constraints if not isinstance(c, models.CheckConstraint)])
                for cls, constraints in super().get_constraints()]

    def clean(self):
        errors = record_problems(programme_id=self.programme_id, team=self.team if self.team_id else None,
                                 pay_scale=self.pay_scale if self.pay_scale_id else None,
                                 is_vacancy=self.is_vacancy, name=self.name, annual_pay=self.annual_pay)
        if errors:
            raise ValidationError(errors)


def record_problems(*, programme_id, team, pay_scale, is_vacancy: bool, name: str, annual_pay) -> dict[str, str]:
    """The rules of an `EmployeeRecord` across its fields, as {field: message}. The model's
    clean() and the ELI upload's row form both apply them (the upload without building a
    model instance for each of thousands of rows)."""
    errors = {}
    if team is not None and programme_id and team.programme_id != programme_id:
        errors["team"] = "Choose a team of this programme"
    if pay_scale is not None and programme_id and pay_scale.programme_id != programme_id:
        errors["pay_scale"] = "Choose a pay scale of this programme"
    if not is_vacancy:
        if not name:
            errors["name"] = "Enter the name"
        if annual_pay is None:
            errors["annual_pay"] = "Enter the annual pay"
    return errors


# The day-one checks every programme starts with (key, label): a programme changes its own
# list (ReadinessItem), and these are made for it when it is created.
DEFAULT_READINESS_ITEMS = (
    ("on_payroll", "On the council's payroll"),
    ("network_account", "Network account created"),
    ("laptop", "Laptop handed over"),
    ("phone", "Phone handed over"),
    ("induction_booked", "Induction booked"),
)


class ReadinessItem(models.Model):
    """One check on the programme's own day-one list ("DBS check", "Social Work England
    registration checked"). Every person's tick of it is on their `Readiness`. The key is
    made from the first label and never changes, so a sheet's remembered column and an API
    client's name for the check survive a rename."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    key = models.SlugField(max_length=60, editable=False)
    label = models.CharField("Check", max_length=80, help_text="As a sheet's column heading could say it")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name="Responsible", help_text="The member who sees it done for everyone transferring.")
    due_date = models.DateField(
        "Done by", null=True, blank=True, help_text="Leave it blank for transfer day.")
    position = models.PositiveSmallIntegerField(default=0, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "day-one check"
        constraints = [models.UniqueConstraint(fields=["programme", "key"], name="readiness_item_key_unique")]

    LABEL_TAKEN = "The list already has a check with this name"

    def __str__(self) -> str:
        return self.label

    def done_by(self, programme: Programme) -> date | None:
        """The day everyone is to have it done: its own date, or else transfer day."""
        return self.due_date or programme.transfer_date

    @staticmethod
    def label_tidied(label: str) -> str:
        return " ".join(label.split())

    @classmethod
    def label_taken(cls, programme, label: str, *, instance=None) -> bool:
        """Whether another check of the programme than `instance` has this label, ignoring
        case (the form and the API both ask)."""
        return cls.objects.filter(programme=programme, label__iexact=label).exclude(
            pk=getattr(instance, "pk", None)).exists()


class Readiness(models.Model):
    """Which of the programme's day-one checks one transferring person has done. Keyed by
    the programme and the provider's employee reference, so it follows the person from one
    roster version to the next instead of starting again with each upload. `done` holds
    the ids of the ReadinessItems ticked (an id of a check since removed counts for none)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    employee_ref = models.CharField("Employee reference", max_length=40)
    done = models.JSONField(default=list, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["employee_ref"]
        constraints = [models.UniqueConstraint(fields=["programme", "employee_ref"],
                                               name="readiness_unique_per_person")]

    def __str__(self) -> str:
        return f"Readiness of {self.employee_ref}"

    def has(self, item: ReadinessItem) -> bool:
        return item.pk in self.done


class Establishment(models.Model):
    """A proposed structure: posts and FTE by team, compared with a baseline roster
    version, and the redundancies it implies as recorded (voluntary or compulsory)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="establishments")
    name = models.CharField(max_length=120)
    baseline = models.ForeignKey(TransferRoster, on_delete=models.PROTECT, related_name="+",
                                 verbose_name="Baseline roster version")
    note = models.TextField(blank=True)
    # What the collective-redundancy duties (TULRCA 1992 s188 and s193) are worked from: the
    # establishment the proposed redundancies are at and when the first of them takes effect.
    site = models.CharField(
        "Establishment", max_length=120, blank=True,
        help_text="Where the people whose posts would go work, for example Keynsham Civic Centre. "
                  "Redundancies proposed at one establishment within 90 days are counted together.")
    first_dismissal_date = models.DateField(
        "Proposed first dismissal date", null=True, blank=True,
        help_text="The day the first proposed redundancy would take effect.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.baseline_id and self.programme_id and self.baseline.programme_id != self.programme_id:
            raise ValidationError({"baseline": "Choose a roster version of this programme"})


class EstablishmentLine(models.Model):
    """One team's line of a proposed establishment."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="lines")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    posts = models.PositiveIntegerField(default=0)
    fte = models.DecimalField("FTE", max_digits=7, decimal_places=2, default=Decimal("0"),
                              validators=[MinValueValidator(Decimal("0"), "Enter an FTE of 0 or more")])
    voluntary_redundancies = models.PositiveIntegerField(default=0)
    compulsory_redundancies = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["team__service_line", "team__name"]
        constraints = [models.UniqueConstraint(fields=["establishment", "team"], name="establishment_line_per_team")]

    def __str__(self) -> str:
        return f"{self.team}: {self.posts} posts"


class PersonalDataView(models.Model):
    """A look at personal data: who, when, which roster version, and what they saw.

    An append-only log (it is itself the audit record, so it has no history of its own)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    viewed_at = models.DateTimeField(auto_now_add=True)
    roster = models.ForeignKey(TransferRoster, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    record = models.ForeignKey(EmployeeRecord, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    what = models.CharField(max_length=120)

    class Meta:
        ordering = ["-viewed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user} viewed {self.what}"


def fte_for_hours(hours: Decimal, standard_week: Decimal) -> Decimal:
    return (Decimal(hours) / Decimal(standard_week)).quantize(Decimal("0.01"))


