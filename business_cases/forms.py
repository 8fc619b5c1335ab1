"""Forms for the business case pages. The API applies the same model rules through
full_clean in the services; the appraisal-line upload runs every row through
`AppraisalLineForm`."""
from decimal import Decimal

from django import forms

from business_cases.models import (
    APPENDICES,
    EXEMPT_PARAGRAPHS,
    SECTIONS,
    AppraisalLine,
    BusinessCaseVersion,
    CabinetPaper,
    Criterion,
    CriticalSuccessFactor,
    EqualityAssessment,
    EqualityImpact,
    EqualityMitigation,
    HighlightReport,
    HighlightSchedule,
    Level,
    MatrixCell,
    MatrixSettings,
    Option,
    Rating,
    StrategicObjective,
)
from core.concurrency import VersionedForm, VersionedRecordsForm
from core.forms import GovukDateField, MoneyFormField, govuk_messages
from programmes.forms import ProgrammeScopedForm


class ObjectiveForm(ProgrammeScopedForm):
    class Meta:
        model = StrategicObjective
        fields = ["number", "text"]
        labels = {"text": "Objective"}


class CsfForm(ProgrammeScopedForm):
    class Meta:
        model = CriticalSuccessFactor
        fields = ["number", "text"]
        labels = {"text": "Critical success factor"}


class OptionForm(ProgrammeScopedForm):
    class Meta:
        model = Option
        fields = ["code", "title", "order", "description", "kind", "justification", "outcome_override",
                  "override_reason", "optimism_bias_percent", "benefits_confidence_percent"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}),
                   "justification": forms.Textarea(attrs={"rows": 3}),
                   "override_reason": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome_override"].choices = [("", "Use the outcome the matrix gives")] + [
            c for c in self.fields["outcome_override"].choices if c[0]]


