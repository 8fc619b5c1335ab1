"""Activities (a start and an end beside milestones) and the RAG that follows the dates:
the rule worked by hand, overrides and their limits, validation, the API, the timeline's
bars, the calendar feed, the spreadsheet and the tracker."""
import html
import re
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from rest_framework.test import APIClient

from programmes import exports, selectors
from programmes.models import Milestone, Rag
from programmes.services import milestone_save, milestone_set_status
from programmes.timeline import timeline_svg
from tests.factories import MilestoneFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 10)


def _m(**kw) -> Milestone:
    """An unsaved milestone on its baseline, due after TODAY, not started."""
    values = {"baseline_date": date(2026, 3, 20), "forecast_date": date(2026, 3, 20),
              "status": Milestone.Status.NOT_STARTED}
    return Milestone(**{**values, **kw})


def _activity(**kw) -> Milestone:
    values = {"kind": Milestone.Kind.ACTIVITY, "baseline_start_date": date(2026, 3, 1),
              "forecast_start_date": date(2026, 3, 1), "baseline_date": date(2026, 4, 30),
              "forecast_date": date(2026, 4, 30), "status": Milestone.Status.IN_PROGRESS}
    return Milestone(**{**values, **kw})


# The rule, worked by hand -----------------------------------------------------------------

@pytest.mark.parametrize("milestone, expected", [
    # On baseline and not yet due: Green.
    (_m(), Rag.GREEN),
    # Forecast today is not late yet (the lateness rule: forecast before today).
    (_m(baseline_date=TODAY, forecast_date=TODAY), Rag.GREEN),
    # Forecast yesterday and not complete: Red, whatever its status.
    (_m(baseline_date=date(2026, 3, 9), forecast_date=date(2026, 3, 9)), Rag.RED),
    (_m(baseline_date=date(2026, 3, 1), forecast_date=date(2026, 3, 9), status="in_progress"), Rag.RED),
    # Complete, even after its forecast date and later than baseline: Green.
    (_m(baseline_date=date(2026, 2, 1), forecast_date=date(2026, 2, 20), actual_date=date(2026, 2, 25),
        status="complete"), Rag.GREEN),
    # Cancelled: nothing left to deliver.
    (_m(baseline_date=date(2026, 2, 1), forecast_date=date(2026, 2, 1), status="cancelled"), Rag.GREEN),
    # Forecast 20 March against a baseline of 15 March: slipped, Amber.
    (_m(baseline_date=date(2026, 3, 15), forecast_date=date(2026, 3, 20)), Rag.AMBER),
    # Forecast earlier than baseline is not a slip.
    (_m(baseline_date=date(2026, 3, 25), forecast_date=date(2026, 3, 20)), Rag.GREEN),
    # At risk on its baseline: Amber.
    (_m(status="at_risk"), Rag.AMBER),
    # An activity under way on its baseline dates: Green.
    (_activity(), Rag.GREEN),
    # An activity whose start was forecast for 9 March and has not started: Amber.
    (_activity(forecast_start_date=date(2026, 3, 9), baseline_start_date=date(2026, 3, 9),
               status="not_started"), Rag.AMBER),
    # An activity whose start moved from 1 to 12 March, ending on baseline: Amber.
    (_activity(forecast_start_date=date(2026, 3, 12), status="not_started"), Rag.AMBER),
    # An activity whose end (9 March) has passed, still in progress: Red.
    (_activity(baseline_date=date(2026, 3, 9), forecast_date=date(2026, 3, 9)), Rag.RED),
])
def test_rag_follows_the_dates_and_status(milestone, expected):
    assert milestone.derived_rag(TODAY) == expected
    assert milestone.shown_rag(TODAY) == expected  # no override


def test_the_rule_in_python_agrees_with_lateness_in_sql(cast):
    today = timezone.localdate()
    late = MilestoneFactory(programme=cast.programme, workstream=cast.workstream,
                            baseline_date=today - timedelta(days=1))
    read = Milestone.objects.with_lateness(today).get(pk=late.pk)
    assert read.late is True
    assert read.derived_rag(today, late=read.late) == late.derived_rag(today) == Rag.RED


