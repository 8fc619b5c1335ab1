"""The demo programme's consultations: the collective consultation of the transferring staff
(formally from 5 December 2023, when the engagement log records its start, to the end of
February, a month before transfer day) and the public consultation on the change that ran
in the autumn before it. Names of people are invented."""
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
from programmes.demo import demo_step
from programmes.services import record_save

REASON = "Demo data loaded"

REPRESENTATIVES = [
    (StaffRepresentative.Kind.UNION, "Unison", "Dawn Pellow"),
    (StaffRepresentative.Kind.UNION, "Unite", "Marcus Feld"),
    (StaffRepresentative.Kind.UNION, "GMB", "Ade Coker"),
    (StaffRepresentative.Kind.ELECTED, "Shared Lives staff forum (no recognised union)", "Jo Barton"),
]
MEETINGS = [
    (date(2023, 12, 5), "Dawn Pellow (Unison), Marcus Feld (Unite), Ade Coker (GMB), Jo Barton; "
                        "Helen Marsh (HR lead), Priya Shah (programme manager)",
     "Formal start of the TUPE consultation: the transfer, its date, the reasons and the measures envisaged."),
    (date(2024, 1, 9), "Dawn Pellow, Marcus Feld, Ade Coker, Jo Barton; Helen Marsh",
     "Pay dates, pension arrangements and the unions' counter-proposal on protected mileage."),
    (date(2024, 2, 6), "Dawn Pellow, Marcus Feld, Jo Barton; Helen Marsh, Priya Shah",
     "The council's response to the counter-proposal; day-one arrangements; close of consultation."),
]
PROPOSALS = [
    (Proposal.Kind.PROPOSAL, "The council", date(2023, 12, 5),
     "Staff transfer on their existing terms; pay moves to the council's monthly payroll on the 15th.",
     "", None),
    (Proposal.Kind.COUNTER, "Unison, Unite and GMB", date(2024, 1, 9),
     "Keep the provider's higher mileage rate for two years after transfer, and pay on the last working "
     "day of the month as now.",
     "The mileage rate is protected as a term of employment under TUPE, without a time limit. The council "
     "will pay on the provider's date for the first three months, then on the 15th with an advance for "
     "anyone who asks.", date(2024, 2, 6)),
]
LETTERS = [
    (date(2023, 11, 20), "HCRG Care Group (the outgoing employer)",
     "Measures the council envisages taking in connection with the transfer (TUPE reg. 13(4))"),
    (date(2023, 12, 5), "Unison, Unite, GMB and the Shared Lives staff forum",
     "The information required by TUPE reg. 13(2), and the measures envisaged"),
]
FINDINGS = [
    ("People who use day services want the same staff and places after the change.",
     "Every day service continues at its current base with its current staff, who transfer under TUPE."),
    ("Carers asked who to call if something goes wrong in the first weeks.",
     "One number for the first three months, staffed by the council's adult social care front door."),
    ("Some respondents worry that costs will rise for people who pay for their care.",
     "Charging follows the council's existing policy; nobody's charge changes because of the transfer."),
]


@demo_step
def consultations_demo_load(programme, users, shift) -> None:
    """Add the demo consultations to the demo programme (called by `demo_load`)."""
    hr, pm = users["demo-hr"], users["demo-pm"]
    staff = record_save(instance=StaffConsultation(
        programme=programme, title="Collective consultation on the transfer of staff",
        duty=StaffConsultation.Duty.TUPE, start_date=shift(date(2023, 12, 5)), end_date=shift(date(2024, 2, 29))),
        user=hr, reason=REASON)
    for kind, body, name in REPRESENTATIVES:
        record_save(instance=StaffRepresentative(programme=programme, consultation=staff, kind=kind, body=body,
                                                 name=name), user=hr, reason=REASON)
    for when, attendees, notes in MEETINGS:
        record_save(instance=ConsultationMeeting(programme=programme, consultation=staff, date=shift(when),
                                                 attendees=attendees, notes=notes), user=hr, reason=REASON)
    for kind, by, when, text, response, responded in PROPOSALS:
        record_save(instance=Proposal(programme=programme, consultation=staff, kind=kind, put_by=by,
                                      put_on=shift(when), text=text, response=response,
                                      responded_on=shift(responded)), user=hr, reason=REASON)
    for when, to, about in LETTERS:
        record_save(instance=MeasuresLetter(programme=programme, consultation=staff, sent_on=shift(when),
                                            recipient=to, subject=about), user=hr, reason=REASON)
    public = record_save(instance=PublicConsultation(
        programme=programme, title="Bringing adult social care services back to the council",
        start_date=shift(date(2023, 9, 18)), end_date=shift(date(2023, 11, 12)),
        document_title="Adult social care: our proposals for the end of the community services contract",
        document_reference="Consultation hub, reference ASC-2023-04",
        channels=[PublicConsultation.Channel.ONLINE_SURVEY, PublicConsultation.Channel.PUBLIC_MEETINGS,
                  PublicConsultation.Channel.DROP_INS, PublicConsultation.Channel.EASY_READ],
        responses=412,
        formative=True, formative_note="Consulted before the Full Business Case went to Cabinet; two options open.",
        reasons=True, reasons_note="The document set out the options, their costs and the reasons for each.",
        time=True, time_note="Eight weeks, with an easy read version and drop-ins at every day service.",
        considered=False, considered_note="The findings report goes to Cabinet with the paper."),
        user=pm, reason=REASON)
    for finding, response in FINDINGS:
        record_save(instance=Finding(programme=programme, consultation=public, finding=finding, response=response),
                    user=pm, reason=REASON)
