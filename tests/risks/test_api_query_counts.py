"""The risks API's lists run a pinned number of queries, the same for 3 rows as for 30, each
row with its owner, workstream and risk filled in. Each count is: the session and the user
(2), the programme and the membership (2), the count and the page (2), then what the list
reads besides."""
import pytest
from django.urls import reverse

from core.roles import Role
from programmes.council_lists import RISK_CATEGORY
from programmes.services import council_list_value_add
from risks.models import Issue, RiskAction
from tests.api_matrix import api_client, list_queries
from tests.factories import MembershipFactory, WorkstreamFactory
from tests.risks.conftest import make_risk

pytestmark = pytest.mark.django_db

# list → pinned count (+ the risks list reads the programme's thresholds and the council's
# risk categories, offered by its category field; each row's label comes with the rows).
PINNED = {"risks": 8, "risk-actions": 6, "issues": 6}


def grow(segment: str, cast, n: int) -> None:
    p = cast.programme
    for _ in range(n):
        owner = MembershipFactory(programme=p, role=Role.VIEWER).user
        # Each risk of a category the council added, so each row has the council's label.
        category = council_list_value_add(council=p.lead_organisation, key=RISK_CATEGORY,
                                          value=f"cat_{owner.pk}", label=f"Category {owner.pk}",
                                          user=cast.users["pm"]).value
        risk = make_risk(p, cast.users["pm"], owner=owner, workstream=WorkstreamFactory(programme=p),
                         category=category)
        if segment == "risk-actions":
            RiskAction.objects.create(programme=p, risk=risk, description="Act", owner=owner)
        elif segment == "issues":
            Issue.objects.create(programme=p, risk=risk, title="It happened", owner=owner, raised_on="2030-01-01")


@pytest.mark.parametrize("segment", sorted(PINNED))
def test_api_list_query_count_is_pinned(cast, segment):
    client = api_client(cast, "pm")
    url = reverse(f"risks_api:{segment}-list", kwargs={"programme_slug": cast.programme.slug})
    grow(segment, cast, 3)
    few, rows = list_queries(client, url)
    assert rows == 3
    grow(segment, cast, 27)
    many, rows = list_queries(client, url)
    assert rows == 30
    assert (few, many) == (PINNED[segment], PINNED[segment])
