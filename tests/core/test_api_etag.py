"""The ETag of a record answered by the API is the version of the very copy in the body.
Another writer saving between the body being made and the ETag being worked out must not
lend the old body their new version: the client's next If-Match would then pass and undo
the change it never saw."""
import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from core.concurrency import etag, record_version
from programmes import api
from programmes.models import Milestone, Programme
from tests.factories import MilestoneFactory

pytestmark = pytest.mark.django_db


def _client(cast) -> APIClient:
    client = APIClient()
    client.force_login(cast.users["pm"])
    return client


def _write_after_serializing(monkeypatch, serializer, write):
    """Run `write` (another person's save) as soon as `serializer` has made a body."""
    made = serializer.to_representation

    def then_write(self, instance):
        data = made(self, instance)
        write(instance)
        return data

    monkeypatch.setattr(serializer, "to_representation", then_write)


def test_a_milestone_changed_after_its_body_was_made_keeps_the_version_of_the_body(cast, monkeypatch):
    m = cast.milestone
    other = MilestoneFactory(programme=cast.programme, workstream=cast.workstream, title="Payroll ready")
    read_version = record_version(Milestone.objects.get(pk=m.pk))

    def theirs(instance):
        Milestone.objects.filter(pk=instance.pk).update(title="Consultation, moved")
        Milestone.depends_on.through.objects.create(from_milestone_id=instance.pk, to_milestone_id=other.pk)

    _write_after_serializing(monkeypatch, api.MilestoneSerializer, theirs)
    url = reverse("api:milestones-detail", args=["home", m.pk])
    client = _client(cast)
    shown = client.get(url)
    assert shown.json()["title"] == "Consultation" and shown.json()["depends_on"] == []
    assert shown["ETag"] == etag(read_version)
    monkeypatch.undo()

    # Their change is not lost: an edit from the old body is refused, naming it.
    refused = client.patch(url, {"notes": "Mine"}, format="json", HTTP_IF_MATCH=shown["ETag"])
    assert refused.status_code == 412
    assert "title" in [c["field"] for c in refused.json()["changed_fields"]]
    stored = Milestone.objects.get(pk=m.pk)
    assert stored.title == "Consultation, moved" and list(stored.depends_on.all()) == [other]


def test_a_programme_changed_after_its_body_was_made_keeps_the_version_of_the_body(cast, monkeypatch):
    read_version = record_version(Programme.objects.get(pk=cast.programme.pk))
    _write_after_serializing(monkeypatch, api.ProgrammeSerializer,
                             lambda p: Programme.objects.filter(pk=p.pk).update(name="Renamed meanwhile"))
    shown = _client(cast).get(reverse("api:programme-detail", args=["home"]))
    assert shown["ETag"] == etag(read_version) and shown.json()["name"] != "Renamed meanwhile"


def test_the_etag_after_a_write_is_the_one_the_next_write_needs(cast):
    """After a PATCH the body and ETag come from the row as stored, so sending that ETag
    back is not refused as stale."""
    client = _client(cast)
    url = reverse("api:milestones-detail", args=["home", cast.milestone.pk])
    other = MilestoneFactory(programme=cast.programme, workstream=cast.workstream, title="Payroll ready")
    saved = client.patch(url, {"title": "  Consultation  ", "depends_on": [other.pk]}, format="json",
                         HTTP_IF_MATCH=client.get(url)["ETag"])
    assert saved.status_code == 200
    assert saved["ETag"] == etag(record_version(Milestone.objects.get(pk=cast.milestone.pk)))
    assert saved.json()["depends_on"] == [other.pk]
    assert client.patch(url, {"rag_override": "red", "rag_override_reason": "Provider late"}, format="json",
                        HTTP_IF_MATCH=saved["ETag"]).status_code == 200
