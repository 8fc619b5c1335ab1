"""Plan-wide baselines: the programme manager takes one with a reason, having seen what it
moves; the plan is measured against it; going back to an earlier one moves the dates back;
the baseline's dates are not edited on the milestone's form or over the API while it holds
them; the tracker compares the forecast with any baseline."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from programmes.baselines import baseline_take
from programmes.models import Baseline, Milestone
from tests.api_matrix import api_client
from tests.factories import MilestoneFactory

pytestmark = pytest.mark.django_db


def day(n: int):
    return timezone.localdate() + timedelta(days=n)


@pytest.fixture
def plan(cast):
    """The cast's milestone 10 days late against its own baseline, and an activity on time."""
    m = cast.milestone
    m.baseline_date, m.forecast_date = day(20), day(30)
    m.save()
    activity = MilestoneFactory(programme=cast.programme, workstream=cast.workstream, title="Data migration",
                                kind=Milestone.Kind.ACTIVITY, baseline_start_date=day(5), baseline_date=day(40),
                                forecast_start_date=day(5), forecast_date=day(40))
    return cast, m, activity


def test_the_programme_manager_sees_what_moves_then_takes_a_baseline(plan):
    cast, late, activity = plan
    client = cast.client("pm")
    url = reverse("programmes:baseline_take", args=[cast.programme.slug])
    page = client.get(url).content.decode()
    assert "Baseline dates that change: 1" in page and late.title in page and "+10 days" in page
    assert activity.title not in page  # its baseline is already its forecast
    response = client.post(url, {"name": "Approved at  OBC", "reason": "Cabinet approved the OBC",
                                      "keep": "forecast"})
    taken = Baseline.objects.get(programme=cast.programme)
    assert response.status_code == 302 and response.url == reverse(
        "programmes:baseline_detail", args=[cast.programme.slug, taken.pk])
    assert (taken.name, taken.in_use, taken.taken_by) == ("Approved at OBC", True, cast.users["pm"])
    assert taken.dates.count() == 2
    late.refresh_from_db()
    assert (late.baseline_date, late.slippage_days) == (day(30), 0)
    assert late.history.first().history_change_reason == "Re-baselined: Approved at OBC"
    # The same name again, in another case, is refused with the field named, and nothing is taken.
    again = client.post(url, {"name": "approved at obc", "reason": "Again", "keep": "forecast"})
    assert again.status_code == 200 and "The programme already has a baseline with this name" in again.content.decode()
    assert Baseline.objects.count() == 1
    # Every member reads them; the tracker says what slippage is measured against.
    viewer = cast.client("viewer")
    assert "Approved at OBC" in viewer.get(reverse("programmes:baselines", args=[cast.programme.slug])).content.decode()
    tracker = viewer.get(reverse("programmes:tracker", args=[cast.programme.slug])).content.decode()
    assert "Slippage is measured against the baseline “Approved at OBC”" in tracker


def test_going_back_to_an_earlier_baseline_moves_the_dates_back(plan):
    cast, late, activity = plan
    pm = cast.users["pm"]
    obc = baseline_take(programme=cast.programme, name="Approved at OBC", reason="OBC", user=pm)
    late.refresh_from_db()
    late.forecast_date = day(45)
    late.save()
    fbc = baseline_take(programme=cast.programme, name="Approved at FBC", reason="FBC", user=pm)
    late.refresh_from_db()
    assert late.baseline_date == day(45)
    obc.refresh_from_db()
    assert (obc.in_use, fbc.in_use) == (False, True)
    client = cast.client("pm")
    detail = client.get(reverse("programmes:baseline_detail", args=[cast.programme.slug, obc.pk])).content.decode()
    assert "Use this baseline" in detail and "-15 days" in detail
    response = client.post(reverse("programmes:baseline_use", args=[cast.programme.slug, obc.pk]), follow=True)
    assert "measured against “Approved at OBC” again: 1 milestone and activity moved" in response.content.decode()
    late.refresh_from_db()
    obc.refresh_from_db()
    fbc.refresh_from_db()
    assert (late.baseline_date, late.slippage_days, obc.in_use, fbc.in_use) == (day(30), 15, True, False)
    # Nobody else may go back, and a director sees no button.
    assert cast.client("director").post(
        reverse("programmes:baseline_use", args=[cast.programme.slug, fbc.pk])).status_code == 403
    assert "Use this baseline" not in cast.client("director").get(
        reverse("programmes:baseline_detail", args=[cast.programme.slug, fbc.pk])).content.decode()


