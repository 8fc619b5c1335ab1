"""The risk and issue register of a programme: risks with their scores and mitigating
actions, the issues log, and the programme's own RAG thresholds and risk appetite."""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from programmes.council_lists import list_display
from programmes.models import Programme, Workstream

SCALE = [MinValueValidator(1, "Enter a whole number from 1 to 5"),
         MaxValueValidator(5, "Enter a whole number from 1 to 5")]
SCORE = [MinValueValidator(1, "Enter a score from 1 to 25"), MaxValueValidator(25, "Enter a score from 1 to 25")]
DEFAULT_GREEN_MAX = 4
DEFAULT_AMBER_MAX = 12


class RAG(models.TextChoices):
    GREEN = "green", "Green"
    AMBER = "amber", "Amber"
    RED = "red", "Red"


def rag_for(score: int | None, *, green_max: int = DEFAULT_GREEN_MAX,
            amber_max: int = DEFAULT_AMBER_MAX) -> str:
    """The RAG of a score (likelihood × impact) under a programme's thresholds."""
    if score is None:
        return ""
    if score <= green_max:
        return RAG.GREEN
    if score <= amber_max:
        return RAG.AMBER
    return RAG.RED


class Risk(models.Model):
    """A risk to the programme, scored before (inherent) and after (residual) its
    mitigating actions. Its reference (R-001…) is numbered per programme by the service."""

    class Proximity(models.TextChoices):
        IMMINENT = "imminent", "Imminent"
        WITHIN_3_MONTHS = "within_3_months", "Within 3 months"
        MONTHS_3_TO_12 = "3_to_12_months", "3 to 12 months"
        OVER_12_MONTHS = "over_12_months", "Over 12 months"

    class Response(models.TextChoices):
        TOLERATE = "tolerate", "Tolerate"
        TREAT = "treat", "Treat"
        TRANSFER = "transfer", "Transfer"
        TERMINATE = "terminate", "Terminate"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="risks")
    number = models.PositiveIntegerField(editable=False)
    title = models.CharField(max_length=200)
    cause = models.TextField(blank=True)
    event = models.TextField(blank=True)
    effect = models.TextField(blank=True)
    # A code from the council's risk categories (programmes.council_lists).
    category = models.CharField(max_length=20)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    workstream = models.ForeignKey(Workstream, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="risks")
    proximity = models.CharField(max_length=20, choices=Proximity.choices, blank=True)
    proximity_date = models.DateField(null=True, blank=True,
                                      help_text="When the risk could happen, if known")
    likelihood = models.PositiveSmallIntegerField(validators=SCALE, help_text="1 (rare) to 5 (almost certain)")
    impact = models.PositiveSmallIntegerField(validators=SCALE, help_text="1 (minimal) to 5 (severe)")
    residual_likelihood = models.PositiveSmallIntegerField(validators=SCALE,
                                                           help_text="After the mitigating actions")
    residual_impact = models.PositiveSmallIntegerField(validators=SCALE,
                                                       help_text="After the mitigating actions")
    target_score = models.PositiveSmallIntegerField(validators=SCORE, null=True, blank=True)
    response = models.CharField(max_length=20, choices=Response.choices, default=Response.TREAT)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    next_review_date = models.DateField(null=True, blank=True)
    escalated = models.BooleanField("Escalated to the board", default=False)
    escalated_on = models.DateField("Date escalated", null=True, blank=True)
    # The spreadsheet upload that created the risk, so rolling that upload back removes it.
    upload = models.ForeignKey("core.Upload", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+", editable=False)
    history = HistoricalRecords()
    get_category_display = list_display("category")

    class Meta:
        ordering = ["programme", "number"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="risk_number_unique_per_programme"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        return f"R-{self.number:03d}" if self.number else "R-new"

    @property
    def inherent_score(self) -> int | None:
        if self.likelihood is None or self.impact is None:
            return None
        return self.likelihood * self.impact

    @property
    def residual_score(self) -> int | None:
        if self.residual_likelihood is None or self.residual_impact is None:
            return None
        return self.residual_likelihood * self.residual_impact

    def clean(self):
        errors = {}
        if self.escalated and not self.escalated_on:
            errors["escalated_on"] = "Enter the date the risk was escalated to the board"
        if self.workstream_id and self.programme_id and self.workstream.programme_id != self.programme_id:
            errors["workstream"] = "Choose a workstream of this programme"
        if errors:
            raise ValidationError(errors)


class RiskAction(models.Model):
    """A mitigating action against a risk. It carries the programme as well, so that it is
    found (and refused to outsiders) the same way as every other programme record."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="risk_actions")
    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField(max_length=300)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_date", "pk"]

    def __str__(self) -> str:
        return self.description

    def clean(self):
        if self.risk_id and self.programme_id and self.risk.programme_id != self.programme_id:
            raise ValidationError({"risk": "Choose a risk of this programme"})


class Issue(models.Model):
    """Something that has happened (often a risk that came about) and needs resolving."""

    class Priority(models.TextChoices):
        HIGH = "high", "High"
        MEDIUM = "medium", "Medium"
        LOW = "low", "Low"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Resolved"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="issues")
    risk = models.ForeignKey(Risk, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="issues", help_text="The risk this issue came from, if any")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.MEDIUM)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    raised_on = models.DateField("Date raised")
    resolved_on = models.DateField("Date resolved", null=True, blank=True)
    resolution = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-raised_on", "pk"]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        errors = {}
        if self.risk_id and self.programme_id and self.risk.programme_id != self.programme_id:
            errors["risk"] = "Choose a risk of this programme"
        if self.status == self.Status.RESOLVED and not self.resolved_on:
            errors["resolved_on"] = "Enter the date the issue was resolved"
        if self.resolved_on and self.raised_on and self.resolved_on < self.raised_on:
            errors["resolved_on"] = "The date resolved must be on or after the date raised"
        if errors:
            raise ValidationError(errors)


class RiskSettings(models.Model):
    """The programme's RAG thresholds for risk scores: up to `green_max` is green, up to
    `amber_max` amber, above it red."""

    programme = models.OneToOneField(Programme, on_delete=models.CASCADE, related_name="risk_settings")
    green_max = models.PositiveSmallIntegerField("Highest green score", default=DEFAULT_GREEN_MAX,
                                                 validators=SCORE)
    amber_max = models.PositiveSmallIntegerField("Highest amber score", default=DEFAULT_AMBER_MAX,
                                                 validators=SCORE)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(green_max__lt=models.F("amber_max")),
                                   name="risk_settings_green_below_amber"),
        ]

    def __str__(self) -> str:
        return f"Risk settings of {self.programme}"

    def clean(self):
        if self.green_max is not None and self.amber_max is not None and self.green_max >= self.amber_max:
            raise ValidationError({"amber_max": "The highest amber score must be above the highest green score"})

    def rag(self, score: int | None) -> str:
        return rag_for(score, green_max=self.green_max, amber_max=self.amber_max)


class RiskAppetite(models.Model):
    """How much residual risk the programme will accept in a category."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="risk_appetites")
    # A code from the council's risk categories (programmes.council_lists).
    category = models.CharField(max_length=20)
    max_residual_score = models.PositiveSmallIntegerField(validators=SCORE)
    history = HistoricalRecords()
    get_category_display = list_display("category")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["programme", "category"], name="risk_appetite_unique_per_category"),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: up to {self.max_residual_score}"
