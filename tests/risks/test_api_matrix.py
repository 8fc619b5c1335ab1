"""The risks API permission matrix: every route and method × every member of the cast.
Members read; programme managers and directors (EDIT_RISKS) write; outsiders get 404 and
anonymous clients 401. tests/test_api_matrix_coverage.py holds every /api/ route to a matrix."""
from dataclasses import dataclass

import pytest

from core.roles import Capability
from risks.models import Issue, Risk, RiskAction
from tests.api_matrix import Endpoint, run_row
from tests.permissions import history_tables
from tests.risks.conftest import make_risk

pytestmark = pytest.mark.django_db
NAMESPACE = "risks_api"


@dataclass
class World:
    cast: object
    risk: Risk
    action: RiskAction
    issue: Issue


@pytest.fixture
def world(cast) -> World:
    risk = make_risk(cast.programme, cast.users["pm"], owner=cast.users["hr"], workstream=cast.workstream)
    action = RiskAction.objects.create(programme=cast.programme, risk=risk, description="Brief the staff")
    issue = Issue.objects.create(programme=cast.programme, risk=risk, title="Two leavers",
                                 raised_on="2030-01-01")
    return World(cast, risk, action, issue)


BODIES = {
    "risks": lambda w: {"title": "Pay harmonisation disputed", "category": "legal", "likelihood": 3,
                        "impact": 4, "residual_likelihood": 2, "residual_impact": 3},
    "risk-actions": lambda w: {"risk": w.risk.pk, "description": "Meet the unions", "status": "open"},
    "issues": lambda w: {"risk": w.risk.pk, "title": "Agency costs rising", "raised_on": "2030-02-01"},
}
RECORD = {"risks": "risk", "risk-actions": "action", "issues": "issue"}


def _endpoints() -> dict[str, Endpoint]:
    out = {}
    for segment, body in BODIES.items():
        out[f"{segment}-list"] = Endpoint(
            {"get": (Capability.VIEW, 200), "post": (Capability.EDIT_RISKS, 201)},
            kwargs=lambda w: {"programme_slug": w.cast.programme.slug}, body=body)
        out[f"{segment}-detail"] = Endpoint(
            {"get": (Capability.VIEW, 200), "put": (Capability.EDIT_RISKS, 200),
             "patch": (Capability.EDIT_RISKS, 200), "delete": (Capability.EDIT_RISKS, 204)},
            kwargs=lambda w, s=segment: {"programme_slug": w.cast.programme.slug,
                                         "pk": getattr(w, RECORD[s]).pk},
            body=body)
    return out


ENDPOINTS = _endpoints()
TABLES = history_tables([Risk, RiskAction, Issue])


@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_api_permission_matrix(world, name):
    expected, actual, problems = run_row(world, world.cast, f"{NAMESPACE}:{name}", ENDPOINTS[name], TABLES)
    assert actual == expected
    assert problems == []
