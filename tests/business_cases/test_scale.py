"""The business cases scale step gives every scale programme a big, fully scored matrix,
ten years of appraisal lines per option and three versions of each stage."""
from datetime import date

import pytest

from business_cases import selectors
from business_cases.models import AppraisalLine, BusinessCaseVersion, MatrixCell, Option
from business_cases.scale import business_cases_scale
from programmes import scale
from programmes.models import Programme

pytestmark = pytest.mark.django_db


def test_scale_programmes_get_a_big_matrix_and_appraisal(settings, monkeypatch):
    settings.INSOURCE_DEMO_PASSWORD = settings.INSOURCE_DEMO_PASSWORD or "insource-demo"
    # Only this app's step, so that the test is about it alone.
    monkeypatch.setattr(scale, "_steps", [s for s in scale._steps if s.build is business_cases_scale])
    scale.scale_data_build(programmes=2, today=date(2026, 3, 10))
    for slug in ("scale-1", "scale-2"):
        p = Programme.objects.get(slug=slug)
        assert Option.objects.filter(programme=p).count() == 12
        assert MatrixCell.objects.filter(programme=p).count() == 12 * 20
        assert AppraisalLine.objects.filter(programme=p).count() == 12 * 10 * 6
        assert BusinessCaseVersion.objects.filter(programme=p).count() == 9
        rank = selectors.ranking(programme=p)
        assert sorted(r.rank for r in rank.results)[0] == 1
    scale.scale_data_build(programmes=1, today=date(2026, 3, 10))  # replaced, not added to
    assert Option.objects.filter(programme__slug__startswith="scale-").count() == 12
