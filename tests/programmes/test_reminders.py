"""Reminders and digests by email (programmes.notify): each reminder recorded and sent once,
at the stages its kind names, as each person chose, with a one-click stop."""
import threading
from datetime import datetime, time, timedelta
from email import message_from_bytes
from email.policy import default as email_policy

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from business_cases.models import BusinessCaseVersion
from core.roles import Role
from programmes import notify
from programmes.models import Membership, Milestone, Notification, NotificationPreference
from programmes.reach import reminder_kinds
from risks.models import RiskAction
from tests.factories import (
    BusinessCaseFactory,
    MembershipFactory,
    MilestoneFactory,
    ProgrammeFactory,
    RiskFactory,
    UserFactory,
    WorkstreamFactory,
)

pytestmark = pytest.mark.django_db
Frequency = NotificationPreference.Frequency


def at(day, hour=10):
    """A moment of a day, council time."""
    return timezone.make_aware(datetime.combine(day, time(hour)))


def today():
    return timezone.localdate()


@pytest.fixture
def people(cast):
    for who in ("pm", "finance", "hr", "director", "viewer", "outsider"):
        cast.users[who].email = f"{who}@example.org"
        cast.users[who].save(update_fields=["email"])
    # No derived deadlines, digests or highlight emails in the way of the counts below,
    # unless a test turns them on again.
    for user in cast.users.values():
        for kind in ("deadline", "digest"):
            notify.preference_set(user=user, kind=kind, frequency="off")
    return cast


def sent_to(who: str, containing: str = "") -> list[str]:
    return [m.subject for m in mail.outbox if m.to == [f"{who}@example.org"] and containing in m.subject]


def test_a_milestone_is_reminded_14_7_and_1_days_before_and_once_when_overdue(people):
    notify.preference_set(user=people.users["pm"], kind="due", frequency="immediate")
    due = today() + timedelta(days=20)
    MilestoneFactory(programme=people.programme, workstream=people.workstream, title="Go-live rehearsal",
                     owner=people.users["pm"], baseline_date=due, forecast_date=due)
    for days_left in (20, 15, 14, 13, 8, 7, 3, 1, 0, -1, -2, -30):
        notify.run_reminders(now=at(due - timedelta(days=days_left)))
    assert sent_to("pm", "Go-live rehearsal") == [
        f"Due in 14 days: Go-live rehearsal ({people.programme.name})",
        f"Due in 7 days: Go-live rehearsal ({people.programme.name})",
        f"Due tomorrow: Go-live rehearsal ({people.programme.name})",
        f"Overdue by 1 day: Go-live rehearsal ({people.programme.name})",
    ]
    assert Notification.objects.filter(kind="due").count() == 4


def test_a_reminder_missed_on_its_day_goes_once_at_the_next_run(people):
    """A server down on the seventh day before: the 7-day reminder goes at 5 days, once."""
    notify.preference_set(user=people.users["pm"], kind="due", frequency="immediate")
    due = today() + timedelta(days=5)
    MilestoneFactory(programme=people.programme, workstream=people.workstream, title="Data cut-over",
                     owner=people.users["pm"], baseline_date=due, forecast_date=due)
    notify.run_reminders(now=at(today()))
    notify.run_reminders(now=at(today() + timedelta(days=1)))
    assert sent_to("pm", "Data cut-over") == [f"Due in 5 days: Data cut-over ({people.programme.name})"]


