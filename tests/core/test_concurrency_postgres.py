"""The version check against PostgreSQL itself: a save that has checked the version holds
the row, so a second writer with the same old version waits for it and is then refused,
instead of slipping in between the check and the save. Skipped on SQLite, which has one
writer at a time anyway."""
import threading
import time

import pytest
from django.db import connection, transaction
from django.urls import reverse
from rest_framework.test import APIClient

from core.concurrency import etag, find_conflict, locked_copy, record_version
from programmes.models import Milestone

pytestmark = pytest.mark.django_db(transaction=True)
HOLD = 1.5  # seconds the first writer keeps the row between its check and its commit


@pytest.fixture(autouse=True)
def _postgres():
    if connection.vendor != "postgresql":
        pytest.skip("needs DATABASE_URL pointing at PostgreSQL")


def test_a_second_writer_waits_for_the_first_and_is_then_refused(cast):
    pk = cast.milestone.pk
    read = record_version(Milestone.objects.get(pk=pk))
    checked, failures = threading.Event(), []

    def first_writer():
        try:
            with transaction.atomic():
                current = locked_copy(Milestone, pk)
                if find_conflict(current=current, read_version=read) is not None:
                    failures.append("the first writer saw a conflict")
                checked.set()
                time.sleep(HOLD)
                current.title = "The first writer's title"
                current.save()
        finally:
            connection.close()

    thread = threading.Thread(target=first_writer)
    thread.start()
    assert checked.wait(10)
    client = APIClient()
    client.force_login(cast.users["director"])
    started = time.monotonic()
    answer = client.patch(reverse("api:milestones-detail", args=["home", pk]), {"title": "Second"},
                          format="json", HTTP_IF_MATCH=etag(read))
    waited = time.monotonic() - started
    thread.join(10)

    assert failures == []
    assert waited >= HOLD * 0.6, "the second writer did not wait for the row"
    assert answer.status_code == 412
    assert answer.json()["changed_fields"][0]["theirs"] == "The first writer's title"
    assert Milestone.objects.get(pk=pk).title == "The first writer's title"
