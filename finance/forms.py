"""Forms for the finance pages. The API applies the same model rules through full_clean in
the services."""
from django import forms

from core.figures import offered_figures
from finance.models import (
    AccountCode,
    BudgetLine,
    BudgetVersion,
    CostCentre,
    Forecast,
    FundingSource,
    InvestmentLine,
    Kpi,
    KpiReading,
    RealisedSaving,
    SavingsLine,
)
from programmes.council_lists import COST_TYPE, SAVINGS_CATEGORY
from programmes.forms import ProgrammeScopedForm

YEAR_HINT = "Write it like 2023/24 (April to March)"


class _FinanceForm(ProgrammeScopedForm):
    """Related choices come limited to the programme (ProgrammeScopedForm); this hints how
    to write a financial year."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "financial_year" in self.fields:
            self.fields["financial_year"].help_text = YEAR_HINT
            self.fields["financial_year"].widget.attrs.setdefault("class", "govuk-input--width-5")
        if "funding_source" in self.fields:
            self.fields["funding_source"].empty_label = "None"
        if "workstream" in self.fields and not self.fields["workstream"].required:
            self.fields["workstream"].empty_label = "None"


class FundingSourceForm(_FinanceForm):
    class Meta:
        model = FundingSource
        fields = ["name", "kind", "balance", "other_commitments"]


class BudgetVersionForm(_FinanceForm):
    class Meta:
        model = BudgetVersion
        fields = ["name", "kind", "reason", "approved_on", "is_current"]


class BudgetLineForm(_FinanceForm):
    council_lists = {"cost_type": COST_TYPE}

    class Meta:
        model = BudgetLine
        fields = ["version", "financial_year", "category", "cost_type", "workstream", "funding_source",
                  "description", "amount"]


class BudgetLineFromFigureForm(BudgetLineForm):
    """A budget line whose amount is a figure another app offers (core.figures), such as
    the transfer's pension cost: the officer chooses the figure, and the line's year,
    category, cost type, workstream and funding source; the amount is the figure's value
    when the line is made."""

    figure = forms.ChoiceField(label="Figure", help_text="The amount is this figure as it stands today")

    class Meta(BudgetLineForm.Meta):
        fields = ["version", "financial_year", "category", "cost_type", "workstream", "funding_source"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["figure"].choices = [(f.key, f.label) for f in offered_figures(self.programme)]
        self.order_fields(["figure", *self.Meta.fields])


class ForecastForm(_FinanceForm):
    council_lists = {"cost_type": COST_TYPE}

    class Meta:
        model = Forecast
        fields = ["financial_year", "category", "cost_type", "workstream", "amount", "note"]


class CostCentreForm(_FinanceForm):
    class Meta:
        model = CostCentre
        fields = ["code", "name", "workstream"]


class AccountCodeForm(_FinanceForm):
    council_lists = {"cost_type": COST_TYPE}

    class Meta:
        model = AccountCode
        fields = ["code", "name", "cost_type", "category"]


class SavingsLineForm(_FinanceForm):
    council_lists = {"category": SAVINGS_CATEGORY}

    class Meta:
        model = SavingsLine
        fields = ["financial_year", "category", "recurrence", "description", "amount"]


class InvestmentLineForm(_FinanceForm):
    class Meta:
        model = InvestmentLine
        fields = ["financial_year", "kind", "description", "amount"]


class RealisedSavingForm(_FinanceForm):
    council_lists = {"category": SAVINGS_CATEGORY}

    class Meta:
        model = RealisedSaving
        fields = ["financial_year", "category", "amount", "note"]


class KpiForm(_FinanceForm):
    class Meta:
        model = Kpi
        fields = ["name", "workstream", "unit", "baseline", "comparator_label", "comparator_value", "target",
                  "direction"]


class KpiReadingForm(_FinanceForm):
    class Meta:
        model = KpiReading
        fields = ["kpi", "date", "value"]
