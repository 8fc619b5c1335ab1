"""The plan: derived deadlines, late and due-soon, dependencies, forms and history."""
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from programmes import selectors
from programmes.models import Decision, Milestone
from tests.factories import DecisionFactory, MilestoneFactory, ProgrammeFactory, WorkstreamFactory

pytestmark = pytest.mark.django_db


def test_eli_deadline_is_28_days_before_transfer_and_moves_with_it():
    programme = ProgrammeFactory(transfer_date=date(2024, 4, 1))
    contract = programme.contracts.get()
    assert (contract.end_date, contract.transfer_date) == (date(2024, 3, 31), date(2024, 4, 1))
    key = f"eli-deadline-{contract.pk}"
    eli = next(d for d in selectors.derived_milestones(programme=programme) if d.key == key)
    assert eli.date == date(2024, 3, 4)
    contract.transfer_date = date(2024, 6, 1)
    contract.save()
    eli = next(d for d in selectors.derived_milestones(programme=programme) if d.key == key)
    assert eli.date == date(2024, 5, 4)


def test_forward_plan_deadline_is_28_clear_days_before_a_key_decision():
    programme = ProgrammeFactory()
    key = DecisionFactory(programme=programme, meeting_date=date(2022, 11, 10), key_decision=True)
    DecisionFactory(programme=programme, meeting_date=date(2022, 9, 8), key_decision=False)
    derived = selectors.derived_milestones(programme=programme)
    plan = [d for d in derived if d.key.startswith("forward-plan")]
    assert len(plan) == 1  # only the key decision has a forward-plan deadline
    # Neither the publication day nor the meeting day counts: 10 Nov less 29 days.
    assert plan[0].date == date(2022, 10, 12)
    assert (key.meeting_date - plan[0].date).days - 1 == 28
    key.meeting_date = date(2022, 12, 1)
    key.save()
    moved = [d for d in selectors.derived_milestones(programme=programme) if d.key.startswith("forward-plan")]
    assert moved[0].date == date(2022, 11, 2)


def test_late_and_due_soon():
    today = timezone.localdate()
    programme = ProgrammeFactory()
    ws = WorkstreamFactory(programme=programme)
    late = MilestoneFactory(programme=programme, workstream=ws, baseline_date=today - timedelta(days=3))
    MilestoneFactory(programme=programme, workstream=ws, baseline_date=today - timedelta(days=3),
                     status=Milestone.Status.COMPLETE, actual_date=today - timedelta(days=3))
    soon = MilestoneFactory(programme=programme, workstream=ws, baseline_date=today + timedelta(days=30))
    MilestoneFactory(programme=programme, workstream=ws, baseline_date=today + timedelta(days=31))
    ms = Milestone.objects.filter(programme=programme)
    assert list(ms.late(today)) == [late]
    assert list(ms.due_within(today, 30)) == [soon]
    card = selectors.programme_cards(user=_member(programme), today=today).get()
    assert (card.late_count, card.due_soon_count, card.milestone_count) == (1, 1, 4)


def _member(programme):
    from tests.factories import MembershipFactory

    return MembershipFactory(programme=programme).user


def test_dependency_forecast_after_the_milestone_is_warned():
    programme = ProgrammeFactory()
    ws = WorkstreamFactory(programme=programme)
    today = timezone.localdate()
    first = MilestoneFactory(programme=programme, workstream=ws, title="ELI received",
                             baseline_date=today + timedelta(days=20))
    second = MilestoneFactory(programme=programme, workstream=ws, title="Job mapping",
                              baseline_date=today + timedelta(days=10))
    second.depends_on.add(first)
    ms = selectors.milestone_tracker(programme=programme, filters=selectors.TrackerFilters(),
                                     today=today).rows
    warnings = selectors.dependency_warnings(ms)
    assert [m.title for m in warnings[second.pk]] == ["ELI received"]
    assert first.pk not in warnings


