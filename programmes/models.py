"""The programme, its members, its plan and its logs."""
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from simple_history.models import HistoricalRecords

from core.models import MoneyField, TimeStampedModel
from core.roles import Role
from core.statutory import (
    DEFAULT_CALL_IN_WORKING_DAYS,
    DEFAULT_REG13_INFORMATION_DAYS,
    DEFAULT_REG13_MEASURES_DAYS,
    ELI_BEFORE_TRANSFER,
    KEY_DECISION_NOTICE,
    contract_notice,
)
from programmes.council_lists import list_display


class Organisation(TimeStampedModel):
    """A council, an NHS partner, or the provider whose contract is ending."""

    class Kind(models.TextChoices):
        COUNCIL = "council", "Council"
        NHS_ICB = "nhs_icb", "NHS Integrated Care Board"
        NHS_TRUST = "nhs_trust", "NHS trust"
        OUTGOING_PROVIDER = "outgoing_provider", "Outgoing provider"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=40, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Programme(TimeStampedModel):
    """A programme that moves a service to a new delivery model. What it moves, with whom
    and when is in its contract register (`contracts`); the programme keeps its kind and
    the day the new model goes live, which only a move of provider must have."""

    class Status(models.TextChoices):
        PLANNING = "planning", "Planning"
        MOBILISING = "mobilising", "Mobilising"
        TRANSFERRED = "transferred", "Transferred"
        CLOSED = "closed", "Closed"

    class Kind(models.TextChoices):
        IN_HOUSE = "in_house", "Bringing a service in-house"
        OUTSOURCE = "outsource", "Moving a service out to a partner, company or mutual"
        REPROCUREMENT = "reprocurement", "Re-procurement"
        TRANSFORMATION = "transformation", "Transformation with no change of provider"

    # A move from one provider to another has a day the new model goes live; a
    # re-procurement may or may not change provider, and a transformation changes none.
    KINDS_WITH_TRANSFER_DAY = (Kind.IN_HOUSE, Kind.OUTSOURCE)
    # Staff can only move where the provider changes (TUPE 2006 reg. 3): never in a
    # transformation that keeps the same provider.
    KINDS_WITH_STAFF_TRANSFER = (Kind.IN_HOUSE, Kind.OUTSOURCE, Kind.REPROCUREMENT)

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.IN_HOUSE)
    summary = models.TextField(blank=True)
    lead_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="led_programmes"
    )
    partners = models.ManyToManyField(Organisation, blank=True, related_name="partner_programmes")
    transfer_date = models.DateField(
        "go-live day", null=True, blank=True,
        help_text="The day services go live under the new model. Needed when the service moves "
                  "in-house or out; each contract keeps its own staff transfer day.")
    director = models.CharField(
        max_length=200, blank=True, help_text="The director or senior responsible owner."
    )
    contract_share = models.DecimalField(
        "share of contract in scope", max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text="Percentage of the outgoing contract's value that the services in scope make up.",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNING)
    # The lead times TUPE reg. 13 leaves to the employers ("long enough before" the transfer):
    # the programme's own, which its derived deadlines say they are.
    reg13_information_days = models.PositiveSmallIntegerField(
        "Informing the staff representatives (days before each transfer)",
        default=DEFAULT_REG13_INFORMATION_DAYS,
        validators=[MinValueValidator(1, "Enter at least 1 day"), MaxValueValidator(365, "Enter at most 365 days")],
        help_text="TUPE regulation 13 asks for this long enough before the transfer for consultation to happen; "
                  "the law sets no number of days, so the programme sets its own.")
    reg13_measures_days = models.PositiveSmallIntegerField(
        "Measures information from the incoming employer (days before each transfer)",
        default=DEFAULT_REG13_MEASURES_DAYS,
        validators=[MinValueValidator(1, "Enter at least 1 day"), MaxValueValidator(365, "Enter at most 365 days")],
        help_text="What the incoming employer plans to change, given to the outgoing employer in time for it "
                  "to inform the representatives.")
    call_in_working_days = models.PositiveSmallIntegerField(
        "Call-in period (working days)", default=DEFAULT_CALL_IN_WORKING_DAYS,
        validators=[MinValueValidator(1, "Enter at least 1 working day"),
                    MaxValueValidator(30, "Enter at most 30 working days")],
        help_text="How long after a decision is published it can be called in, as the council's constitution "
                  "sets it (usually 5 working days).")
    history = HistoricalRecords()

    class Meta:
        ordering = [models.F("transfer_date").asc(nulls_last=True), "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        if self.kind in self.KINDS_WITH_TRANSFER_DAY and not self.transfer_date:
            errors["transfer_date"] = (f"Enter the go-live day: a programme {self.get_kind_display()[0].lower()}"
                                       f"{self.get_kind_display()[1:]} needs one.")
        if (self.reg13_measures_days or 0) < (self.reg13_information_days or 0):
            errors["reg13_measures_days"] = (
                "Ask for the measures information at least as many days before the transfer as the "
                "representatives are informed: the outgoing employer needs it to inform them.")
        if self.pk and self.kind not in self.KINDS_WITH_STAFF_TRANSFER:
            moving = [c.title for c in self.contracts.all() if c.staff_transfer]
            if moving:
                errors["kind"] = (f"A transformation moves no staff, but the contract {moving[0]} transfers "
                                  "staff: change that contract first.")
        if errors:
            raise ValidationError(errors)

    @property
    def has_transfer_day(self) -> bool:
        return self.transfer_date is not None

    @property
    def has_staff_transfer(self) -> bool:
        """Whether staff transfer under any of the programme's contracts (and its kind lets
        them). `programme_access` works it out in its own query (`staff_transfer_contracts`);
        a programme read otherwise asks its contracts."""
        if self.kind not in self.KINDS_WITH_STAFF_TRANSFER:
            return False
        known = self.__dict__.get("staff_transfer_contracts")
        if known is None:
            known = any(c.staff_transfer for c in self.contracts.all())
        return bool(known)

    @cached_property
    def eli_deadline(self) -> date | None:
        """The latest day the outgoing provider may give Employee Liability Information for
        the programme's first staff transfer (each contract has its own: Contract.eli_deadline);
        None where no staff transfer. Kept for the life of this copy of the programme, as every
        roster version's lateness on a page is measured against it."""
        days = [c.transfer_date for c in self.contracts.all() if c.staff_transfer and c.transfer_date]
        return ELI_BEFORE_TRANSFER.latest_date(min(days)) if days else None

    @property
    def outgoing_provider(self):
        """The counterparty of the contract that ends first (the register's first row)."""
        first = next(iter(self.contracts.all()), None)
        return first.counterparty if first else None

    @property
    def contract_end_date(self) -> date | None:
        """The first end date in the contract register."""
        first = next(iter(self.contracts.all()), None)
        return first.end_date if first else None

    def days_to_transfer(self, today: date) -> int | None:
        return (self.transfer_date - today).days if self.transfer_date else None


class ServiceInScope(TimeStampedModel):
    """A service the programme moves, with its share of the outgoing contract."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="services")
    code = models.CharField(max_length=20, help_text="The service code, for example PD01.")
    name = models.CharField(max_length=300)
    share_of_contract = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text="Percentage of the outgoing contract's value, 0 to 100.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = "service in scope"
        verbose_name_plural = "services in scope"
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="service_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Contract(TimeStampedModel):
    """One agreement in the programme's contract register: who it is with, the services it
    covers, its term, its extension options and notice, its annual value, and whether
    staff transfer under it on its own day (so that transfers can come in phases). The
    dates to act by are derived from these (`notice_deadline`, `extension_deadline`,
    `eli_deadline`), never typed."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="contracts")
    title = models.CharField(max_length=200, help_text="The agreement as officers know it, for example "
                                                        "Community services contract.")
    counterparty = models.ForeignKey(
        Organisation, null=True, on_delete=models.PROTECT, related_name="contracts",
        help_text="The provider, partner, company or mutual the agreement is with.")
    services = models.ManyToManyField(ServiceInScope, blank=True, related_name="contracts",
                                      verbose_name="services covered")
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(help_text="The last day of the agreement, before any extension.")
    notice_days = models.PositiveIntegerField(
        "notice period to end (days)", null=True, blank=True,
        help_text="Days of notice either side must give to end or not renew it.")
    extension_options = models.CharField(
        max_length=200, blank=True, help_text="For example: two extensions of 12 months each.")
    extension_notice_days = models.PositiveIntegerField(
        "notice period to extend (days)", null=True, blank=True,
        help_text="Days before the end date by which an extension must be taken up.")
    annual_value = MoneyField(
        "annual value (£)", null=True, blank=True, validators=[MinValueValidator(Decimal("0"))],
        sign="The contract's value in a year, as a positive amount (£0 or more).")
    staff_transfer = models.BooleanField(
        "staff transfer under it", default=False,
        help_text="Whether staff transfer under TUPE when this agreement ends or starts.")
    transfer_date = models.DateField(
        "staff transfer day", null=True, blank=True,
        help_text="The day staff transfer under this agreement; only when staff transfer.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["end_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(staff_transfer=True, transfer_date__isnull=False)
                | models.Q(staff_transfer=False, transfer_date__isnull=True),
                name="contract_transfer_date_iff_staff_transfer"),
            models.CheckConstraint(
                condition=models.Q(start_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="contract_ends_after_it_starts"),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors = {}
        if self.staff_transfer and not self.transfer_date:
            errors["transfer_date"] = "Enter the day staff transfer under this contract."
        if self.transfer_date and not self.staff_transfer:
            errors["transfer_date"] = ("Leave the staff transfer day empty: no staff transfer under this "
                                       "contract.")
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = "The end date must be on or after the start date."
        if self.extension_notice_days is not None and not self.extension_options:
            errors["extension_options"] = "Describe the extension options the notice period is for."
        if self.counterparty_id is None:
            errors["counterparty"] = "Choose who the contract is with."
        if self.staff_transfer and self.programme_id and (
                self.programme.kind not in Programme.KINDS_WITH_STAFF_TRANSFER):
            errors["staff_transfer"] = ("No staff transfer in a transformation with no change of provider: "
                                        "change the programme's kind first.")
        if errors:
            raise ValidationError(errors)

    @property
    def notice_deadline(self) -> date | None:
        """The last day to give notice to end it."""
        return contract_notice(self.notice_days).latest_date(self.end_date) if self.notice_days is not None else None

    @property
    def extension_deadline(self) -> date | None:
        """The last day to take up an extension."""
        if self.extension_notice_days is None:
            return None
        return contract_notice(self.extension_notice_days).latest_date(self.end_date)

    @property
    def eli_deadline(self) -> date | None:
        """The latest day for Employee Liability Information for the staff transferring under it."""
        if not (self.staff_transfer and self.transfer_date):
            return None
        return ELI_BEFORE_TRANSFER.latest_date(self.transfer_date)


class Membership(TimeStampedModel):
    """A person's one role in one programme."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=30, choices=Role.choices)
    # The SHA-256 of the secret in this member's calendar feed URL (the secret itself is
    # shown once, when made); cleared to turn the feed off. See programmes.feeds.
    calendar_token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    calendar_token_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    calendar_token_last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["calendar_token_hash", "calendar_token_expires_at",
                                                 "calendar_token_last_used_at"])

    class Meta:
        ordering = ["programme", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "user"], name="one_role_per_programme"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} on {self.programme}"


class CouncilAdministrator(TimeStampedModel):
    """A person who administers one council's use of Insource: sets up its programmes, adds
    and removes their members, changes their roles and sees who has access to what.

    Held per organisation and distinct from the site's superuser: it grants nothing inside a
    programme (a council administrator sees a programme's plan, money or staff only through
    a membership of their own), and nothing at all of another council's."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="administrators",
        limit_choices_to={"kind": Organisation.Kind.COUNCIL},
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="council_roles"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"],
                                    name="one_administrator_row_per_council"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — administrator of {self.organisation}"

    def clean(self) -> None:
        if self.organisation_id and self.organisation.kind != Organisation.Kind.COUNCIL:
            raise ValidationError({"organisation": "Only a council has administrators."})


class CouncilListValue(TimeStampedModel):
    """One value of one of a council's own lists (a savings category, say): the code that
    records store, the label people read, its place in the list, and whether it is retired
    (kept for the records that hold it, no longer offered for new ones).

    programmes.council_lists says which lists there are and their defaults."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="list_values",
        limit_choices_to={"kind": Organisation.Kind.COUNCIL},
    )
    list_key = models.CharField(max_length=40)
    value = models.CharField(
        max_length=20, validators=[RegexValidator(
            r"^[a-z0-9_]+$", "Write the code in lower-case letters, digits and underscores, like care_packages.")],
        help_text="What records store; it cannot be changed once saved.")
    label = models.CharField(max_length=100, help_text="What people read on pages and in the Cabinet paper.")
    order = models.PositiveIntegerField(default=0)
    retired = models.BooleanField(default=False, help_text="Not offered for new records; still shown on old ones.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation", "list_key", "order", "label"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "list_key", "value"],
                                    name="one_value_per_council_list"),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.value})"

    def clean(self) -> None:
        from programmes.council_lists import LISTS

        if self.list_key not in LISTS:
            raise ValidationError({"list_key": "No such list."})
        if self.organisation_id and self.organisation.kind != Organisation.Kind.COUNCIL:
            raise ValidationError({"organisation": "Only a council has its own lists."})


class Invitation(TimeStampedModel):
    """An invitation by email to someone with no account yet, to join one programme with a
    role. The invited person's User exists from the moment of inviting (email set, no usable
    password, no access), so a council-account sign-in matching by email finds the same
    person; accepting the link grants the membership.

    The link's secret is kept only as its SHA-256 and works once, until `expires_at`,
    unless revoked. Resending makes a new secret and a new expiry (the old link stops)."""

    class State(models.TextChoices):
        PENDING = "pending", "Waiting"
        ACCEPTED = "accepted", "Accepted"
        REVOKED = "revoked", "Revoked"
        EXPIRED = "expired", "Expired"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=30, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField()
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+")
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["token_hash"])

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Invitation of {self.email} to {self.programme}"

    def state(self, now) -> str:
        if self.accepted_at:
            return self.State.ACCEPTED
        if self.revoked_at:
            return self.State.REVOKED
        if self.expires_at <= now:
            return self.State.EXPIRED
        return self.State.PENDING


class Workstream(TimeStampedModel):
    """A strand of the programme's work, such as HR or IT & systems."""

    class Kind(models.TextChoices):
        HR = "hr", "HR"
        PAYROLL = "payroll", "Payroll"
        FINANCE = "finance", "Finance"
        IT = "it", "IT & systems"
        ESTATES = "estates", "Estates"
        LEGAL = "legal", "Legal"
        PROCUREMENT = "procurement", "Procurement"
        COMMUNICATIONS = "communications", "Communications & engagement"
        OPERATIONS = "operations", "Service operations"
        REGULATION = "regulation", "Regulation (CQC registration)"
        GOVERNANCE = "governance", "Governance"
        OTHER = "other", "Other"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="workstreams")
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "name"], name="workstream_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Rag(models.TextChoices):
    GREEN = "green", "Green"
    AMBER = "amber", "Amber"
    RED = "red", "Red"


class MilestoneQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status__in=Milestone.CLOSED_STATUSES)

    def late(self, today: date):
        """Open milestones whose forecast date has passed."""
        return self.filter(Milestone.late_q(today))

    def with_lateness(self, today: date):
        """Each milestone with `late` worked out by the database, by the same rule as
        `late()` and `Milestone.is_late` (a test holds the two to agreeing)."""
        return self.annotate(late=models.ExpressionWrapper(Milestone.late_q(today),
                                                           output_field=models.BooleanField()))

    def due_within(self, today: date, days: int):
        """Open milestones forecast from today up to `days` days ahead."""
        return self.filter(Milestone.due_within_q(today, days))


class Milestone(TimeStampedModel):
    """A dated item of the plan: a milestone (one date) or an activity (a start and an end,
    such as a tender period or a consultation). Both are one model so that the tracker, the
    API, the history, the dependencies and the RAG rule are shared; a plan imported from
    Microsoft Project (tasks with a start and a finish) lands here too. For an activity,
    `baseline_date`, `forecast_date` and `actual_date` are its end; slippage is the forecast
    end less the baseline end.

    The RAG follows the dates and the status (`derived_rag`):
      1. complete or cancelled: Green (nothing is left to deliver);
      2. open and past its forecast (end) date: Red (it is late);
      3. at risk, or forecast (end or start) later than its baseline, or an activity not
         started whose forecast start has passed: Amber;
      4. otherwise: Green.
    Someone may override it with a reason (`rag_override`, with who and when), and the
    override is what is shown (`shown_rag`), except that nothing past its forecast date
    can show Green: a Green override of a late item gives way to the derived Red.
    """

    class Kind(models.TextChoices):
        MILESTONE = "milestone", "Milestone"
        ACTIVITY = "activity", "Activity"

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        AT_RISK = "at_risk", "At risk"
        COMPLETE = "complete", "Complete"
        CANCELLED = "cancelled", "Cancelled"

    CLOSED_STATUSES = (Status.COMPLETE, Status.CANCELLED)

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="milestones")
    workstream = models.ForeignKey(
        Workstream, on_delete=models.PROTECT, related_name="milestones"
    )
    kind = models.CharField(
        max_length=10, choices=Kind.choices, default=Kind.MILESTONE,
        help_text="A milestone is one date; an activity runs from a start date to an end date.",
    )
    title = models.CharField(max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="owned_milestones",
    )
    baseline_start_date = models.DateField(
        null=True, blank=True, help_text="Activities only: the start agreed when the plan was baselined.")
    baseline_date = models.DateField(
        help_text="The date agreed when the plan was baselined (an activity's end).")
    forecast_start_date = models.DateField(
        null=True, blank=True, help_text="Activities only: the day it is now expected to start.")
    forecast_date = models.DateField(help_text="The date it is now expected (an activity's end).")
    actual_date = models.DateField(null=True, blank=True,
                                   help_text="The date it was met (an activity's end).")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    rag_override = models.CharField(
        "RAG override", max_length=10, choices=Rag.choices, blank=True,
        help_text="Leave empty to let the RAG follow the dates and status.",
    )
    rag_override_reason = models.CharField(
        "reason for the RAG override", max_length=300, blank=True,
        help_text="Why the RAG is not the one the dates give.",
    )
    rag_override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", editable=False,
    )
    rag_override_at = models.DateTimeField(null=True, blank=True, editable=False)
    depends_on = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="dependents",
        help_text="Milestones that must be met before this one.",
    )
    notes = models.TextField(blank=True)
    # Where it came from in a plan imported from Microsoft Project (programmes.mspdi): the
    # task's unique ID, by which importing the same project again updates it rather than
    # adding it twice, and the upload that first added it (which rolling back removes).
    external_uid = models.CharField(
        "unique ID in Microsoft Project", max_length=40, blank=True, default="", editable=False)
    import_upload = models.ForeignKey(
        "core.Upload", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False)
    history = HistoricalRecords()

    objects = MilestoneQuerySet.as_manager()

    class Meta:
        ordering = ["forecast_date", "title"]
        indexes = [
            # The tracker and the programme cards filter open milestones by forecast date.
            models.Index(fields=["programme", "status", "forecast_date"],
                         name="milestone_prog_status_date"),
        ]
        constraints = [
            models.CheckConstraint(
                name="milestone_start_not_after_end",
                condition=(models.Q(forecast_start_date__isnull=True)
                           | models.Q(forecast_start_date__lte=models.F("forecast_date")))
                & (models.Q(baseline_start_date__isnull=True)
                   | models.Q(baseline_start_date__lte=models.F("baseline_date"))),
            ),
            # A milestone is one date; an activity has both its starts.
            models.CheckConstraint(
                name="milestone_starts_match_kind",
                condition=(models.Q(kind="milestone", forecast_start_date__isnull=True,
                                    baseline_start_date__isnull=True)
                           | models.Q(kind="activity", forecast_start_date__isnull=False,
                                      baseline_start_date__isnull=False)),
            ),
            # One milestone per Project task in a programme: a re-import updates it.
            models.UniqueConstraint(fields=["programme", "external_uid"], condition=~models.Q(external_uid=""),
                                    name="milestone_external_uid_unique"),
            models.CheckConstraint(
                name="milestone_override_has_reason",
                condition=models.Q(rag_override="") | ~models.Q(rag_override_reason=""),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors = {}
        noun = self.get_kind_display().lower()
        if self.status == self.Status.COMPLETE and not self.actual_date:
            errors["actual_date"] = f"Enter the date the {noun} was met, or change its status."
        if self.actual_date and self.status != self.Status.COMPLETE:
            errors["status"] = f"A {noun} with an actual date is complete: set its status."
        if self.workstream_id and self.programme_id and (
            self.workstream.programme_id != self.programme_id
        ):
            errors["workstream"] = "Choose a workstream of this programme."
        errors.update(self._date_errors())
        if self.rag_override and not self.rag_override_reason.strip():
            errors["rag_override_reason"] = "Enter the reason for the RAG override, or remove the override."
        if (self.rag_override == Rag.GREEN and self.forecast_date
                and self.is_late(timezone.localdate())):
            errors["rag_override"] = (f"A {noun} past its forecast date that is not complete cannot be "
                                      "Green: choose Amber or Red, or remove the override.")
        if errors:
            raise ValidationError(errors)

    def _date_errors(self) -> dict[str, str]:
        """An activity has a start and an end, the end not before the start; a milestone
        has no start."""
        errors = {}
        if self.kind == self.Kind.ACTIVITY:
            pairs = (("baseline_start_date", "baseline_date", "baseline"),
                     ("forecast_start_date", "forecast_date", "forecast"))
            for start_name, end_name, which in pairs:
                start, end = getattr(self, start_name), getattr(self, end_name)
                if start is None:
                    errors[start_name] = f"Enter the activity's {which} start date."
                elif end is not None and end < start:
                    errors[end_name] = (f"The {which} end date must be the same as or after the "
                                        f"{which} start date ({start.day} {start:%B %Y}).")
        else:
            for start_name, which in (("baseline_start_date", "baseline"), ("forecast_start_date", "forecast")):
                if getattr(self, start_name) is not None:
                    errors[start_name] = (f"A milestone has one date: leave the {which} start date empty, "
                                          "or make it an activity.")
        return errors

    def would_loop(self, dependencies) -> bool:
        """Whether depending on `dependencies` would make this milestone depend, directly
        or through others, on itself. Walks the dependency graph one level per query."""
        if not self.pk:
            return False
        seen, frontier = set(), {d.pk for d in dependencies}
        while frontier:
            if self.pk in frontier:
                return True
            seen |= frontier
            frontier = set(
                Milestone.depends_on.through.objects.filter(from_milestone_id__in=frontier)
                .values_list("to_milestone_id", flat=True)) - seen
        return False

    @property
    def slippage_days(self) -> int:
        return (self.forecast_date - self.baseline_date).days

    @property
    def is_closed(self) -> bool:
        return self.status in self.CLOSED_STATUSES

    @classmethod
    def late_q(cls, today: date, prefix: str = "") -> models.Q:
        """The lateness rule in SQL: open, with the forecast date before today (a milestone
        forecast for today is not late yet). `prefix` reaches milestones from another
        model, as "milestones__" from a programme."""
        return (~models.Q(**{f"{prefix}status__in": cls.CLOSED_STATUSES})
                & models.Q(**{f"{prefix}forecast_date__lt": today}))

    @classmethod
    def due_within_q(cls, today: date, days: int, prefix: str = "") -> models.Q:
        """Open, forecast from today up to `days` days ahead."""
        return (~models.Q(**{f"{prefix}status__in": cls.CLOSED_STATUSES})
                & models.Q(**{f"{prefix}forecast_date__gte": today,
                              f"{prefix}forecast_date__lte": today + timedelta(days=days)}))

    def is_late(self, today: date) -> bool:
        """The lateness rule in Python, for rows already read; it must agree with `late_q`."""
        return not self.is_closed and self.forecast_date < today

    @property
    def is_activity(self) -> bool:
        return self.kind == self.Kind.ACTIVITY

    @property
    def has_slipped(self) -> bool:
        """Forecast later than the baseline, at either end."""
        if self.forecast_date > self.baseline_date:
            return True
        return bool(self.forecast_start_date and self.baseline_start_date
                    and self.forecast_start_date > self.baseline_start_date)

    def derived_rag(self, today: date, *, late: bool | None = None) -> str:
        """The RAG the dates and status give (the rule is in the class's docstring).
        `late` is the database's answer when the row was read `with_lateness`."""
        if self.is_closed:
            return Rag.GREEN
        if self.is_late(today) if late is None else late:
            return Rag.RED
        start_overdue = (self.forecast_start_date is not None and self.forecast_start_date < today
                         and self.status == self.Status.NOT_STARTED)
        if self.status == self.Status.AT_RISK or self.has_slipped or start_overdue:
            return Rag.AMBER
        return Rag.GREEN

    def shown_rag(self, today: date, *, late: bool | None = None) -> str:
        """The override where there is one, except that nothing late shows Green."""
        derived = self.derived_rag(today, late=late)
        if self.rag_override and not (self.rag_override == Rag.GREEN and derived == Rag.RED):
            return self.rag_override
        return derived

    def override_in_force(self, today: date, *, late: bool | None = None) -> bool:
        """Whether the override is what is shown (a Green one of a late item is not)."""
        return bool(self.rag_override) and self.shown_rag(today, late=late) == self.rag_override

    def read_rag(self, today: date) -> "Milestone":
        """Set what the pages, exports and API show of the RAG on this row read from the
        database: `rag_shown`, `rag_from_dates` (and their labels) and `rag_overridden`.
        Uses `late` from `with_lateness` when the row has it, so the SQL rule decides."""
        late = self.__dict__.get("late")
        self.rag_from_dates = self.derived_rag(today, late=late)
        self.rag_shown = self.shown_rag(today, late=late)
        self.rag_overridden = self.override_in_force(today, late=late)
        self.rag_from_dates_label = Rag(self.rag_from_dates).label
        self.rag_shown_label = Rag(self.rag_shown).label
        return self


class Baseline(TimeStampedModel):
    """A named snapshot of the plan ("Approved at OBC"): every milestone's and activity's
    forecast dates when it was taken, with the reason. The one `in_use` is the plan's
    baseline: its dates are each milestone's baseline dates, so slippage everywhere is
    measured against it; the tracker and timeline can compare the forecast with any other.
    Taken and chosen by the programme manager (programmes.baselines)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="baselines")
    name = models.CharField(max_length=80, help_text="For example “Approved at OBC”")
    reason = models.TextField(help_text="Why the plan is baselined now: the decision or change behind it.")
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    in_use = models.BooleanField(default=False, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "name"], name="baseline_name_unique"),
            models.UniqueConstraint(fields=["programme"], condition=models.Q(in_use=True),
                                    name="baseline_one_in_use"),
        ]

    NAME_TAKEN = "The programme already has a baseline with this name"

    def __str__(self) -> str:
        return self.name


class BaselineDate(models.Model):
    """One milestone's or activity's dates in a baseline (an activity's start and end; a
    milestone's one date is its end)."""

    baseline = models.ForeignKey(Baseline, on_delete=models.CASCADE, related_name="dates")
    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="+")
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["baseline", "milestone"], name="baseline_date_unique")]

    def __str__(self) -> str:
        return f"{self.baseline}: {self.start_date or ''} {self.end_date}".replace("  ", " ")