class CriterionForm(ProgrammeScopedForm):
    class Meta:
        model = Criterion
        fields = ["title", "order", "kind", "weight", "objective", "csf", "scale_min", "scale_max", "direction"]
        help_texts = {"scale_min": "For a score: the lowest score of the scale",
                      "scale_max": "For a score: the highest score of the scale"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["objective"].empty_label = "None"
        self.fields["csf"].empty_label = "None"
        self.fields["direction"].choices = [("", "Not money")] + [
            c for c in self.fields["direction"].choices if c[0]]


class MatrixSettingsForm(VersionedForm):
    class Meta:
        model = MatrixSettings
        fields = ["meets_points", "partial_points", "not_met_points", "high_points", "medium_points", "low_points"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        govuk_messages(self)


NOT_ASSESSED = ("", "Not assessed")


class OptionCellsForm(VersionedRecordsForm):
    """One option's cells: a field per criterion, of the criterion's kind. Left empty, the
    cell is not assessed."""

    versioned_what = "these scores"

    def __init__(self, *args, criteria: list[Criterion], cells: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        self.versioned_records = sorted(cells.values(), key=lambda cell: cell.pk)
        K = Criterion.Kind
        for c in criteria:
            cell = cells.get(c.pk)
            name = f"c{c.pk}"
            linked = c.objective.code if c.objective_id else (c.csf.code if c.csf_id else "")
            label = f"{linked}: {c.title}" if linked else c.title
            if c.kind == K.LEVELS:
                f = forms.ChoiceField(label=label, required=False, choices=[NOT_ASSESSED, *Level.choices])
                initial = cell.level if cell else ""
            elif c.kind == K.GATE:
                f = forms.ChoiceField(label=label, required=False,
                                      choices=[NOT_ASSESSED, ("yes", "Yes – passes"), ("no", "No – ruled out")])
                initial = "" if cell is None or cell.gate is None else ("yes" if cell.gate else "no")
            elif c.kind == K.RATING:
                f = forms.ChoiceField(label=label, required=False, choices=[NOT_ASSESSED, *Rating.choices])
                initial = cell.rating if cell else ""
            elif c.kind == K.SCORE:
                f = forms.DecimalField(label=label, required=False, max_digits=8, decimal_places=2,
                                       min_value=c.scale_min, max_value=c.scale_max,
                                       help_text=f"A score from {c.scale_min.normalize():f} to "
                                                 f"{c.scale_max.normalize():f}; leave blank if not assessed")
                initial = cell.score if cell else None
            else:
                f = MoneyFormField(label=f"{label} (£)", required=False,
                                   help_text=f"{c.get_direction_display()}; leave blank if not assessed",
                                   sign=MatrixCell._meta.get_field("money").sign)
                initial = cell.money if cell else None
            f.initial = initial
            if not isinstance(f, MoneyFormField):  # the money field's messages name it already
                f.error_messages["invalid"] = f"Enter a number for {label}"
            f.error_messages["min_value"] = f"Enter a score of {c.scale_min} or more" if c.scale_min is not None \
                else "Enter a larger number"
            f.error_messages["max_value"] = f"Enter a score of {c.scale_max} or less" if c.scale_max is not None \
                else "Enter a smaller number"
            self.fields[name] = f
            self.fields[f"n{c.pk}"] = forms.CharField(label=f"Note on “{label}”", required=False,
                                                      max_length=300, initial=cell.note if cell else "")

    def values(self) -> dict[int, dict | None]:
        """criterion id → the cell's fields, or None for a cell left not assessed."""
        K = Criterion.Kind
        out: dict[int, dict | None] = {}
        for c in self.criteria:
            raw = self.cleaned_data.get(f"c{c.pk}")
            note = self.cleaned_data.get(f"n{c.pk}") or ""
            if raw in ("", None):
                out[c.pk] = None
                continue
            fields = {"level": "", "gate": None, "rating": "", "score": None, "money": None, "note": note}
            if c.kind == K.LEVELS:
                fields["level"] = raw
            elif c.kind == K.GATE:
                fields["gate"] = raw == "yes"
            elif c.kind == K.RATING:
                fields["rating"] = raw
            elif c.kind == K.SCORE:
                fields["score"] = Decimal(raw)
            else:
                fields["money"] = Decimal(raw)
            out[c.pk] = fields
        return out


class VersionForm(VersionedForm):
    class Meta:
        model = BusinessCaseVersion
        fields = ["summary", *[name for name, _ in SECTIONS]]
        widgets = {name: forms.Textarea(attrs={"rows": 8}) for name, _ in SECTIONS}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        govuk_messages(self)


class DecisionForm(forms.Form):
    """A director records the decision on a version in review."""

    decision = forms.ChoiceField(label="Decision", widget=forms.RadioSelect,
                                 choices=[("approve", "Approved"), ("reject", "Rejected")])
    approving_body = forms.CharField(label="Decided by (body)", max_length=200,
                                     help_text="For example Cabinet")
    meeting_date = GovukDateField(label="Date of the meeting")
    decision_reference = forms.CharField(label="Decision reference", max_length=60,
                                         help_text="For example the forward plan reference")
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        govuk_messages(self)
        self.fields["decision"].error_messages["required"] = "Choose whether it was approved or rejected"


class AppraisalLineForm(ProgrammeScopedForm):
    class Meta:
        model = AppraisalLine
        fields = ["option", "category", "year", "financial_year", "description", "amount", "final",
                  "optimism_bias_percent", "confidence_percent"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["option"].queryset = self.fields["option"].queryset.order_by("order", "code")
        self.fields["option"].empty_label = "Choose an option"
        self.fields["option"].error_messages["required"] = "Choose the option"
        self.fields["amount"].required = False
        self.fields["amount"].help_text = "Leave blank for an unmonetised benefit"


class CabinetPaperForm(ProgrammeScopedForm):
    """The paper's front sheet and the prose its author writes; the figures come later, from
    the records, when a version is generated."""

    exempt_appendices = forms.MultipleChoiceField(
        label="Exempt appendices", required=False, widget=forms.CheckboxSelectMultiple,
        choices=[(k, f"Appendix {letter}: {title}") for k, (letter, title) in APPENDICES.items()],
        help_text="For a paper that is open except for some appendices")

    class Meta:
        model = CabinetPaper
        fields = ["title", "business_case", "attach_business_case", "decision_maker", "meeting_date",
                  "forward_plan_reference", "key_decision", "wards", "cabinet_member", "classification",
                  "exempt_paragraph", "exempt_appendices", "author", "contact", "roster", "issue",
                  "recommendations", "background", "statutory_considerations", "equalities", "climate_change",
                  "consultation", "other_options", "background_papers"]
        widgets = {name: forms.Textarea(attrs={"rows": 5}) for name in (
            "issue", "recommendations", "background", "statutory_considerations", "equalities", "climate_change",
            "consultation", "other_options", "background_papers")} | {"classification": forms.RadioSelect}
        help_texts = {"key_decision": "The forward plan must show it 28 clear days before the meeting",
                      "background": "Insource adds the programme's dates, services, plan and delivery "
                                    "confidence before this text. Leave a blank line between paragraphs."}

    PROSE_FIELDS = ("issue", "recommendations", "background", "statutory_considerations", "equalities",
                    "climate_change", "consultation", "other_options", "background_papers")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["business_case"].empty_label = "None"
        self.fields["business_case"].label_from_instance = lambda bc: bc.get_stage_display()
        self.fields["roster"].queryset = self.fields["roster"].queryset.order_by("-version")
        self.fields["roster"].empty_label = "The latest version"
        self.fields["exempt_paragraph"].choices = [("", "Not exempt")] + list(EXEMPT_PARAGRAPHS)
        self.fields["exempt_paragraph"].required = False
        self.fields["exempt_appendices"].initial = self.instance.exempt_appendices or []
        self.fields["key_decision"].error_messages.setdefault("invalid", "Choose yes or no")
        self._template_fields()

    OWN_FIELD = "own__"

    def _template_fields(self) -> None:
        """The prose boxes under the paper template's headings and in its order, with a box
        for each of the council's own sections (kept in `own_sections`)."""
        paper = self.instance
        paper.start_template()
        written = paper.own_sections or {}
        order = [n for n in self.fields if n not in self.PROSE_FIELDS]
        for section in paper.sections:
            required = " Required before the paper is marked final." if section.required else ""
            if section.own:
                name = self.OWN_FIELD + section.key
                self.fields[name] = forms.CharField(
                    label=section.heading, required=False, widget=forms.Textarea(attrs={"rows": 5}),
                    initial=written.get(section.key, ""), max_length=20_000,
                    help_text=(section.guidance + required).strip() or "Leave a blank line between paragraphs.")
            elif section.prose:
                name = section.prose
                field = self.fields[name]
                field.label = section.heading
                if required:
                    field.help_text = f"{field.help_text or ''}{required}".strip()
            else:
                continue
            order.append(name)
        self.order_fields(order)

    def clean_exempt_appendices(self):
        return list(self.cleaned_data.get("exempt_appendices") or [])

    def clean(self):
        cleaned = super().clean()
        self.instance.own_sections = {
            name[len(self.OWN_FIELD):]: cleaned.get(name, "").strip()
            for name in self.fields if name.startswith(self.OWN_FIELD) and cleaned.get(name, "").strip()}
        return cleaned


# --- Equality impact assessments ---------------------------------------------------------------

class EqualityAssessmentForm(ProgrammeScopedForm):
    class Meta:
        model = EqualityAssessment
        fields = ["title", "option", "scope", "summary", "status", "signed_off_by", "signed_off_on", "review_date"]
        widgets = {"scope": forms.Textarea(attrs={"rows": 3}), "summary": forms.Textarea(attrs={"rows": 4})}
        labels = {"option": "Option assessed", "signed_off_by": "Signed off by"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["option"].empty_label = "None: the whole programme"
        self.fields["signed_off_by"].empty_label = "Not signed off yet"


class EqualityImpactForm(ProgrammeScopedForm):
    class Meta:
        model = EqualityImpact
        fields = ["assessment", "characteristic", "other_name", "impact", "evidence"]
        widgets = {"evidence": forms.Textarea(attrs={"rows": 4})}
        labels = {"characteristic": "Characteristic or group"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessment"].empty_label = "Choose an assessment"


class EqualityMitigationForm(ProgrammeScopedForm):
    class Meta:
        model = EqualityMitigation
        fields = ["impact", "action", "owner", "due_date", "done"]
        labels = {"impact": "Impact it mitigates", "action": "Mitigation"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["impact"]
        # Named with its assessment, since every assessment has a line for, say, age.
        field.queryset = field.queryset.select_related("assessment").order_by("assessment_id", "pk")
        field.label_from_instance = lambda i: f"{i.assessment}: {i.label} ({i.get_impact_display().lower()})"
        field.empty_label = "Choose an impact"
        self.fields["owner"].empty_label = "Choose an owner"


class PaperFinalForm(forms.Form):
    """The date a version is published with the agenda; versions.final_check decides whether
    it may be marked final with it."""

    published_on = GovukDateField(
        label="Date of publication",
        help_text="The day the paper is published with the meeting's agenda. For example, 27 11 2026")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        govuk_messages(self)


class PaperCompareForm(forms.Form):
    """Two versions of a paper (or a version and today's figures) to compare."""

    NOW = "now"
    before = forms.ChoiceField(label="Compare")
    after = forms.ChoiceField(label="With")

    def __init__(self, *args, versions, **kwargs):
        super().__init__(*args, **kwargs)
        kept = [(str(v.number), f"Version {v.number} ({v.standing})") for v in versions if v.source]
        self.fields["before"].choices = kept
        self.fields["after"].choices = [(self.NOW, "Today's figures"), *kept]
        for name, words in (("before", "the version to compare"), ("after", "what to compare it with")):
            self.fields[name].error_messages.update({
                "required": f"Choose {words}",
                "invalid_choice": f"Choose {words} from the list: only versions that kept what they printed can be "
                                  "compared"})

    def clean(self):
        data = super().clean()
        if data.get("before") and data.get("before") == data.get("after"):
            self.add_error("after", "Choose a different version to compare it with")
        return data


class HighlightReportForm(ProgrammeScopedForm):
    """A highlight report's period and the programme manager's commentary; its figures are
    read from the records when it is generated."""

    class Meta:
        model = HighlightReport
        fields = ["period_start", "period_end", "board", "confidence_commentary", "workstreams_commentary",
                  "milestones_commentary", "slippage_commentary", "risks_commentary", "decisions_commentary",
                  "finance_commentary", "benefits_commentary", "deadlines_commentary"]
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in fields if name.endswith("_commentary")}


class HighlightScheduleForm(ProgrammeScopedForm):
    class Meta:
        model = HighlightSchedule
        fields = ["enabled", "working_day", "board"]
        widgets = {"working_day": forms.NumberInput(attrs={"class": "govuk-input--width-2"})}


# --- Paper templates ---------------------------------------------------------------------------

class TemplateSectionsForm(forms.Form):
    """Every section of the template, in order: its heading, its place, whether it is
    required before final and (for the council's own) guidance and removal; then blank rows
    for new sections of the council's own. Field names carry the row: s3_heading."""

    NEW_ROWS = 3

    def __init__(self, *args, sections, **kwargs):
        super().__init__(*args, **kwargs)
        self.sections = list(sections)
        self.rows = []
        for i, section in enumerate([*self.sections, *([None] * self.NEW_ROWS)], start=1):
            prefix = f"s{i}_"
            own = section is None or section.own
            name = section.heading if section else ""
            self.fields[prefix + "heading"] = forms.CharField(
                label="Heading" if section else "Heading of a new section", required=section is not None,
                max_length=120, initial=name,
                error_messages={"required": f"Enter a heading for section {i}"})
            self.fields[prefix + "position"] = forms.IntegerField(
                label="Place in the paper", min_value=1, max_value=99, initial=i, required=section is not None,
                error_messages={"required": f"Enter the place of section {i}", "invalid": "Enter a whole number",
                                "min_value": "Enter 1 or more", "max_value": "Enter 99 or less"})
            fields = [prefix + "heading", prefix + "position"]
            if section is None or section.may_require:
                self.fields[prefix + "required"] = forms.BooleanField(
                    label="Required before the paper is marked final", required=False,
                    initial=bool(section and section.required))
                fields.append(prefix + "required")
            if own:
                self.fields[prefix + "guidance"] = forms.CharField(
                    label="Guidance for the author", required=False, max_length=500,
                    initial=section.guidance if section else "", widget=forms.Textarea(attrs={"rows": 2}),
                    help_text="Shown beside the box where the author writes this section")
                fields.append(prefix + "guidance")
            if section is not None and own:
                self.fields[prefix + "remove"] = forms.BooleanField(
                    label="Remove this section", required=False,
                    help_text="Papers already started keep it")
                fields.append(prefix + "remove")
            self.rows.append({"number": i, "section": section, "fields": [self[f] for f in fields]})

    def clean(self):
        from business_cases.paper_templates import TemplateSection, check_sections, own_key

        cleaned = super().clean()
        if self.errors:
            return cleaned
        taken = {s.key for s in self.sections}
        placed = []
        for i, section in enumerate([*self.sections, *([None] * self.NEW_ROWS)], start=1):
            p = f"s{i}_"
            heading = (cleaned.get(p + "heading") or "").strip()
            if section is None and not heading:
                continue
            if section is not None and cleaned.get(p + "remove"):
                continue
            key = section.key if section else own_key(heading, taken)
            taken.add(key)
            position = cleaned.get(p + "position") or (len(self.sections) + i)
            placed.append((position, i, TemplateSection(key=key, heading=heading,
                                                        required=bool(cleaned.get(p + "required")),
                                                        guidance=(cleaned.get(p + "guidance") or "").strip())))
        placed.sort(key=lambda row: (row[0], row[1]))
        try:
            cleaned["sections"] = check_sections([row[2] for row in placed])
        except forms.ValidationError as exc:
            for message in exc.messages:
                self.add_error(None, message)
        return cleaned


class TemplateFrontForm(forms.Form):
    """The front sheet's council name and the logo."""

    council_name = forms.CharField(label="The council's name on the front sheet", max_length=200,
                                   error_messages={"required": "Enter the council's name as the front sheet shows it"})
    logo = forms.FileField(label="Upload a logo", required=False,
                           widget=forms.FileInput(attrs={"accept": ".png,.jpg,.jpeg,.gif,.svg"}),
                           help_text="A PNG, JPEG, GIF or SVG image, smaller than 2 MB. It is checked and "
                                     "stored again as PNG (or as an SVG holding only its drawing).")
    logo_alt = forms.CharField(label="Text alternative for the logo", max_length=200, required=False,
                               help_text="What a screen reader says for it; leave empty for the council's name")
    remove_logo = forms.BooleanField(label="Remove the logo", required=False)

    def clean(self):
        from core.images import ImageRefused, check_image

        cleaned = super().clean()
        upload = cleaned.get("logo")
        if upload and cleaned.get("remove_logo"):
            self.add_error("remove_logo", "Either upload a new logo or remove it, not both")
        elif upload:
            data = upload.read(3 * 1024 * 1024)
            try:
                cleaned["checked_logo"] = check_image(upload.name, data)
            except ImageRefused as exc:
                self.add_error("logo", str(exc))
        return cleaned