def test_tracker_shows_the_eli_deadline_and_countdown(cast, pm_client):
    response = pm_client.get(reverse("programmes:tracker", args=["home"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "ELI deadline" in html
    assert "TUPE Employee Liability Information due" in html
    assert f"{cast.programme.days_to_transfer(timezone.localdate())} days" in html
    assert "<svg" in html


def test_tracker_filters(cast, pm_client):
    today = timezone.localdate()
    late = MilestoneFactory(programme=cast.programme, workstream=cast.workstream, title="Overdue thing",
                            baseline_date=today - timedelta(days=5))
    url = reverse("programmes:tracker", args=["home"])
    html = pm_client.get(url, {"late": "1"}).content.decode()
    assert late.title in html and cast.milestone.title not in html.split("<h2 class=\"govuk-heading-m\">Plan")[1]
    html = pm_client.get(url, {"due_within": "abc"}).content.decode()
    assert "Due within must be a whole number" in html


def test_milestone_form_errors_name_the_field_and_write_nothing(cast, pm_client):
    before = Milestone.objects.count()
    response = pm_client.post(reverse("programmes:milestone_create", args=["home"]), {
        "title": "", "workstream": cast.workstream.pk, "status": "complete", "rag": "green",
        "baseline_date_day": "31", "baseline_date_month": "2", "baseline_date_year": "2024",
        "forecast_date_day": "1", "forecast_date_month": "", "forecast_date_year": "2024",
    })
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert 'href="#id_title"' in html
    assert 'href="#id_baseline_date_day"' in html and "Enter a real date" in html
    assert "Enter the day, month and year." in html
    assert Milestone.objects.count() == before


def test_milestone_complete_needs_an_actual_date(cast, pm_client):
    response = pm_client.post(reverse("programmes:milestone_create", args=["home"]), {
        "title": "Go live", "workstream": cast.workstream.pk, "status": "complete", "rag": "green",
        "baseline_date_day": "1", "baseline_date_month": "4", "baseline_date_year": "2024",
        "forecast_date_day": "1", "forecast_date_month": "4", "forecast_date_year": "2024",
    })
    assert "Enter the date the milestone was met" in response.content.decode()
    assert not Milestone.objects.filter(title="Go live").exists()


def test_milestone_cannot_use_another_programmes_workstream(cast, pm_client):
    foreign = WorkstreamFactory(programme=cast.other_programme)
    response = pm_client.post(reverse("programmes:milestone_create", args=["home"]), {
        "title": "Sneaky", "workstream": foreign.pk, "status": "not_started", "rag": "green",
        "baseline_date_day": "1", "baseline_date_month": "4", "baseline_date_year": "2024",
        "forecast_date_day": "1", "forecast_date_month": "4", "forecast_date_year": "2024",
    })
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Milestone.objects.filter(title="Sneaky").exists()


def test_dependency_loop_is_refused(cast, pm_client):
    a = cast.milestone
    b = MilestoneFactory(programme=cast.programme, workstream=cast.workstream, title="B")
    b.depends_on.add(a)
    response = pm_client.post(reverse("programmes:milestone_edit", args=["home", a.pk]), {
        "title": a.title, "workstream": cast.workstream.pk, "status": "not_started", "rag": "green",
        "baseline_date": a.baseline_date.isoformat(), "forecast_date": a.forecast_date.isoformat(),
        "depends_on": [b.pk],
    })
    assert "loop back to this milestone" in response.content.decode()
    assert not a.depends_on.exists()


def test_edit_records_history_with_user_and_reason(cast, pm_client):
    m = cast.milestone
    new_forecast = m.forecast_date + timedelta(days=14)
    response = pm_client.post(reverse("programmes:milestone_edit", args=["home", m.pk]), {
        "title": m.title, "workstream": cast.workstream.pk, "status": "at_risk", "rag": "amber",
        "baseline_date": m.baseline_date.isoformat(), "forecast_date": new_forecast.isoformat(),
        "change_reason": "Provider late with data",
    })
    assert response.status_code == 302
    latest = m.history.first()
    assert latest.history_user == cast.users["pm"]
    assert latest.history_change_reason == "Provider late with data"
    page = pm_client.get(reverse("programmes:milestone_detail", args=["home", m.pk])).content.decode()
    assert "Provider late with data" in page
    assert "Forecast date" in page and "14 days later than baseline" in page


def test_quick_status_update_sets_actual_date_and_history(cast):
    client = cast.client("hr")  # workstream leads in HR may move their milestones on
    m = cast.milestone
    response = client.post(reverse("programmes:milestone_status", args=["home", m.pk]), {"status": "complete"})
    assert response.status_code == 302
    m.refresh_from_db()
    assert m.status == "complete" and m.actual_date == timezone.localdate()
    assert m.history.first().history_user == cast.users["hr"]
    assert m.history.first().history_change_reason == "Status set to Complete"
    client.post(reverse("programmes:milestone_status", args=["home", m.pk]), {"status": "in_progress"})
    m.refresh_from_db()
    assert m.actual_date is None


def test_status_update_rejects_unknown_status(cast, pm_client):
    pm_client.post(reverse("programmes:milestone_status", args=["home", cast.milestone.pk]), {"status": "done!"})
    cast.milestone.refresh_from_db()
    assert cast.milestone.status == "not_started"


@pytest.mark.parametrize("resource,data,error", [
    ("decisions", {"body": "", "title": "X", "classification": "open"}, "#id_body"),
    ("lessons", {"title": "L", "kind": "nonsense"}, "#id_kind"),
    ("engagement", {"kind": "trade_union", "group": "Unison", "title": "T", "attendees": "-3"}, "#id_attendees"),
    ("confidence", {"scale": "three", "rating": "amber_red"}, "#id_rating"),
    ("workstreams", {"name": "", "kind": "hr", "order": "0"}, "#id_name"),
    ("services", {"code": "PD01", "name": "S", "share_of_contract": "140"}, "#id_share_of_contract"),
])
def test_every_record_form_names_the_bad_field_and_writes_nothing(cast, pm_client, resource, data, error):
    from programmes.resources import RESOURCES

    model = RESOURCES[resource].model
    before = model.objects.count()
    if resource == "confidence":
        data = {**data, "period_end": "2024-01-31"}
    if resource in ("lessons",):
        data = {**data, "recorded_on": "2024-01-31"}
    if resource in ("engagement",):
        data = {**data, "date": "2024-01-31"}
    if resource == "decisions":
        data = {**data, "meeting_date": "2024-01-31"}
    response = pm_client.post(reverse(f"programmes:{resource}_create", args=["home"]), data)
    assert response.status_code == 200
    assert f'href="{error}' in response.content.decode()
    assert model.objects.count() == before


def test_decision_create_and_history(cast, pm_client):
    response = pm_client.post(reverse("programmes:decisions_create", args=["home"]), {
        "body": "Cabinet", "meeting_date": "2022-11-10", "title": "SOC", "key_decision": "on",
        "forward_plan_ref": "E3393", "classification": "open", "wards": "All",
    })
    assert response.status_code == 302
    d = Decision.objects.get(programme=cast.programme)
    assert d.forward_plan_deadline == date(2022, 10, 12)
    listing = pm_client.get(reverse("programmes:decisions_list", args=["home"])).content.decode()
    assert "E3393" in listing and "12 Oct 2022" in listing
    history = pm_client.get(reverse("programmes:decisions_history", args=["home", d.pk])).content.decode()
    assert "Decision added" in history


def test_workstream_with_milestones_cannot_be_deleted(cast, pm_client):
    response = pm_client.post(reverse("programmes:workstreams_delete", args=["home", cast.workstream.pk]))
    assert response.status_code == 302
    assert cast.workstream.__class__.objects.filter(pk=cast.workstream.pk).exists()


def test_programme_edit_records_history(cast):
    client = cast.client("director")
    p = cast.programme
    response = client.post(reverse("programmes:edit", args=["home"]), {
        "name": p.name, "kind": "in_house", "status": "mobilising",
        "transfer_date": (p.transfer_date + timedelta(days=7)).isoformat(), "director": "DASS",
        "change_reason": "Go-live moved a week",
    })
    assert response.status_code == 302
    html = client.get(reverse("programmes:history", args=["home"])).content.decode()
    assert "Go-live moved a week" in html and "Go-live day" in html
