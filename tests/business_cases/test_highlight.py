"""The programme board highlight report: each section read from the records, "since the
last report" worked out from the history, the programme manager's commentary, versions
made by a job from the report's page, and the highlight_report command."""
import io
import uuid
from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from docx import Document as WordDocument
from pypdf import PdfReader

from business_cases.highlight import KIND, highlight_data, highlight_document, next_period
from business_cases.models import HighlightReport, HighlightVersion
from core.documents import document_text
from core.models import Job
from programmes.models import ConfidenceAssessment, Decision, Milestone
from programmes.services import record_save
from risks.models import Issue, Risk
from risks.services import risk_save
from tests.factories import MilestoneFactory
from tests.risks.conftest import make_risk

pytestmark = pytest.mark.django_db

START, END = date(2026, 10, 1), date(2026, 10, 31)
TODAY = date(2026, 11, 6)


def make_report(programme, user=None, **kw) -> HighlightReport:
    return record_save(instance=HighlightReport(programme=programme, period_start=kw.pop("period_start", START),
                                                period_end=kw.pop("period_end", END), created_by=user, **kw),
                       user=user, reason="Test")


def _text(report) -> str:
    return document_text(highlight_document(highlight_data(report=report, today=TODAY)))


@pytest.mark.parametrize("start, end, following", [
    (date(2026, 10, 1), date(2026, 10, 31), (date(2026, 11, 1), date(2026, 11, 30))),
    (date(2026, 12, 1), date(2026, 12, 31), (date(2027, 1, 1), date(2027, 1, 31))),
    (date(2026, 1, 1), date(2026, 3, 31), (date(2026, 4, 1), date(2026, 6, 30))),  # a quarter
    (date(2026, 10, 5), date(2026, 10, 18), (date(2026, 10, 19), date(2026, 11, 1))),  # two weeks
])
def test_the_next_period_is_as_long_as_this_one(start, end, following):
    assert next_period(start, end) == following


def test_confidence_and_its_trend_come_from_the_assessments(cast):
    report = make_report(cast.programme)
    assert "No delivery confidence has been assessed for this period." in _text(report)
    ConfidenceAssessment.objects.create(programme=cast.programme, period_end=date(2026, 9, 30), rating="amber_green")
    assert "Amber/Green for the period ending 30 September 2026: the first assessment." in _text(report)
    ConfidenceAssessment.objects.create(programme=cast.programme, period_end=END, rating="amber",
                                        commentary="The agreement is slow")
    text = _text(report)
    assert "Amber for the period ending 31 October 2026: worse since Amber/Green" in text
    assert "The assessment says: The agreement is slow" in text
    # One after the period is not this report's.
    ConfidenceAssessment.objects.create(programme=cast.programme, period_end=date(2026, 11, 30), rating="green")
    assert "Amber for the period ending 31 October 2026: worse" in _text(report)


def test_milestones_achieved_due_next_and_late_and_each_workstreams_rag(cast):
    p, ws = cast.programme, cast.workstream
    Milestone.objects.filter(pk=cast.milestone.pk).delete()
    MilestoneFactory(programme=p, workstream=ws, title="Unions briefed", baseline_date=date(2026, 10, 10),
                     forecast_date=date(2026, 10, 12), actual_date=date(2026, 10, 12), status="complete")
    MilestoneFactory(programme=p, workstream=ws, title="Measures letter sent", baseline_date=date(2026, 11, 20),
                     forecast_date=date(2026, 11, 20))
    MilestoneFactory(programme=p, workstream=ws, title="ELI received", baseline_date=date(2026, 11, 1),
                     forecast_date=date(2026, 11, 2))
    MilestoneFactory(programme=p, workstream=ws, title="Pay modelled", baseline_date=date(2026, 12, 15),
                     forecast_date=date(2026, 12, 15))
    doc = highlight_document(highlight_data(report=make_report(p), today=TODAY))
    text = document_text(doc)
    achieved = text.split("Achieved this period")[1].split("Due next period")[0]
    assert "Unions briefed | HR | 12 October 2026" in achieved
    due = text.split("Due next period")[1].split("4. ")[0]
    assert "Measures letter sent" in due and "ELI received" in due and "Pay modelled" not in due
    assert "1 milestone is late" in text and "ELI received | HR | 2 November 2026" in text.split("Late now")[1]
    assert "HR | Red | 1 late: ELI received." in text


