"""The risks scale step adds about 60 risks with actions to every scale programme."""
from datetime import date

import pytest

from programmes.scale import scale_data_build
from risks.models import Risk, RiskAction

pytestmark = pytest.mark.django_db


def test_scale_programmes_get_risks_with_actions(settings):
    settings.INSOURCE_DEMO_PASSWORD = settings.INSOURCE_DEMO_PASSWORD or "insource-demo"
    scale_data_build(programmes=2, today=date(2026, 3, 10))
    for slug in ("scale-1", "scale-2"):
        risks = Risk.objects.filter(programme__slug=slug)
        assert risks.count() == 60
        assert RiskAction.objects.filter(programme__slug=slug).count() >= 60
        assert set(risks.values_list("number", flat=True)) == set(range(1, 61))
    scale_data_build(programmes=1, today=date(2026, 3, 10))  # replaced, not added to
    assert Risk.objects.filter(programme__slug__startswith="scale-").count() == 60
