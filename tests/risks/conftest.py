"""Risks for the cast's programme, saved through the service so that each is numbered and
has its history."""
import pytest

from risks.models import Risk
from risks.services import risk_save


def make_risk(programme, user=None, **kw) -> Risk:
    fields = dict(programme=programme, title="Staff leave before transfer", category="workforce",
                  likelihood=4, impact=4, residual_likelihood=3, residual_impact=3)
    return risk_save(risk=Risk(**{**fields, **kw}), user=user, reason="Test risk")


@pytest.fixture
def risk(cast) -> Risk:
    return make_risk(cast.programme, cast.users["pm"], owner=cast.users["hr"], workstream=cast.workstream)
