"""The consultations API permission matrix: every route and method × every member of the
cast. Members read; EDIT_STAFF_CONSULTATION (programme manager, HR lead) writes staff
consultations and their records, EDIT_PLAN (programme manager, director) public ones and
their findings; outsiders get 404 and anonymous clients 401. No answer to a member
without VIEW_PERSONAL_DATA carries a staff name."""
import pytest
from django.urls import reverse

from consultations.api import VIEWSETS
from consultations.models import (
    ConsultationMeeting,
    Finding,
    MeasuresLetter,
    Proposal,
    PublicConsultation,
    StaffConsultation,
    StaffRepresentative,
)
from core.roles import Capability
from tests.api_matrix import Endpoint, api_client, run_row
from tests.consultations.conftest import STAFF_NAME, consultation_records
from tests.permissions import history_tables

pytestmark = pytest.mark.django_db
NAMESPACE = "consultations_api"

KEYS = {"staff-consultations": "staff", "staff-representatives": "representatives",
        "consultation-meetings": "meetings", "consultation-proposals": "proposals",
        "measures-letters": "letters", "public-consultations": "public", "consultation-findings": "findings"}


class World:
    def __init__(self, cast):
        self.cast = cast
        self.records = consultation_records(cast.programme, cast.users["hr"])


@pytest.fixture
def world(cast) -> World:
    return World(cast)


BODIES = {
    "staff-consultations": lambda w: {"title": "Restructure", "duty": "tulrca", "start_date": "2024-03-01",
                                      "end_date": "2024-04-14"},
    "staff-representatives": lambda w: {"consultation": w.records["staff"].pk, "kind": "union", "body": "GMB"},
    "consultation-meetings": lambda w: {"consultation": w.records["staff"].pk, "date": "2024-01-22",
                                        "notes": "Second"},
    "consultation-proposals": lambda w: {"consultation": w.records["staff"].pk, "kind": "proposal",
                                         "put_by": "The council", "put_on": "2024-01-09", "text": "Pay dates"},
    "measures-letters": lambda w: {"consultation": w.records["staff"].pk, "sent_on": "2024-01-10",
                                   "recipient": "Unite", "subject": "Measures"},
    "public-consultations": lambda w: {"title": "Second", "start_date": "2024-01-01", "end_date": "2024-02-01",
                                       "document_title": "Doc", "channels": ["letters"], "responses": 3},
    "consultation-findings": lambda w: {"consultation": w.records["public"].pk, "finding": "More drop-ins"},
}


def _slug(w) -> dict:
    return {"programme_slug": w.cast.programme.slug}


def _endpoints() -> dict[str, Endpoint]:
    out = {}
    for segment, body in BODIES.items():
        edit = VIEWSETS[segment].edit_capability
        out[f"{segment}-list"] = Endpoint({"get": (Capability.VIEW, 200), "post": (edit, 201)},
                                          kwargs=_slug, body=body)
        out[f"{segment}-detail"] = Endpoint(
            {"get": (Capability.VIEW, 200), "put": (edit, 200), "patch": (edit, 200), "delete": (edit, 204)},
            kwargs=lambda w, s=segment: {**_slug(w), "pk": w.records[KEYS[s]].pk}, body=body)
    return out


ENDPOINTS = _endpoints()
TABLES = history_tables([StaffConsultation, StaffRepresentative, ConsultationMeeting, Proposal, MeasuresLetter,
                         PublicConsultation, Finding])


def test_every_viewset_has_a_body():
    assert BODIES.keys() == VIEWSETS.keys() == KEYS.keys()
    assert {s for s, v in VIEWSETS.items() if v.edit_capability == Capability.EDIT_PLAN} == {
        "public-consultations", "consultation-findings"}


@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_api_permission_matrix(world, name):
    expected, actual, problems = run_row(world, world.cast, f"{NAMESPACE}:{name}", ENDPOINTS[name], TABLES,
                                         personal=[STAFF_NAME])
    assert actual == expected
    assert problems == []


def test_hr_reads_the_names_and_the_answers_carry_what_the_pages_show(world):
    slug = world.cast.programme.slug
    hr = api_client(world.cast, "hr")
    reps = hr.get(reverse(f"{NAMESPACE}:staff-representatives-list", args=[slug])).json()["results"]
    assert STAFF_NAME in [r["name"] for r in reps]
    meeting = hr.get(reverse(f"{NAMESPACE}:consultation-meetings-detail",
                             args=[slug, world.records["meetings"].pk])).json()
    assert STAFF_NAME in meeting["attendees"]
    pm = api_client(world.cast, "pm")
    assert "attendees" not in pm.get(reverse(f"{NAMESPACE}:consultation-meetings-detail",
                                             args=[slug, world.records["meetings"].pk])).json()
    staff = pm.get(reverse(f"{NAMESPACE}:staff-consultations-detail", args=[slug, world.records["staff"].pk])).json()
    assert (staff["length_days"], staff["state"], staff["meeting_count"], staff["representative_count"],
            staff["counter_proposal_count"], staff["letter_count"]) == (45, "closed", 1, 2, 1, 1)
    public = pm.get(reverse(f"{NAMESPACE}:public-consultations-detail",
                            args=[slug, world.records["public"].pk])).json()
    assert public["finding_count"] == 1
    assert public["gunning_not_evidenced"] == ["Adequate time to respond",
                                               "Responses conscientiously taken into account"]


def test_a_programme_manager_cannot_write_the_attendees(world):
    slug = world.cast.programme.slug
    meeting = world.records["meetings"]
    response = api_client(world.cast, "pm").patch(
        reverse(f"{NAMESPACE}:consultation-meetings-detail", args=[slug, meeting.pk]),
        {"attendees": "Overwritten", "notes": "New notes"}, format="json")
    # Refused, naming the field, rather than the attendees being dropped without a word.
    assert response.status_code == 400
    assert response.json() == {"attendees": ["Only a role that may see staff names can set this"]}
    notes = meeting.notes
    meeting.refresh_from_db()
    assert (meeting.notes, meeting.attendees) == (notes, f"{STAFF_NAME}, the HR lead")


def test_a_bad_period_is_a_400_naming_the_field(world):
    response = api_client(world.cast, "hr").post(
        reverse(f"{NAMESPACE}:staff-consultations-list", args=[world.cast.programme.slug]),
        {"title": "Backwards", "duty": "tupe", "start_date": "2024-03-01", "end_date": "2024-02-01"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"end_date": ["The end must be on or after the start"]}