def test_baseline_dates_held_by_the_baseline_in_use_move_only_by_re_baselining(plan):
    cast, late, activity = plan
    baseline_take(programme=cast.programme, name="Approved at OBC", reason="OBC", user=cast.users["pm"])
    client = cast.client("pm")
    form = client.get(reverse("programmes:milestone_edit", args=[cast.programme.slug, late.pk]))
    assert "baseline_date" not in form.context["form"].fields
    # The API refuses a change of them with the field named, and takes any other change.
    api = api_client(cast, "pm")
    url = reverse("api:milestones-detail", kwargs={"programme_slug": cast.programme.slug, "pk": late.pk})
    refused = api.patch(url, {"baseline_date": str(day(1))}, format="json")
    assert refused.status_code == 400 and "Approved at OBC" in refused.json()["baseline_date"][0]
    assert api.patch(url, {"baseline_date": str(day(30)), "title": "Renamed"}, format="json").status_code == 200
    # A milestone added since has baseline dates of its own, edited as before.
    newer = MilestoneFactory(programme=cast.programme, workstream=cast.workstream, baseline_date=day(9),
                             forecast_date=day(9))
    newer_url = reverse("api:milestones-detail", kwargs={"programme_slug": cast.programme.slug, "pk": newer.pk})
    assert api.patch(newer_url, {"baseline_date": str(day(8))}, format="json").status_code == 200
    form = client.get(reverse("programmes:milestone_edit", args=[cast.programme.slug, newer.pk]))
    assert "baseline_date" in form.context["form"].fields


def test_the_tracker_compares_the_forecast_with_any_baseline(plan):
    cast, late, activity = plan
    pm = cast.users["pm"]
    obc = baseline_take(programme=cast.programme, name="Approved at OBC", reason="OBC", user=pm)
    late.refresh_from_db()
    late.forecast_date = day(44)
    late.save()
    baseline_take(programme=cast.programme, name="Approved at FBC", reason="FBC", user=pm)
    added = MilestoneFactory(programme=cast.programme, workstream=cast.workstream, title="Added later",
                             baseline_date=day(12), forecast_date=day(12))
    url = reverse("programmes:tracker", args=[cast.programme.slug])
    viewer = cast.client("viewer")
    now = viewer.get(url).content.decode()
    assert "+14 days" not in now  # against the FBC, in use: on time
    compared = viewer.get(url, {"compare": obc.pk})
    text = compared.content.decode()
    assert "Slippage here is against the baseline “Approved at OBC”" in text and "+14 days" in text
    row = next(m for m in compared.context["plan"].rows if m.pk == added.pk)
    assert row.not_in_baseline and "Added since" in text
    # Nothing was written: the plan is still measured against the FBC.
    late.refresh_from_db()
    assert late.baseline_date == day(44)
    bad = viewer.get(url, {"compare": "nonsense"}).content.decode()
    assert "There is a problem with the filters" in bad and "Choose a baseline from the list" in bad


def test_the_api_takes_and_goes_back_to_baselines(plan):
    cast, late, activity = plan
    api = api_client(cast, "pm")
    url = reverse("api:baselines-list", kwargs={"programme_slug": cast.programme.slug})
    made = api.post(url, {"name": "Approved at OBC", "reason": "OBC approved"}, format="json")
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["in_use"] and {d["milestone"] for d in body["dates"]} == {late.pk, activity.pk}
    clash = api.post(url, {"name": "APPROVED AT OBC", "reason": "again"}, format="json")
    assert clash.status_code == 400 and "name" in clash.json()
    second = api.post(url, {"name": "Re-planned", "reason": "Consultation extended"}, format="json").json()
    back = api.post(reverse("api:baselines-use", kwargs={"programme_slug": cast.programme.slug,
                                                         "pk": body["id"]}), format="json")
    assert back.status_code == 200 and back.json()["in_use"]
    assert not Baseline.objects.get(pk=second["id"]).in_use
    assert api_client(cast, "director").post(url, {"name": "Mine", "reason": "x"}, format="json").status_code == 403


def test_a_plan_s_present_baseline_is_kept_under_a_name(plan):
    """The first baseline of a plan that came with its own baseline dates: nothing moves."""
    cast, late, activity = plan
    response = cast.client("pm").post(reverse("programmes:baseline_take", args=[cast.programme.slug]), {
        "name": "As brought in", "reason": "The plan as the council had it", "keep": "present"})
    assert response.status_code == 302
    late.refresh_from_db()
    assert (late.baseline_date, late.slippage_days) == (day(20), 10)
    held = {d.milestone_id: (d.start_date, d.end_date) for d in Baseline.objects.get().dates.all()}
    assert held == {late.pk: (None, day(20)), activity.pk: (day(5), day(40))}
    refused = cast.client("pm").post(reverse("programmes:baseline_take", args=[cast.programme.slug]), {
        "name": "Another", "reason": "x"})
    assert "Choose which dates to keep" in refused.content.decode()