# Overrides --------------------------------------------------------------------------------

def test_an_override_is_shown_with_its_reason_and_who_set_it_when(cast):
    pm = cast.users["pm"]
    m = cast.milestone
    m.rag_override, m.rag_override_reason = Rag.RED, "The provider has not replied to three letters"
    milestone_save(instance=m, user=pm, reason="RAG set by hand")
    m.refresh_from_db()
    assert (m.rag_override_by, m.rag_override_at is not None) == (pm, True)
    today = timezone.localdate()
    assert (m.derived_rag(today), m.shown_rag(today), m.override_in_force(today)) == (Rag.GREEN, Rag.RED, True)
    latest = m.history.first()
    assert (latest.rag_override, latest.rag_override_reason, latest.history_user,
            latest.history_change_reason) == ("red", "The provider has not replied to three letters", pm,
                                              "RAG set by hand")

    # Saving something else keeps who set the override and when.
    stamped = m.rag_override_at
    m.title = "Consultation with unions"
    milestone_save(instance=m, user=cast.users["director"], reason="Renamed")
    m.refresh_from_db()
    assert (m.rag_override_by, m.rag_override_at) == (pm, stamped)

    # Removing it forgets its reason, who and when: the RAG follows the dates again.
    m.rag_override = ""
    milestone_save(instance=m, user=pm, reason="Override removed")
    m.refresh_from_db()
    assert (m.rag_override_reason, m.rag_override_by, m.rag_override_at) == ("", None, None)
    assert m.shown_rag(today) == Rag.GREEN


def test_an_override_needs_a_reason():
    m = _m(rag_override=Rag.AMBER, rag_override_reason="  ")
    with pytest.raises(ValidationError) as e:
        m.clean()
    assert "rag_override_reason" in e.value.message_dict


def test_a_late_milestone_cannot_be_overridden_to_green(cast):
    today = timezone.localdate()
    m = cast.milestone
    m.baseline_date = m.forecast_date = today - timedelta(days=2)
    m.rag_override, m.rag_override_reason = Rag.GREEN, "Nearly there"
    with pytest.raises(ValidationError) as e:
        milestone_save(instance=m, user=cast.users["pm"], reason="Try")
    assert "cannot be Green" in e.value.message_dict["rag_override"][0]
    # Amber is allowed: someone may judge a late one less serious, and says why.
    m.rag_override = Rag.AMBER
    milestone_save(instance=m, user=cast.users["pm"], reason="Judged")
    assert m.shown_rag(today) == Rag.AMBER


def test_a_green_override_gives_way_when_the_date_passes(cast):
    """Set while it was on time, a Green override never shows once the milestone is late."""
    today = timezone.localdate()
    m = cast.milestone
    m.baseline_date, m.forecast_date, m.status = today + timedelta(days=5), today + timedelta(days=9), "in_progress"
    m.rag_override, m.rag_override_reason = Rag.GREEN, "The slip is inside the float"
    milestone_save(instance=m, user=cast.users["pm"], reason="Override")
    assert m.shown_rag(today) == Rag.GREEN  # slipped (Amber by the dates), Green by hand
    later = today + timedelta(days=10)
    assert (m.shown_rag(later), m.override_in_force(later)) == (Rag.RED, False)


def test_reopening_a_late_milestone_removes_its_green_override(cast):
    today = timezone.localdate()
    m = cast.milestone
    m.baseline_date = m.forecast_date = today - timedelta(days=3)
    m.status, m.actual_date = "complete", today - timedelta(days=3)
    m.rag_override, m.rag_override_reason = Rag.GREEN, "Done"
    milestone_save(instance=m, user=cast.users["pm"], reason="Done")
    milestone_set_status(milestone=m, status="in_progress", user=cast.users["pm"])
    m.refresh_from_db()
    assert (m.rag_override, m.shown_rag(today)) == ("", Rag.RED)
    assert "Green RAG override removed" in m.history.first().history_change_reason


