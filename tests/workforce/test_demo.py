"""The workforce part of the demo: the reference roster generated as an ELI workbook and
loaded through the pipeline, the final list as version 2, day-one readiness, a restructure;
and the template download made by the same generator."""
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from core.models import Upload
from programmes.demo import DEMO_SLUG
from programmes.models import Programme
from tests.workforce.conftest import check_ids
from workforce import eli_workbook, reporting
from workforce.imports import ROSTER_KIND
from workforce.models import Establishment, Readiness, TransferRoster

pytestmark = pytest.mark.django_db

REFERENCE = {name: (headcount, Decimal(fte)) for name, _, headcount, fte in eli_workbook.TEAMS}


@pytest.fixture
def demo(capsys):
    call_command("load_demo")
    capsys.readouterr()
    return Programme.objects.get(slug=DEMO_SLUG)


def test_version_1_matches_the_reference_team_by_team(demo):
    v1 = TransferRoster.objects.get(programme=demo, version=1)
    assert Upload.objects.get(pk=v1.upload_id).kind == ROSTER_KIND  # through the real pipeline
    summary = reporting.team_summary(v1, personal=True)
    assert {r.team: (r.people.headcount, r.people.fte) for r in summary.rows} == REFERENCE
    assert (summary.total.headcount, summary.total.fte) == (281, Decimal("228.71"))
    assert (demo.transfer_date - v1.received_on).days == 28 and not v1.is_late
    for record in v1.records.all():
        assert record.contracted_hours == (record.fte * 37).quantize(Decimal("0.01"))


def test_version_2_is_the_final_list_and_late(demo):
    v1, v2 = TransferRoster.objects.filter(programme=demo).order_by("version")
    assert v2.records.filter(is_vacancy=False).count() == 237
    assert v2.days_late == 21
    diff = reporting.difference(v1, v2, personal=True)
    assert diff.counts["joiners"] == 6 and diff.counts["leavers"] == 50 and diff.counts["changed"] > 0


def test_readiness_is_the_reference_day_one_count(demo):
    v2 = TransferRoster.objects.get(programme=demo, version=2)
    table = reporting.readiness_by_team(demo, v2, personal=False, today=demo.transfer_date)
    assert table.total.people.headcount == 237
    by_key = {i.key: table.total.done[i.pk] for i in table.items}
    assert {k: by_key[k] for k in ("laptop", "phone", "network_account", "on_payroll")} == {
        "laptop": 141, "phone": 182, "network_account": 235, "on_payroll": 232}
    away = v2.records.filter(status__in=["maternity", "sabbatical"]).values_list("employee_ref", flat=True)
    payroll = check_ids(demo, "on_payroll")[0]
    assert not any(payroll in r.done for r in Readiness.objects.filter(programme=demo, employee_ref__in=list(away)))
    assert Establishment.objects.get(programme=demo).lines.count() == 16


def test_loading_twice_changes_nothing(demo, capsys):
    counts = (TransferRoster.objects.count(), Readiness.objects.count(), TransferRoster.history.count())
    call_command("load_demo")
    assert (TransferRoster.objects.count(), Readiness.objects.count(), TransferRoster.history.count()) == counts


def test_the_generator_is_deterministic():
    from datetime import date

    a = eli_workbook.first_version(date(2024, 4, 1))
    b = eli_workbook.first_version(date(2024, 4, 1))
    assert a == b and len([r for r in a if not r.vacancy]) == 281


def test_the_template_download_is_the_generated_workbook(demo):
    from django.test import Client

    from core.models import User

    client = Client()
    client.force_login(User.objects.get(username="demo-hr"))
    response = client.get(reverse("workforce:template", args=[demo.slug]))
    assert response["Content-Disposition"] == 'attachment; filename="eli-template.xlsx"'
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert ws.title == "ELI" and [c.value for c in ws[1]] == eli_workbook.HEADERS
    assert sum(1 for row in ws.iter_rows(min_row=2, values_only=True) if row[1] == "No") == 281


def test_the_demo_pension_cost_is_every_persons_pay_at_their_schemes_rate(demo):
    from workforce import selectors
    from workforce.demo import DEMO_PENSION_RATES

    rosters = selectors.pension_rosters(programme=demo)
    costs = reporting.pension_costs(rosters, selectors.pension_rates(programme=demo), personal=False)
    assert [r.version for r in rosters] == [2]
    rates = {scheme: rate for scheme, _, rate in DEMO_PENSION_RATES}
    expected = sum((reporting.employer_cost(r.annual_pay, rates[r.pension_scheme])
                    for r in rosters[0].records.filter(is_vacancy=False) if r.pension_scheme in rates), Decimal("0"))
    assert costs.total.cost == expected and costs.unrated == []
    # Plausible for 237 people on £22k–£54k: between £1m and £3m a year.
    assert Decimal("1000000") < costs.total.cost < Decimal("3000000")
