"""REST API for the consultations, under /api/v1/programmes/<slug>/…, with the pages' rules:
every member reads; staff consultations and their records are written by the roles with
EDIT_STAFF_CONSULTATION, public ones and their findings by those with EDIT_PLAN; outsiders
get 404. The fields that may name a member of staff (models.PERSONAL_FIELDS) are in the
answers only for a role with VIEW_PERSONAL_DATA; for anyone else they are left out, and
cannot be written."""
from django.utils import timezone
from rest_framework import serializers

from consultations import selectors
from consultations.models import (
    PERSONAL_FIELDS,
    ConsultationMeeting,
    Finding,
    MeasuresLetter,
    Proposal,
    PublicConsultation,
    StaffConsultation,
    StaffRepresentative,
    State,
)
from core.roles import Capability
from programmes.api import ProgrammeChildViewSet, ProgrammeScopedSerializer
from programmes.personal_data import personal_data_looked_at


class _PersonalSerializer(ProgrammeScopedSerializer):
    """A consultation's record. A field that may name a member of staff is in the answer
    only for a role that may see personal data, and only such a role may write it."""

    def get_fields(self):
        fields = super().get_fields()
        if getattr(self.context.get("view"), "swagger_fake_view", False):
            return fields  # the schema describes every field (the personal ones as optional)
        access = self.context.get("access")
        if access is None or not access.can(Capability.VIEW_PERSONAL_DATA):
            for name in PERSONAL_FIELDS.get(self.Meta.model, ()):
                fields.pop(name, None)
        return fields

    def to_internal_value(self, data):
        # A personal field sent by a role that may not write it is refused, not dropped:
        # the client hears that the attendees it sent were not recorded.
        access = self.context.get("access")
        if access is not None and not access.can(Capability.VIEW_PERSONAL_DATA) and hasattr(data, "keys"):
            sent = [name for name in PERSONAL_FIELDS.get(self.Meta.model, ()) if name in data]
            if sent:
                raise serializers.ValidationError({name: ["Only a role that may see staff names can set this"]
                                                   for name in sent})
        return super().to_internal_value(data)


class _PeriodSerializer(ProgrammeScopedSerializer):
    length_days = serializers.IntegerField(read_only=True, help_text="Calendar days, the first and last counted")
    state = serializers.SerializerMethodField()

    def get_state(self, obj) -> State:
        return obj.state(timezone.localdate())


_PERIOD = ["id", "title", "start_date", "end_date", "length_days", "state"]


class StaffConsultationSerializer(_PeriodSerializer):
    meeting_count = serializers.IntegerField(read_only=True)
    representative_count = serializers.IntegerField(read_only=True)
    counter_proposal_count = serializers.IntegerField(source="counter_count", read_only=True)
    letter_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = StaffConsultation
        fields = [*_PERIOD, "duty", "meeting_count", "representative_count", "counter_proposal_count",
                  "letter_count"]


class PublicConsultationSerializer(_PeriodSerializer):
    channels = serializers.ListField(child=serializers.ChoiceField(choices=PublicConsultation.Channel.choices),
                                     required=False)
    finding_count = serializers.IntegerField(read_only=True)
    gunning_not_evidenced = serializers.ListField(child=serializers.CharField(), read_only=True,
                                                 help_text="The Gunning principles not yet marked as met")

    class Meta:
        model = PublicConsultation
        fields = [*_PERIOD, "document_title", "document_reference", "channels", "other_channel", "responses",
                  "formative", "formative_note", "reasons", "reasons_note", "time", "time_note", "considered",
                  "considered_note", "finding_count", "gunning_not_evidenced"]


def _child_serializer(model_, fields_):
    attrs = {"Meta": type("Meta", (), {"model": model_, "fields": ["id", "consultation", *fields_],
                                       "extra_kwargs": {name: {"required": False}
                                                        for name in PERSONAL_FIELDS.get(model_, ())}}),
             "__module__": __name__}
    return type(f"{model_.__name__}Serializer", (_PersonalSerializer,), attrs)


class _ConsultationViewSet(ProgrammeChildViewSet):
    def get_serializer_context(self):
        ctx = super().get_serializer_context()
        if hasattr(self, "access"):
            ctx["access"] = self.access
        return ctx

    def _log_look(self, request):
        """An answer with staff names in it (for a role that sees them) is a logged look."""
        if PERSONAL_FIELDS.get(self.model) and self.access.can(Capability.VIEW_PERSONAL_DATA):
            personal_data_looked_at(programme=self.access.programme, user=request.user,
                                    what=f"{self.model._meta.verbose_name_plural.capitalize()} (API)")

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        self._log_look(request)
        return response

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        self._log_look(request)
        return response


def _viewset(model_, serializer_class, capability, **extra):
    attrs = {"model": model_, "serializer_class": serializer_class, "edit_capability": capability,
             "__module__": __name__, **extra}
    return type(f"{model_.__name__}ViewSet", (_ConsultationViewSet,), attrs)


class StaffConsultationViewSet(_ConsultationViewSet):
    model = StaffConsultation
    serializer_class = StaffConsultationSerializer
    edit_capability = Capability.EDIT_STAFF_CONSULTATION

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return StaffConsultation.objects.none()
        return selectors.staff_consultations(programme=self.access.programme)

    def _write(self, serializer, instance):
        # Read again with its counts, for the answer.
        written = super()._write(serializer, instance)
        return self.get_queryset().get(pk=written.pk)


class PublicConsultationViewSet(_ConsultationViewSet):
    model = PublicConsultation
    serializer_class = PublicConsultationSerializer
    edit_capability = Capability.EDIT_PLAN

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return PublicConsultation.objects.none()
        return selectors.public_consultations(programme=self.access.programme)

    def _write(self, serializer, instance):
        written = super()._write(serializer, instance)
        return self.get_queryset().get(pk=written.pk)


STAFF = Capability.EDIT_STAFF_CONSULTATION
VIEWSETS = {
    "staff-consultations": StaffConsultationViewSet,
    "staff-representatives": _viewset(
        StaffRepresentative, _child_serializer(StaffRepresentative, ["kind", "body", "name"]), STAFF),
    "consultation-meetings": _viewset(
        ConsultationMeeting, _child_serializer(ConsultationMeeting, ["date", "attendees", "notes"]), STAFF),
    "consultation-proposals": _viewset(
        Proposal, _child_serializer(Proposal, ["kind", "put_by", "put_on", "text", "response", "responded_on"]),
        STAFF),
    "measures-letters": _viewset(
        MeasuresLetter, _child_serializer(MeasuresLetter, ["sent_on", "recipient", "subject"]), STAFF),
    "public-consultations": PublicConsultationViewSet,
    "consultation-findings": _viewset(
        Finding, _child_serializer(Finding, ["finding", "response"]), Capability.EDIT_PLAN),
}