def test_what_changed_since_the_last_report_comes_from_the_history(cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    p, pm = cast.programme, cast.users["pm"]
    moved = MilestoneFactory(programme=p, workstream=cast.workstream, title="Go-live rehearsal",
                             baseline_date=date(2026, 12, 1), forecast_date=date(2026, 12, 1))
    steady = make_risk(p, pm, title="Payroll not ready", residual_likelihood=3, residual_impact=3)
    rising = make_risk(p, pm, title="Agency costs rise", residual_likelihood=2, residual_impact=3)
    closing = make_risk(p, pm, title="Premises lease", residual_likelihood=2, residual_impact=2)
    old_issue = Issue.objects.create(programme=p, title="Late data", raised_on=date(2026, 9, 1))
    # The September report, last made now: the baseline of October's.
    september = make_report(p, pm, period_start=date(2026, 9, 1), period_end=date(2026, 9, 30))
    job = Job.objects.create(kind=KIND, created_by=pm, status=Job.Status.SUCCEEDED,
                             target_type_id=_type(september), target_id=september.pk)
    HighlightVersion.objects.create(report=september, job=job, number=1, made_by=pm, snapshot_at=timezone.now(),
                                    pdf="x.pdf", docx="x.docx")
    # Then, after that report: the rehearsal moves a fortnight, one risk rises, one closes,
    # a risk and a milestone are added, and the old issue is resolved.
    moved.forecast_date = date(2026, 12, 15)
    moved.save()
    rising.residual_likelihood = 4
    risk_save(risk=rising, user=pm, reason="Worse")
    closing.status = Risk.Status.CLOSED
    risk_save(risk=closing, user=pm, reason="Done")
    make_risk(p, pm, title="Union dispute", residual_likelihood=4, residual_impact=4)
    MilestoneFactory(programme=p, workstream=cast.workstream, title="New step", baseline_date=date(2026, 12, 20),
                     forecast_date=date(2026, 12, 30))
    old_issue.status, old_issue.resolved_on = Issue.Status.RESOLVED, TODAY
    old_issue.save()
    Issue.objects.create(programme=p, title="Pension data missing", raised_on=TODAY, priority="high")

    text = _text(make_report(p))
    assert "the last report (period ending 30 September 2026" in text
    slipped = text.split("Slipped since the last report")[1]
    assert "Go-live rehearsal | 1 December 2026 | 15 December 2026" in slipped
    assert "New step" not in slipped  # added since, not slipped
    risks = text.split("open risks, by score after mitigation")[1].split("Closed since")[0]
    assert f"{rising.reference} | Agency costs rise" in risks and "Up from 6" in risks
    assert "Payroll not ready" in risks and "Unchanged" in risks
    assert "Union dispute" in risks and "New" in risks
    assert "Premises lease" not in risks
    assert f"Closed since the last report: {closing.reference} Premises lease." in text
    assert "Pension data missing | High | 6 November 2026 | New" in text
    assert "Resolved since the last report: Late data." in text
    assert steady.pk  # listed unchanged above


def _type(obj) -> int:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(obj).pk


def test_the_commentary_heads_each_section_and_decisions_are_numbered(cast):
    p = cast.programme
    Decision.objects.create(programme=p, body="Cabinet", meeting_date=date(2026, 11, 12), title="Agree the FBC")
    report = make_report(p, confidence_commentary="Slower than planned, but recoverable.",
                         decisions_commentary="Agree the go-live date\n\nRelease the contingency")
    doc = highlight_document(highlight_data(report=report, today=TODAY))
    sections = {s.title: s for s in doc.sections}
    assert sections["Delivery confidence"].blocks[0].text == "Slower than planned, but recoverable."
    assert sections["Decisions needed from the board"].blocks[0].items == ("Agree the go-live date",
                                                                          "Release the contingency")
    text = document_text(doc)
    assert "12 November 2026 | Cabinet | Agree the FBC" in text


def test_the_page_generates_versions_that_members_download(cast, media, django_capture_on_commit_callbacks):
    p = cast.programme
    pm = cast.client("pm")
    response = pm.post(reverse("business_cases:highlight_create", args=["home"]), {
        "period_start_day": "1", "period_start_month": "10", "period_start_year": "2026",
        "period_end_day": "31", "period_end_month": "10", "period_end_year": "2026", "board": "Programme board",
        "risks_commentary": "Two risks rose this month."})
    report = HighlightReport.objects.get(programme=p)
    assert response["Location"] == reverse("business_cases:highlight", args=["home", report.pk])
    detail = pm.get(response["Location"]).content.decode()
    assert "Two risks rose this month." in detail and "No version has been generated yet." in detail
    with django_capture_on_commit_callbacks(execute=True):
        response = pm.post(reverse("business_cases:highlight_generate", args=["home", report.pk]),
                           {"request_id": uuid.uuid4().hex})
    job = Job.objects.get(kind=KIND)
    assert job.status == Job.Status.SUCCEEDED, job.error
    done = pm.get(response["Location"]).content.decode()
    assert "Version 1 is ready" in done
    version = HighlightVersion.objects.get(report=report)
    assert (version.number, version.made_by) == (1, cast.users["pm"]) and version.pages >= 2
    viewer = cast.client("viewer")
    pdf = b"".join(viewer.get(reverse("business_cases:highlight_download",
                                      args=["home", report.pk, 1, "pdf"])).streaming_content)
    text = " ".join((page.extract_text() or "") for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Programme board highlight report" in text and "Two risks rose this month." in text
    docx = b"".join(viewer.get(reverse("business_cases:highlight_download",
                                       args=["home", report.pk, 1, "docx"])).streaming_content)
    assert any(par.text == "5. Top risks and issues" for par in WordDocument(io.BytesIO(docx)).paragraphs)
    listed = viewer.get(reverse("business_cases:highlights", args=["home"])).content.decode()
    assert "1 October 2026 to 31 October 2026" in listed and "Version 1" in listed


def test_a_period_that_ends_before_it_starts_is_refused(cast):
    response = cast.client("pm").post(reverse("business_cases:highlight_create", args=["home"]), {
        "period_start": "2026-10-31", "period_end": "2026-10-01", "board": "Programme board"})
    assert response.status_code == 200
    assert "The end of the period must be on or after its start" in response.content.decode()
    assert not HighlightReport.objects.exists()


def test_the_command_writes_the_report(cast, tmp_path, capsys):
    make_report(cast.programme, board="Corporate management team")
    out, docx = tmp_path / "report.pdf", tmp_path / "report.docx"
    call_command("highlight_report", "home", "--out", str(out), "--docx", str(docx))
    assert "Corporate management team highlight report" in " ".join(
        (p.extract_text() or "") for p in PdfReader(str(out)).pages)
    assert any(p.text == "1. Delivery confidence" for p in WordDocument(str(docx)).paragraphs)
    assert "Wrote" in capsys.readouterr().out


def test_the_command_makes_last_months_report_when_there_is_none(cast, tmp_path, capsys):
    call_command("highlight_report", "home", "--out", str(tmp_path / "r.pdf"))
    end = timezone.localdate().replace(day=1) - timedelta(days=1)
    assert f"1 {end:%B} to {end:%-d %B %Y}" in capsys.readouterr().out
    assert not HighlightReport.objects.exists()  # not kept


@pytest.mark.parametrize("args, message", [
    (["nowhere"], "no programme with the slug 'nowhere'"),
    (["home", "--report", "999"], "no highlight report with id 999"),
])
def test_the_command_says_what_is_wrong(cast, tmp_path, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("highlight_report", *args, "--out", str(tmp_path / "x.pdf"))


# --- On a schedule ----------------------------------------------------------------------------

@pytest.mark.parametrize("year, month, n, expected", [
    (2026, 12, 5, date(2026, 12, 7)),  # Tuesday the 1st: the fifth working day is the next Monday
    (2027, 1, 1, date(2027, 1, 4)),  # New Year's Day is a Friday bank holiday
    (2027, 1, 5, date(2027, 1, 8)),
    (2027, 4, 1, date(2027, 4, 1)),  # Thursday; Good Friday is the 26 March
    (2027, 5, 1, date(2027, 5, 4)),  # the early May bank holiday, Monday the 3rd
])
def test_the_nth_working_day_skips_weekends_and_bank_holidays(year, month, n, expected):
    from business_cases.highlight import nth_working_day

    assert nth_working_day(year, month, n) == expected


def test_the_schedule_makes_last_months_report_on_its_day_once(cast, django_capture_on_commit_callbacks, media):
    from business_cases.highlight import scheduled_reports
    from business_cases.models import HighlightSchedule

    pm = cast.client("pm")
    response = pm.post(reverse("business_cases:highlight_schedule", args=["home"]),
                       {"enabled": "on", "working_day": "5", "board": "Lead member"})
    assert response.status_code == 302
    schedule = HighlightSchedule.objects.get(programme=cast.programme)
    assert (schedule.working_day, schedule.set_by) == (5, cast.users["pm"])
    assert scheduled_reports(today=date(2027, 1, 7)) == []  # the fourth working day
    with django_capture_on_commit_callbacks(execute=True):
        jobs = scheduled_reports(today=date(2027, 1, 8))
        again = scheduled_reports(today=date(2027, 1, 8))
    report = HighlightReport.objects.get(programme=cast.programme)
    assert (report.period_start, report.period_end, report.board) == (date(2026, 12, 1), date(2026, 12, 31),
                                                                      "Lead member")
    assert [j.pk for j in jobs] == [j.pk for j in again] and Job.objects.filter(kind=KIND).count() == 1
    version = HighlightVersion.objects.get(report=report)
    assert version.made_by == cast.users["pm"] and version.pdf.name.endswith(".pdf")
    listed = cast.client("viewer").get(reverse("business_cases:highlights", args=["home"])).content.decode()
    assert "Made on working day 5 of each month" in listed and "lead member" in listed
    # Turned off, it makes nothing.
    pm.post(reverse("business_cases:highlight_schedule", args=["home"]), {"working_day": "5", "board": "Lead member"})
    schedule.refresh_from_db()
    assert not schedule.enabled and scheduled_reports(today=date(2027, 2, 5)) == []


def test_a_schedule_day_out_of_range_is_refused(cast):
    response = cast.client("pm").post(reverse("business_cases:highlight_schedule", args=["home"]),
                                      {"enabled": "on", "working_day": "40", "board": "Board"})
    assert response.status_code == 200 and "less than or equal to 15" in response.content.decode()


def test_a_second_report_for_the_same_period_is_refused(cast):
    make_report(cast.programme)
    response = cast.client("pm").post(reverse("business_cases:highlight_create", args=["home"]), {
        "period_start": "2026-10-01", "period_end": "2026-10-31", "board": "Programme board"})
    assert response.status_code == 200
    assert "There is already a highlight report for this period" in response.content.decode()
    assert HighlightReport.objects.count() == 1


def test_the_api_writes_a_report_generates_it_and_returns_its_version(cast, media,
                                                                      django_capture_on_commit_callbacks):
    from rest_framework.test import APIClient

    pm, viewer = APIClient(), APIClient()
    pm.force_authenticate(cast.users["pm"])
    viewer.force_authenticate(cast.users["viewer"])
    listed = reverse("business_cases_api:highlight-reports-list", args=["home"])
    made = pm.post(listed, {"period_start": "2026-10-01", "period_end": "2026-10-31", "board": "Programme board",
                            "decisions_commentary": "Agree the go-live date"}, format="json")
    assert made.status_code == 201, made.content
    again = pm.post(listed, {"period_start": "2026-10-01", "period_end": "2026-10-31"}, format="json")
    assert again.status_code == 400 and "period_start" in again.json()
    assert viewer.post(listed, {"period_start": "2026-11-01", "period_end": "2026-11-30"},
                       format="json").status_code == 403
    url = reverse("business_cases_api:highlight-report-generate", args=["home", made.json()["id"]])
    with django_capture_on_commit_callbacks(execute=True):
        answer = pm.post(url, {"request_id": str(uuid.uuid4())}, format="json")
    assert answer.status_code == 202
    polled = viewer.get(answer.json()["poll_url"]).json()
    assert polled["status"] == "succeeded" and polled["version"]["number"] == 1
    assert polled["version"]["pdf_url"].endswith("/v1/pdf/")
    assert viewer.post(url, {}, format="json").status_code == 403
    row = viewer.get(listed).json()["results"][0]
    assert row["decisions_commentary"] == "Agree the go-live date" and row["versions"][0]["pages"] >= 2


def test_the_members_who_asked_are_emailed_when_a_scheduled_report_is_ready(cast, django_capture_on_commit_callbacks,
                                                                              media, mailoutbox, settings):
    from business_cases.highlight import scheduled_reports
    from business_cases.models import HighlightSchedule, HighlightSubscription

    settings.SITE_URL = "https://insource.example.gov.uk"
    for who in ("pm", "viewer", "finance"):
        cast.users[who].email = f"{who}@example.org"
        cast.users[who].save(update_fields=["email"])
    for who in ("pm", "viewer"):
        response = cast.client(who).post(reverse("business_cases:highlight_tell_me", args=["home"]), {"tell": "yes"})
        assert response.status_code == 302
    page = cast.client("viewer").get(reverse("business_cases:highlights", args=["home"])).content.decode()
    assert "Stop emailing me" in page
    # Someone who asked and then left the programme is not told.
    outsider = cast.users["outsider"]
    outsider.email = "outsider@example.org"
    outsider.save(update_fields=["email"])
    HighlightSubscription.objects.create(programme=cast.programme, user=outsider)
    HighlightSchedule.objects.create(programme=cast.programme, working_day=5, set_by=cast.users["pm"])
    with django_capture_on_commit_callbacks(execute=True):
        scheduled_reports(today=date(2027, 1, 8))
    assert sorted(m.to[0] for m in mailoutbox) == ["pm@example.org", "viewer@example.org"]
    message = mailoutbox[0]
    report = HighlightReport.objects.get(programme=cast.programme)
    link = f"https://insource.example.gov.uk/programmes/home/business-case/highlight-reports/{report.pk}/"
    assert "1 December 2026 to 31 December 2026" in message.subject
    assert link in message.body and "made on the programme's schedule" in message.body
    html = message.alternatives[0][0]
    assert f'href="{link}"' in html and '<html lang="en-GB">' in html
    # Asked for on demand, the one who asked is not emailed; the others are. Stopping stops it.
    cast.client("viewer").post(reverse("business_cases:highlight_tell_me", args=["home"]), {"tell": "no"})
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        cast.client("pm").post(reverse("business_cases:highlight_generate", args=["home", report.pk]),
                               {"request_id": uuid.uuid4().hex})
    assert HighlightVersion.objects.filter(report=report).count() == 2
    assert mailoutbox == []
    cast.client("viewer").post(reverse("business_cases:highlight_tell_me", args=["home"]), {"tell": "yes"})
    with django_capture_on_commit_callbacks(execute=True):
        cast.client("pm").post(reverse("business_cases:highlight_generate", args=["home", report.pk]),
                               {"request_id": uuid.uuid4().hex})
    assert [m.to for m in mailoutbox] == [["viewer@example.org"]]
    assert "Version 3 of the highlight report" in mailoutbox[0].body


def test_a_member_without_an_email_address_is_told_why_they_cannot_be_emailed(cast):
    response = cast.client("viewer").post(reverse("business_cases:highlight_tell_me", args=["home"]),
                                          {"tell": "yes"}, follow=True)
    assert "no email address" in response.content.decode()


def test_the_report_measures_slippage_against_the_plans_baseline(cast):
    from programmes.baselines import baseline_take

    p, ws = cast.programme, cast.workstream
    Milestone.objects.filter(pk=cast.milestone.pk).delete()
    moved = MilestoneFactory(programme=p, workstream=ws, title="ELI received", baseline_date=date(2026, 11, 1),
                             forecast_date=date(2026, 11, 1))
    MilestoneFactory(programme=p, workstream=ws, title="Pay modelled", baseline_date=date(2026, 12, 15),
                     forecast_date=date(2026, 12, 15))
    assert "Against the plan's baseline" not in document_text(highlight_document(
        highlight_data(report=make_report(p), today=TODAY)))
    taken = baseline_take(programme=p, name="Approved at OBC", reason="OBC", user=cast.users["pm"], keep="present")
    moved.forecast_date = date(2026, 11, 6)
    moved.save()
    text = document_text(highlight_document(highlight_data(report=make_report(p, period_start=date(2026, 9, 1),
                                                                                period_end=date(2026, 9, 30)),
                                                           today=TODAY)))
    assert (f"Against the plan's baseline “Approved at OBC” (taken {taken.created_at:%-d %B %Y}), 1 open "
            "milestone or activity is forecast later, by up to 5 days.") in text
