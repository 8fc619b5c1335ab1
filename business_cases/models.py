"""Business cases of a programme: the three HM Treasury stages (SOC → OBC → FBC) as
versioned Five Case Model documents, the strategic objectives and critical success factors
they share, the options appraisal matrix, and the economic appraisal lines of each option.

The options, criteria, matrix and appraisal lines belong to the programme, not to one
stage: the short list chosen at SOC is the one the OBC appraises and the FBC confirms.
Each version keeps a snapshot of these structured parts when it leaves draft, so any two
versions can be compared."""
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from simple_history.models import HistoricalRecords

from core.financial_year import FinancialYearField
from core.models import MoneyField
from core.statutory import KEY_DECISION_NOTICE
from programmes.models import Programme

PERCENT = [MinValueValidator(Decimal("0"), "Enter a percentage of 0 or more"),
           MaxValueValidator(Decimal("1000"), "Enter a percentage of 1000 or less")]
CONFIDENCE = [MinValueValidator(Decimal("0"), "Enter a percentage from 0 to 100"),
              MaxValueValidator(Decimal("100"), "Enter a percentage from 0 to 100")]
# The Green Book schedule runs to year 125.
LAST_YEAR = 125


class Stage(models.TextChoices):
    SOC = "soc", "Strategic Outline Case"
    OBC = "obc", "Outline Business Case"
    FBC = "fbc", "Full Business Case"


STAGE_ORDER = [Stage.SOC, Stage.OBC, Stage.FBC]
STAGE_SHORT = {Stage.SOC: "SOC", Stage.OBC: "OBC", Stage.FBC: "FBC"}

# The Five Case Model, in the order a business case presents it: (field, heading).
SECTIONS = [
    ("strategic_case", "Strategic case"),
    ("economic_case", "Economic case"),
    ("commercial_case", "Commercial case"),
    ("financial_case", "Financial case"),
    ("management_case", "Management case"),
]


