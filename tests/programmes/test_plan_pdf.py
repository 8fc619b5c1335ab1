"""The plan PDF: its content through the template, and one real render through the pages."""
import io
import uuid
from datetime import date, timedelta

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from pypdf import PdfReader

from core.jobs import job_run
from core.models import Job
from programmes.exports import plan_pdf_context
from programmes.models import Milestone
from tests.factories import DecisionFactory, MilestoneFactory, WorkstreamFactory

KIND = "programmes.plan_pdf"
TODAY = date(2026, 5, 1)


@pytest.fixture
def plan(cast):
    """The cast's programme with a fixed transfer day, a late milestone, a closed one that
    is past its date (not late) and a key decision."""
    programme = cast.programme
    programme.name = "Home Care Insourcing"
    programme.transfer_date = date(2026, 10, 1)
    programme.save()
    programme.contracts.update(end_date=date(2026, 9, 30), transfer_date=date(2026, 10, 1))
    org = programme.lead_organisation
    org.name = "Bath & North East Somerset's Council"
    org.save()
    governance = WorkstreamFactory(programme=programme, name="Governance")
    MilestoneFactory(programme=programme, workstream=cast.workstream, title="Staff consultation opens",
                     baseline_date=date(2026, 4, 1), forecast_date=date(2026, 4, 20))
    MilestoneFactory(programme=programme, workstream=governance, title="Cabinet approves the business case",
                     baseline_date=date(2026, 3, 1), actual_date=date(2026, 3, 2),
                     status=Milestone.Status.COMPLETE)
    MilestoneFactory(programme=programme, workstream=governance, title="Go-live readiness review",
                     baseline_date=date(2026, 9, 1))
    DecisionFactory(programme=programme, body="Cabinet", title="Approve the transfer",
                    meeting_date=date(2026, 7, 15))
    cast.milestone.baseline_date = cast.milestone.forecast_date = date(2026, 6, 1)
    cast.milestone.save()
    return programme


def _html(programme, today=TODAY, **extra) -> str:
    context = plan_pdf_context(programme=programme, today=today)
    return render_to_string("pdf/plan.html", {**context, "pdf_title": "Milestone plan", "pdf_lang": "en-GB",
                                              **extra})


def test_context_holds_milestones_derived_dates_and_late_count(plan):
    context = plan_pdf_context(programme=plan, today=TODAY)
    titles = [(kind, m.title) for _, kind, m in context["items"]]
    assert ("m", "Staff consultation opens") in titles
    assert ("m", "Consultation") in titles
    assert ("d", f"TUPE Employee Liability Information due: {plan.contracts.get().title}") in titles
    assert ("d", "Publish on forward plan: Cabinet, Approve the transfer") in titles
    eli = next(m for _, kind, m in context["items"] if kind == "d" and m.key.startswith("eli-deadline"))
    assert eli.date == date(2026, 9, 3) == plan.transfer_date - timedelta(days=28)
    # In date order.
    dates = [when for when, _, _ in context["items"]]
    assert dates == sorted(dates)
    assert context["milestone_count"] == 4
    # The consultation is past its forecast date and open; the Cabinet one is complete.
    assert context["late_count"] == 1
    assert context["days_to_transfer"] == (plan.transfer_date - TODAY).days


def test_template_shows_milestones_the_eli_deadline_and_lateness(plan):
    html = _html(plan)
    for title in ("Staff consultation opens", "Cabinet approves the business case", "Go-live readiness review",
                  "Consultation"):
        assert title in html
    assert f"TUPE Employee Liability Information due: {plan.contracts.get().title} (derived)" in html
    assert "ELI deadline 3 September 2026" in html
    assert "3 Sep 2026" in html  # the ELI row's dates
    assert "28 days before staff transfer under it on 1 October 2026 (TUPE 2006 reg. 11)" in html
    assert "4 milestones, 1 late at 1 May 2026" in html
    assert html.count('<span class="late">LATE</span>') == 1
    row = next(line for line in html.splitlines() if line.startswith("<tr><td>Staff consultation opens"))
    assert "LATE" in row
    assert "Transfer day 1 October 2026 (153 days to go)" in html


def test_template_counts_days_since_a_past_transfer(plan):
    html = _html(plan, today=date(2026, 10, 11))
    assert "Transfer day 1 October 2026 (10 days ago)" in html
    assert "1 milestone," not in html


def test_template_escapes_what_people_typed(plan, cast):
    MilestoneFactory(programme=plan, workstream=cast.workstream, title="<script>alert(1)</script>",
                     baseline_date=date(2026, 6, 2))
    html = _html(plan)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_organisation_name_reaches_the_footer_without_css_escaping(plan):
    """The footer's text is a CSS string; the name must not be typed into it."""
    html = _html(plan)
    style = html.split("<style>", 1)[1].split("</style>", 1)[0]
    assert "Somerset" not in style
    assert "u0026" not in html and "\\u0027" not in html
    assert "string(organisation)" in style
    assert '<span class="organisation">Bath &amp; North East Somerset&#x27;s Council</span>' in html


def test_template_names_who_asked(plan, cast):
    html = _html(plan, asked_by=cast.users["pm"])
    assert f"Asked for by {cast.users['pm']}." in html


