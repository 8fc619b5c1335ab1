"""Uploading economic appraisal lines from xlsx or csv, through the one upload pipeline in
core.uploads: every row runs through the page's own `AppraisalLineForm` (options found by
code, categories by label or value), all rows or none are written, and an upload can be
rolled back as a whole."""
from decimal import Decimal

from django import forms

from business_cases.forms import AppraisalLineForm
from business_cases.models import AppraisalLine, Option
from core.uploads import ColumnSpec, UploadSpec
from programmes.models import Programme
from programmes.services import record_delete, record_save

KIND = "business_cases.appraisal_lines"

COLUMNS = (
    ColumnSpec("option", "Option", aliases=("Option code", "Code"), example="B"),
    ColumnSpec("category", "Category", aliases=("Type", "Cost or benefit", "Line type"), example="Capital cost"),
    ColumnSpec("year", "Year", aliases=("Year index", "Appraisal year", "Year number"), example=0),
    ColumnSpec("financial_year", "Financial year", required=False, aliases=("FY", "Fin year"), example="2025/26"),
    ColumnSpec("description", "Description", aliases=("Item", "Line", "Detail"), example="Case management system"),
    ColumnSpec("amount", "Amount", required=False, aliases=("Amount (£)", "Value", "£", "Real prices"),
               display="money", example=Decimal("250000.00")),
    ColumnSpec("final", "Final", required=False, aliases=("Final figure", "Confirmed"), display="yes_no",
               example="Yes"),
    # A line's own rates (empty: the option's), as 10, 10% or 0.1.
    ColumnSpec("optimism_bias_percent", "Optimism bias (%)", required=False,
               aliases=("Optimism bias", "OB", "OB %", "Optimism bias %"), example=""),
    ColumnSpec("confidence_percent", "Confidence (%)", required=False,
               aliases=("Confidence", "Confidence %", "Benefit confidence"), example=""),
)
TRUE = {"yes", "y", "true", "1", "x"}
FALSE = {"no", "n", "false", "0", ""}


def _key(text) -> str:
    return " ".join(str(text or "").lower().replace("-", " ").replace("_", " ").split())


class AppraisalLineImportForm(AppraisalLineForm):
    """One row of the file: the line form's fields and rules, with spreadsheet text turned
    into values first — the option by its code, the category by label or value, Yes/No."""

    def __init__(self, *args, data=None, programme: Programme, options: dict | None = None, **kwargs):
        super().__init__(*args, data=data, programme=programme, **kwargs)
        self.options = options if options is not None else {
            _key(o.code): o for o in Option.objects.filter(programme=programme)}
        self.fields["option"] = forms.CharField(label="Option", error_messages={"required": "Enter the option's code"})
        self.fields["category"] = forms.CharField(label="Category",
                                                  error_messages={"required": "Enter the category"})
        self.fields["final"] = forms.CharField(label="Final", required=False)
        for name in ("optimism_bias_percent", "confidence_percent"):
            self.fields[name] = forms.CharField(label=self.fields[name].label, required=False)
        # Django's own "Enter a number." does not say which.
        self.fields["year"].error_messages["invalid"] = ("Enter the year of the appraisal as a whole number, "
                                                         "for example 0")

    def clean_option(self):
        text = self.cleaned_data["option"]
        found = self.options.get(_key(text))
        if found is None:
            raise forms.ValidationError(f"This programme has no option with the code \"{text}\"")
        return found

    def clean_category(self):
        text = _key(self.cleaned_data["category"])
        for value, label in AppraisalLine.Category.choices:
            if text in (_key(value), _key(label), _key(label).replace(" cost", "").replace(" benefit", "")):
                return value
        labels = ", ".join(label for _, label in AppraisalLine.Category.choices)
        raise forms.ValidationError(f"\"{self.cleaned_data['category']}\" is not a category: use one of {labels}")

    def _percent(self, name: str):
        """A percentage as typed (10, 10% or 85.5) or as Excel keeps a cell formatted as one
        (0.1 for 10%): None when the cell is empty."""
        from decimal import InvalidOperation

        text = str(self.cleaned_data.get(name) or "").strip()
        if not text:
            return None
        typed_percent = text.endswith("%")
        try:
            value = Decimal(text.rstrip("%").strip())
        except InvalidOperation:
            raise forms.ValidationError("Enter a percentage, for example 85 or 85%") from None
        if not value.is_finite():
            raise forms.ValidationError("Enter a percentage, for example 85 or 85%")
        if not typed_percent and 0 < value < 1:
            value *= 100  # a cell formatted as a percentage
        return value.quantize(Decimal("0.01"))

    def clean_optimism_bias_percent(self):
        return self._percent("optimism_bias_percent")

    def clean_confidence_percent(self):
        return self._percent("confidence_percent")

    def clean_final(self):
        text = _key(self.cleaned_data.get("final"))
        if text in TRUE:
            return True
        if text in FALSE:
            return False
        raise forms.ValidationError("Enter Yes or No")


def row_form_kwargs(programme: Programme) -> dict:
    return {"programme": programme,
            "options": {_key(o.code): o for o in Option.objects.filter(programme=programme)}}


def write_lines(*, upload, rows, user, programme: Programme) -> int:
    reason = f"Imported from {upload.original_name}"[:100]
    for row in rows:
        record_save(instance=AppraisalLine(programme=programme, upload=upload, **row), user=user, reason=reason)
    return len(rows)


def rollback_lines(*, upload, user) -> None:
    for line in AppraisalLine.objects.filter(upload=upload):
        record_delete(instance=line, user=user, reason="Upload rolled back")


SPEC = UploadSpec(kind=KIND, columns=COLUMNS, form_class=AppraisalLineImportForm, write=write_lines,
                  rollback=rollback_lines, label="Economic appraisal lines")
