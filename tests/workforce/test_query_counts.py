"""Every workforce list page runs a pinned number of queries, the same for a roster of 12
people as for one of 60 (with readiness, two versions and an establishment).

Each count is: the session and the user (2), the programme and the membership (2), then
what the page reads (and, for HR's pages of people, the one row of the access log). The
summary and the versions read the programme's contracts once more, for the ELI deadline
every version's lateness is measured against."""
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from tests.workforce.conftest import load_roster, make_ready, staff
from workforce.models import Establishment, EstablishmentLine, PensionRate, Team, TransferRoster

pytestmark = pytest.mark.django_db

PAGES = {
    # (who, URL, queries)
    "summary": ("viewer", lambda s, e: reverse("workforce:summary", args=[s]), 7),
    "breakdowns": ("viewer", lambda s, e: reverse("workforce:breakdowns", args=[s]), 6),
    "versions": ("viewer", lambda s, e: reverse("workforce:versions", args=[s]), 6),
    "difference": ("viewer", lambda s, e: reverse("workforce:difference", args=[s]), 6),
    "difference-hr": ("hr", lambda s, e: reverse("workforce:difference", args=[s]), 7),
    "readiness": ("viewer", lambda s, e: reverse("workforce:readiness", args=[s]), 8),
    "readiness-hr": ("hr", lambda s, e: reverse("workforce:readiness", args=[s]), 11),
    # + the versions and the rates, and the people's costed rows in one query.
    "pensions": ("viewer", lambda s, e: reverse("workforce:pensions", args=[s]), 7),
    "pensions-hr": ("hr", lambda s, e: reverse("workforce:pensions", args=[s]), 8),
    "restructures": ("viewer", lambda s, e: reverse("workforce:restructures", args=[s]), 5),
    "establishment": ("viewer", lambda s, e: reverse("workforce:establishment", args=[s, e.pk]), 7),
    "people": ("hr", lambda s, e: reverse("workforce:people", args=[s, 2]), 8),
    "access-log": ("hr", lambda s, e: reverse("workforce:access_log", args=[s]), 5),
    "settings": ("hr", lambda s, e: reverse("workforce:settings", args=[s]), 7),
    "uploads": ("hr", lambda s, e: reverse("workforce:uploads", args=[s]), 7),
}


def build(cast, size: int):
    hr = cast.users["hr"]
    teams = ["First Response", "LD Connections"]
    for i in range(size // 6):
        Team.objects.create(programme=cast.programme, name=f"Team {i}", service_line="PD01" if i % 2 else "SD43")
        teams.append(f"Team {i}")
    rows = [r for i, t in enumerate(teams) for r in staff(size // len(teams), team=t, start=1 + i * 100)]
    assert load_roster(cast.programme, hr, rows, name="one.xlsx").ok
    assert load_roster(cast.programme, hr, rows[: len(rows) - 2], name="two.xlsx").ok
    for r in rows[::2]:
        make_ready(cast.programme, r["Employee No"], "laptop")
    est = Establishment.objects.create(programme=cast.programme, name="Proposed",
                                       baseline=TransferRoster.objects.get(version=2))
    PensionRate.objects.create(programme=cast.programme, scheme="nhs", employer_rate=Decimal("23.7"))
    for team in Team.objects.filter(programme=cast.programme):
        EstablishmentLine.objects.create(programme=cast.programme, establishment=est, team=team, posts=4,
                                         fte=Decimal("3.5"), voluntary_redundancies=1)
    return est


@pytest.mark.parametrize("size", [12, 60], ids=lambda n: f"{n}-people")
def test_workforce_pages_run_a_pinned_number_of_queries(hr_programme, size, django_assert_num_queries):
    cast = hr_programme
    est = build(cast, size)
    slug = cast.programme.slug
    wrong = []
    for name, (who, url, expected) in PAGES.items():
        client = cast.client(who)
        ContentType.objects.clear_cache()
        try:
            with django_assert_num_queries(expected):
                response = client.get(url(slug, est))
        except pytest.fail.Exception as failed:
            wrong.append(f"{name}: {failed}"[:400])
            continue
        assert response.status_code == 200
    assert not wrong, "\n".join(wrong)


def test_the_overview_panel_adds_the_same_queries_for_any_roster(hr_programme):
    """The programme overview's count belongs to programmes; the workforce panel must add a
    fixed number to it, whatever the roster's size."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from programmes.access import programme_access
    from workforce.panels import workforce_overview_panel

    cast = hr_programme
    # The programme as the overview has it: programme_access knows whether staff transfer.
    programme = programme_access(cast.users["hr"], cast.programme.slug).programme
    with CaptureQueriesContext(connection) as captured:
        panel = workforce_overview_panel(programme, cast.programme.transfer_date)
    counts = [len(captured)]
    assert panel["items"][0][1] == 0
    for size in (12, 36):
        build(cast, size) if size == 12 else load_roster(cast.programme, cast.users["hr"], staff(size, start=3000))
        with CaptureQueriesContext(connection) as captured:
            panel = workforce_overview_panel(programme, cast.programme.transfer_date)
        counts.append(len(captured))
    # The latest version, its rows, the programme's checks and its people's ticks.
    assert counts == [4, 4, 4]
    items = dict((label, value) for label, value, _ in panel["items"])
    assert items["ready on every day-one check"] == "0%"