def test_a_moved_date_is_a_new_event_and_a_closed_milestone_is_not_reminded(people):
    notify.preference_set(user=people.users["pm"], kind="due", frequency="immediate")
    due = today() + timedelta(days=7)
    m = MilestoneFactory(programme=people.programme, workstream=people.workstream, title="Tender award",
                         owner=people.users["pm"], baseline_date=due, forecast_date=due)
    notify.run_reminders(now=at(today()))
    m.forecast_date = due + timedelta(days=14)  # 21 days off: no stage yet
    m.save()
    notify.run_reminders(now=at(today()))
    assert sent_to("pm", "Tender award") == [f"Due in 7 days: Tender award ({people.programme.name})"]
    notify.run_reminders(now=at(m.forecast_date - timedelta(days=14)))
    assert sent_to("pm", "Tender award")[1:] == [f"Due in 14 days: Tender award ({people.programme.name})"]
    m.status = Milestone.Status.COMPLETE
    m.save()
    before = len(mail.outbox)
    notify.run_reminders(now=at(m.forecast_date - timedelta(days=1)))
    notify.run_reminders(now=at(m.forecast_date + timedelta(days=1)))
    assert len(mail.outbox) == before


def test_repeated_runs_record_and_send_nothing_new(people):
    notify.preference_set(user=people.users["pm"], kind="due", frequency="immediate")
    MilestoneFactory(programme=people.programme, workstream=people.workstream, title="Payroll parallel run",
                     owner=people.users["pm"], forecast_date=today() + timedelta(days=1),
                     baseline_date=today() + timedelta(days=1))
    first = notify.run_reminders(now=at(today()))
    again = notify.run_reminders(now=at(today()))
    later = notify.run_reminders(now=at(today(), hour=16))
    assert len(first.recorded) == 1 and len(first.sent) == 1
    assert (again.recorded, again.sent, later.recorded, later.sent) == ([], [], [], [])
    assert len(sent_to("pm", "Payroll parallel run")) == 1


def test_a_twin_run_at_the_same_moment_sends_each_reminder_once(people, monkeypatch):
    """Two beat schedulers: the second run starts its inserts after the first has recorded
    and sent; the unique event key makes its inserts nothing and its sends none."""
    notify.preference_set(user=people.users["pm"], kind="due", frequency="immediate")
    MilestoneFactory(programme=people.programme, workstream=people.workstream, title="Badge printing",
                     owner=people.users["pm"], forecast_date=today() + timedelta(days=7),
                     baseline_date=today() + timedelta(days=7))
    real = notify.deliver_after
    twin = {"ran": False}

    def deliver_after_with_a_twin(frequency, found_at):
        if not twin["ran"]:
            twin["ran"] = True
            notify.run_reminders(now=found_at)  # the other scheduler, in between
        return real(frequency, found_at)

    monkeypatch.setattr(notify, "deliver_after", deliver_after_with_a_twin)
    ours = notify.run_reminders(now=at(today()))
    assert twin["ran"]
    assert ours.recorded == [] and ours.sent == []
    assert len(sent_to("pm", "Badge printing")) == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="two connections at once need PostgreSQL")
def test_two_runs_in_parallel_send_each_reminder_once(people):
    notify.preference_set(user=people.users["pm"], kind="due", frequency="immediate")
    for n in range(20):
        MilestoneFactory(programme=people.programme, workstream=people.workstream, title=f"Parallel {n}",
                         owner=people.users["pm"], forecast_date=today() + timedelta(days=7),
                         baseline_date=today() + timedelta(days=7))
    start = threading.Barrier(2)
    reports = []

    def run():
        try:
            start.wait()
            reports.append(notify.run_reminders(now=at(today())))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(reports) == 2
    assert sum(len(r.sent) for r in reports) == 20
    assert len(sent_to("pm", "Parallel")) == 20
    assert Notification.objects.filter(kind="due", state=Notification.State.SENT).count() == 20


