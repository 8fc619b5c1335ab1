"""The risk figures on the programme overview, registered with `programmes.panels`."""
from datetime import date

from django.urls import reverse

from programmes.panels import overview_panel
from risks.selectors import overdue_counts


@overview_panel
def risks_overview_panel(programme, today: date) -> dict:
    counts = overdue_counts(programme=programme, today=today)
    register = reverse("risks:register", args=[programme.slug])
    return {"title": "Risks", "items": [
        ("open risks", counts["open"], register),
        ("risk reviews overdue", counts["reviews_overdue"], f"{register}?review_overdue=1"),
        ("mitigating actions overdue", counts["actions_overdue"], None),
    ]}
