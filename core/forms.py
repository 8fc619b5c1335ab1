"""Form pieces in the GOV.UK Design System's patterns."""
from datetime import date

from django import forms

from core.formats import label_noun


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
