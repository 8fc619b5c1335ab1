"""Scale data: big, valid, realistic enough, and replaced (not added to) on a second run."""
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from core.roles import Role
from programmes.models import Membership, Milestone, Programme
from programmes.scale import SCALE_USERS, scale_data_build
from tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 10)


def test_a_scale_programme_is_the_size_of_a_big_real_one():
    ctx = scale_data_build(programmes=1, today=TODAY)
    p = Programme.objects.get(slug="scale-1")
    sizes = [getattr(p, name).count() for name in (
        "workstreams", "milestones", "decisions", "lessons", "engagement_events", "confidence_assessments",
        "services", "memberships")]
    assert sizes == [11, 300, 12, 20, 30, 18, 2, 5]
    assert 90 <= (p.transfer_date - TODAY).days <= 150
    assert sorted(Membership.objects.filter(programme=p).values_list("user__username", flat=True)) == sorted(
        u for u, *_ in SCALE_USERS)
    assert set(Membership.objects.filter(programme=p).values_list("role", flat=True)) == set(Role)
    assert 0 < p.decisions.filter(key_decision=True).count() < 12
    assert len(ctx.programmes[0].milestones) == 300

    milestones = list(Milestone.objects.filter(programme=p).prefetch_related("depends_on"))
    for m in milestones:
        m.full_clean()
    dates = [m.forecast_date for m in milestones]
    assert 800 <= (max(dates) - min(dates)).days <= 1000  # about two and a half years
    statuses = {m.status for m in milestones}
    assert statuses >= {"complete", "in_progress", "at_risk", "not_started"}
    assert sum(m.is_late(TODAY) for m in milestones) >= 5
    assert sum(m.slippage_days > 0 for m in milestones) >= 30
    with_deps = [m for m in milestones if m.depends_on.all()]
    assert 70 <= len(with_deps) <= 130  # about a third
    for m in with_deps:
        assert 1 <= len(m.depends_on.all()) <= 3
        assert all(d.baseline_date <= m.baseline_date for d in m.depends_on.all())


def test_building_again_replaces_the_scale_programmes_only():
    ProgrammeFactory(slug="scale-up-reablement")  # a real programme whose slug starts alike
    scale_data_build(programmes=3, today=TODAY)
    scale_data_build(programmes=2, today=TODAY)
    assert sorted(Programme.objects.values_list("slug", flat=True)) == [
        "scale-1", "scale-2", "scale-up-reablement"]
    assert Milestone.objects.count() == 600
    assert Membership.objects.filter(user__username="scale-pm").count() == 2


def test_the_command_refuses_without_demo_accounts(settings):
    settings.INSOURCE_DEMO_PASSWORD = None
    with pytest.raises(CommandError, match="switched off"):
        call_command("make_scale_data", "--programmes", "1")
    assert not Programme.objects.exists()


def test_the_command_builds_and_the_users_can_sign_in(client):
    call_command("make_scale_data", "--programmes", "1")
    assert client.post("/accounts/login/", {"username": "scale-pm", "password": "insource-demo"}).status_code == 302
    assert client.get("/programmes/scale-1/milestones/").status_code == 200


def test_later_apps_add_their_rows_through_a_registered_step(monkeypatch):
    from programmes import scale

    monkeypatch.setattr(scale, "_steps", [])
    seen, cleared = [], []

    @scale.scale_step(clear=lambda: cleared.append(True))
    def add_rows(ctx):
        seen.extend((sp.programme.slug, len(sp.milestones)) for sp in ctx.programmes)

    scale_data_build(programmes=2, today=TODAY)
    assert seen == [("scale-1", 300), ("scale-2", 300)]
    assert cleared == [True]  # a second build would delete first, the step's rows included
