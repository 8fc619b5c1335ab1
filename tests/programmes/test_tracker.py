"""The milestone tracker at size: one lateness rule in SQL and in Python, workstream sections
that show their first rows with a link to all, one workstream a page at a time, filters
kept in every link."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from programmes import selectors
from programmes.models import Milestone
from programmes.selectors import TRACKER_PAGE_ROWS, TRACKER_SECTION_ROWS, TrackerFilters
from tests.factories import MilestoneFactory, ProgrammeFactory, WorkstreamFactory

pytestmark = pytest.mark.django_db
S = Milestone.Status


def test_the_database_and_python_agree_on_lateness_on_every_status_and_the_boundary_day():
    today = timezone.localdate()
    programme = ProgrammeFactory()
    ws = WorkstreamFactory(programme=programme)
    for status in S.values:
        for offset in (-30, -1, 0, 1):  # a milestone forecast for today is not late yet
            day = today + timedelta(days=offset)
            MilestoneFactory(programme=programme, workstream=ws, status=status, baseline_date=day,
                             actual_date=day if status == S.COMPLETE else None)
    rows = list(Milestone.objects.filter(programme=programme).with_lateness(today))
    assert len(rows) == len(S.values) * 4
    sql = {m.pk: m.late for m in rows}
    python = {m.pk: m.is_late(today) for m in rows}
    assert sql == python
    assert set(Milestone.objects.filter(programme=programme).late(today).values_list("pk", flat=True)) == {
        pk for pk, late in python.items() if late}
    # The rule itself, so that agreeing on a wrong rule fails too: open, and before today.
    assert {(m.status, (m.forecast_date - today).days) for m in rows if m.late} == {
        (status, offset) for status in (S.NOT_STARTED, S.IN_PROGRESS, S.AT_RISK) for offset in (-30, -1)}
    # Another day moves the boundary with it.
    tomorrow = today + timedelta(days=1)
    assert {m.pk: m.late for m in Milestone.objects.filter(programme=programme).with_lateness(tomorrow)} == {
        m.pk: m.is_late(tomorrow) for m in rows}


def _plan(programme, page=1, **filters):
    return selectors.milestone_tracker(programme=programme, filters=TrackerFilters(**filters),
                                       today=timezone.localdate(), page=page)


def test_each_workstream_shows_late_first_then_open_by_date_then_closed_latest_first():
    today = timezone.localdate()
    programme = ProgrammeFactory()
    ws = WorkstreamFactory(programme=programme, name="Payroll")

    def m(title, days, status=S.NOT_STARTED):
        day = today + timedelta(days=days)
        return MilestoneFactory(programme=programme, workstream=ws, title=title, baseline_date=day,
                                status=status, actual_date=day if status == S.COMPLETE else None)

    m("Done long ago", -90, S.COMPLETE)
    m("Next week", 7)
    m("Late a month", -30, S.IN_PROGRESS)
    m("Done last week", -7, S.COMPLETE)
    m("Today", 0)
    m("Late a day", -1, S.AT_RISK)
    m("Dropped", 3, S.CANCELLED)
    [section] = _plan(programme).sections
    assert [r.title for r in section.rows] == [
        "Late a month", "Late a day", "Today", "Next week", "Dropped", "Done last week", "Done long ago"]
    assert [r.late for r in section.rows] == [True, True, False, False, False, False, False]
    assert (section.count, section.late, section.more) == (7, 2, False)


def test_a_long_workstream_shows_its_first_rows_and_links_to_all_of_them_with_the_filters(cast, pm_client):
    today = timezone.localdate()
    other = WorkstreamFactory(programme=cast.programme, name="Estates")
    for i in range(TRACKER_SECTION_ROWS + 5):
        MilestoneFactory(programme=cast.programme, workstream=other, title=f"Estates step {i:02d}",
                         baseline_date=today + timedelta(days=i + 1), status=S.IN_PROGRESS)
    plan = _plan(cast.programme)
    estates = next(s for s in plan.sections if s.workstream == other)
    assert len(estates.rows) == TRACKER_SECTION_ROWS and estates.count == TRACKER_SECTION_ROWS + 5
    assert plan.total == TRACKER_SECTION_ROWS + 6

    url = reverse("programmes:tracker", args=["home"])
    html = pm_client.get(url, {"status": "in_progress"}).content.decode()
    assert f"Show all {TRACKER_SECTION_ROWS + 5} Estates milestones" in html
    assert f'href="?status=in_progress&amp;workstream={other.pk}"' in html
    assert "Estates step 00" in html and f"Estates step {TRACKER_SECTION_ROWS + 4}" not in html
    assert 'role="region" aria-label="Estates milestones" tabindex="0"' in html
    # The HR section (the cast's one milestone is not started) does not match the filter.
    assert "HR: " not in html


def test_one_workstream_is_shown_a_page_at_a_time(cast, pm_client):
    today = timezone.localdate()
    ws = cast.workstream
    for i in range(TRACKER_PAGE_ROWS + 3):
        MilestoneFactory(programme=cast.programme, workstream=ws, title=f"Step {i:03d}",
                         baseline_date=today + timedelta(days=i + 20))
    url = reverse("programmes:tracker", args=["home"])
    first = pm_client.get(url, {"workstream": ws.pk}).content.decode()
    # The cast's own milestone is forecast sooner, so it leads the first page.
    assert "Consultation" in first and "Step 000" in first and f"Step {TRACKER_PAGE_ROWS - 1:03d}" not in first
    assert f"Step {TRACKER_PAGE_ROWS - 2:03d}" in first
    assert 'aria-label="HR milestones, pages"' in first
    assert f'href="?workstream={ws.pk}&amp;page=2" rel="next"' in first
    second = pm_client.get(url, {"workstream": ws.pk, "page": "2"}).content.decode()
    assert f"Step {TRACKER_PAGE_ROWS - 1:03d}" in second and f"Step {TRACKER_PAGE_ROWS + 2:03d}" in second
    assert "Step 000" not in second and 'aria-current="page">2<' in second
    # A page past the end, or not a number, shows a page that exists.
    past_end = pm_client.get(url, {"workstream": ws.pk, "page": "99"}).content.decode()
    assert f"Step {TRACKER_PAGE_ROWS + 2:03d}" in past_end
    assert "Step 000" in pm_client.get(url, {"workstream": ws.pk, "page": "x"}).content.decode()


def test_the_late_filter_and_the_late_tag_use_the_same_rule(cast, pm_client):
    today = timezone.localdate()
    MilestoneFactory(programme=cast.programme, workstream=cast.workstream, title="Due today",
                     baseline_date=today)
    MilestoneFactory(programme=cast.programme, workstream=cast.workstream, title="Due yesterday",
                     baseline_date=today - timedelta(days=1))
    url = reverse("programmes:tracker", args=["home"])
    html = pm_client.get(url, {"late": "1"}).content.decode()
    plan_part = html.split('<h2 class="govuk-heading-m">Plan')[1]
    assert "Due yesterday" in plan_part and "Due today" not in plan_part
    assert "HR: 1 milestone, 1 late" in plan_part


def test_the_timeline_says_which_months_it_shows_before_and_after_transfer_day(cast, pm_client):
    from django.utils.dateformat import format as date_format

    from programmes.models import Programme
    from programmes.timeline import WINDOW_AFTER_TRANSFER, WINDOW_BEFORE_TODAY

    today = timezone.localdate()
    url = reverse("programmes:tracker", args=["home"])
    start = date_format(today - WINDOW_BEFORE_TODAY, "j F Y")
    end = date_format(cast.programme.transfer_date + WINDOW_AFTER_TRANSFER, "j F Y")
    html = pm_client.get(url).content.decode()
    assert f"The run-up to transfer day, from {start} to {end}." in html
    assert "Show the run-up to transfer day" in pm_client.get(url, {"window": "all"}).content.decode()

    # Once transfer day has passed the drawing runs on from today, and says so.
    Programme.objects.filter(pk=cast.programme.pk).update(transfer_date=today - timedelta(days=30))
    html = pm_client.get(url).content.decode()
    assert "run-up" not in html
    assert f"The plan around today, from {start} to {date_format(today + WINDOW_AFTER_TRANSFER, 'j F Y')}." in html
    assert "Show from nine months ago" in pm_client.get(url, {"window": "all"}).content.decode()
