"""The aggregate tables: figures computed from the roster, small groups suppressed outside
HR with the secondary suppression that stops a hidden figure being worked out."""
from decimal import Decimal

import pytest

from tests.workforce.conftest import load_roster, make_ready, person, staff, vacancy
from workforce import reporting
from workforce.models import Establishment, EstablishmentLine, Team, TransferRoster

pytestmark = pytest.mark.django_db


def test_complete_suppression_hides_a_second_cell_in_each_group():
    counts = {"a": 3, "b": 10, "c": 7, "d": 0}
    hidden = reporting.complete_suppression(counts, {"a"}, [list(counts)])
    assert hidden == {"a", "c"}  # the smallest other non-zero cell, never a zero
    assert reporting.complete_suppression({"a": 3, "b": 4}, {"a", "b"}, [["a", "b"]]) == {"a", "b"}
    assert reporting.complete_suppression({"a": 3, "b": 0}, {"a"}, [["a", "b"]]) == {"a"}


@pytest.fixture
def rostered(hr_programme):
    cast = hr_programme
    Team.objects.create(programme=cast.programme, name="Tiny", service_line="PD01")
    rows = [*staff(12, team="First Response"), *staff(3, team="Tiny", start=100, fte="0.50"),
            *staff(20, team="LD Connections", start=200), vacancy("VAC-1"), vacancy("VAC-2", team="Tiny")]
    assert load_roster(cast.programme, cast.users["hr"], rows).ok
    return cast, TransferRoster.objects.get(version=1)


def test_team_summary_for_hr_shows_every_figure(rostered):
    _, roster = rostered
    s = reporting.team_summary(roster, personal=True)
    assert {r.team: (r.people.headcount, r.people.fte, r.vacancies) for r in s.rows} == {
        "First Response": (12, Decimal("12.00"), 1), "Tiny": (3, Decimal("1.50"), 1),
        "LD Connections": (20, Decimal("20.00"), 0)}
    assert (s.total.headcount, s.total.fte, s.vacancies, s.vacancy_fte) == (35, Decimal("33.50"), 2, Decimal("2.00"))
    assert not any(r.people.hidden for r in s.rows)


def test_team_summary_outside_hr_hides_small_groups_and_their_complement(rostered):
    _, roster = rostered
    s = reporting.team_summary(roster, personal=False)
    shown = {r.team: (r.people.shown_headcount, r.people.shown_fte) for r in s.rows}
    # Tiny (3) is hidden; First Response (12) is hidden too, since both are PD01 and the
    # PD01 subtotal, or the grand total less LD Connections, would give Tiny away.
    assert shown["Tiny"] == ("fewer than 5", "–")
    assert shown["First Response"] == ("fewer than 5", "–")
    assert shown["LD Connections"] == (20, Decimal("20.00"))
    lines = {line: cell.shown_headcount for line, cell, _ in s.service_lines}
    assert lines == {"PD01": 15, "SD43": 20}  # two hidden teams: the sum tells neither
    assert s.total.shown_headcount == 35


def test_breakdowns_count_people_not_vacancies(rostered):
    _, roster = rostered
    terms = reporting.breakdowns(roster, personal=True)[0]
    assert terms.title == "Terms and conditions"
    assert [(label, cell.headcount) for label, cell in terms.rows] == [("NHS Agenda for Change", 35)]
    assert terms.total.headcount == 35


def test_difference_counts_and_lists(rostered):
    cast, v1 = rostered
    rows = [*staff(10, team="First Response"), person("E0011", name="Moved", team="LD Connections"),
            person("E0012", name="Part time", fte="0.50"), *staff(3, team="Tiny", start=100, fte="0.50"),
            *staff(20, team="LD Connections", start=200, grade="Band 6"), person("E0500", name="New Starter")]
    assert load_roster(cast.programme, cast.users["hr"], rows, name="v2.xlsx").ok
    v2 = TransferRoster.objects.get(version=2)
    hr = reporting.difference(v1, v2, personal=True)
    assert hr.counts == {"joiners": 1, "leavers": 0, "changed": 22, "changed_team": 1, "changed_fte": 1,
                         "changed_grade": 20, "changed_pay": 0, "changed_terms": 0}
    assert [j["name"] for j in hr.joiners] == ["New Starter"]
    others = reporting.difference(v1, v2, personal=False)
    assert others.joiners == [] and others.changed == []
    shown = dict(others.table)
    assert shown["Joiners"] == "fewer than 5" and shown["Leavers"] == 0
    assert shown["Changed grade"] == 20 and shown["Changed team"] == "fewer than 5"


