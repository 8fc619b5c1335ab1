"""Forms for the risk register pages. The API applies the same model rules through
full_clean in the services."""
from django import forms

from core.concurrency import VersionedRecordsForm
from core.forms import govuk_messages
from programmes.council_lists import RISK_CATEGORY
from programmes.forms import ProgrammeScopedForm
from risks.models import SCORE, Issue, Risk, RiskAction, RiskAppetite, RiskSettings
from risks.selectors import category_label

SCORE_CHOICES = [("", "Choose")] + [(str(n), str(n)) for n in range(1, 6)]


class RiskForm(ProgrammeScopedForm):
    council_lists = {"category": RISK_CATEGORY}

    class Meta:
        model = Risk
        fields = ["title", "category", "cause", "event", "effect", "owner", "workstream",
                  "proximity", "proximity_date", "likelihood", "impact", "residual_likelihood",
                  "residual_impact", "target_score", "response", "status", "next_review_date",
                  "escalated", "escalated_on"]
        widgets = {name: forms.Select(choices=SCORE_CHOICES)
                   for name in ("likelihood", "impact", "residual_likelihood", "residual_impact")}
        help_texts = {"cause": "Because of…", "event": "…this could happen…", "effect": "…leading to…"}


class RiskActionForm(ProgrammeScopedForm):
    class Meta:
        model = RiskAction
        fields = ["description", "owner", "due_date", "status"]


class IssueForm(ProgrammeScopedForm):
    class Meta:
        model = Issue
        fields = ["title", "risk", "priority", "owner", "description", "raised_on", "status",
                  "resolved_on", "resolution"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["risk"].queryset = self.fields["risk"].queryset.order_by("number")
        self.fields["risk"].empty_label = "Not raised from a risk"


def _in_a_sentence(label: str) -> str:
    """A council's label inside a sentence: lower case, but an acronym (CQC, ICT) kept."""
    return " ".join(w if len(w) > 1 and w.isupper() else w.lower() for w in label.split())


class RiskSettingsForm(VersionedRecordsForm):
    """The programme's RAG thresholds and the appetite for each category of risk: one
    field per category of `categories` (selectors.appetite_categories: the council's
    offered ones, and any other that still has an appetite)."""

    green_max = forms.IntegerField(label="Highest green score", min_value=1, max_value=24,
                                   help_text="Scores up to this are green (default 4)")
    amber_max = forms.IntegerField(label="Highest amber score", min_value=2, max_value=24,
                                   help_text="Scores above green and up to this are amber; above, red (default 12)")

    versioned_what = "these thresholds and appetites"

    def __init__(self, *args, settings: RiskSettings, appetites: dict[str, int],
                 categories: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        # Labelled, so that a conflict names an appetite that came meanwhile by its category.
        self.versioned_records = [settings, *RiskAppetite.objects.filter(programme_id=settings.programme_id)
                                  .annotate(category_label=category_label()).order_by("category")]
        self.fields["green_max"].initial = settings.green_max
        self.fields["amber_max"].initial = settings.amber_max
        self.categories = [value for value, _ in categories]
        for value, label in categories:
            self.fields[f"appetite_{value}"] = forms.IntegerField(
                label=f"Appetite for {_in_a_sentence(label)} risks", required=False,
                min_value=SCORE[0].limit_value, max_value=SCORE[1].limit_value,
                initial=appetites.get(value),
                help_text="The highest residual score accepted (1 to 25); leave blank for none")
        govuk_messages(self)

    def clean(self):
        data = super().clean()
        green, amber = data.get("green_max"), data.get("amber_max")
        if green is not None and amber is not None and green >= amber:
            self.add_error("amber_max", "The highest amber score must be above the highest green score")
        return data

    def appetites(self) -> dict[str, int | None]:
        return {value: self.cleaned_data.get(f"appetite_{value}") for value in self.categories}