class Decision(TimeStampedModel):
    """A decision taken (or to be taken) by a body such as Cabinet."""

    class Classification(models.TextChoices):
        OPEN = "open", "Open"
        EXEMPT = "exempt", "Exempt"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="decisions")
    body = models.CharField(max_length=200, help_text="For example Cabinet.")
    meeting_date = models.DateField()
    forward_plan_ref = models.CharField("Forward plan reference", max_length=40, blank=True)
    key_decision = models.BooleanField(
        default=False, help_text="Key decisions must be on the forward plan 28 clear days ahead."
    )
    title = models.CharField(max_length=200)
    decision = models.TextField(blank=True, help_text="What was decided.")
    delegations = models.TextField(blank=True, help_text="Who was given authority to act.")
    classification = models.CharField(
        max_length=10, choices=Classification.choices, default=Classification.OPEN
    )
    wards = models.CharField(max_length=200, blank=True)
    published_on = models.DateField(
        "Decision published on", null=True, blank=True,
        help_text="The day the decision was published; the call-in period runs from it.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting_date", "pk"]

    @property
    def private_meeting(self) -> bool:
        """An exempt item is taken with the public excluded: the meeting is (partly) private."""
        return self.classification == self.Classification.EXEMPT

    def __str__(self) -> str:
        return f"{self.body}, {self.meeting_date:%d %b %Y}: {self.title}"

    @property
    def forward_plan_deadline(self) -> date:
        return KEY_DECISION_NOTICE.latest_date(self.meeting_date)


