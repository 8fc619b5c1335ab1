"""The forms of the upload pages: the file input, and one select per spec column."""
from django import forms

from core.formats import label_noun
from core.sheets import limits_text
from core.uploads.files import ALLOWED_EXTENSIONS, REFUSED_EXTENSIONS, _extension, _megabytes, max_upload_bytes
from core.uploads.spec import FileReader, UploadSpec


class UploadFileForm(forms.Form):
    """The file input of templates/core/uploads/form.html."""

    file = forms.FileField(label="Upload a file", error_messages={"required": "Select a file"})

    def __init__(self, *args, reader: FileReader | None = None, **kwargs):
        # A kind with its own reader (a Microsoft Project plan) takes its own extensions.
        super().__init__(*args, **kwargs)
        self.reader = reader

    def clean_file(self):
        f = self.cleaned_data["file"]
        limit = max_upload_bytes()
        if f.size > limit:
            raise forms.ValidationError(f"The file must be smaller than {_megabytes(limit)}.")
        ext = _extension(f.name)
        if self.reader is not None:
            if ext not in self.reader.extensions:
                raise forms.ValidationError(self.reader.wrong_type)
            return f
        if ext in REFUSED_EXTENSIONS:
            raise forms.ValidationError(REFUSED_EXTENSIONS[ext])
        if ext not in ALLOWED_EXTENSIONS:
            raise forms.ValidationError(
                "The selected file must be an Excel workbook (.xlsx) or a CSV file (.csv).")
        return f

    @property
    def accept(self) -> str:
        """The file input's accept attribute: the kind's own extensions, or xlsx and csv."""
        return ",".join(self.reader.extensions) if self.reader is not None else ",".join(ALLOWED_EXTENSIONS)

    @property
    def limits_text(self) -> str:
        """What the page says a file may hold (the settings in force)."""
        if self.reader is not None:
            return f"The file must be smaller than {_megabytes(max_upload_bytes())}."
        return f"The file must be smaller than {_megabytes(max_upload_bytes())}. {limits_text()}"


class MappingForm(forms.Form):
    """One select per spec column (mapping_form adds them). One file column cannot hold two
    different things: choosing it twice is an error on the later field, naming both."""

    def clean(self):
        cleaned = super().clean()
        first: dict[str, str] = {}
        for name, field_ in self.fields.items():
            header = cleaned.get(name)
            if not header:
                continue
            if header in first:
                self.add_error(name, f"\u2018{header}\u2019 is chosen for both {self.fields[first[header]].label} "
                                     f"and {field_.label}; choose a different column for one of them")
            else:
                first[header] = name
        return cleaned


def mapping_form(spec: UploadSpec, headers: list[str], initial: dict | None = None,
                 data=None) -> forms.Form:
    """A form with one select per spec column, choosing a header of the file
    (templates/core/uploads/mapping.html renders it)."""
    choices = [("", "Not in this file"), *((h, h) for h in headers)]
    form = MappingForm(data=data, initial=initial or {}, prefix="map")
    for col in spec.columns:
        form.fields[col.name] = forms.ChoiceField(
            label=col.label, choices=choices, required=col.required,
            error_messages={"required": f"Choose the column that holds the {label_noun(col.label)}"},
        )
    return form
