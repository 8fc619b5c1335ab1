"""Money of a programme: where it comes from (funding sources and reserves), what it may
spend (budget versions and their lines, forecasts), what it has spent (ledger transactions
from uploaded ledger exports, mapped to workstream and cost type through the finance
officer's code tables), what it should save (savings plan, investment and income, realised
savings) and how the service is doing (KPIs and their readings).

Money is Decimal; every year is a `FinancialYear`.
"""
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from core.financial_year import FinancialYearField
from core.formats import measure, money
from core.models import MoneyField
from programmes.council_lists import list_display
from programmes.models import Programme, Workstream

NOT_NEGATIVE = [MinValueValidator(Decimal("0"), "Enter an amount of £0 or more")]


class Category(models.TextChoices):
    """Revenue (day-to-day spending) or capital (assets), kept apart in every council budget."""

    REVENUE = "revenue", "Revenue"
    CAPITAL = "capital", "Capital"


# A cost type is a code from the council's cost types (programmes.council_lists); "other"
# is one of that list's defaults, what a record holds when nobody chose.
COST_TYPE_DEFAULT = "other"


class FundingSource(models.Model):
    """Where budget comes from: a reserve, flexible use of capital receipts, the Better Care
    Fund, a partner's contribution. A reserve has a balance; what this programme's current
    budget draws from it is its commitment, worked out from the budget lines, never typed."""

    class Kind(models.TextChoices):
        RESERVE = "reserve", "Reserve"
        CAPITAL_RECEIPTS = "capital_receipts", "Flexible use of capital receipts"
        BETTER_CARE_FUND = "bcf", "Better Care Fund"
        PARTNER = "partner", "Partner contribution"
        OTHER = "other", "Other"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="funding_sources")
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.RESERVE)
    balance = MoneyField(null=True, blank=True, validators=NOT_NEGATIVE,
                         help_text="For a reserve: its balance, in pounds",
                         sign="A balance is a positive amount (£0 or more).")
    other_commitments = MoneyField(
        default=Decimal("0"), validators=NOT_NEGATIVE,
        help_text="Already committed from it to things outside this programme, in pounds",
        sign="A commitment is a positive amount (£0 or more).")
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["programme", "name"],
                                               name="funding_source_name_unique")]

    def __str__(self) -> str:
        return self.name


