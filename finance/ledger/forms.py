"""One ledger line: the pipeline's row form, with the rules of the bulk validator."""
from django import forms

from core.financial_year import FinancialYear
from finance.ledger.columns import AMOUNT_REQUIRED, TEXT_LIMITS, TEXT_REQUIRED, text_too_long
from finance.ledger.parsing import parse_date, parse_pence, parse_period, period_of
from finance.ledger.totals import is_total_row
from finance.ledger.years import known_years, year_message
from programmes.models import Programme


class LedgerRowForm(forms.Form):
    """One ledger line, with the rules of the bulk validator (the same parsing functions
    and messages). A total row is recognised and needs no date or codes."""

    transaction_date = forms.CharField(required=False)
    period = forms.CharField(required=False)
    cost_centre = forms.CharField(required=False, strip=True)
    account_code = forms.CharField(required=False, strip=True)
    description = forms.CharField(required=False, strip=True)
    supplier = forms.CharField(required=False, strip=True)
    amount = forms.CharField(required=False)
    reference = forms.CharField(required=False, strip=True)

    def __init__(self, *args, programme: Programme, known: frozenset[int] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.known = known_years(programme) if known is None else known
        self.is_total = is_total_row(dict(self.data or {}))

    def clean_transaction_date(self):
        if self.is_total:
            return None
        try:
            day = parse_date(self.cleaned_data["transaction_date"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None
        if FinancialYear.start_year_of(day) not in self.known:
            raise forms.ValidationError(year_message(day, self.known))
        return day

    def clean_period(self):
        try:
            return parse_period(self.cleaned_data["period"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean_amount(self):
        try:
            return parse_pence(self.cleaned_data["amount"])
        except ValueError as exc:
            if self.is_total and str(exc) == AMOUNT_REQUIRED:
                return None
            raise forms.ValidationError(str(exc)) from None

    def _text(self, name: str) -> str:
        text = self.cleaned_data.get(name) or ""
        if not text and name in TEXT_REQUIRED and not self.is_total:
            raise forms.ValidationError(TEXT_REQUIRED[name])
        if len(text) > TEXT_LIMITS[name]:
            raise forms.ValidationError(text_too_long(name))
        return text

    def clean_cost_centre(self):
        return self._text("cost_centre")

    def clean_account_code(self):
        return self._text("account_code")

    def clean_description(self):
        return self._text("description")

    def clean_supplier(self):
        return self._text("supplier")

    def clean_reference(self):
        return self._text("reference")

    def clean(self):
        data = super().clean()
        data["is_total"] = self.is_total
        if data.get("transaction_date") and not data.get("period"):
            data["period"] = period_of(data["transaction_date"])
        return data
