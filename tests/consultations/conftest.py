"""Consultation records for a programme: one staff consultation with a representative of
each kind, a meeting, a counter-proposal with its response and a measures letter, and one
public consultation with a finding. `STAFF_NAME` is in the personal fields only."""
from datetime import date

from consultations.models import (
    ConsultationMeeting,
    Finding,
    MeasuresLetter,
    Proposal,
    PublicConsultation,
    StaffConsultation,
    StaffRepresentative,
)
from programmes.services import record_save

STAFF_NAME = "Wilhelmina Tarrant-Oyelaran"


def consultation_records(programme, user, *, n: int = 1, name: str = STAFF_NAME) -> dict:
    """`n` of each record (the counts for the query-count tests); the last of each returned."""
    out = {}
    for k in range(n):
        staff = record_save(instance=StaffConsultation(
            programme=programme, title=f"Transfer consultation {k}", duty=StaffConsultation.Duty.BOTH,
            start_date=date(2024, 1, 8), end_date=date(2024, 2, 21)), user=user, reason="Set up")
        out["staff"] = staff
        out["representatives"] = record_save(instance=StaffRepresentative(
            programme=programme, consultation=staff, kind=StaffRepresentative.Kind.ELECTED,
            body="Day services staff forum", name=name), user=user, reason="Set up")
        record_save(instance=StaffRepresentative(
            programme=programme, consultation=staff, kind=StaffRepresentative.Kind.UNION, body="Unison"),
            user=user, reason="Set up")
        out["meetings"] = record_save(instance=ConsultationMeeting(
            programme=programme, consultation=staff, date=date(2024, 1, 15), attendees=f"{name}, the HR lead",
            notes="Terms and pensions"), user=user, reason="Set up")
        out["proposals"] = record_save(instance=Proposal(
            programme=programme, consultation=staff, kind=Proposal.Kind.COUNTER, put_by="Unison",
            put_on=date(2024, 1, 15), text="Protect the mileage rate", response="Agreed for two years",
            responded_on=date(2024, 2, 1)), user=user, reason="Set up")
        out["letters"] = record_save(instance=MeasuresLetter(
            programme=programme, consultation=staff, sent_on=date(2024, 1, 5), recipient="The provider",
            subject="Measures envisaged"), user=user, reason="Set up")
        public = record_save(instance=PublicConsultation(
            programme=programme, title=f"Public consultation {k}", start_date=date(2023, 10, 2),
            end_date=date(2023, 11, 26), document_title="Our proposals", document_reference="https://example.org/c",
            channels=["online_survey", "drop_ins"], responses=250 + k, formative=True, reasons=True),
            user=user, reason="Set up")
        out["public"] = public
        out["findings"] = record_save(instance=Finding(
            programme=programme, consultation=public, finding="People want the same staff",
            response="Staff transfer with the service"), user=user, reason="Set up")
    return out