# Activities: validation --------------------------------------------------------------------

def _form_data(cast, **kw) -> dict:
    return {"kind": "activity", "title": "Tender period", "workstream": cast.workstream.pk,
            "status": "not_started", "baseline_start_date": "2026-05-01", "baseline_date": "2026-06-30",
            "forecast_start_date": "2026-05-01", "forecast_date": "2026-06-30", **kw}


def test_an_activity_is_added_from_the_page(cast, pm_client):
    response = pm_client.post(reverse("programmes:milestone_create", args=["home"]), _form_data(cast))
    assert response.status_code == 302
    a = Milestone.objects.get(title="Tender period")
    assert (a.kind, a.forecast_start_date, a.forecast_date) == ("activity", date(2026, 5, 1), date(2026, 6, 30))
    page = pm_client.get(reverse("programmes:milestone_detail", args=["home", a.pk])).content.decode()
    assert "Forecast start" in page and "1 May 2026" in page and "Edit activity" in page


@pytest.mark.parametrize("change, field, words", [
    ({"forecast_date": "2026-04-30"}, "forecast_date",
     "The forecast end date must be the same as or after the forecast start date (1 May 2026)."),
    ({"baseline_date": "2026-04-01"}, "baseline_date",
     "The baseline end date must be the same as or after the baseline start date (1 May 2026)."),
    ({"forecast_start_date": ""}, "forecast_start_date", "Enter the activity's forecast start date."),
    ({"kind": "milestone"}, "baseline_start_date", "A milestone has one date: leave the baseline start date empty"),
])
def test_bad_activity_dates_name_the_field_and_save_nothing(cast, pm_client, change, field, words):
    before = Milestone.objects.count()
    response = pm_client.post(reverse("programmes:milestone_create", args=["home"]), _form_data(cast, **change))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert words in errors[field][0]
    assert words.split(" (")[0] in html.unescape(response.content.decode())  # in the summary and by the field
    assert Milestone.objects.count() == before