class BudgetVersion(models.Model):
    """One version of the mobilisation budget: the original, then each revision with its
    reason. Exactly one is current; reports compare actuals with the current one."""

    class Kind(models.TextChoices):
        ORIGINAL = "original", "Original"
        REVISED = "revised", "Revised"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="budget_versions")
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.ORIGINAL)
    reason = models.TextField(blank=True, help_text="Why the budget was set or changed")
    approved_on = models.DateField(null=True, blank=True)
    is_current = models.BooleanField("Current version", default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["approved_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["programme"], condition=models.Q(is_current=True),
                                    name="budget_version_one_current"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.kind == self.Kind.REVISED and not (self.reason or "").strip():
            raise ValidationError({"reason": "Enter the reason for the revision"})


class BudgetLine(models.Model):
    """An amount of a budget version for one year, revenue or capital, cost type,
    workstream and funding source."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="budget_lines")
    version = models.ForeignKey(BudgetVersion, on_delete=models.CASCADE, related_name="lines")
    financial_year = FinancialYearField()
    category = models.CharField(max_length=10, choices=Category.choices, default=Category.REVENUE)
    # A code from the council's cost types (programmes.council_lists).
    cost_type = models.CharField(max_length=20, default=COST_TYPE_DEFAULT)
    workstream = models.ForeignKey(Workstream, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    funding_source = models.ForeignKey(FundingSource, null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="budget_lines")
    description = models.CharField(max_length=200, blank=True)
    amount = MoneyField(sign="A cost is a positive amount; enter a credit or a refund as a negative amount.")
    history = HistoricalRecords()
    get_cost_type_display = list_display("cost_type")

    class Meta:
        ordering = ["financial_year", "category", "pk"]
        indexes = [models.Index(fields=["programme", "version", "financial_year"], name="budget_line_year_idx")]

    def __str__(self) -> str:
        return f"{self.financial_year} {self.get_category_display()} {money(self.amount, pence=True)}"

    def clean(self):
        errors = {}
        if self.version_id and self.programme_id and self.version.programme_id != self.programme_id:
            errors["version"] = "Choose a budget version of this programme"
        if self.workstream_id and self.programme_id and self.workstream.programme_id != self.programme_id:
            errors["workstream"] = "Choose a workstream of this programme"
        if (self.funding_source_id and self.programme_id
                and self.funding_source.programme_id != self.programme_id):
            errors["funding_source"] = "Choose a funding source of this programme"
        if errors:
            raise ValidationError(errors)


class Forecast(models.Model):
    """The expected outturn for a year, revenue or capital, cost type and workstream, as the
    finance officer last set it."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="forecasts")
    financial_year = FinancialYearField()
    category = models.CharField(max_length=10, choices=Category.choices, default=Category.REVENUE)
    # A code from the council's cost types (programmes.council_lists).
    cost_type = models.CharField(max_length=20, default=COST_TYPE_DEFAULT)
    workstream = models.ForeignKey(Workstream, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    amount = MoneyField(sign="Expected spending is a positive amount; enter an expected credit as a negative amount.")
    note = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()
    get_cost_type_display = list_display("cost_type")

    class Meta:
        ordering = ["financial_year", "category", "pk"]

    def __str__(self) -> str:
        return f"Forecast {self.financial_year} {money(self.amount, pence=True)}"

    def clean(self):
        if self.workstream_id and self.programme_id and self.workstream.programme_id != self.programme_id:
            raise ValidationError({"workstream": "Choose a workstream of this programme"})


class CostCentre(models.Model):
    """A ledger cost centre and the workstream its spending belongs to."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="cost_centres")
    code = models.CharField(max_length=40)
    name = models.CharField(max_length=120, blank=True)
    workstream = models.ForeignKey(Workstream, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["programme", "code"], name="cost_centre_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}".strip()

    def clean(self):
        self.code = (self.code or "").strip()
        if self.workstream_id and self.programme_id and self.workstream.programme_id != self.programme_id:
            raise ValidationError({"workstream": "Choose a workstream of this programme"})


class AccountCode(models.Model):
    """A ledger account (subjective) code, its cost type and whether it is revenue or capital."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="account_codes")
    code = models.CharField(max_length=40)
    name = models.CharField(max_length=120, blank=True)
    # A code from the council's cost types (programmes.council_lists).
    cost_type = models.CharField(max_length=20, default=COST_TYPE_DEFAULT)
    category = models.CharField(max_length=10, choices=Category.choices, default=Category.REVENUE)
    history = HistoricalRecords()
    get_cost_type_display = list_display("cost_type")

    class Meta:
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["programme", "code"], name="account_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}".strip()

    def clean(self):
        self.code = (self.code or "").strip()


class LedgerTransaction(models.Model):
    """One line of a ledger export, as loaded by an Upload.

    Lines are facts from the council's ledger and are never edited here: they arrive and
    leave only with their upload (whose own history records who loaded or rolled it back,
    and when). That is why this model, alone in the app, keeps no per-row history — a
    100,000-line export would otherwise write 100,000 history rows as well.
    """

    # Neither key has an index or a database constraint of its own: a load checks that its
    # programme and upload exist once, not once per line, and only a roll back looks lines
    # up by upload, for which scanning the table is cheaper than keeping one more index up
    # to date on every 100,000-line load. Deleting a programme or an upload still removes
    # its lines (Django's on_delete).
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+", db_index=False,
                                  db_constraint=False)
    upload = models.ForeignKey("core.Upload", on_delete=models.CASCADE, related_name="+", db_index=False,
                               db_constraint=False)
    transaction_date = models.DateField()
    financial_year = FinancialYearField()
    period = models.PositiveSmallIntegerField()
    cost_centre = models.CharField(max_length=40)
    account_code = models.CharField(max_length=40)
    description = models.CharField(max_length=300, blank=True)
    supplier = models.CharField(max_length=200, blank=True)
    amount = MoneyField(sign="A payment is a positive amount; a credit is a negative amount.")
    reference = models.CharField(max_length=80, blank=True)

    class Meta:
        ordering = ["transaction_date", "pk"]
        indexes = [
            # Overlap with earlier uploads is found by reference. Reports read LedgerSummary,
            # so this is the table's only index besides the key: every index is one more
            # thing each 100,000-line load has to keep up to date.
            models.Index(fields=["programme", "reference"], name="ledger_reference_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.transaction_date} {self.reference} {money(self.amount, pence=True)}"


class LedgerSummary(models.Model):
    """The lines one upload loaded, summed by financial year, cost centre and account code
    (written with the lines, removed with them). Reports add these up in SQL: a few hundred
    rows per upload instead of every line, so budget against actual stays fast however long
    the ledger grows. Codes map to workstream and cost type when the report runs, so a code
    mapped later counts at once. Derived from the lines, so it keeps no history of its own.
    """

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+", db_index=False)
    upload = models.ForeignKey("core.Upload", on_delete=models.CASCADE, related_name="+")
    financial_year = FinancialYearField()
    cost_centre = models.CharField(max_length=40)
    account_code = models.CharField(max_length=40)
    amount = MoneyField(sign="A payment is a positive amount; a credit is a negative amount.")
    lines = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["programme", "financial_year", "cost_centre", "account_code"],
                                name="ledger_summary_report_idx")]

    def __str__(self) -> str:
        return f"{self.financial_year} {self.cost_centre}/{self.account_code} {money(self.amount, pence=True)}"


class LedgerStatedTotal(models.Model):
    """A total row an uploaded sheet carried, with the sum of the rows it covers: kept so
    that reports can say why a published total differs from the sum by a pound."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    upload = models.ForeignKey("core.Upload", on_delete=models.CASCADE, related_name="+")
    row = models.PositiveIntegerField()
    label = models.CharField(max_length=300)
    stated = MoneyField(sign="A payment is a positive amount; a credit is a negative amount.")
    rows_sum = MoneyField(sign="A payment is a positive amount; a credit is a negative amount.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["upload", "row"]

    def __str__(self) -> str:
        return f"{self.label}: {money(self.stated, pence=True)}"

    @property
    def difference(self) -> Decimal:
        return self.stated - self.rows_sum


class SavingsLine(models.Model):
    """A planned saving for one year and category, recurrent (it repeats each year once
    made) or one-off."""

    class Recurrence(models.TextChoices):
        RECURRENT = "recurrent", "Recurrent"
        ONE_OFF = "one_off", "One-off"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="savings_lines")
    financial_year = FinancialYearField()
    # A code from the council's savings categories (programmes.council_lists).
    category = models.CharField(max_length=20)
    recurrence = models.CharField(max_length=10, choices=Recurrence.choices, default=Recurrence.RECURRENT)
    description = models.CharField(max_length=200, blank=True)
    amount = MoneyField(sign="A saving is a positive amount (£0 or more).", validators=NOT_NEGATIVE)
    history = HistoricalRecords()
    get_category_display = list_display("category")

    class Meta:
        ordering = ["financial_year", "category", "pk"]

    def __str__(self) -> str:
        return f"{self.financial_year} {self.get_category_display()} {money(self.amount, pence=True)}"


class InvestmentLine(models.Model):
    """Money put in (investment) or coming in (income, such as a partner's contribution)
    in one year, for the costs-and-benefits table."""

    class Kind(models.TextChoices):
        INVESTMENT = "investment", "Investment"
        INCOME = "income", "Income"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="investment_lines")
    financial_year = FinancialYearField()
    kind = models.CharField(max_length=12, choices=Kind.choices)
    description = models.CharField(max_length=200)
    amount = MoneyField(validators=NOT_NEGATIVE,
                        sign="Investment or income is a positive amount (£0 or more); its kind says which.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["financial_year", "kind", "pk"]

    def __str__(self) -> str:
        return f"{self.financial_year} {self.get_kind_display()}: {self.description}"


class RealisedSaving(models.Model):
    """A saving actually made in a year, to set against the plan."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="realised_savings")
    financial_year = FinancialYearField()
    # A code from the council's savings categories (programmes.council_lists).
    category = models.CharField(max_length=20)
    amount = MoneyField(sign="A saving made is a positive amount (£0 or more).", validators=NOT_NEGATIVE)
    note = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()
    get_category_display = list_display("category")

    class Meta:
        ordering = ["financial_year", "category", "pk"]

    def __str__(self) -> str:
        return f"{self.financial_year} realised {self.get_category_display()} {money(self.amount, pence=True)}"


class Kpi(models.Model):
    """A key performance indicator with its baseline, a comparator (the England average,
    say), its target and which direction is good.

    The target and the comparator are each optional, and so is the baseline: a KPI is often
    set up before anyone has measured it, and "not measured yet" is not a zero."""

    class Direction(models.TextChoices):
        HIGHER = "higher", "Higher is better"
        LOWER = "lower", "Lower is better"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="kpis")
    name = models.CharField(max_length=160)
    workstream = models.ForeignKey(Workstream, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    unit = models.CharField(max_length=30, help_text="For example £, %, days or people")
    baseline = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True,
                                   help_text="Leave blank if it has not been measured yet")
    comparator_label = models.CharField("Comparator", max_length=80, blank=True,
                                        help_text="For example England average")
    comparator_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    target = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True,
                                 help_text="Leave blank if no target has been set")
    direction = models.CharField(max_length=10, choices=Direction.choices, default=Direction.HIGHER)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = "KPI"

    def __str__(self) -> str:
        return self.name

    def clean(self):
        errors = {}
        if self.workstream_id and self.programme_id and self.workstream.programme_id != self.programme_id:
            errors["workstream"] = "Choose a workstream of this programme"
        if self.comparator_value is not None and not (self.comparator_label or "").strip():
            errors["comparator_label"] = "Enter what the comparator is, for example England average"
        if errors:
            raise ValidationError(errors)

    def meets_target(self, value: Decimal | None) -> bool | None:
        """Whether `value` meets the target; None when there is no value or no target."""
        if value is None or self.target is None:
            return None
        return value >= self.target if self.direction == self.Direction.HIGHER else value <= self.target


class KpiReading(models.Model):
    """The value of a KPI on a date."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="kpi_readings")
    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="readings")
    date = models.DateField()
    value = models.DecimalField(max_digits=14, decimal_places=2)
    history = HistoricalRecords()

    class Meta:
        ordering = ["kpi", "date"]
        constraints = [models.UniqueConstraint(fields=["kpi", "date"], name="kpi_reading_one_per_date")]

    def __str__(self) -> str:
        return f"{self.kpi} on {self.date}: {measure(self.value, self.kpi.unit)}"

    def clean(self):
        if self.kpi_id and self.programme_id and self.kpi.programme_id != self.programme_id:
            raise ValidationError({"kpi": "Choose a KPI of this programme"})