class DeadlineDone(TimeStampedModel):
    """That a derived deadline (programmes.deadlines) has been met, and on which day. A
    derived deadline's date is never typed and never edited; marking it done is the one thing
    a person records about it. Keyed by the deadline's key, which names its rule and its
    source record, so the mark stays when the source's date moves."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="deadlines_done")
    key = models.CharField(max_length=80)
    done_on = models.DateField("Done on")
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+", editable=False)
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["programme", "key"], name="deadline_done_once")]

    def __str__(self) -> str:
        return f"{self.key} done on {self.done_on:%d %b %Y}"


class Lesson(TimeStampedModel):
    """Something the programme learned, to repeat or to do better."""

    class Kind(models.TextChoices):
        WENT_WELL = "went_well", "Went well"
        TO_IMPROVE = "to_improve", "To improve"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="lessons")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    detail = models.TextField(blank=True)
    workstream = models.ForeignKey(
        Workstream, null=True, blank=True, on_delete=models.SET_NULL, related_name="lessons"
    )
    recorded_on = models.DateField()
    action = models.TextField(blank=True, help_text="What will be done differently.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-recorded_on", "pk"]

    def __str__(self) -> str:
        return self.title


class EngagementEvent(TimeStampedModel):
    """A meeting or briefing with a stakeholder group, including trade-union briefings."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="engagement_events"
    )
    date = models.DateField()
    # A code from the council's engagement kinds (programmes.council_lists).
    kind = models.CharField(max_length=20)
    group = models.CharField(max_length=200, help_text="Who was engaged, for example Unison.")
    title = models.CharField(max_length=200)
    attendees = models.PositiveIntegerField(null=True, blank=True)
    notes = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "pk"]

    def __str__(self) -> str:
        return f"{self.date:%d %b %Y} {self.title}"

    get_kind_display = list_display("kind")


