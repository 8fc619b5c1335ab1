"""The consultations API's lists run a pinned number of queries, the same for 3 rows as for
30: the session and the user (2), the programme and the membership (2), then the count and
the page (2)."""
import pytest
from django.urls import reverse

from consultations.api import VIEWSETS
from tests.api_matrix import api_client, list_queries
from tests.consultations.conftest import consultation_records

pytestmark = pytest.mark.django_db
PINNED = {segment: 6 for segment in VIEWSETS}
# Each kind of record as many times as there are consultations, bar representatives (two each).
ROWS = {"staff-representatives": 2}


@pytest.mark.parametrize("segment", sorted(PINNED))
@pytest.mark.parametrize("who", ["hr", "viewer"])
def test_api_list_query_count_is_pinned(cast, segment, who):
    client = api_client(cast, who)
    url = reverse(f"consultations_api:{segment}-list", kwargs={"programme_slug": cast.programme.slug})
    consultation_records(cast.programme, cast.users["hr"], n=3)
    few, rows = list_queries(client, url)
    assert rows == 3 * ROWS.get(segment, 1)
    consultation_records(cast.programme, cast.users["hr"], n=27)
    many, rows = list_queries(client, url)
    assert rows == 30 * ROWS.get(segment, 1)
    # For HR, a list with staff names in it also writes its line in the personal-data log.
    logged = 1 if who == "hr" and segment in ("staff-representatives", "consultation-meetings") else 0
    assert (few, many) == (PINNED[segment] + logged, PINNED[segment] + logged)
