"""The demo programme: built from the reference figures, moved in time by whole years, loaded once."""
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.financial_year import FinancialYear
from core.roles import Role
from programmes.demo import DEMO_SLUG, OTHER_SLUG
from programmes.models import Decision, Membership, Milestone, Programme

pytestmark = pytest.mark.django_db


def _counts():
    from django.apps import apps

    return {m._meta.label: m.objects.count() for m in apps.get_app_config("programmes").get_models()}


def test_load_demo_builds_the_programme_moved_so_today_is_in_the_year_transfer_began(capsys):
    call_command("load_demo")
    out = capsys.readouterr().out
    for username in ("demo-pm", "demo-finance", "demo-hr", "demo-director", "demo-viewer", "demo-outsider"):
        assert username in out
    assert "insource-demo" in out
    p = Programme.objects.get(slug=DEMO_SLUG)
    today = timezone.localdate()
    # Moved by whole years: transfer day stays on 1 April, the start of the financial year
    # today falls in.
    assert p.transfer_date == date(FinancialYear.start_year_of(today), 4, 1) <= today
    assert p.status == Programme.Status.TRANSFERRED
    assert p.contract_end_date == p.transfer_date - timedelta(days=1)
    assert [s.code for s in p.services.all()] == ["PD01", "SD43"]
    assert p.contract_share == 61
    assert p.partners.get().short_name == "BSW ICB"
    assert p.outgoing_provider.name == "HCRG Care Group"
    assert 40 <= Milestone.objects.filter(programme=p).count() <= 60
    assert p.workstreams.count() >= 10
    roles = dict(Membership.objects.filter(programme=p).values_list("user__username", "role"))
    assert roles == {"demo-pm": Role.PROGRAMME_MANAGER, "demo-finance": Role.FINANCE_OFFICER,
                     "demo-hr": Role.HR_LEAD, "demo-director": Role.DIRECTOR, "demo-viewer": Role.VIEWER}
    assert not Membership.objects.filter(programme=p, user__username="demo-outsider").exists()
    assert Membership.objects.get(user__username="demo-outsider").programme.slug == OTHER_SLUG
    # What was due by today has been met, so nothing is late; the rest is still to come.
    assert not Milestone.objects.filter(programme=p).late(today).exists()
    assert Milestone.objects.filter(programme=p, actual_date__isnull=True,
                                    forecast_date__gt=today).count() == sum(
        1 for m in Milestone.objects.filter(programme=p) if m.forecast_date > today)
    # Moved by the same whole years as transfer day: the SOC decision keeps its 10 November.
    soc = Decision.objects.get(programme=p, forward_plan_ref="E3393", body="Cabinet")
    assert soc.meeting_date == date(2022 + p.transfer_date.year - 2024, 11, 10)
    # The board's highlight reports of the last two whole months, with their commentary.
    from business_cases.models import HighlightReport

    last = today.replace(day=1) - timedelta(days=1)
    reports = list(HighlightReport.objects.filter(programme=p).order_by("period_end"))
    assert [r.period_end for r in reports] == [last.replace(day=1) - timedelta(days=1), last]
    assert all(r.period_start.day == 1 and r.decisions_commentary for r in reports)


def test_load_demo_twice_changes_nothing(capsys):
    call_command("load_demo")
    before = _counts()
    history_before = Milestone.history.count()
    call_command("load_demo")
    assert _counts() == before
    assert Milestone.history.count() == history_before
    assert "nothing changed" in capsys.readouterr().out


def test_real_dates_keep_history():
    call_command("load_demo", "--real-dates")
    p = Programme.objects.get(slug=DEMO_SLUG)
    assert p.transfer_date == date(2024, 4, 1)
    assert p.eli_deadline == date(2024, 3, 4)
    assert Decision.objects.get(forward_plan_ref="E3393", body="Cabinet").meeting_date == date(2022, 11, 10)


def test_demo_logins_work_and_outsider_sees_only_their_programme():
    call_command("load_demo")
    client = Client()
    response = client.post(reverse("login"), {"username": "demo-outsider", "password": "insource-demo"})
    assert response.status_code == 302
    html = client.get(reverse("programmes:list")).content.decode()
    assert "Reablement service insourcing" in html
    assert "Adult Social Care transfer" not in html
    assert client.get(reverse("programmes:overview", args=[DEMO_SLUG])).status_code == 404