def test_a_double_submit_gives_one_job(plan, cast, django_capture_on_commit_callbacks):
    client = cast.client("pm")
    request_id = uuid.uuid4().hex
    url = reverse("programmes:plan_pdf", args=[plan.slug])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = client.post(url, {"request_id": request_id})
        second = client.post(url, {"request_id": request_id})
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Job.objects.filter(kind=KIND).count() == 1
    assert len(callbacks) == 1, "the second submission must not enqueue the job again"
    # The same request id from someone else is their own request.
    with django_capture_on_commit_callbacks(execute=False):
        cast.client("viewer").post(url, {"request_id": request_id})
    assert Job.objects.filter(kind=KIND).count() == 2


def test_a_missing_or_bad_request_id_gives_a_job_each_time(plan, cast, django_capture_on_commit_callbacks):
    client = cast.client("pm")
    url = reverse("programmes:plan_pdf", args=[plan.slug])
    with django_capture_on_commit_callbacks(execute=False):
        client.post(url, {"request_id": "not-a-uuid"})
        client.post(url, {"request_id": "not-a-uuid"})
        client.post(url)
    assert Job.objects.filter(kind=KIND, idempotency_key__isnull=True).count() == 3


def test_outsiders_cannot_ask_for_see_or_download_the_pdf(plan, cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        cast.client("pm").post(reverse("programmes:plan_pdf", args=[plan.slug]), {"request_id": uuid.uuid4().hex})
    job = Job.objects.get(kind=KIND)
    outsider = cast.client("outsider")
    assert outsider.post(reverse("programmes:plan_pdf", args=[plan.slug])).status_code == 404
    assert outsider.get(reverse("programmes:plan_pdf_job", args=[plan.slug, job.uuid])).status_code == 404
    assert outsider.get(reverse("programmes:plan_pdf_download", args=[plan.slug, job.uuid])).status_code == 404
    # Nor through their own programme's address.
    other = cast.other_programme.slug
    assert outsider.get(reverse("programmes:plan_pdf_job", args=[other, job.uuid])).status_code == 404
    assert Job.objects.filter(kind=KIND).count() == 1


def test_the_file_is_not_offered_before_it_is_ready(plan, cast, django_capture_on_commit_callbacks):
    client = cast.client("pm")
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(reverse("programmes:plan_pdf", args=[plan.slug]), {"request_id": uuid.uuid4().hex})
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Queued" in page.content.decode()
    job = Job.objects.get(kind=KIND)
    assert client.get(reverse("programmes:plan_pdf_download", args=[plan.slug, job.uuid])).status_code == 404


def test_a_deleted_programme_fails_the_job_with_a_clear_message(plan, cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        cast.client("pm").post(reverse("programmes:plan_pdf", args=[plan.slug]), {"request_id": uuid.uuid4().hex})
    job = Job.objects.get(kind=KIND)
    plan.milestones.all().delete()
    plan.delete()
    job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.error == "The programme has been deleted, so its plan cannot be printed."


def test_the_real_pdf_through_the_pages(plan, cast, settings, tmp_path, django_capture_on_commit_callbacks):
    """The one test that renders with WeasyPrint: ask, follow to the job page, download."""
    settings.MEDIA_ROOT = tmp_path
    # Enough milestones for a second page, to see the footer carried over.
    for i in range(30):
        MilestoneFactory(programme=plan, workstream=cast.workstream, title=f"Briefing round {i:02d}",
                         baseline_date=date(2026, 8, 1) + timedelta(days=i))
    pm = cast.users["pm"]
    client = cast.client("pm")
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("programmes:plan_pdf", args=[plan.slug]), {"request_id": uuid.uuid4().hex})
    job = Job.objects.get(kind=KIND)
    assert response.status_code == 302
    assert response["Location"] == reverse("programmes:plan_pdf_job", args=[plan.slug, job.uuid])
    assert job.status == Job.Status.SUCCEEDED, job.error
    response = client.get(response["Location"])
    assert response.status_code == 200
    download_url = reverse("programmes:plan_pdf_download", args=[plan.slug, job.uuid])
    assert download_url in response.content.decode()

    # Who asked, when, and where the time went.
    assert job.created_by == pm
    assert before <= job.created_at <= job.started_at <= job.finished_at <= timezone.now()
    assert set(job.timings) == {"context_seconds", "html_seconds", "render_seconds"}
    assert all(job.timings[k] > 0 for k in job.timings), job.timings
    assert job.result_name.startswith(f"{plan.slug}-plan-") and job.result_name.endswith(".pdf")

    download = client.get(download_url)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert f'filename="{job.result_name}"' in download["Content-Disposition"]
    content = b"".join(download.streaming_content)
    assert content.startswith(b"%PDF-")

    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) >= 2
    for page in reader.pages:
        box = page.mediabox
        assert float(box.width) == pytest.approx(842, abs=1)
        assert float(box.height) == pytest.approx(595, abs=1)
    pages = [" ".join(page.extract_text().split()) for page in reader.pages]
    text = " ".join(pages)
    assert "Milestone plan: Home Care Insourcing" in text
    assert "Staff consultation opens" in text
    assert "TUPE Employee Liability Information due" in text
    eli_text = date_format(plan.eli_deadline, "j F Y")
    assert f"ELI deadline {eli_text}" in text
    assert f"Asked for by {pm}." in text
    assert reader.metadata.title == "Milestone plan – Home Care Insourcing"
    # The timeline stays on the first page with its heading, however many milestones.
    assert "Timeline" in pages[0] and "Derived dates" in pages[0]
    assert len(pages) <= 3
    # The footer on every page: the organisation's name as typed, and the page count.
    for number, page_text in enumerate(pages, start=1):
        assert "Bath & North East Somerset's Council · Printed on" in page_text, page_text[-300:]
        assert f"Page {number} of {len(pages)}" in page_text