class BusinessCase(models.Model):
    """One stage's business case for a programme. Its text lives in its versions."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="business_cases")
    stage = models.CharField(max_length=3, choices=Stage.choices)
    history = HistoricalRecords()

    class Meta:
        ordering = ["programme", "stage"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "stage"], name="business_case_one_per_stage"),
        ]

    def __str__(self) -> str:
        return f"{STAGE_SHORT[self.stage]} – {self.programme}"

    @property
    def short(self) -> str:
        return STAGE_SHORT[self.stage]

    @property
    def stage_index(self) -> int:
        return STAGE_ORDER.index(self.stage)


class BusinessCaseVersion(models.Model):
    """A version of a stage's document: the five cases as text, its status, and — once
    decided — the decision. A new version supersedes the one before it."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        SUPERSEDED = "superseded", "Superseded"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="business_case_versions")
    business_case = models.ForeignKey(BusinessCase, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(editable=False)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    summary = models.CharField("Summary of this version", max_length=300, blank=True)
    strategic_case = models.TextField(blank=True, help_text="The case for change and the objectives")
    economic_case = models.TextField(blank=True, help_text="The options considered and why the preferred one "
                                                           "gives the best value")
    commercial_case = models.TextField(blank=True, help_text="How the preferred option will be delivered "
                                                             "commercially")
    financial_case = models.TextField(blank=True, help_text="Affordability and funding")
    management_case = models.TextField(blank=True, help_text="How the change will be managed and its "
                                                             "benefits realised")
    # The decision, recorded by a director.
    approving_body = models.CharField(max_length=200, blank=True, help_text="For example Cabinet")
    meeting_date = models.DateField(null=True, blank=True)
    decision_reference = models.CharField(max_length=60, blank=True,
                                          help_text="For example the forward plan reference, E3393")
    decision_notes = models.TextField(blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The decision as the programme's decision log holds it (services.version_decide writes it).
    decision = models.ForeignKey("programmes.Decision", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="business_case_versions", editable=False)
    # Stays true when a later version supersedes this one: the stage was approved, and the
    # next stage's gate looks for that.
    was_approved = models.BooleanField(default=False, editable=False)
    # The structured parts (objectives, CSFs, options, ranking, appraisal) as they stood when
    # this version left draft; empty while it is a draft, which shows the live parts.
    snapshot = models.JSONField(default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # The snapshot is worked out from other audited records, so the history leaves it out.
    history = HistoricalRecords(excluded_fields=["snapshot"])

    class Meta:
        ordering = ["business_case", "number"]
        constraints = [
            models.UniqueConstraint(fields=["business_case", "number"], name="business_case_version_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.business_case.short} version {self.number}"

    @property
    def label(self) -> str:
        return f"Version {self.number}"

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT

    def clean(self):
        if self.business_case_id and self.programme_id and self.business_case.programme_id != self.programme_id:
            raise ValidationError({"business_case": "Choose a business case of this programme"})
        if self.status == self.Status.APPROVED:
            errors = {}
            if not self.approving_body:
                errors["approving_body"] = "Enter the body that approved it"
            if not self.meeting_date:
                errors["meeting_date"] = "Enter the date of the meeting"
            if not self.decision_reference:
                errors["decision_reference"] = "Enter the decision reference"
            if errors:
                raise ValidationError(errors)


class _Numbered(models.Model):
    """A programme's numbered statement: SO1, SO2… or CSF1, CSF2…, in their order."""

    PREFIX = ""
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    number = models.PositiveSmallIntegerField(validators=[MinValueValidator(1, "Enter a number of 1 or more")],
                                              help_text="Its place in the list: 1 for the first")
    text = models.CharField(max_length=300)

    class Meta:
        abstract = True
        ordering = ["programme", "number"]

    def __str__(self) -> str:
        return f"{self.code} {self.text}"

    @property
    def code(self) -> str:
        return f"{self.PREFIX}{self.number}"


class StrategicObjective(_Numbered):
    """A strategic objective (SO1…) of the programme, used by every stage."""

    PREFIX = "SO"
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="strategic_objectives")
    history = HistoricalRecords()

    class Meta(_Numbered.Meta):
        constraints = [models.UniqueConstraint(fields=["programme", "number"], name="objective_unique_number")]


class CriticalSuccessFactor(_Numbered):
    """A critical success factor (CSF1…) the options are judged against, used by every stage."""

    PREFIX = "CSF"
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="critical_success_factors")
    history = HistoricalRecords()

    class Meta(_Numbered.Meta):
        constraints = [models.UniqueConstraint(fields=["programme", "number"], name="csf_unique_number")]


class Outcome(models.TextChoices):
    PREFERRED = "preferred", "Preferred"
    SHORTLISTED = "shortlisted", "Shortlisted"
    ALTERNATIVE = "alternative", "Alternative"
    DO_MINIMUM = "do_minimum", "Do minimum"
    BUSINESS_AS_USUAL = "business_as_usual", "Business as usual"
    DISCOUNTED = "discounted", "Discounted"


class Option(models.Model):
    """An option on the long list. Its outcome is worked out from the matrix (see
    `ranking`); an author may override it, giving a reason, and pages show both."""

    class Kind(models.TextChoices):
        OPTION = "option", "An option for change"
        BUSINESS_AS_USUAL = "business_as_usual", "Business as usual (the benchmark)"
        DO_MINIMUM = "do_minimum", "Do minimum"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="options")
    code = models.CharField(max_length=20, help_text="For example Op.1")
    order = models.PositiveSmallIntegerField(default=0, help_text="Where it sits in the list")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OPTION)
    justification = models.TextField(blank=True, help_text="Why the option has the outcome it has")
    outcome_override = models.CharField("Outcome chosen by the authors", max_length=20, choices=Outcome.choices,
                                        blank=True, help_text="Leave blank to use the outcome the matrix gives")
    override_reason = models.TextField("Reason for choosing a different outcome", blank=True)
    optimism_bias_percent = models.DecimalField(
        "Optimism bias uplift on costs (%)", max_digits=6, decimal_places=2, default=Decimal("0"),
        validators=PERCENT)
    benefits_confidence_percent = models.DecimalField(
        "Confidence in the monetised benefits (%)", max_digits=5, decimal_places=2, default=Decimal("100"),
        validators=CONFIDENCE, help_text="Benefits are counted at this percentage of their value")
    history = HistoricalRecords()

    class Meta:
        ordering = ["programme", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["programme", "code"], name="option_unique_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def clean(self):
        if self.outcome_override and not (self.override_reason or "").strip():
            raise ValidationError({"override_reason": "Enter the reason for choosing a different outcome"})


class Criterion(models.Model):
    """A column of the options appraisal matrix, of one kind. Objectives and CSFs become
    criteria by linking them; authors may add others."""

    class Kind(models.TextChoices):
        LEVELS = "levels", "Meets / partially meets / does not meet"
        GATE = "gate", "Yes / no gate (no rules the option out)"
        RATING = "rating", "Rating: high / medium / low"
        SCORE = "score", "Score on a stated scale"
        MONEY = "money", "Money (£)"

    class Direction(models.TextChoices):
        HIGHER = "higher", "Higher is better (for example savings)"
        LOWER = "lower", "Lower is better (for example cost)"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="appraisal_criteria")
    order = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    objective = models.ForeignKey(StrategicObjective, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="criteria", help_text="The objective this criterion tests, if any")
    csf = models.ForeignKey(CriticalSuccessFactor, null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="criteria", verbose_name="critical success factor",
                            help_text="The critical success factor this criterion tests, if any")
    weight = models.DecimalField(max_digits=6, decimal_places=2, default=Decimal("1"),
                                 validators=[MinValueValidator(Decimal("0"), "Enter a weight of 0 or more")],
                                 help_text="How much the criterion counts in the weighted total (gates carry none)")
    scale_min = models.DecimalField("Lowest score", max_digits=8, decimal_places=2, null=True, blank=True)
    scale_max = models.DecimalField("Highest score", max_digits=8, decimal_places=2, null=True, blank=True)
    direction = models.CharField(max_length=10, choices=Direction.choices, blank=True,
                                 help_text="For money: whether more is better or worse")
    history = HistoricalRecords()

    class Meta:
        ordering = ["programme", "order", "pk"]
        verbose_name_plural = "criteria"

    def __str__(self) -> str:
        return self.title

    def clean(self):
        errors = {}
        if self.kind == self.Kind.SCORE:
            if self.scale_min is None:
                errors["scale_min"] = "Enter the lowest score of the scale"
            if self.scale_max is None:
                errors["scale_max"] = "Enter the highest score of the scale"
            if self.scale_min is not None and self.scale_max is not None and self.scale_max <= self.scale_min:
                errors["scale_max"] = "The highest score must be above the lowest"
        if self.kind == self.Kind.MONEY and not self.direction:
            errors["direction"] = "Choose whether more money is better or worse"
        for name in ("objective", "csf"):
            linked = getattr(self, name)
            if linked is not None and self.programme_id and linked.programme_id != self.programme_id:
                errors[name] = "Choose one of this programme's"
        if errors:
            raise ValidationError(errors)


class Level(models.TextChoices):
    MEETS = "meets", "Meets"
    PARTIAL = "partial", "Partially meets"
    NOT_MET = "not_met", "Does not meet"


class Rating(models.TextChoices):
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


class MatrixCell(models.Model):
    """How one option does against one criterion. Only the value of the criterion's kind
    is filled in."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="matrix_cells")
    option = models.ForeignKey(Option, on_delete=models.CASCADE, related_name="cells")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="cells")
    level = models.CharField(max_length=10, choices=Level.choices, blank=True)
    gate = models.BooleanField("Passes the gate", null=True, blank=True)
    rating = models.CharField(max_length=10, choices=Rating.choices, blank=True)
    score = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    money = MoneyField("Amount (£)", null=True, blank=True,
                       sign="A cost or a saving is a positive amount; the criterion says whether lower or "
                            "higher is better.")
    note = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["option", "criterion"], name="matrix_cell_unique")]

    def __str__(self) -> str:
        return f"{self.option_id} × {self.criterion_id}"

    def clean(self):
        errors = {}
        c = self.criterion if self.criterion_id else None
        if c is not None and self.programme_id and c.programme_id != self.programme_id:
            errors["criterion"] = "Choose a criterion of this programme"
        if self.option_id and self.programme_id and self.option.programme_id != self.programme_id:
            errors["option"] = "Choose an option of this programme"
        if c is not None and not errors:
            K = Criterion.Kind
            if c.kind == K.LEVELS and not self.level:
                errors["level"] = "Choose meets, partially meets or does not meet"
            elif c.kind == K.GATE and self.gate is None:
                errors["gate"] = "Choose yes or no"
            elif c.kind == K.RATING and not self.rating:
                errors["rating"] = "Choose high, medium or low"
            elif c.kind == K.SCORE:
                if self.score is None:
                    errors["score"] = "Enter the score"
                elif c.scale_min is not None and c.scale_max is not None and not (
                        c.scale_min <= self.score <= c.scale_max):
                    errors["score"] = f"Enter a score from {c.scale_min.normalize():f} to {c.scale_max.normalize():f}"
            elif c.kind == K.MONEY and self.money is None:
                errors["money"] = "Enter the amount in pounds"
        if errors:
            raise ValidationError(errors)


class MatrixSettings(models.Model):
    """How levels and ratings score in the programme's matrix (points; a cell scores its
    points as a share of the highest in its group, times the criterion's weight)."""

    programme = models.OneToOneField(Programme, on_delete=models.CASCADE, related_name="matrix_settings")
    meets_points = models.DecimalField("Points for meets", max_digits=5, decimal_places=2, default=Decimal("2"),
                                       validators=[MinValueValidator(Decimal("0"))])
    partial_points = models.DecimalField("Points for partially meets", max_digits=5, decimal_places=2,
                                         default=Decimal("1"), validators=[MinValueValidator(Decimal("0"))])
    not_met_points = models.DecimalField("Points for does not meet", max_digits=5, decimal_places=2,
                                         default=Decimal("0"), validators=[MinValueValidator(Decimal("0"))])
    high_points = models.DecimalField("Points for high", max_digits=5, decimal_places=2, default=Decimal("3"),
                                      validators=[MinValueValidator(Decimal("0"))])
    medium_points = models.DecimalField("Points for medium", max_digits=5, decimal_places=2, default=Decimal("2"),
                                        validators=[MinValueValidator(Decimal("0"))])
    low_points = models.DecimalField("Points for low", max_digits=5, decimal_places=2, default=Decimal("1"),
                                     validators=[MinValueValidator(Decimal("0"))])
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Matrix scoring of {self.programme}"

    def clean(self):
        errors = {}
        if not (self.meets_points >= self.partial_points >= self.not_met_points):
            errors["partial_points"] = "Meets must score at least partially meets, and that at least does not meet"
        elif self.meets_points == 0:
            errors["meets_points"] = "Meets must score more than 0"
        if not (self.high_points >= self.medium_points >= self.low_points):
            errors["medium_points"] = "High must score at least medium, and medium at least low"
        elif self.high_points == 0:
            errors["high_points"] = "High must score more than 0"
        if errors:
            raise ValidationError(errors)


class AppraisalLine(models.Model):
    """A cost or benefit of one option in one year of the appraisal, in real prices (£ at
    today's prices, before discounting). Unmonetised benefits are described, not valued."""

    class Category(models.TextChoices):
        CAPITAL = "capital", "Capital cost"
        REVENUE = "revenue", "Revenue cost"
        TRANSITION = "transition", "One-off transition cost"
        RISK = "risk", "Risk cost"
        CASH_RELEASING = "cash_releasing", "Cash-releasing benefit"
        NON_CASH_RELEASING = "non_cash_releasing", "Non-cash-releasing benefit"
        UNMONETISED = "unmonetised", "Unmonetised benefit"

    COSTS = (Category.CAPITAL, Category.REVENUE, Category.TRANSITION, Category.RISK)
    BENEFITS = (Category.CASH_RELEASING, Category.NON_CASH_RELEASING)

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="appraisal_lines")
    option = models.ForeignKey(Option, on_delete=models.CASCADE, related_name="appraisal_lines")
    category = models.CharField(max_length=20, choices=Category.choices)
    year = models.PositiveSmallIntegerField(
        "Year of the appraisal", validators=[MaxValueValidator(LAST_YEAR, f"Enter a year from 0 to {LAST_YEAR}")],
        help_text="0 is the first year (not discounted), 1 the year after, and so on")
    financial_year = FinancialYearField(null=True, blank=True, help_text="For example 2023/24, if known")
    description = models.CharField(max_length=200)
    amount = MoneyField("Amount (£, real prices)", null=True, blank=True,
                        validators=[MinValueValidator(Decimal("0"), "Enter an amount of £0 or more")],
                        sign="A cost or a benefit is a positive amount (£0 or more); its category says which.")
    final = models.BooleanField("Final figure", default=False,
                                help_text="Confirmed (for example contracted) rather than estimated")
    # The line's own optimism bias (a capital, revenue or transition cost) or confidence (a
    # monetised benefit); empty for the option's.
    optimism_bias_percent = models.DecimalField(
        "Optimism bias on this cost (%)", max_digits=6, decimal_places=2, null=True, blank=True,
        validators=PERCENT, help_text="Leave empty for the option's own uplift")
    confidence_percent = models.DecimalField(
        "Confidence in this benefit (%)", max_digits=5, decimal_places=2, null=True, blank=True,
        validators=CONFIDENCE, help_text="Leave empty for the option's own confidence")
    upload = models.ForeignKey("core.Upload", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+", editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["option", "year", "category", "pk"]

    def __str__(self) -> str:
        return f"{self.get_category_display()}, year {self.year}: {self.description}"

    @property
    def is_cost(self) -> bool:
        return self.category in self.COSTS

    def clean(self):
        errors = {}
        if self.option_id and self.programme_id and self.option.programme_id != self.programme_id:
            errors["option"] = "Choose an option of this programme"
        if self.category == self.Category.UNMONETISED:
            if self.amount is not None:
                errors["amount"] = "Leave the amount blank for an unmonetised benefit: describe it instead"
        elif self.category and self.amount is None:
            errors["amount"] = "Enter the amount in pounds"
        uplifted = (self.Category.CAPITAL, self.Category.REVENUE, self.Category.TRANSITION)
        if self.optimism_bias_percent is not None and self.category not in uplifted:
            errors["optimism_bias_percent"] = ("Optimism bias is added only to a capital, revenue or transition "
                                               "cost: leave it empty for this line")
        if self.confidence_percent is not None and self.category not in self.BENEFITS:
            errors["confidence_percent"] = ("A confidence is set only on a cash-releasing or non-cash-releasing "
                                            "benefit: leave it empty for this line")
        if errors:
            raise ValidationError(errors)


# --- Cabinet papers -----------------------------------------------------------------------------

class Classification(models.TextChoices):
    OPEN = "open", "Open"
    EXEMPT_APPENDICES = "exempt_appendices", "Open, with exempt appendices"
    EXEMPT = "exempt", "Exempt (the whole report)"


# Part 1 of Schedule 12A to the Local Government Act 1972: the kinds of information that
# may be kept from the public, in brief.
EXEMPT_PARAGRAPHS = [
    (1, "Paragraph 1: information about a particular person"),
    (2, "Paragraph 2: information likely to identify a person"),
    (3, "Paragraph 3: the financial or business affairs of a particular person, the council included"),
    (4, "Paragraph 4: consultations or negotiations on labour relations"),
    (5, "Paragraph 5: information covered by legal professional privilege"),
    (6, "Paragraph 6: notices, orders or directions the council proposes to give or make"),
    (7, "Paragraph 7: the prevention, investigation or prosecution of crime"),
]

# The paper's appendices, built from live data: key → (letter, title).
APPENDICES = {
    "options": ("A", "Options appraisal matrix"),
    "economic": ("B", "Economic appraisal"),
    "finance": ("C", "Finance tables"),
    "workforce": ("D", "Workforce by team"),
    "risks": ("E", "Risk register: open risks"),
    "timeline": ("F", "Milestone timeline"),
}


def template_logo_path(template: "PaperTemplate", filename: str) -> str:
    return f"paper-templates/{template.organisation_id}/v{template.number}/{filename}"


class PaperTemplate(models.Model):
    """One version of a council's paper template (business_cases.paper_templates): its
    sections, the name on the front sheet and the logo. Never changed once saved: a change
    is a new version, and a paper keeps the version it was started with."""

    organisation = models.ForeignKey("programmes.Organisation", on_delete=models.CASCADE,
                                     related_name="paper_templates")
    number = models.PositiveIntegerField()
    council_name = models.CharField(
        "Name on the front sheet", max_length=200,
        help_text="How the council names itself at the top of each paper, for example "
                  "Bath & North East Somerset Council")
    sections = models.JSONField(help_text="The sections in order: key, heading, required, guidance")
    # The logo as checked and re-encoded by core.images: a PNG, or an SVG with only its drawing.
    logo = models.FileField(upload_to=template_logo_path, blank=True)
    logo_type = models.CharField(max_length=20, blank=True)
    logo_alt = models.CharField(
        "Text alternative for the logo", max_length=200, blank=True,
        help_text="What a screen reader says for the logo, usually the council's name")
    change = models.CharField("What changed", max_length=200)
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    made_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation_id", "-number"]
        constraints = [models.UniqueConstraint(fields=["organisation", "number"],
                                               name="paper_template_number_unique")]

    def __str__(self) -> str:
        return f"Version {self.number} of the paper template of {self.organisation}"


class CabinetPaper(models.Model):
    """A report to Cabinet (or another decision maker) about a programme. The director
    writes the prose here; every number and table in it is read from the live records when
    a version is generated."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="cabinet_papers")
    business_case = models.ForeignKey(BusinessCase, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="papers", verbose_name="Business case stage",
                                      help_text="The stage this paper asks the decision maker to agree, if any")
    roster = models.ForeignKey("workforce.TransferRoster", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+", verbose_name="Workforce figures from",
                               help_text="The roster version the workforce table counts; leave empty for the latest")
    title = models.CharField(max_length=200)
    decision_maker = models.CharField(max_length=100, default="Cabinet",
                                      help_text="The meeting that takes the decision, for example Cabinet")
    meeting_date = models.DateField("Date of the meeting")
    forward_plan_reference = models.CharField(max_length=30, blank=True,
                                              help_text="For example E3393. A key decision needs one.")
    key_decision = models.BooleanField("Key decision", default=False)
    wards = models.CharField("Wards affected", max_length=200, default="All")
    cabinet_member = models.CharField("Cabinet member", max_length=150, blank=True)
    classification = models.CharField(max_length=20, choices=Classification.choices, default=Classification.OPEN)
    exempt_paragraph = models.PositiveSmallIntegerField(
        "Schedule 12A paragraph", null=True, blank=True, choices=EXEMPT_PARAGRAPHS,
        help_text="Why the exempt information may be kept from the public")
    exempt_appendices = models.JSONField("Exempt appendices", default=list, blank=True)
    attach_business_case = models.BooleanField(
        "Attach the business case", default=False,
        help_text="The latest version of the business case stage chosen above, in the Five Case Model, "
                  "as the paper's last appendix")
    author = models.CharField("Report author", max_length=150,
                              help_text="Name and job title")
    contact = models.CharField("Contact", max_length=200,
                               help_text="Name and a telephone number or email address")
    issue = models.TextField("The issue", help_text="What the decision maker is asked to decide, and why now")
    recommendations = models.TextField(help_text="One recommendation per line; they are numbered in the paper")
    background = models.TextField(blank=True)
    statutory_considerations = models.TextField(blank=True)
    equalities = models.TextField("Equalities", blank=True)
    climate_change = models.TextField("Climate change", blank=True)
    consultation = models.TextField(blank=True)
    other_options = models.TextField("Other options considered", blank=True)
    background_papers = models.TextField(blank=True, help_text="One per line")
    # The council's template as it stood when the paper was started (None: Insource's
    # default sections), and the text of the template's own sections, by key.
    template = models.ForeignKey(PaperTemplate, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="papers", editable=False)
    own_sections = models.JSONField("The council's own sections", default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["programme_id", "-meeting_date", "-pk"]

    def __str__(self) -> str:
        return f"{self.title} ({self.decision_maker}, {self.meeting_date:%-d %B %Y})"

    def save(self, *args, **kwargs):
        self.start_template()
        super().save(*args, **kwargs)

    @property
    def notice_date(self):
        """The last day the decision can appear on the forward plan."""
        return KEY_DECISION_NOTICE.latest_date(self.meeting_date) if self.meeting_date else None

    def meeting_passed(self, today) -> bool:
        """Whether the meeting the paper is for is over (before `today`): the page and the
        paper then say so, in case the paper is going to a later meeting."""
        return bool(self.meeting_date) and self.meeting_date < today

    @property
    def recommendation_list(self) -> list[str]:
        return [line.strip() for line in self.recommendations.splitlines() if line.strip()]

    @property
    def is_exempt(self) -> bool:
        return self.classification != Classification.OPEN

    def start_template(self) -> None:
        """A new paper takes the council's template as it stands (then keeps it)."""
        if self.pk is None and self.template_id is None and self.programme_id:
            from business_cases.paper_templates import council_template

            self.template = council_template(self.programme.lead_organisation_id)

    @property
    def sections(self):
        """The sections of the paper's template (business_cases.paper_templates)."""
        from business_cases.paper_templates import template_sections

        return template_sections(self.template)

    @property
    def missing_prose(self) -> list[str]:
        """The headings of the sections the author has not written yet."""
        from business_cases.paper_templates import unwritten

        return unwritten(self, self.sections)

    @property
    def missing_required(self) -> list[str]:
        """The headings of the sections the template requires that are not written yet."""
        from business_cases.paper_templates import unwritten_required

        return unwritten_required(self, self.sections)

    def exempt_labels(self) -> list[str]:
        return [f"Appendix {APPENDICES[k][0]} ({APPENDICES[k][1].lower()})"
                for k in APPENDICES if k in (self.exempt_appendices or [])]

    def classification_text(self) -> str:
        paragraph = (f"paragraph {self.exempt_paragraph} of Part 1 of Schedule 12A to the Local Government "
                     "Act 1972") if self.exempt_paragraph else ""
        if self.classification == Classification.EXEMPT:
            return f"Exempt: the whole report, under {paragraph}"
        if self.classification == Classification.EXEMPT_APPENDICES:
            return f"Open, except {', '.join(self.exempt_labels())}: exempt under {paragraph}"
        return "Open"

    def clean(self):
        self.start_template()
        errors = {}
        if not isinstance(self.exempt_appendices, list) or any(
                k not in APPENDICES for k in self.exempt_appendices or []):
            errors["exempt_appendices"] = "Choose appendices from the list"
        if self.classification == Classification.OPEN:
            # An open paper has nothing to keep back; drop what an earlier choice left.
            self.exempt_paragraph = None
            self.exempt_appendices = []
        else:
            if not self.exempt_paragraph:
                errors["exempt_paragraph"] = "Choose the paragraph of Schedule 12A that makes it exempt"
            if self.classification == Classification.EXEMPT_APPENDICES and not self.exempt_appendices \
                    and "exempt_appendices" not in errors:
                errors["exempt_appendices"] = "Choose at least one exempt appendix, or classify the paper as open"
            if self.classification == Classification.EXEMPT:
                self.exempt_appendices = []
        if self.key_decision and not self.forward_plan_reference.strip():
            errors["forward_plan_reference"] = "A key decision must be on the forward plan: enter its reference"
        if self.attach_business_case and not self.business_case_id:
            errors["attach_business_case"] = "Choose the business case stage to attach, above"
        if self.business_case_id and self.programme_id and self.business_case.programme_id != self.programme_id:
            errors["business_case"] = "Choose a stage of this programme's business case"
        if self.roster_id and self.programme_id and self.roster.programme_id != self.programme_id:
            errors["roster"] = "Choose a roster version of this programme"
        if self.recommendations and not self.recommendations.strip():
            errors["recommendations"] = "Enter at least one recommendation"
        own = {s.key for s in self.sections if s.own}
        if not isinstance(self.own_sections, dict) or any(
                k not in own or not isinstance(v, str) for k, v in (self.own_sections or {}).items()):
            errors["own_sections"] = ("Give text only for the council's own sections of the paper's template"
                                      + (f": {', '.join(sorted(own))}" if own else "; its template has none"))
        if errors:
            raise ValidationError(errors)


DRAFT_MARKING = "Draft"


def final_marking(published_on) -> str:
    return f"Final, published {published_on:%-d %B %Y}"


def paper_file_path(version: "PaperVersion", filename: str) -> str:
    return f"papers/{version.paper_id}/v{version.number}/{filename}"


class PaperVersion(models.Model):
    """One generated version of a paper: the files, when its figures were read and who
    asked. Made by exactly one job (a job run twice finds its version already there)."""

    paper = models.ForeignKey(CabinetPaper, on_delete=models.CASCADE, related_name="versions")
    job = models.OneToOneField("core.Job", on_delete=models.PROTECT, related_name="paper_version")
    number = models.PositiveIntegerField()
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    snapshot_at = models.DateTimeField(help_text="When the figures were read from the records")
    made_at = models.DateTimeField(auto_now_add=True)
    pages = models.PositiveIntegerField(default=0)
    exempt = models.BooleanField(default=False, help_text="Whether it holds exempt information")
    pdf = models.FileField(upload_to=paper_file_path)
    docx = models.FileField(upload_to=paper_file_path)
    # The copy for members who may not see exempt information (only for exempt papers).
    public_pdf = models.FileField(upload_to=paper_file_path, blank=True)
    public_docx = models.FileField(upload_to=paper_file_path, blank=True)
    # What it printed, as core.documents JSON (the full copy and, for an exempt paper, the
    # public one): the final version is printed again from it, and versions compared by it.
    source = models.FileField(upload_to=paper_file_path, blank=True)
    # A version is a draft until the director marks it final; its files then say so.
    finalised_at = models.DateTimeField(null=True, blank=True)
    finalised_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    published_on = models.DateField("Date of publication", null=True, blank=True)
    # The headings of the sections the paper's template requires that were not written when
    # the version was made: such a version cannot be marked final.
    unwritten = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["paper_id", "-number"]
        constraints = [models.UniqueConstraint(fields=["paper", "number"], name="paper_version_number_unique")]

    def __str__(self) -> str:
        return f"Version {self.number} of {self.paper.title}"

    @property
    def is_final(self) -> bool:
        return self.finalised_at is not None

    @property
    def marking(self) -> str:
        """What the top of each page says."""
        return final_marking(self.published_on) if self.is_final else DRAFT_MARKING

    @property
    def standing(self) -> str:
        """The marking within a sentence: "draft", "final, published 8 January 2027"."""
        marking = self.marking
        return marking[:1].lower() + marking[1:]

    def file_for(self, fmt: str, *, full: bool):
        """The file a reader gets: the full copy, or the public one of an exempt paper."""
        if full or not self.exempt:
            return self.pdf if fmt == "pdf" else self.docx
        return self.public_pdf if fmt == "pdf" else self.public_docx


# --- Equality impact assessments -----------------------------------------------------------------

class Characteristic(models.TextChoices):
    """What an equality impact assessment looks at: the nine protected characteristics of
    the Equality Act 2010 (s4), then the groups councils add of their own accord."""

    AGE = "age", "Age"
    DISABILITY = "disability", "Disability"
    GENDER_REASSIGNMENT = "gender_reassignment", "Gender reassignment"
    MARRIAGE = "marriage_civil_partnership", "Marriage and civil partnership"
    PREGNANCY = "pregnancy_maternity", "Pregnancy and maternity"
    RACE = "race", "Race"
    RELIGION = "religion_belief", "Religion or belief"
    SEX = "sex", "Sex"
    SEXUAL_ORIENTATION = "sexual_orientation", "Sexual orientation"
    CARERS = "carers", "Carers"
    SOCIO_ECONOMIC = "socio_economic", "Socio-economic disadvantage"
    OTHER = "other", "Another group the council considers"


# The nine the Act protects, in the Act's order.
PROTECTED_CHARACTERISTICS = tuple(Characteristic)[:9]
# What a new assessment starts with: the nine, and the two groups most councils add.
DEFAULT_CHARACTERISTICS = (*PROTECTED_CHARACTERISTICS, Characteristic.CARERS, Characteristic.SOCIO_ECONOMIC)
CHARACTERISTIC_ORDER = {c: n for n, c in enumerate(Characteristic)}


class Impact(models.TextChoices):
    POSITIVE = "positive", "Positive"
    NEGATIVE = "negative", "Negative"
    NEUTRAL = "neutral", "Neutral"
    UNKNOWN = "unknown", "Not known yet"


class EqualityAssessment(models.Model):
    """An equality impact assessment: the programme's own (no option), or one option's. It
    is the evidence that the council had due regard to the public sector equality duty
    (Equality Act 2010 s149) before deciding. One programme-wide assessment at most, and
    one per option."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        AWAITING_SIGN_OFF = "awaiting_sign_off", "Awaiting sign-off"
        SIGNED_OFF = "signed_off", "Signed off"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="equality_assessments")
    option = models.ForeignKey(Option, null=True, blank=True, on_delete=models.CASCADE,
                               related_name="equality_assessments",
                               help_text="Leave empty for the assessment of the whole programme")
    title = models.CharField(max_length=200)
    scope = models.TextField(blank=True, help_text="What the assessment covers: the proposal, the services and "
                                                   "the people it affects")
    summary = models.TextField(blank=True, help_text="What it found, in a few sentences")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    signed_off_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+", help_text="The member of the programme who signed it off")
    signed_off_on = models.DateField("Date signed off", null=True, blank=True)
    review_date = models.DateField(null=True, blank=True, help_text="When it is to be looked at again")
    history = HistoricalRecords()

    class Meta:
        ordering = ["programme", "option__order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["programme"], condition=models.Q(option__isnull=True),
                                    name="equality_assessment_one_per_programme",
                                    violation_error_message="The programme already has its own equality impact "
                                                            "assessment: choose an option, or edit that one"),
            models.UniqueConstraint(fields=["option"], name="equality_assessment_one_per_option",
                                    violation_error_message="That option already has an equality impact "
                                                            "assessment: edit that one"),
            models.CheckConstraint(
                condition=~models.Q(status="signed_off")
                | models.Q(signed_off_by__isnull=False, signed_off_on__isnull=False),
                name="equality_assessment_signed_off_says_who_and_when"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def subject(self) -> str:
        """What is assessed: the programme, or an option."""
        return f"Option {self.option}" if self.option_id else "The whole programme"

    def review_overdue(self, today) -> bool:
        return self.review_date is not None and self.review_date < today

    def clean(self):
        errors = {}
        if self.option_id and self.programme_id and self.option.programme_id != self.programme_id:
            errors["option"] = "Choose an option of this programme"
        elif self.programme_id:
            # The constraints' rules, checked here too so that the message names the field.
            others = EqualityAssessment.objects.filter(programme_id=self.programme_id, option_id=self.option_id)
            if self.pk:
                others = others.exclude(pk=self.pk)
            if others.exists():
                errors["option"] = ("That option already has an equality impact assessment: edit that one"
                                    if self.option_id else "The programme already has its own equality impact "
                                                           "assessment: choose an option, or edit that one")
        signed = self.status == self.Status.SIGNED_OFF
        if signed:
            if self.signed_off_by_id is None:
                errors["signed_off_by"] = "Choose who signed the assessment off"
            if self.signed_off_on is None:
                errors["signed_off_on"] = "Enter the date the assessment was signed off"
        else:
            if self.signed_off_by_id is not None:
                errors["signed_off_by"] = "Set the status to signed off, or leave who signed it off empty"
            if self.signed_off_on is not None:
                errors["signed_off_on"] = "Set the status to signed off, or leave the date signed off empty"
        if (self.review_date and self.signed_off_on and self.review_date <= self.signed_off_on
                and "signed_off_on" not in errors):
            errors["review_date"] = "The review date must be after the date it was signed off"
        if errors:
            raise ValidationError(errors)


class EqualityImpact(models.Model):
    """How the proposal bears on one characteristic (or one group the council adds): the
    impact, the evidence for it, and (through its mitigations) what will be done about a
    negative one. A negative impact with no mitigation is unmitigated."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="equality_impacts")
    assessment = models.ForeignKey(EqualityAssessment, on_delete=models.CASCADE, related_name="impacts",
                                   verbose_name="equality impact assessment")
    characteristic = models.CharField(max_length=30, choices=Characteristic.choices)
    other_name = models.CharField("Name of the group", max_length=100, blank=True,
                                  help_text="For another group the council considers: for example care leavers")
    impact = models.CharField(max_length=10, choices=Impact.choices, default=Impact.UNKNOWN)
    evidence = models.TextField(blank=True, help_text="What the impact is judged from: data, engagement, research")
    history = HistoricalRecords()

    class Meta:
        ordering = ["assessment", "pk"]
        verbose_name = "equality impact"
        constraints = [
            models.UniqueConstraint(fields=["assessment", "characteristic"],
                                    condition=~models.Q(characteristic="other"),
                                    name="equality_impact_one_per_characteristic",
                                    violation_error_message="The assessment already has a line for that "
                                                            "characteristic: edit that one"),
            models.UniqueConstraint(Lower("other_name"), "assessment", condition=models.Q(characteristic="other"),
                                    name="equality_impact_unique_group",
                                    violation_error_message="The assessment already has a line for that group"),
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.get_impact_display().lower()}"

    @property
    def label(self) -> str:
        return self.other_name if self.characteristic == Characteristic.OTHER else self.get_characteristic_display()

    @property
    def is_protected(self) -> bool:
        return self.characteristic in PROTECTED_CHARACTERISTICS

    def clean(self):
        errors = {}
        if self.assessment_id and self.programme_id and self.assessment.programme_id != self.programme_id:
            errors["assessment"] = "Choose an equality impact assessment of this programme"
        self.other_name = (self.other_name or "").strip()
        if self.characteristic == Characteristic.OTHER:
            if not self.other_name:
                errors["other_name"] = "Enter the name of the group"
        else:
            self.other_name = ""  # a name belongs only to a group of the council's own
        if errors:
            raise ValidationError(errors)


class EqualityMitigation(models.Model):
    """An action that reduces or removes a negative impact, with who owns it and by when."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="equality_mitigations")
    impact = models.ForeignKey(EqualityImpact, on_delete=models.CASCADE, related_name="mitigations",
                               verbose_name="equality impact")
    action = models.CharField(max_length=300, help_text="What will be done")
    # Required on the form; kept (empty) if the person later leaves the service.
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                              help_text="The member of the programme who sees it done")
    due_date = models.DateField()
    done = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["impact", "due_date", "pk"]
        verbose_name = "equality mitigation"

    def __str__(self) -> str:
        return self.action

    def clean(self):
        if self.impact_id and self.programme_id and self.impact.programme_id != self.programme_id:
            raise ValidationError({"impact": "Choose an impact of this programme's assessments"})


# --- Highlight reports --------------------------------------------------------------------------

# The report's sections: key → heading. Each has the programme manager's commentary (a
# field `<key>_commentary`); everything else in it is read from the records.
HIGHLIGHT_SECTIONS = {
    "confidence": "Delivery confidence",
    "workstreams": "Workstreams",
    "milestones": "Milestones",
    "slippage": "Late and slipped since the last report",
    "risks": "Top risks and issues",
    "decisions": "Decisions needed from the board",
    "finance": "Spend against budget",
    "benefits": "Benefits",
    "deadlines": "Statutory deadlines in the next period",
}


class HighlightReport(models.Model):
    """A programme board highlight report for one reporting period. The programme manager
    writes a short commentary per section; the figures are read when a version is made."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="highlight_reports")
    period_start = models.DateField("Start of the reporting period")
    period_end = models.DateField("End of the reporting period")
    board = models.CharField("Reported to", max_length=150, default="Programme board",
                             help_text="For example Programme board, or Corporate management team")
    confidence_commentary = models.TextField("Commentary on delivery confidence", blank=True)
    workstreams_commentary = models.TextField("Commentary on the workstreams", blank=True)
    milestones_commentary = models.TextField("Commentary on the milestones", blank=True)
    slippage_commentary = models.TextField("Commentary on what is late or has slipped", blank=True)
    risks_commentary = models.TextField("Commentary on the risks and issues", blank=True)
    decisions_commentary = models.TextField(
        "Decisions needed from the board", blank=True,
        help_text="One decision per line; they are numbered in the report")
    finance_commentary = models.TextField("Commentary on spend and the forecast", blank=True)
    benefits_commentary = models.TextField("Commentary on the benefits", blank=True)
    deadlines_commentary = models.TextField("Commentary on the statutory deadlines", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["programme_id", "-period_end", "-pk"]
        constraints = [models.UniqueConstraint(fields=["programme", "period_start", "period_end"],
                                               name="highlight_report_one_per_period")]

    def __str__(self) -> str:
        return f"Highlight report, {self.period_start:%-d %b} to {self.period_end:%-d %b %Y}"

    @property
    def title(self) -> str:
        return f"{self.board} highlight report: {self.period_start:%-d %B} to {self.period_end:%-d %B %Y}"

    def commentary(self, key: str) -> str:
        return getattr(self, f"{key}_commentary")

    def clean(self):
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": "The end of the period must be on or after its start"})
        if self.period_start and self.period_end and (self.period_end - self.period_start).days > 366:
            raise ValidationError({"period_end": "A reporting period is at most a year"})
        if self.programme_id and self.period_start and self.period_end and HighlightReport.objects.filter(
                programme_id=self.programme_id, period_start=self.period_start,
                period_end=self.period_end).exclude(pk=self.pk).exists():
            raise ValidationError({"period_start": "There is already a highlight report for this period: open that "
                                                   "one from the list to change it"})


def highlight_file_path(version: "HighlightVersion", filename: str) -> str:
    return f"highlight-reports/{version.report_id}/v{version.number}/{filename}"


class HighlightVersion(models.Model):
    """One generated version of a highlight report: its files, when its figures were read
    and who asked. Made by exactly one job."""

    report = models.ForeignKey(HighlightReport, on_delete=models.CASCADE, related_name="versions")
    job = models.OneToOneField("core.Job", on_delete=models.PROTECT, related_name="highlight_version")
    number = models.PositiveIntegerField()
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    snapshot_at = models.DateTimeField(help_text="When the figures were read from the records")
    made_at = models.DateTimeField(auto_now_add=True)
    pages = models.PositiveIntegerField(default=0)
    pdf = models.FileField(upload_to=highlight_file_path)
    docx = models.FileField(upload_to=highlight_file_path)

    class Meta:
        ordering = ["report_id", "-number"]
        constraints = [models.UniqueConstraint(fields=["report", "number"], name="highlight_version_unique_number")]

    def __str__(self) -> str:
        return f"Version {self.number} of {self.report}"


class HighlightSubscription(models.Model):
    """A member who asked to be told by email when a new version of the programme's
    highlight report is ready (on the schedule or on demand)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="highlight_subscriptions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["programme", "user"], name="one_highlight_subscription")]

    def __str__(self) -> str:
        return f"{self.user} is told about {self.programme}'s highlight reports"


class HighlightSchedule(models.Model):
    """When the programme's highlight report is made without anyone asking: on the Nth
    working day of each month, for the month before (Celery beat runs
    business_cases.tasks.make_scheduled_highlight_reports every morning)."""

    programme = models.OneToOneField(Programme, on_delete=models.CASCADE, related_name="highlight_schedule")
    enabled = models.BooleanField("Make the report on a schedule", default=True)
    working_day = models.PositiveSmallIntegerField(
        "Working day of the month", default=5, validators=[MinValueValidator(1), MaxValueValidator(15)],
        help_text="For example 5 for the fifth working day (Monday to Friday, not a bank holiday)")
    board = models.CharField("Reported to", max_length=150, default="Programme board")
    # The member who set the schedule: the reports are made in their name, and they are told.
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Highlight report on working day {self.working_day} of each month"
