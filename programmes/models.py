"""The programme, its members, its plan and its logs."""
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel
from core.roles import Role
from core.statutory import ELI_BEFORE_TRANSFER, KEY_DECISION_NOTICE


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
    """A programme that moves services to a new delivery model by a transfer date."""

    class Status(models.TextChoices):
        PLANNING = "planning", "Planning"
        MOBILISING = "mobilising", "Mobilising"
        TRANSFERRED = "transferred", "Transferred"
        CLOSED = "closed", "Closed"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    summary = models.TextField(blank=True)
    lead_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="led_programmes"
    )
    partners = models.ManyToManyField(Organisation, blank=True, related_name="partner_programmes")
    outgoing_provider = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT,
        related_name="outgoing_programmes",
    )
    contract_end_date = models.DateField(help_text="The last day of the existing contract.")
    transfer_date = models.DateField(help_text="The day services go live under the new model.")
    director = models.CharField(
        max_length=200, blank=True, help_text="The director or senior responsible owner."
    )
    contract_share = models.DecimalField(
        "share of contract in scope", max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text="Percentage of the outgoing contract's value that the services in scope make up.",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNING)
    history = HistoricalRecords()

    class Meta:
        ordering = ["transfer_date", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def eli_deadline(self) -> date:
        """The latest day the outgoing provider may give Employee Liability Information."""
        return ELI_BEFORE_TRANSFER.latest_date(self.transfer_date)

    def days_to_transfer(self, today: date) -> int:
        return (self.transfer_date - today).days


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
    """A dated point in the plan. Slippage is the forecast date less the baseline date."""

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
    title = models.CharField(max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="owned_milestones",
    )
    baseline_date = models.DateField(help_text="The date agreed when the plan was baselined.")
    forecast_date = models.DateField(help_text="The date it is now expected.")
    actual_date = models.DateField(null=True, blank=True, help_text="The date it was met.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    rag = models.CharField("RAG", max_length=10, choices=Rag.choices, default=Rag.GREEN)
    depends_on = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="dependents",
        help_text="Milestones that must be met before this one.",
    )
    notes = models.TextField(blank=True)
    history = HistoricalRecords()

    objects = MilestoneQuerySet.as_manager()

    class Meta:
        ordering = ["forecast_date", "title"]
        indexes = [
            # The tracker and the programme cards filter open milestones by forecast date.
            models.Index(fields=["programme", "status", "forecast_date"],
                         name="milestone_prog_status_date"),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors = {}
        if self.status == self.Status.COMPLETE and not self.actual_date:
            errors["actual_date"] = "Enter the date the milestone was met, or change its status."
        if self.actual_date and self.status != self.Status.COMPLETE:
            errors["status"] = "A milestone with an actual date is complete: set its status."
        if self.workstream_id and self.programme_id and (
            self.workstream.programme_id != self.programme_id
        ):
            errors["workstream"] = "Choose a workstream of this programme."
        if errors:
            raise ValidationError(errors)

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
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting_date", "pk"]

    def __str__(self) -> str:
        return f"{self.body}, {self.meeting_date:%d %b %Y}: {self.title}"

    @property
    def forward_plan_deadline(self) -> date:
        return KEY_DECISION_NOTICE.latest_date(self.meeting_date)


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

    class Kind(models.TextChoices):
        STAFF_BRIEFING = "staff_briefing", "Staff briefing"
        TRADE_UNION = "trade_union", "Trade-union briefing"
        PARTNER = "partner", "Partner meeting"
        MEMBER = "member", "Elected members' briefing"
        PUBLIC = "public", "Public and people who use services"
        OTHER = "other", "Other"

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="engagement_events"
    )
    date = models.DateField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    group = models.CharField(max_length=200, help_text="Who was engaged, for example Unison.")
    title = models.CharField(max_length=200)
    attendees = models.PositiveIntegerField(null=True, blank=True)
    notes = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "pk"]

    def __str__(self) -> str:
        return f"{self.date:%d %b %Y} {self.title}"


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