class ConfidenceAssessment(TimeStampedModel):
    """The delivery confidence assessment for one reporting period."""

    class Scale(models.TextChoices):
        FIVE_POINT = "five", "Five-point"
        THREE_POINT = "three", "Three-point"

    class Rating(models.TextChoices):
        GREEN = "green", "Green"
        AMBER_GREEN = "amber_green", "Amber/Green"
        AMBER = "amber", "Amber"
        AMBER_RED = "amber_red", "Amber/Red"
        RED = "red", "Red"

    THREE_POINT_RATINGS = (Rating.GREEN, Rating.AMBER, Rating.RED)

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="confidence_assessments"
    )
    period_end = models.DateField(help_text="The last day of the reporting period.")
    scale = models.CharField(max_length=5, choices=Scale.choices, default=Scale.FIVE_POINT)
    rating = models.CharField(max_length=12, choices=Rating.choices)
    commentary = models.TextField(blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-period_end"]
        get_latest_by = "period_end"
        constraints = [
            models.UniqueConstraint(fields=["programme", "period_end"],
                                    name="one_assessment_per_period"),
        ]

    def __str__(self) -> str:
        return f"{self.period_end:%b %Y}: {self.get_rating_display()}"

    def clean(self) -> None:
        if self.scale == self.Scale.THREE_POINT and self.rating not in self.THREE_POINT_RATINGS:
            raise ValidationError(
                {"rating": "On the three-point scale choose Green, Amber or Red."}
            )


class NotificationPreference(TimeStampedModel):
    """How one person wants one kind of email (programmes.reach): at once, in one email a
    day, in one email a week, or not at all. A kind nobody has chosen for goes by its
    default. The choice covers every programme the person belongs to."""

    class Frequency(models.TextChoices):
        IMMEDIATE = "immediate", "Straight away, one email each"
        DAILY = "daily", "In one email a day"
        WEEKLY = "weekly", "In one email a week"
        OFF = "off", "Not at all"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="notification_preferences")
    kind = models.CharField(max_length=30)
    frequency = models.CharField(max_length=10, choices=Frequency.choices)
    history = HistoricalRecords()

    class Meta:
        ordering = ["user", "kind"]
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")]

    def __str__(self) -> str:
        return f"{self.user}: {self.kind} {self.frequency}"


