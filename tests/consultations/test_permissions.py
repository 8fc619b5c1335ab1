"""Every consultations page × every member of the cast × GET and POST.

Members read; the programme manager and the HR lead (EDIT_STAFF_CONSULTATION) write staff
consultations and their records; the programme manager and the director (EDIT_PLAN) write
public ones and their findings; outsiders get 404. `test_matrix_covers_every_url_name`
fails when a URL name is added without an entry. The names of staff reach only HR."""
from dataclasses import dataclass

import pytest
from django.urls import reverse

from consultations import urls as consultation_urls
from consultations.models import (
    ConsultationMeeting,
    Finding,
    MeasuresLetter,
    Proposal,
    PublicConsultation,
    StaffConsultation,
    StaffRepresentative,
)
from consultations.resources import RESOURCES
from core.roles import Capability, role_can
from programmes.history import HIDDEN
from tests.consultations.conftest import STAFF_NAME, consultation_records
from tests.permissions import FORM, READ, ROLE_OF, Page, history_tables, matrix_row, url_names


@dataclass
class World:
    cast: object
    objects: dict

    @property
    def slug(self) -> str:
        return self.cast.programme.slug


@pytest.fixture
def world(cast) -> World:
    return World(cast, consultation_records(cast.programme, cast.users["hr"]))


def _parent(key):
    return lambda w: w.objects[key].pk


FORM_DATA = {
    "staff": lambda w: {"title": "Restructure consultation", "duty": "tulrca", "start_date": "2024-03-01",
                        "end_date": "2024-04-14"},
    "representatives": lambda w: {"consultation": w.objects["staff"].pk, "kind": "union", "body": "GMB"},
    "meetings": lambda w: {"consultation": w.objects["staff"].pk, "date": "2024-01-22", "notes": "Second"},
    "proposals": lambda w: {"consultation": w.objects["staff"].pk, "kind": "proposal", "put_by": "The council",
                            "put_on": "2024-01-09", "text": "Pay on the 15th"},
    "letters": lambda w: {"consultation": w.objects["staff"].pk, "sent_on": "2024-01-10", "recipient": "Unite",
                          "subject": "Measures"},
    "public": lambda w: {"title": "Second consultation", "start_date": "2024-01-01", "end_date": "2024-02-01",
                         "document_title": "Doc", "channels": ["letters"], "responses": "3"},
    "findings": lambda w: {"consultation": w.objects["public"].pk, "finding": "More drop-ins"},
}


def _obj(key):
    return lambda w: {"slug": w.slug, "pk": w.objects[key].pk}


PAGES = {
    "home": Page(Capability.VIEW, **READ),
    "staff_detail": Page(Capability.VIEW, **READ, kwargs=_obj("staff")),
    "public_detail": Page(Capability.VIEW, **READ, kwargs=_obj("public")),
}
for key, record in RESOURCES.items():
    PAGES[f"{key}_create"] = Page(record.capability, **FORM, data=FORM_DATA[key])
    PAGES[f"{key}_edit"] = Page(record.capability, **FORM, kwargs=_obj(key), data=FORM_DATA[key])
    PAGES[f"{key}_delete"] = Page(record.capability, **FORM, kwargs=_obj(key))
    PAGES[f"{key}_history"] = Page(Capability.VIEW, **READ, kwargs=_obj(key))


def test_matrix_covers_every_url_name():
    names = url_names(consultation_urls.urlpatterns)
    assert names - PAGES.keys() == set(), "URL names with no entry in the permission matrix"
    assert PAGES.keys() - names == set(), "matrix entries for URL names that no longer exist"


def test_the_rules_the_matrix_relies_on():
    assert {u for u, r in ROLE_OF.items() if role_can(r, Capability.EDIT_STAFF_CONSULTATION)} == {"pm", "hr"}
    assert {u for u, r in ROLE_OF.items() if role_can(r, Capability.EDIT_PLAN)} == {"pm", "director"}
    assert {k for k, r in RESOURCES.items() if r.capability == Capability.EDIT_PLAN} == {"public", "findings"}


TABLES = history_tables((StaffConsultation, StaffRepresentative, ConsultationMeeting, Proposal, MeasuresLetter,
                         PublicConsultation, Finding))


@pytest.mark.parametrize("name", sorted(PAGES))
def test_permission_matrix(world, name):
    page = PAGES[name]
    url = reverse(f"consultations:{name}", kwargs=page.kwargs(world))
    expected, actual, problems = matrix_row(world, page, url, TABLES)
    assert actual == expected, url
    assert problems == []


def test_outsider_cannot_reach_home_records_through_their_own_programme(world):
    client = world.cast.client("outsider")
    other = world.cast.other_programme.slug
    for key in RESOURCES:
        url = reverse(f"consultations:{key}_edit", args=[other, world.objects[key].pk])
        assert client.post(url, FORM_DATA[key](world)).status_code == 404, key
        assert client.get(reverse(f"consultations:{key}_history", args=[other, world.objects[key].pk])
                          ).status_code == 404, key
    assert client.get(reverse("consultations:staff_detail", args=[other, world.objects["staff"].pk])
                      ).status_code == 404


def test_staff_names_reach_only_hr_on_the_pages(world):
    slug = world.slug
    urls = [reverse("consultations:home", args=[slug]),
            reverse("consultations:staff_detail", args=[slug, world.objects["staff"].pk])]
    for key in ("representatives", "meetings"):
        urls += [reverse(f"consultations:{key}_edit", args=[slug, world.objects[key].pk]),
                 reverse(f"consultations:{key}_history", args=[slug, world.objects[key].pk])]
    # A change of the name is in the history: HR reads it, nobody else.
    from programmes.services import record_save

    rep = world.objects["representatives"]
    rep.name = "Someone Else"
    record_save(instance=rep, user=world.cast.users["hr"], reason="Changed")
    for who in ("pm", "finance", "director", "viewer"):
        client = world.cast.client(who)
        for url in urls:
            text = client.get(url).content.decode()
            assert STAFF_NAME not in text and "Someone Else" not in text, (who, url)
    history = world.cast.client("pm").get(reverse("consultations:representatives_history",
                                                  args=[slug, rep.pk])).content.decode()
    assert HIDDEN in history
    hr = world.cast.client("hr")
    page = hr.get(urls[1]).content.decode()
    assert "Someone Else" in page and STAFF_NAME in page  # the meeting's attendees
    assert "Someone Else" in hr.get(urls[3]).content.decode()  # the representative's history


def test_a_programme_manager_edits_a_meeting_without_touching_its_attendees(world):
    meeting = world.objects["meetings"]
    response = world.cast.client("pm").post(
        reverse("consultations:meetings_edit", args=[world.slug, meeting.pk]),
        {"consultation": meeting.consultation_id, "date": "2024-01-16", "notes": "Moved",
         "attendees": "Overwritten"})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (str(meeting.date), meeting.notes, meeting.attendees) == ("2024-01-16", "Moved",
                                                                      f"{STAFF_NAME}, the HR lead")


def test_a_bad_period_is_refused_naming_the_field(world):
    response = world.cast.client("hr").post(reverse("consultations:staff_create", args=[world.slug]), {
        "title": "Backwards", "duty": "tupe", "start_date": "2024-03-01", "end_date": "2024-02-01"})
    assert response.status_code == 200
    assert "The end must be on or after the start" in response.content.decode()
