"""Two people add an objective at once, both offered SO2: on PostgreSQL the second insert
waits on the unique index for the first's transaction, is refused when it commits, and
takes SO3 (core.numbering.save_numbered). Skipped on SQLite, which has one writer at a
time; tests/core/test_numbering.py stages the same on SQLite."""
import threading
import time

import pytest
from django.db import connection, transaction

from business_cases.models import StrategicObjective
from business_cases.services import statement_save

pytestmark = pytest.mark.django_db(transaction=True)
HOLD = 1.5  # seconds the first writer keeps its new objective uncommitted


@pytest.fixture(autouse=True)
def _postgres():
    if connection.vendor != "postgresql":
        pytest.skip("needs DATABASE_URL pointing at PostgreSQL")


def test_two_objectives_added_at_once_with_the_same_number_get_two_numbers(cast):
    StrategicObjective.objects.create(programme=cast.programme, number=1, text="Transfer safely")
    saved, failures = threading.Event(), []

    def first_writer():
        try:
            with transaction.atomic():
                statement_save(instance=StrategicObjective(programme=cast.programme, number=2, text="First"),
                               user=cast.users["pm"], reason="Objective added")
                saved.set()
                time.sleep(HOLD)
        except Exception as exc:  # noqa: BLE001 - reported below, the thread must not die silently
            failures.append(repr(exc))
        finally:
            connection.close()

    thread = threading.Thread(target=first_writer)
    thread.start()
    assert saved.wait(10)
    started = time.monotonic()
    second = statement_save(instance=StrategicObjective(programme=cast.programme, number=2, text="Second"),
                            user=cast.users["director"], reason="Objective added")
    waited = time.monotonic() - started
    thread.join(10)

    assert failures == []
    assert waited >= HOLD * 0.6, "the second insert did not wait for the first"
    assert second.number == 3
    assert dict(StrategicObjective.objects.filter(programme=cast.programme).values_list("text", "number")) == {
        "Transfer safely": 1, "First": 2, "Second": 3}