class Notification(models.Model):
    """One reminder or digest for one person, recorded before it is sent. The unique event
    key (the thing, its date and the reminder's stage, as "milestone-12:2027-03-01:7") is
    what keeps a reminder from going twice, however often the run repeats and however many
    schedulers overlap: only the run whose insert made the row sends it, and only the run
    whose update moved it from pending to sending."""

    class State(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        SKIPPED = "skipped", "Not sent (turned off, or no longer a member)"
        FAILED = "failed", "Could not be sent"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    programme = models.ForeignKey(Programme, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=30)
    event_key = models.CharField(max_length=200)
    title = models.CharField(max_length=300)
    says = models.CharField(max_length=200, help_text="The reminder in a few words: \"Due in 7 days\"")
    link = models.CharField(max_length=500)
    when = models.DateField(null=True, blank=True)
    frequency = models.CharField(max_length=10, choices=NotificationPreference.Frequency.choices)
    found_at = models.DateTimeField()
    # Not before this: the day's or the week's email time for a reminder that waits to go
    # with others, the moment it was found for one that goes straight away.
    deliver_after = models.DateTimeField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    run = models.CharField(max_length=40, blank=True, editable=False)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    problem = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["found_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["user", "kind", "event_key"], name="one_notification_per_event")]
        indexes = [models.Index(fields=["state", "deliver_after"], name="notification_due")]

    def __str__(self) -> str:
        return f"{self.user}: {self.says} {self.title}"


class PersonalFeed(models.Model):
    """The secret address of a person's own calendar feed ("My actions" across every
    programme), kept only as its SHA-256, with a lifetime, as the programme feeds are."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="personal_feed")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField(editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    def __str__(self) -> str:
        return f"{self.user}'s calendar feed"