def test_daily_and_weekly_choices_wait_for_their_email_and_go_together(people):
    pm, hr = people.users["pm"], people.users["hr"]
    notify.preference_set(user=pm, kind="due", frequency="daily")
    notify.preference_set(user=hr, kind="due", frequency="weekly")
    for who in (pm, hr):
        for n in (1, 2):
            MilestoneFactory(programme=people.programme, workstream=people.workstream, title=f"{who.username} item {n}",
                             owner=who, forecast_date=today() + timedelta(days=7),
                             baseline_date=today() + timedelta(days=7))
    found = at(today(), hour=10)
    notify.run_reminders(now=found)
    assert mail.outbox == []
    next_morning = at(today() + timedelta(days=1), hour=7)
    notify.run_reminders(now=next_morning - timedelta(minutes=1))
    assert mail.outbox == []
    notify.run_reminders(now=next_morning)
    assert sent_to("pm") == ["Milestones and activities due: 2 reminders today"]
    assert "pm item 1" in mail.outbox[0].body and "pm item 2" in mail.outbox[0].body
    monday = today() + timedelta(days=7 - today().weekday())
    notify.run_reminders(now=at(monday, hour=6))
    assert sent_to("hr") == []
    notify.run_reminders(now=at(monday, hour=7))
    assert sent_to("hr") == ["Milestones and activities due: 2 reminders this week"]


def test_off_records_nothing_and_turning_off_later_stops_what_waits(people):
    pm, hr = people.users["pm"], people.users["hr"]
    notify.preference_set(user=pm, kind="due", frequency="off")
    notify.preference_set(user=hr, kind="due", frequency="daily")
    for who in (pm, hr):
        MilestoneFactory(programme=people.programme, workstream=people.workstream, title=f"Owned by {who.username}",
                         owner=who, forecast_date=today() + timedelta(days=1),
                         baseline_date=today() + timedelta(days=1))
    notify.run_reminders(now=at(today()))
    assert not Notification.objects.filter(user=pm).exists()
    assert Notification.objects.filter(user=hr, state="pending").count() == 1
    notify.preference_set(user=hr, kind="due", frequency="off")
    report = notify.run_reminders(now=at(today() + timedelta(days=1), hour=8))
    assert mail.outbox == [] and report.skipped == 1
    assert Notification.objects.get(user=hr).state == Notification.State.SKIPPED


def test_someone_no_longer_a_member_is_not_reminded(people):
    hr = people.users["hr"]
    notify.preference_set(user=hr, kind="due", frequency="daily")
    MilestoneFactory(programme=people.programme, workstream=people.workstream, title="Owned by hr",
                     owner=hr, forecast_date=today() + timedelta(days=1), baseline_date=today() + timedelta(days=1))
    notify.run_reminders(now=at(today()))
    Membership.objects.filter(user=hr, programme=people.programme).delete()
    notify.run_reminders(now=at(today() + timedelta(days=1), hour=8))
    assert mail.outbox == []
    # And a new run finds no duty of theirs at all.
    assert notify.run_reminders(now=at(today() + timedelta(days=2))).recorded == []


def test_risk_reviews_and_mitigating_actions_are_reminded_to_their_owners(people):
    director, hr = people.users["director"], people.users["hr"]
    for who in (director, hr):
        for kind in ("risk_review", "action"):
            notify.preference_set(user=who, kind=kind, frequency="immediate")
    risk = RiskFactory(programme=people.programme, title="Agency spend", owner=director,
                       next_review_date=today() - timedelta(days=2))
    RiskFactory(programme=people.programme, title="Reviewed soon", owner=director,
                next_review_date=today() + timedelta(days=3))
    RiskAction.objects.create(programme=people.programme, risk=risk, description="Agree an agency cap",
                              owner=hr, due_date=today() + timedelta(days=7))
    RiskAction.objects.create(programme=people.programme, risk=risk, description="Done already", owner=hr,
                              due_date=today(), status=RiskAction.Status.DONE)
    notify.run_reminders(now=at(today()))
    assert sent_to("director") == [f"Overdue by 2 days: {risk.reference} Agency spend ({people.programme.name})"]
    assert sent_to("hr") == [f"Due in 7 days: Agree an agency cap ({people.programme.name})"]
    assert reverse("risks:detail", args=[people.programme.slug, risk.pk]) in mail.outbox[0].body