def test_the_database_refuses_an_end_before_the_start(cast):
    m = MilestoneFactory(programme=cast.programme, workstream=cast.workstream, kind="activity",
                         baseline_start_date=date(2026, 5, 1), forecast_start_date=date(2026, 5, 1),
                         baseline_date=date(2026, 6, 1), forecast_date=date(2026, 6, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Milestone.objects.filter(pk=m.pk).update(forecast_date=date(2026, 4, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Milestone.objects.filter(pk=m.pk).update(rag_override="red", rag_override_reason="")


# The API ------------------------------------------------------------------------------------

def _api(cast, who="pm") -> APIClient:
    client = APIClient()
    client.force_login(cast.users[who])
    return client


def test_the_api_answers_kind_starts_and_the_rag_with_its_override(cast):
    client = _api(cast)
    today = timezone.localdate()

    def day(n):
        return (today + timedelta(days=n)).isoformat()

    made = client.post("/api/v1/programmes/home/milestones/", {
        "kind": "activity", "title": "Staff consultation", "workstream": cast.workstream.pk,
        "baseline_start_date": day(10), "baseline_date": day(55),
        "forecast_start_date": day(17), "forecast_date": day(55)}, format="json")
    assert made.status_code == 201, made.json()
    body = made.json()
    assert (body["kind"], body["forecast_start_date"], body["rag"], body["rag_derived"], body["rag_overridden"]) == (
        "activity", day(17), "amber", "amber", False)  # its start has moved a week

    url = f"/api/v1/programmes/home/milestones/{body['id']}/"
    patched = client.patch(url, {"rag_override": "red", "rag_override_reason": "Unions asked for 60 days"},
                           format="json").json()
    assert (patched["rag"], patched["rag_label"], patched["rag_derived"], patched["rag_overridden"],
            patched["rag_override"], patched["rag_override_reason"], patched["rag_override_by"]) == (
        "red", "Red", "amber", True, "red", "Unions asked for 60 days", cast.users["pm"].pk)
    assert patched["rag_override_at"]
    listed = {m["id"]: m for m in client.get("/api/v1/programmes/home/milestones/").json()["results"]}
    assert listed[body["id"]]["rag"] == "red"

    # Who and when are the server's to say; the RAG shown is never written directly.
    client.patch(url, {"rag": "green", "rag_override_by": cast.users["director"].pk}, format="json")
    again = client.get(url).json()
    assert (again["rag"], again["rag_override_by"]) == ("red", cast.users["pm"].pk)


def test_the_api_refuses_an_end_before_the_start_naming_the_field(cast):
    response = _api(cast).post("/api/v1/programmes/home/milestones/", {
        "kind": "activity", "title": "Tender", "workstream": cast.workstream.pk,
        "baseline_start_date": "2026-05-01", "baseline_date": "2026-06-15",
        "forecast_start_date": "2026-05-01", "forecast_date": "2026-04-15"}, format="json")
    assert response.status_code == 400
    assert "forecast start date" in str(response.json()["forecast_date"])
    assert not Milestone.objects.filter(title="Tender").exists()


def test_the_api_refuses_a_green_override_of_a_late_milestone(cast):
    today = timezone.localdate()
    Milestone.objects.filter(pk=cast.milestone.pk).update(
        baseline_date=today - timedelta(days=4), forecast_date=today - timedelta(days=4))
    response = _api(cast).patch(f"/api/v1/programmes/home/milestones/{cast.milestone.pk}/", {
        "rag_override": "green", "rag_override_reason": "Fine really"}, format="json")
    assert response.status_code == 400
    assert "cannot be Green" in str(response.json()["rag_override"])


# The timeline, the calendar and the spreadsheet ---------------------------------------------

def _plan_with_activity(cast):
    programme = cast.programme
    programme.transfer_date = date(2026, 10, 1)
    programme.save()
    return MilestoneFactory(programme=programme, workstream=cast.workstream, kind="activity",
                            title="Tender period", baseline_start_date=date(2026, 3, 2),
                            baseline_date=date(2026, 4, 24), forecast_start_date=date(2026, 3, 16),
                            forecast_date=date(2026, 5, 8), status="in_progress")


def test_the_timeline_draws_an_activity_as_a_bar_with_words(cast):
    _plan_with_activity(cast)
    milestones, derived = selectors.plan_rows(programme=cast.programme)
    svg = timeline_svg(programme=cast.programme, milestones=milestones, derived=derived,
                       workstreams=list(cast.programme.workstreams.all()), today=date(2026, 3, 20), whole=True)
    assert svg.count('class="app-timeline__bar"') == 1
    assert "<title>Tender period: 16 Mar 2026 to 8 May 2026 (baseline 2 Mar 2026 to 24 Apr 2026)</title>" in svg
    assert ">Tender period</text>" in svg
    assert "of which 1 is an activity drawn as bars" in svg
    # The bar is as long as the activity: 53 days against the 14 days from 2 to 16 March.
    bar = re.search(r'<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)"[^>]*class="app-timeline__bar"', svg)
    baseline = re.search(r'<line x1="([\d.]+)" y1="[\d.]+" x2="([\d.]+)"[^>]*stroke-dasharray="3 2"', svg)
    bar_x, bar_w = float(bar.group(1)), float(bar.group(2))
    base_x0 = float(baseline.group(1))
    assert bar_w / (bar_x - base_x0) == pytest.approx(53 / 14, rel=0.03)


def test_the_calendar_spans_an_activitys_days(cast):
    activity = _plan_with_activity(cast)
    cal = Calendar.from_ical(exports.plan_calendar(programme=cast.programme, host="testserver"))
    event = next(e for e in cal.walk("VEVENT") if str(e["uid"]).startswith(f"milestone-{activity.pk}@"))
    assert event.decoded("dtstart") == date(2026, 3, 16)
    assert event.decoded("dtend") == date(2026, 5, 9)  # the day after its last
    assert "Activity" in str(event["description"]) and "2 Mar 2026 to 24 Apr 2026" in str(event["description"])


def test_the_spreadsheet_has_the_kind_starts_and_the_rag_shown(cast):
    import io

    from openpyxl import load_workbook

    activity = _plan_with_activity(cast)
    activity.rag_override, activity.rag_override_reason = Rag.RED, "Bidders asked for more time"
    milestone_save(instance=activity, user=cast.users["pm"], reason="RAG set by hand")
    wb = load_workbook(io.BytesIO(exports.plan_workbook(programme=cast.programme, today=date(2026, 3, 20))))
    rows = list(wb["Plan"].iter_rows(values_only=True))
    row = dict(zip(rows[0], next(r for r in rows if r[1] == "Tender period"), strict=True))
    assert (row["Kind"], row["Baseline start date"].date(), row["Forecast start date"].date()) == (
        "Activity", date(2026, 3, 2), date(2026, 3, 16))
    assert (row["RAG"], row["RAG from dates"], row["RAG override reason"]) == (
        "Red", "Amber", "Bidders asked for more time")


# The tracker ------------------------------------------------------------------------------

def test_the_tracker_shows_activities_and_overrides_in_words(cast, pm_client):
    today = timezone.localdate()
    MilestoneFactory(programme=cast.programme, workstream=cast.workstream, kind="activity", title="Tender",
                     baseline_start_date=today + timedelta(days=5), forecast_start_date=today + timedelta(days=5),
                     baseline_date=today + timedelta(days=40), forecast_date=today + timedelta(days=40))
    Milestone.objects.filter(pk=cast.milestone.pk).update(rag_override="amber",
                                                          rag_override_reason="Unison ballot pending")
    MilestoneFactory(programme=cast.programme, workstream=cast.workstream, title="Overdue",
                     baseline_date=today - timedelta(days=1))
    response = pm_client.get(reverse("programmes:tracker", args=["home"]))
    rows = {m.title: m for m in response.context["plan"].rows}
    assert (rows["Overdue"].rag_shown, rows["Consultation"].rag_shown, rows["Tender"].rag_shown) == (
        "red", "amber", "green")
    page = response.content.decode()
    assert "Set by hand: Unison ballot pending (the dates give Green)" in page
    assert ">Activity</strong>" in page
    short = f"{today + timedelta(days=5):%-d %b %Y} to {today + timedelta(days=40):%-d %b %Y}"
    assert short in page


def test_the_tracker_runs_the_same_queries_with_activities_and_overrides(cast):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    viewer = cast.users["viewer"]
    client = Client()
    client.force_login(viewer)
    url = reverse("programmes:tracker", args=["home"])
    today = timezone.localdate()

    def add(n):
        for i in range(n):
            MilestoneFactory(programme=cast.programme, workstream=cast.workstream, kind="activity",
                             title=f"Activity {i}", baseline_start_date=today, forecast_start_date=today,
                             baseline_date=today + timedelta(days=9), forecast_date=today + timedelta(days=9),
                             rag_override="red", rag_override_reason="Judged")

    add(3)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    add(27)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(few) == len(many)


def test_members_only_see_their_programmes_activities(cast):
    other = cast.other_programme
    ws = other.workstreams.create(name="Procurement")
    foreign = MilestoneFactory(programme=other, workstream=ws, kind="activity",
                               baseline_start_date=date(2026, 5, 1), forecast_start_date=date(2026, 5, 1),
                               baseline_date=date(2026, 6, 1), forecast_date=date(2026, 6, 1))
    assert _api(cast).get(f"/api/v1/programmes/home/milestones/{foreign.pk}/").status_code == 404
    assert cast.client("pm").get(
        reverse("programmes:milestone_detail", args=["home", foreign.pk])).status_code == 404
