"""The consultations' own rules: a period's end not before its start, its length and
state; a proposal's response and its date; the channels; the Gunning checklist; a child
record of another programme's consultation refused; every write in the history with its
user and reason."""
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from consultations.models import (
    ConsultationMeeting,
    Finding,
    Proposal,
    PublicConsultation,
    StaffConsultation,
    State,
)
from programmes.services import record_delete, record_save
from tests.consultations.conftest import consultation_records

pytestmark = pytest.mark.django_db


def _staff(cast, start=date(2024, 1, 8), end=date(2024, 2, 21)):
    return StaffConsultation(programme=cast.programme, title="T", duty=StaffConsultation.Duty.TUPE,
                             start_date=start, end_date=end)


def test_the_end_may_not_be_before_the_start(cast):
    with pytest.raises(ValidationError) as e:
        record_save(instance=_staff(cast, end=date(2024, 1, 7)), user=cast.users["pm"], reason="x")
    assert e.value.message_dict == {"end_date": ["The end must be on or after the start"]}
    with pytest.raises(IntegrityError), transaction.atomic():
        _staff(cast, end=date(2024, 1, 7)).save()  # the database's constraint too
    one_day = record_save(instance=_staff(cast, end=date(2024, 1, 8)), user=cast.users["pm"], reason="x")
    assert one_day.length_days == 1


def test_length_and_state_relative_to_today(cast):
    c = _staff(cast)
    assert c.length_days == 45  # 8 January to 21 February, both counted
    assert c.state(date(2024, 1, 7)) == State.NOT_STARTED
    assert c.state(date(2024, 1, 8)) == State.OPEN
    assert c.state(date(2024, 2, 21)) == State.OPEN
    assert c.state(date(2024, 2, 22)) == State.CLOSED


def _proposal(staff, **kw):
    fields = {"programme": staff.programme, "consultation": staff, "kind": Proposal.Kind.COUNTER,
              "put_by": "Unison", "put_on": date(2024, 1, 15), "text": "Keep mileage", **kw}
    return Proposal(**fields)


def test_a_response_needs_its_date_and_comes_after_the_proposal(cast):
    staff = record_save(instance=_staff(cast), user=cast.users["pm"], reason="x")
    for kw, field in ((dict(response="Agreed"), "responded_on"),
                      (dict(responded_on=date(2024, 2, 1)), "response"),
                      (dict(response="Agreed", responded_on=date(2024, 1, 14)), "responded_on")):
        with pytest.raises(ValidationError) as e:
            _proposal(staff, **kw).full_clean()
        assert list(e.value.message_dict) == [field], kw
    _proposal(staff, response="Agreed", responded_on=date(2024, 1, 15)).full_clean()
    _proposal(staff).full_clean()  # not answered yet


def test_a_record_of_another_programmes_consultation_is_refused(cast):
    theirs = record_save(instance=StaffConsultation(
        programme=cast.other_programme, title="Theirs", duty="tupe", start_date=date(2024, 1, 1),
        end_date=date(2024, 2, 1)), user=cast.users["outsider"], reason="x")
    meeting = ConsultationMeeting(programme=cast.programme, consultation=theirs, date=date(2024, 1, 2))
    with pytest.raises(ValidationError) as e:
        meeting.full_clean()
    assert e.value.message_dict == {"consultation": ["Choose a consultation of this programme"]}


def test_channels_and_the_gunning_checklist(cast):
    c = PublicConsultation(programme=cast.programme, title="P", start_date=date(2023, 10, 2),
                           end_date=date(2023, 11, 26), document_title="Doc", channels=["letters", "carrier pigeon"])
    with pytest.raises(ValidationError) as e:
        c.full_clean()
    assert "channels" in e.value.message_dict
    c.channels = ["other", "online_survey"]
    with pytest.raises(ValidationError) as e:
        c.full_clean()
    assert e.value.message_dict == {"other_channel": ["Say what the other channel was"]}
    c.other_channel = "Radio phone-in"
    c.full_clean()
    assert c.channel_labels() == ["Online survey", "Radio phone-in"]
    assert len(c.gunning_not_evidenced()) == 4
    c.formative = c.time = True
    assert c.gunning_not_evidenced() == ["Sufficient reasons given for intelligent consideration",
                                         "Responses conscientiously taken into account"]
    assert c.length_days == 56


def test_writes_are_in_the_history_with_user_and_reason(cast):
    records = consultation_records(cast.programme, cast.users["hr"])
    meeting = records["meetings"]
    meeting.notes = "Changed"
    record_save(instance=meeting, user=cast.users["pm"], reason="Notes corrected")
    latest = meeting.history.order_by("-history_id").first()
    assert (latest.history_user, latest.history_change_reason, latest.history_type) == (
        cast.users["pm"], "Notes corrected", "~")
    finding = records["findings"]
    pk = finding.pk
    record_delete(instance=finding, user=cast.users["director"], reason="Duplicate")
    gone = Finding.history.filter(id=pk).order_by("-history_id").first()
    assert (gone.history_user, gone.history_change_reason, gone.history_type) == (
        cast.users["director"], "Duplicate", "-")


def test_a_record_within_a_consultation_leads_back_to_its_consultations_page(cast):
    from django.urls import reverse

    from tests.consultations.conftest import consultation_records
    records = consultation_records(cast.programme, cast.users["pm"])
    slug, meeting, finding = cast.programme.slug, records["meetings"], records["findings"]
    staff_page = reverse("consultations:staff_detail", args=[slug, meeting.consultation_id])
    deleted = cast.client("pm").post(reverse("consultations:meetings_delete", args=[slug, meeting.pk]))
    assert deleted.status_code == 302 and deleted["Location"] == staff_page
    edit = cast.client("pm").get(reverse("consultations:findings_edit", args=[slug, finding.pk])).content.decode()
    assert reverse("consultations:public_detail", args=[slug, finding.consultation_id]) in edit