def test_a_deadline_goes_to_its_workstream_lead_or_else_the_programme_managers(people):
    programme = people.programme
    contract = programme.contracts.get()
    contract.transfer_date = today() + timedelta(days=40)  # the ELI deadline: 28 days before
    contract.save()
    for who in ("pm", "hr"):
        notify.preference_set(user=people.users[who], kind="deadline", frequency="immediate")
    eli = f"Due in 12 days: TUPE Employee Liability Information due: {contract.title} ({programme.name})"
    notify.run_reminders(now=at(today()))
    assert eli in sent_to("pm")
    assert sent_to("hr") == []
    mail.outbox.clear()
    Notification.objects.all().delete()
    WorkstreamFactory(programme=programme, name="People", kind="hr", lead=people.users["hr"])
    notify.run_reminders(now=at(today()))
    assert eli in sent_to("hr")
    assert eli not in sent_to("pm")


def test_a_version_sent_for_review_waits_for_the_directors_decision_once(people):
    case = BusinessCaseFactory(programme=people.programme, stage="obc")
    version = BusinessCaseVersion.objects.create(programme=people.programme, business_case=case, number=1,
                                                 status=BusinessCaseVersion.Status.IN_REVIEW)
    notify.run_reminders(now=at(today()))
    notify.run_reminders(now=at(today() + timedelta(days=3)))
    assert sent_to("director") == [f"Waiting for you: Outline Business Case, version 1 ({people.programme.name})"]
    assert sent_to("pm", "Waiting") == []
    assert reverse("business_cases:version", args=[people.programme.slug, "obc", 1]) in mail.outbox[0].body
    version.status = BusinessCaseVersion.Status.APPROVED
    version.save()
    assert notify.run_reminders(now=at(today() + timedelta(days=4))).recorded == []


def test_the_weekly_digest_goes_to_the_programme_manager_and_director_on_monday(people):
    programme = people.programme
    for user in people.users.values():
        notify.preference_set(user=user, kind="digest", frequency="weekly")
    monday = today() + timedelta(days=7 - today().weekday())
    last_week = at(monday - timedelta(days=7), hour=7)
    moved = MilestoneFactory(programme=programme, workstream=people.workstream, title="Pay award letters",
                             forecast_date=monday + timedelta(days=30), baseline_date=monday + timedelta(days=30))
    risk = RiskFactory(programme=programme, title="Pension admission", residual_likelihood=2, residual_impact=2)
    for record in (moved, risk):
        record.history.update(history_date=last_week - timedelta(days=1))
    notify.run_reminders(now=last_week)
    mail.outbox.clear()
    moved.forecast_date = monday + timedelta(days=44)
    moved.save()
    risk.residual_likelihood = 4
    risk.save()
    MilestoneFactory(programme=programme, workstream=people.workstream, title="Late one",
                     forecast_date=monday - timedelta(days=2), baseline_date=monday - timedelta(days=2))
    notify.run_reminders(now=at(monday, hour=7))
    digests = [m for m in mail.outbox if m.subject.startswith(f"{programme.name}: the week in Insource")]
    assert sorted(m.to[0] for m in digests) == ["director@example.org", "pm@example.org"]
    body = digests[0].body
    assert "Moved later: Pay award letters" in body
    assert f"{risk.reference} Pension admission: residual score up from 4 to 8." in body
    assert "Late: Late one (overdue by 2 days)." in body
    assert "Stop emails about a digest of each programme" in body
    # Once a week: the same Monday again sends none.
    notify.run_reminders(now=at(monday, hour=9))
    assert len([m for m in mail.outbox if m.subject.startswith(f"{programme.name}: the week")]) == 2


