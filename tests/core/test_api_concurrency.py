"""The API's versions: GET gives an ETag; PUT, PATCH and DELETE with a stale If-Match
answer 412 naming what changed, and write nothing; without If-Match they work as before."""
import json

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from programmes.models import Milestone, Programme

pytestmark = pytest.mark.django_db


def client_for(cast, who: str) -> APIClient:
    client = APIClient()
    client.force_login(cast.users[who])
    return client


@pytest.fixture
def milestone_url(cast):
    return reverse("api:milestones-detail", args=["home", cast.milestone.pk])


def test_two_clients_patch_the_same_milestone(cast, milestone_url):
    first, second = client_for(cast, "pm"), client_for(cast, "director")
    tag_first = first.get(milestone_url)["ETag"]
    tag_second = second.get(milestone_url)["ETag"]
    assert tag_first == tag_second and tag_first.startswith('"')

    saved = first.patch(milestone_url, {"title": "Consultation with unions"}, format="json",
                        HTTP_IF_MATCH=tag_first)
    assert saved.status_code == 200
    assert saved["ETag"] != tag_first

    refused = second.patch(milestone_url, {"title": "Consultation, phase 1", "rag_override": "red",
                                          "rag_override_reason": "Unions asked for more time"},
                           format="json", HTTP_IF_MATCH=tag_second)
    assert refused.status_code == 412
    body = refused.json()
    assert body["changed_fields"] == [{"field": "title", "label": "Title",
                                       "theirs": "Consultation with unions",
                                       "yours": "Consultation, phase 1"}]
    assert body["changed_by"] == cast.users["pm"].get_full_name()
    assert f'"{body["current_version"]}"' == saved["ETag"]
    m = Milestone.objects.get(pk=cast.milestone.pk)
    assert m.title == "Consultation with unions" and m.rag_override != "red"

    # Reapplied over the version now stored, the second change goes through.
    again = second.patch(milestone_url, {"rag_override": "red", "rag_override_reason": "Unions asked for more time"},
                         format="json", HTTP_IF_MATCH=saved["ETag"])
    assert again.status_code == 200
    assert Milestone.objects.get(pk=cast.milestone.pk).rag_override == "red"


def test_a_stale_put_and_delete_are_refused(cast, milestone_url):
    client = client_for(cast, "pm")
    read = client.get(milestone_url)
    stale = read["ETag"]
    Milestone.objects.filter(pk=cast.milestone.pk).update(notes="Someone else's note")
    body = {**read.json(), "title": "Overwritten"}
    assert client.put(milestone_url, body, format="json", HTTP_IF_MATCH=stale).status_code == 412
    assert client.delete(milestone_url, HTTP_IF_MATCH=stale).status_code == 412
    m = Milestone.objects.get(pk=cast.milestone.pk)
    assert m.title == "Consultation" and m.notes == "Someone else's note"

    fresh = client.get(milestone_url)["ETag"]
    assert client.delete(milestone_url, HTTP_IF_MATCH=fresh).status_code == 204
    assert not Milestone.objects.filter(pk=cast.milestone.pk).exists()


def test_without_if_match_or_with_a_star_a_write_is_not_checked(cast, milestone_url):
    client = client_for(cast, "pm")
    Milestone.objects.filter(pk=cast.milestone.pk).update(notes="Changed elsewhere")
    assert client.patch(milestone_url, {"title": "No version sent"}, format="json").status_code == 200
    assert client.patch(milestone_url, {"title": "Any version"}, format="json",
                        HTTP_IF_MATCH="*").status_code == 200
    assert Milestone.objects.get(pk=cast.milestone.pk).title == "Any version"


def test_one_of_several_tags_matching_is_enough(cast, milestone_url):
    client = client_for(cast, "pm")
    tag = client.get(milestone_url)["ETag"]
    answer = client.patch(milestone_url, {"title": "Matched"}, format="json",
                          HTTP_IF_MATCH=f'"not-this-one", W/{tag}')
    assert answer.status_code == 200


def test_a_change_to_links_alone_makes_the_tag_stale(cast, milestone_url):
    from tests.factories import MilestoneFactory

    client = client_for(cast, "pm")
    tag = client.get(milestone_url)["ETag"]
    other = MilestoneFactory(programme=cast.programme, workstream=cast.workstream, title="Data cleanse")
    Milestone.objects.get(pk=cast.milestone.pk).depends_on.add(other)
    answer = client.patch(milestone_url, {"depends_on": []}, format="json", HTTP_IF_MATCH=tag)
    assert answer.status_code == 412
    assert [c["field"] for c in answer.json()["changed_fields"]] == ["depends_on"]
    assert Milestone.objects.get(pk=cast.milestone.pk).depends_on.get() == other


def test_the_programme_itself_has_a_version(cast):
    client = client_for(cast, "pm")
    url = reverse("api:programme-detail", args=["home"])
    tag = client.get(url)["ETag"]
    Programme.objects.filter(pk=cast.programme.pk).update(summary="Their summary")
    refused = client.patch(url, {"summary": "Mine"}, format="json", HTTP_IF_MATCH=tag)
    assert refused.status_code == 412
    assert [c["field"] for c in refused.json()["changed_fields"]] == ["summary"]
    assert Programme.objects.get(pk=cast.programme.pk).summary == "Their summary"


def test_the_schema_documents_etag_if_match_and_412(cast):
    schema = json.loads(client_for(cast, "viewer").get("/api/v1/schema/", {"format": "json"}).content)
    detail = schema["paths"]["/api/v1/programmes/{programme_slug}/milestones/{id}/"]
    for method in ("put", "patch", "delete"):
        names = [p["name"] for p in detail[method].get("parameters", [])]
        assert "If-Match" in names, method
        assert "412" in detail[method]["responses"], method
    assert "ETag" in detail["get"]["responses"]["200"]["headers"]
    assert "ETag" in detail["patch"]["responses"]["200"]["headers"]
    listing = schema["paths"]["/api/v1/programmes/{programme_slug}/milestones/"]
    assert "headers" not in listing["get"]["responses"]["200"]
    readiness = schema["paths"]["/api/v1/programmes/{programme_slug}/workforce/people/{id}/readiness/"]
    assert "412" in readiness["put"]["responses"]
