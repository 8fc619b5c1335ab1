"""The register, heat map, risk detail and issues log run a pinned number of queries, the
same for 3 risks as for 30 (each with changes in its history, actions and issues).

Each count is: the session and the user (2), the programme and the membership (2), then
what the page reads."""
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.roles import Role
from programmes.council_lists import RISK_CATEGORY
from programmes.services import council_list_value_add, council_list_value_change
from risks.models import Issue, RiskAction, RiskAppetite
from risks.services import risk_save
from tests.factories import MembershipFactory, ProgrammeFactory, UserFactory, WorkstreamFactory
from tests.risks.conftest import make_risk

pytestmark = pytest.mark.django_db

PAGES = {
    # + settings, the council's risk categories, the risks (scored and labelled, with
    # owner and workstream), their history in one query, members and workstreams for the filters.
    "register": (lambda p, r: reverse("risks:register", args=[p.slug]), 10),
    "register-filtered": (lambda p, r: reverse("risks:register", args=[p.slug])
                          + "?above_appetite=1&review_overdue=1&sort=residual&rag=amber", 10),
    "register-by-category": (lambda p, r: reverse("risks:register", args=[p.slug]) + "?category=workforce", 10),
    # + settings, the counts for both maps.
    "heatmap": (lambda p, r: reverse("risks:heatmap", args=[p.slug]), 6),
    # + the risk, settings, its residual trend, its history, the owners its history named,
    # its actions, its issues.
    "detail": (lambda p, r: reverse("risks:detail", args=[p.slug, r.pk]), 11),
    # + the issues with their owners and risks.
    "issues": (lambda p, r: reverse("risks:issues", args=[p.slug]), 5),
}


def build(size: int):
    today = timezone.localdate()
    pm = UserFactory(username="pm")
    programme = ProgrammeFactory(slug="home")
    MembershipFactory(programme=programme, user=pm, role=Role.PROGRAMME_MANAGER)
    people = [pm] + [MembershipFactory(programme=programme, role=Role.VIEWER).user for _ in range(size)]
    workstreams = [WorkstreamFactory(programme=programme) for _ in range(size)]
    RiskAppetite.objects.create(programme=programme, category="workforce", max_residual_score=4)
    # The council's own categories, more as risks grow, one renamed: each risk's label is the council's.
    council = programme.lead_organisation
    categories = []
    for i in range(size):
        if i % 3:
            council_list_value_add(council=council, key=RISK_CATEGORY, value=f"cat_{i}", label=f"Category {i}",
                                   user=pm)
        categories.append(f"cat_{i}" if i % 3 else "workforce")
    council_list_value_change(council=council, key=RISK_CATEGORY, value="workforce", label="People", order=1,
                              retired=False, user=pm)
    risks = []
    for i in range(size):
        risk = make_risk(programme, pm, owner=people[i % len(people)], workstream=workstreams[i],
                         category=categories[i],
                         next_review_date=today + timedelta(days=i - size // 2))
        for step in range(1, 4):
            risk.residual_likelihood = 1 + (i + step) % 5
            risk.owner = people[(i + step) % len(people)]
            risk_save(risk=risk, user=people[step % len(people)], reason="Rescored")
        RiskAction.objects.create(programme=programme, risk=risk, description="Act", owner=people[i % len(people)],
                                  due_date=today - timedelta(days=1))
        Issue.objects.create(programme=programme, risk=risk, title=f"Issue {i}", owner=people[i % len(people)],
                             raised_on=today)
        risks.append(risk)
    hub = risks[0]
    for i in range(size):
        RiskAction.objects.create(programme=programme, risk=hub, description=f"Hub action {i}",
                                  owner=people[i % len(people)])
        hub.residual_impact = 1 + i % 5
        hub.owner = people[i % len(people)]
        risk_save(risk=hub, user=people[i % len(people)], reason="Again")
    return programme, pm, hub


@pytest.mark.parametrize("size", [3, 30], ids=lambda n: f"{n}-risks")
def test_risk_pages_run_a_pinned_number_of_queries(size, django_assert_num_queries):
    programme, pm, hub = build(size)
    wrong = []
    for name, (url, expected) in PAGES.items():
        client = Client()
        client.force_login(pm)
        ContentType.objects.clear_cache()
        try:
            with django_assert_num_queries(expected):
                response = client.get(url(programme, hub))
        except pytest.fail.Exception as failed:
            wrong.append(f"{name}: {failed}")
            continue
        assert response.status_code == 200
    assert not wrong, "\n".join(wrong)