def test_joiners_and_leavers_are_hidden_together(rostered):
    cast, v1 = rostered
    rows = [*staff(12, team="First Response"), *staff(3, team="Tiny", start=100, fte="0.50"),
            *staff(14, team="LD Connections", start=200), *staff(2, team="LD Connections", start=900)]
    assert load_roster(cast.programme, cast.users["hr"], rows, name="v2.xlsx").ok
    diff = reporting.difference(v1, TransferRoster.objects.get(version=2), personal=False)
    assert diff.counts["leavers"] == 6 and diff.counts["joiners"] == 2
    assert diff.shown("leavers") == "fewer than 5" and diff.shown("joiners") == "fewer than 5"


def test_readiness_by_team_against_the_roster(rostered):
    cast, roster = rostered
    for ref in ("E0001", "E0002", "E0003"):
        make_ready(cast.programme, ref, "on_payroll", *(["laptop"] if ref == "E0001" else []))
    make_ready(cast.programme, "GONE", "on_payroll")
    table = reporting.readiness_by_team(cast.programme, roster, personal=False, today=cast.programme.transfer_date)
    payroll, laptop = (next(i for i in table.items if i.key == k) for k in ("on_payroll", "laptop"))
    first = next(r for r in table.rows if r.team == "LD Connections")
    assert first.done[payroll.pk] == 0
    assert table.total.done[payroll.pk] == 3 and table.total.percent(payroll) == 9  # 3 of 35
    assert table.total.done[laptop.pk] == 1 and table.days_to_transfer == 0
    assert table.total.ready == 0  # nobody has all five
    tiny = next(r for r in table.rows if r.team == "Tiny")
    assert tiny.people.shown_headcount == "fewer than 5"
    # The same teams are hidden as on the team summary, so the two pages cannot be set
    # against each other to recover a hidden figure.
    summary = reporting.team_summary(roster, personal=False)
    assert {r.team for r in table.rows if r.people.hidden} == {r.team for r in summary.rows if r.people.hidden}


def test_establishment_compare(rostered):
    cast, roster = rostered
    est = Establishment.objects.create(programme=cast.programme, name="Leaner", baseline=roster)
    teams = {t.name: t for t in Team.objects.filter(programme=cast.programme)}
    EstablishmentLine.objects.create(programme=cast.programme, establishment=est, team=teams["LD Connections"],
                                     posts=16, fte=Decimal("15.00"), voluntary_redundancies=3,
                                     compulsory_redundancies=1)
    EstablishmentLine.objects.create(programme=cast.programme, establishment=est, team=teams["First Response"],
                                     posts=14, fte=Decimal("14.00"))
    hr = reporting.establishment_compare(est, personal=True)
    ld = next(r for r in hr.rows if r.team == "LD Connections")
    assert (ld.baseline_posts, ld.proposed_posts, ld.change_posts, ld.change_fte) == (20, 16, -4, Decimal("-5.00"))
    assert (ld.voluntary, ld.compulsory) == (3, 1)
    assert (hr.total.baseline_posts, hr.total.proposed_posts, hr.total.voluntary) == (37, 30, 3)
    others = reporting.establishment_compare(est, personal=False)
    ld = next(r for r in others.rows if r.team == "LD Connections")
    assert (ld.voluntary, ld.compulsory) == ("fewer than 5", "fewer than 5")
    tiny = next(r for r in others.rows if r.team == "Tiny")
    assert (tiny.baseline_posts, tiny.proposed_posts) == ("not shown", "not shown")


def test_the_chart_draws_no_bar_for_a_hidden_team(rostered):
    _, roster = rostered
    chart = reporting.team_chart(reporting.team_summary(roster, personal=False))
    bars = {b.label: b for b in chart.bars}
    assert bars["Tiny"].width == 0 and bars["Tiny"].value == "fewer than 5"
    assert bars["LD Connections"].width == 330 and bars["LD Connections"].value == 20
