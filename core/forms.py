"""Form pieces in the GOV.UK Design System's patterns."""
import re
from datetime import date
from decimal import Decimal

from django import forms

from core.formats import label_noun, money


class GovukDateWidget(forms.MultiWidget):
    """The GOV.UK date input: day, month and year as three boxes.

    The three parts are joined into one ISO string before the form field sees them, so a
    normal DateField validates it and reports "Enter a real date" on nonsense.
    """

    template_name = "widgets/govuk_date.html"

    def __init__(self, attrs=None):
        widgets = {
            "day": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 2}),
            "month": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 2}),
            "year": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 4}),
        }
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if isinstance(value, date):
            return [value.day, value.month, value.year]
        if isinstance(value, str) and value.count("-") == 2:
            year, month, day = value.split("-")
            return [day, month, year]
        return [None, None, None]

    def value_from_datadict(self, data, files, name):
        parts = super().value_from_datadict(data, files, name)
        day, month, year = (str(p or "").strip() for p in parts)
        if not (day or month or year):
            # An API client or a test may post the whole date under the field's own name.
            return data.get(name)
        if not (day and month and year):
            return "incomplete"
        if not (day.isdigit() and month.isdigit() and year.isdigit()) or len(year) != 4:
            return "invalid"
        return f"{int(year):04d}-{int(month):02d}-{int(day):02d}"


class GovukDateField(forms.DateField):
    widget = GovukDateWidget
    default_error_messages = {"invalid": "Enter a real date, for example 31 3 2024."}

    def to_python(self, value):
        if value == "incomplete":
            raise forms.ValidationError(
                "Enter the day, month and year.", code="incomplete"
            )
        return super().to_python(value)


def govuk_date_fields(form: forms.BaseForm) -> None:
    """Swap a ModelForm's date fields for the GOV.UK three-box date input."""
    for name, f in list(form.fields.items()):
        if isinstance(f, forms.DateField) and not isinstance(f, GovukDateField):
            new = GovukDateField(required=f.required, label=f.label, help_text=f.help_text)
            new.initial = f.initial
            form.fields[name] = new


def govuk_messages(form: forms.BaseForm) -> None:
    """Say what to do, in the GOV.UK way ("Enter the title"), instead of "This field is
    required"."""
    for f in form.fields.values():
        label = label_noun(f.label or "") or "a value"
        if isinstance(f, forms.ChoiceField | forms.ModelChoiceField):
            f.error_messages["required"] = f"Choose the {label}"
        else:
            f.error_messages["required"] = f"Enter the {label}"


class MoneyFormField(forms.DecimalField):
    """The one form field for an amount of money, on every page and in every upload (whose
    rows go through the same forms): it reads what officers paste ("£31,000", "(1,000)",
    "−1,000") through core.money, refuses what it would have to guess at with a message
    naming the field, and says beside the field which sign it expects.

    `sign` is that hint in words ("A saving is a positive amount"); it is shown after any
    other help text. The widget is a text box, since a number box would refuse "£" and
    commas before the form ever saw them."""

    widget = forms.TextInput

    def __init__(self, *, sign: str = "", max_digits: int = 14, decimal_places: int = 2, **kwargs):
        self.sign = sign
        help_text = kwargs.pop("help_text", "") or ""
        kwargs["help_text"] = " ".join(part for part in (_sentence(help_text), sign) if part)
        super().__init__(max_digits=max_digits, decimal_places=decimal_places, **kwargs)
        self.widget.attrs.setdefault("class", "govuk-input--width-10")
        self.widget.attrs.setdefault("spellcheck", "false")

    def widget_attrs(self, widget):
        # DecimalField would add step="0.01", which only a number box understands.
        attrs = super().widget_attrs(widget)
        attrs.pop("step", None)
        return attrs

    @property
    def label_text(self) -> str:
        return money_label(self.label)

    def to_python(self, value):
        from core.money import MoneyError, parse_money

        if value in self.empty_values:
            return None
        try:
            amount = parse_money(value, label=self.label_text, places=self.decimal_places)
        except MoneyError as exc:
            raise forms.ValidationError(str(exc), code="invalid") from None
        if amount is None:
            return None
        whole_digits = self.max_digits - self.decimal_places
        if abs(amount) >= Decimal(10) ** whole_digits:
            raise forms.ValidationError(
                f"The {self.label_text} is too large: enter less than {money(Decimal(10) ** whole_digits)}",
                code="max_digits")
        return amount

    def validate(self, value):
        super().validate(value)
        if value is not None and self.min_value is not None and value < self.min_value:
            raise forms.ValidationError(
                f"The {self.label_text} cannot be negative: enter {money(self.min_value)} or more", code="min_value")


def money_label(label) -> str:
    """A money field's label inside a sentence, without the unit it carries on the page:
    "Amount (£, real prices)" → "amount"."""
    return re.sub(r"\s*\([^)]*£[^)]*\)", "", label_noun(label or "amount")).strip() or "amount"


def _sentence(text: str) -> str:
    text = str(text).strip()
    return text if not text or text.endswith((".", "?", "!")) else f"{text}."
