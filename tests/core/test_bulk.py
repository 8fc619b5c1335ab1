"""core.bulk.bulk_insert: many new rows at once (COPY on PostgreSQL), each with its id and
its "created" history row naming who and why — the same rows bulk_create would give."""
from datetime import date

from core.bulk import bulk_insert
from programmes.models import Milestone


def test_rows_get_ids_and_history(cast):
    pm = cast.users["pm"]
    new = [Milestone(programme=cast.programme, workstream=cast.workstream, title=f"Briefing {i}",
                     baseline_date=date(2026, 1, 1 + i), forecast_date=date(2026, 2, 1 + i),
                     notes="Tab\there\nand \\ back")
           for i in range(25)]
    bulk_insert(Milestone, new, history_user=pm, history_reason="Loaded from plan.xlsx")
    assert all(m.pk for m in new) and len({m.pk for m in new}) == 25
    saved = Milestone.objects.get(pk=new[3].pk)
    assert (saved.title, saved.forecast_date, saved.notes) == ("Briefing 3", date(2026, 2, 4), "Tab\there\nand \\ back")
    assert saved.status == Milestone.Status.NOT_STARTED  # the model's default
    history = Milestone.history.filter(id=new[3].pk).get()
    assert (history.history_type, history.history_user, history.history_change_reason) == (
        "+", pm, "Loaded from plan.xlsx")
    assert history.title == "Briefing 3" and history.workstream_id == cast.workstream.pk
    # The sequence moved on: an ordinary save afterwards takes a new id.
    later = Milestone.objects.create(programme=cast.programme, workstream=cast.workstream, title="Later",
                                     baseline_date=date(2026, 5, 1), forecast_date=date(2026, 5, 1))
    assert later.pk > max(m.pk for m in new)


def test_nothing_to_insert_does_nothing(cast):
    before = Milestone.objects.count()
    bulk_insert(Milestone, [], history_user=None)
    assert Milestone.objects.count() == before
