"""The workforce API's lists run a pinned number of queries, the same for 3 rows as for 30:
the roster versions, the people on a version (as HR, so the read is logged) and the
restructures. Each count starts with the session and the user (2), the programme and the
membership (2)."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.api_matrix import api_client
from tests.workforce.conftest import load_roster, staff
from workforce.models import Establishment, TransferRoster

pytestmark = pytest.mark.django_db

PINNED = {
    # + the rosters with their counts (one query).
    "versions": 6,  # + the programme's contracts (whether staff transfer)
    # + the roster, its people with their teams and pay scales, and the personal-data log's row.
    "people": 7,
    # + the establishments with their baselines and totals (one query).
    "restructures": 5,
    # + the versions, the rates and the costed rows of every phase's people (one query each),
    # and for HR the personal-data log's row: (as a viewer, as HR).
    "pensions": (7, 8),
    # + the programme's contracts (whether staff transfer), and the checks or the rates.
    "readiness-checks-list": 6,
    "pension-rates-list": 6,
}


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _url(name: str, cast, **kw) -> str:
    return reverse(f"workforce_api:{name}", kwargs={"programme_slug": cast.programme.slug, **kw})


def test_versions_list_query_count_is_pinned(hr_programme):
    cast = hr_programme
    client = api_client(cast, "viewer")
    for i in range(3):
        load_roster(cast.programme, cast.users["hr"], staff(2, start=10 * i), name=f"v{i}.xlsx")
    few = _queries(client, _url("versions", cast))
    assert len(client.get(_url("versions", cast)).json()["versions"]) == 3
    for i in range(3, 30):
        load_roster(cast.programme, cast.users["hr"], staff(2, start=10 * i), name=f"v{i}.xlsx")
    many = _queries(client, _url("versions", cast))
    assert len(client.get(_url("versions", cast)).json()["versions"]) == 30
    assert (few, many) == (PINNED["versions"],) * 2


def test_people_list_query_count_is_pinned(hr_programme):
    cast = hr_programme
    client = api_client(cast, "hr")
    load_roster(cast.programme, cast.users["hr"], staff(2, team="LD Connections", start=90) + staff(1))
    load_roster(cast.programme, cast.users["hr"], staff(15, team="LD Connections", start=90) + staff(15),
                name="v2.xlsx")
    few = _queries(client, _url("people", cast, version=1))
    assert len(client.get(_url("people", cast, version=1)).json()["people"]) == 3
    many = _queries(client, _url("people", cast, version=2))
    assert len(client.get(_url("people", cast, version=2)).json()["people"]) == 30
    assert (few, many) == (PINNED["people"],) * 2


def test_restructures_list_query_count_is_pinned(hr_programme):
    cast = hr_programme
    client = api_client(cast, "viewer")
    load_roster(cast.programme, cast.users["hr"], staff(8))
    baseline = TransferRoster.objects.get()
    for i in range(3):
        Establishment.objects.create(programme=cast.programme, name=f"Plan {i}", baseline=baseline)
    few = _queries(client, _url("restructures", cast))
    for i in range(3, 30):
        Establishment.objects.create(programme=cast.programme, name=f"Plan {i}", baseline=baseline)
    many = _queries(client, _url("restructures", cast))
    assert len(client.get(_url("restructures", cast)).json()["establishments"]) == 30
    assert (few, many) == (PINNED["restructures"],) * 2



def test_pensions_query_count_is_pinned(hr_programme):
    from workforce.models import PensionRate

    cast = hr_programme
    PensionRate.objects.create(programme=cast.programme, scheme="nhs", employer_rate="23.7")
    load_roster(cast.programme, cast.users["hr"], staff(3))
    viewer, hr = api_client(cast, "viewer"), api_client(cast, "hr")
    few = (_queries(viewer, _url("pensions", cast)), _queries(hr, _url("pensions", cast)))
    assert len(hr.get(_url("pensions", cast)).json()["phases"][0]["people"]) == 3
    load_roster(cast.programme, cast.users["hr"], staff(30, start=100), name="v2.xlsx")
    many = (_queries(viewer, _url("pensions", cast)), _queries(hr, _url("pensions", cast)))
    assert len(hr.get(_url("pensions", cast)).json()["phases"][0]["people"]) == 30
    assert few == many == PINNED["pensions"]


@pytest.mark.parametrize("name", ["readiness-checks-list", "pension-rates-list"])
def test_hr_kept_lists_query_count_is_pinned(hr_programme, name):
    from workforce.models import PensionRate, ReadinessItem
    from workforce.services import readiness_item_save

    cast = hr_programme
    viewer = api_client(cast, "viewer")

    def add(n: int) -> None:
        if name == "pension-rates-list":
            for scheme in ("nhs", "lgps", "provider")[:n]:
                PensionRate.objects.get_or_create(programme=cast.programme, scheme=scheme, employer_rate="20")
        else:
            for k in range(n):
                readiness_item_save(instance=ReadinessItem(programme=cast.programme, label=f"Check {n}-{k}"),
                                    user=cast.users["hr"], reason="Added")

    add(3 if name == "readiness-checks-list" else 1)
    few = _queries(viewer, _url(name, cast))
    add(25 if name == "readiness-checks-list" else 3)
    many = _queries(viewer, _url(name, cast))
    rows = viewer.get(_url(name, cast)).json()
    rows = rows.get("results", rows) if isinstance(rows, dict) else rows
    assert len(rows) == (33 if name == "readiness-checks-list" else 3)  # the five defaults, 3 and 25
    assert few == many == PINNED[name]