def test_every_email_carries_a_one_click_stop_that_works_without_signing_in(people):
    notify.preference_set(user=people.users["pm"], kind="due", frequency="immediate")
    MilestoneFactory(programme=people.programme, workstream=people.workstream, title="Stop me",
                     owner=people.users["pm"], forecast_date=today() + timedelta(days=1),
                     baseline_date=today() + timedelta(days=1))
    notify.run_reminders(now=at(today()))
    message = mail.outbox[0]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = message.extra_headers["List-Unsubscribe"].strip("<>")
    path = url.removeprefix("http://127.0.0.1:8000")
    assert path in message.body and path in message.alternatives[0][0]
    client = Client(enforce_csrf_checks=True)
    # Following the link (as a mail scanner does) stops nothing.
    assert b"Stop these emails" in client.get(path).content
    assert notify.wants(people.users["pm"], "due")
    # The mail program's one-click POST, with no sign-in and no form token.
    response = client.post(path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 302
    assert not notify.wants(people.users["pm"], "due")
    assert b"Emails stopped" in client.get(path).content
    # The other kinds are as they were.
    assert notify.wants(people.users["pm"], "risk_review")
    # And nothing more of that kind goes.
    MilestoneFactory(programme=people.programme, workstream=people.workstream, title="After stopping",
                     owner=people.users["pm"], forecast_date=today() + timedelta(days=1),
                     baseline_date=today() + timedelta(days=1))
    notify.run_reminders(now=at(today(), hour=12))
    assert sent_to("pm", "After stopping") == []


@pytest.mark.parametrize("token", ["nonsense", "eyJ1IjoxLCJrIjoiZHVlIn0:1xZUpq:forged"])
def test_a_forged_stop_link_is_404(people, token):
    assert Client().post(reverse("programmes:unsubscribe", args=[token])).status_code == 404


def test_a_stop_link_for_another_person_cannot_be_made_from_ones_own(people):
    own = notify.unsubscribe_token(people.users["pm"].pk, "due")
    forged = own.replace(own.split(":")[0], notify.unsubscribe_token(people.users["hr"].pk, "due").split(":")[0])
    assert Client().post(reverse("programmes:unsubscribe", args=[forged])).status_code == 404
    assert notify.wants(people.users["hr"], "due")


def test_the_email_settings_page_saves_each_kind(people):
    client = people.client("viewer")
    page = client.get(reverse("programmes:email_settings"))
    assert page.status_code == 200
    for kind in reminder_kinds():
        assert kind.label.encode() in page.content
    choices = {k.key: ("weekly" if "weekly" in k.frequencies else "off") for k in reminder_kinds()}
    response = client.post(reverse("programmes:email_settings"), choices)
    assert response.status_code == 302
    user = people.users["viewer"]
    assert {p.kind: p.frequency for p in user.notification_preferences.all()} == choices


def test_the_email_settings_page_names_a_kind_left_unchosen_or_a_choice_not_offered(people):
    client = people.client("viewer")
    choices = {k.key: "off" for k in reminder_kinds()}
    choices["highlight"] = "weekly"  # not offered for highlight reports
    del choices["due"]
    response = client.post(reverse("programmes:email_settings"), choices)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Choose how often you get emails about milestones and activities due" in text
    assert "Choose how often you get emails about highlight reports ready" in text
    assert not people.users["viewer"].notification_preferences.exclude(kind__in=("deadline", "digest")).exists()


def test_send_reminders_dry_run_says_what_it_would_send_and_writes_nothing(people, capsys):
    notify.preference_set(user=people.users["pm"], kind="due", frequency="immediate")
    MilestoneFactory(programme=people.programme, workstream=people.workstream, title="Dry run item",
                     owner=people.users["pm"], forecast_date=today() + timedelta(days=1),
                     baseline_date=today() + timedelta(days=1))
    call_command("send_reminders", "--dry-run")
    out = capsys.readouterr().out
    assert "Would record 1 new reminder." in out
    assert "pm@example.org: Due tomorrow: Dry run item" in out
    assert "Would send 1 email." in out
    assert not Notification.objects.exists() and mail.outbox == []
    call_command("send_reminders")
    out = capsys.readouterr().out
    assert "Recorded 1 new reminder." in out and "Sent 1 email." in out
    assert len(mail.outbox) == 1


def test_a_mail_server_failure_is_tried_again_then_given_up(people, settings):
    notify.preference_set(user=people.users["pm"], kind="due", frequency="immediate")
    MilestoneFactory(programme=people.programme, workstream=people.workstream, title="Server down",
                     owner=people.users["pm"], forecast_date=today() + timedelta(days=1),
                     baseline_date=today() + timedelta(days=1))
    from tests.servers import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    for hour in (10, 11, 12):
        report = notify.run_reminders(now=at(today(), hour=hour))
        assert report.failed == 1
    row = Notification.objects.get(kind="due")
    assert row.state == Notification.State.FAILED and row.attempts == 3 and row.problem
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notify.run_reminders(now=at(today(), hour=13)).sent == []


def test_reminders_go_through_a_real_smtp_server(people, settings):
    """One integration test: an SMTP server started here (aiosmtpd), the production
    backend, and the messages read back as the server received them."""
    from aiosmtpd.controller import Controller

    from tests.servers import free_port

    received = []

    class Keep:
        async def handle_DATA(self, server, session, envelope):
            received.append((envelope.rcpt_tos, envelope.content))
            return "250 OK"

    controller = Controller(Keep(), hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
        settings.EMAIL_USE_TLS = False
        notify.preference_set(user=people.users["pm"], kind="due", frequency="immediate")
        MilestoneFactory(programme=people.programme, workstream=people.workstream, title="Über-urgent handover",
                         owner=people.users["pm"], forecast_date=today() + timedelta(days=7),
                         baseline_date=today() + timedelta(days=7))
        report = notify.run_reminders(now=at(today()))
    finally:
        controller.stop()
    assert len(report.sent) == 1
    assert len(received) == 1
    to, raw = received[0]
    assert to == ["pm@example.org"]
    message = message_from_bytes(raw, policy=email_policy)
    assert str(message["Subject"]).strip() == f"Due in 7 days: Über-urgent handover ({people.programme.name})"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert str(message["List-Unsubscribe"]).strip().startswith("<http://127.0.0.1:8000/emails/stop/")
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Über-urgent handover" in text and "Über-urgent handover" in html
    assert '<html lang="en-GB">' in html
    assert Notification.objects.get(kind="due").state == Notification.State.SENT


def test_a_person_in_two_programmes_gets_one_daily_email_for_both(people):
    other = ProgrammeFactory(slug="second", lead_organisation=people.programme.lead_organisation)
    MembershipFactory(programme=other, user=people.users["pm"], role=Role.PROGRAMME_MANAGER)
    notify.preference_set(user=people.users["pm"], kind="due", frequency="daily")
    for programme in (people.programme, other):
        MilestoneFactory(programme=programme, title=f"In {programme.slug}", owner=people.users["pm"],
                         forecast_date=today() + timedelta(days=1), baseline_date=today() + timedelta(days=1))
    notify.run_reminders(now=at(today()))
    notify.run_reminders(now=at(today() + timedelta(days=1), hour=7))
    assert sent_to("pm") == ["Milestones and activities due: 2 reminders today"]
    assert "In home" in mail.outbox[0].body and "In second" in mail.outbox[0].body
    assert other.name in mail.outbox[0].body


def test_a_user_with_no_email_address_is_not_recorded(people):
    people.users["pm"].email = ""
    people.users["pm"].save()
    MilestoneFactory(programme=people.programme, workstream=people.workstream, title="Nobody to tell",
                     owner=people.users["pm"], forecast_date=today() + timedelta(days=1),
                     baseline_date=today() + timedelta(days=1))
    assert notify.run_reminders(now=at(today())).recorded == []
    assert UserFactory(username="spare").notifications.count() == 0
