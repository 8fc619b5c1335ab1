"""The consultations' forms: one per record, for its pages (programmes.record_pages). The
API applies the same model rules through full_clean in the services."""
from django import forms

from consultations.models import (
    ConsultationMeeting,
    Finding,
    MeasuresLetter,
    Proposal,
    PublicConsultation,
    StaffConsultation,
    StaffRepresentative,
)
from programmes.forms import ProgrammeScopedForm


class StaffConsultationForm(ProgrammeScopedForm):
    class Meta:
        model = StaffConsultation
        fields = ["title", "duty", "start_date", "end_date"]
        widgets = {"duty": forms.RadioSelect}


class _ChildForm(ProgrammeScopedForm):
    """A record of one consultation: the consultation is chosen from the programme's own,
    in date order."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["consultation"]
        field.queryset = field.queryset.order_by("start_date", "pk")
        field.empty_label = "Choose a consultation"


class StaffRepresentativeForm(_ChildForm):
    class Meta:
        model = StaffRepresentative
        fields = ["consultation", "kind", "body", "name"]
        widgets = {"kind": forms.RadioSelect}


class ConsultationMeetingForm(_ChildForm):
    class Meta:
        model = ConsultationMeeting
        fields = ["consultation", "date", "attendees", "notes"]


class ProposalForm(_ChildForm):
    class Meta:
        model = Proposal
        fields = ["consultation", "kind", "put_by", "put_on", "text", "response", "responded_on"]
        widgets = {"kind": forms.RadioSelect}


class MeasuresLetterForm(_ChildForm):
    class Meta:
        model = MeasuresLetter
        fields = ["consultation", "sent_on", "recipient", "subject"]


class PublicConsultationForm(ProgrammeScopedForm):
    channels = forms.MultipleChoiceField(label="Channels used", choices=PublicConsultation.Channel.choices,
                                         widget=forms.CheckboxSelectMultiple, required=False)

    class Meta:
        model = PublicConsultation
        fields = ["title", "start_date", "end_date", "document_title", "document_reference", "channels",
                  "other_channel", "responses", "formative", "formative_note", "reasons", "reasons_note",
                  "time", "time_note", "considered", "considered_note"]
        labels = {"formative": "Met: the proposals were at a formative stage",
                  "reasons": "Met: sufficient reasons were given for intelligent consideration",
                  "time": "Met: adequate time was given to respond",
                  "considered": "Met: the responses were conscientiously taken into account"}


class FindingForm(_ChildForm):
    class Meta:
        model = Finding
        fields = ["consultation", "finding", "response"]
