"""The overview's milestone figures: the programme's counts are its workstreams' added up,
and they agree with the lateness and due-soon rules the tracker uses."""
from datetime import timedelta

import pytest
from django.utils import timezone

from programmes import selectors
from programmes.models import Milestone
from tests.factories import MilestoneFactory, ProgrammeFactory, WorkstreamFactory

pytestmark = pytest.mark.django_db
S = Milestone.Status


def test_counts_are_the_workstreams_added_up_and_follow_the_rules():
    today = timezone.localdate()
    programme, other = ProgrammeFactory(), ProgrammeFactory()
    first, second, empty = (WorkstreamFactory(programme=programme, order=i) for i in range(3))
    days = {"late": -3, "today": 0, "soon": 30, "later": 31}
    for ws, cases in ((first, [("late", S.NOT_STARTED), ("late", S.COMPLETE), ("soon", S.IN_PROGRESS)]),
                      (second, [("late", S.IN_PROGRESS), ("today", S.NOT_STARTED), ("later", S.NOT_STARTED),
                                ("soon", S.CANCELLED)])):
        for when, status in cases:
            MilestoneFactory(programme=programme, workstream=ws, status=status,
                             baseline_date=today + timedelta(days=days[when]),
                             actual_date=today if status == S.COMPLETE else None)
    # Another programme's milestones count for it alone.
    MilestoneFactory(programme=other, workstream=WorkstreamFactory(programme=other),
                     baseline_date=today - timedelta(days=3))

    ov = selectors.programme_overview(programme=programme, today=today)

    ms = Milestone.objects.filter(programme=programme)
    assert (ov.milestone_total, ov.complete, ov.late_count, ov.due_soon_count) == (
        7, 1, ms.late(today).count(), ms.due_within(today, selectors.DUE_SOON_DAYS).count())
    assert (ov.late_count, ov.due_soon_count) == (2, 2)
    rows = {w.pk: (w.total, w.done, w.late) for w in ov.workstream_rows}
    assert rows == {first.pk: (3, 1, 1), second.pk: (4, 0, 1), empty.pk: (0, 0, 0)}
    assert [m.title for m in ov.late] == [m.title for m in ms.late(today).order_by("forecast_date")]
    assert {m.workstream.name for m in ov.late} == {first.name, second.name}
