"""REST API for risks, their mitigating actions and issues, under the same access rules
as the pages: members read, programme managers and directors write, outsiders get 404."""
from rest_framework import serializers

from core.roles import Capability
from programmes.api import ProgrammeChildViewSet, ProgrammeScopedSerializer
from risks.models import Issue, Risk, RiskAction
from risks.services import risk_action_save, risk_save


class RiskSerializer(ProgrammeScopedSerializer):
    reference = serializers.CharField(read_only=True)
    inherent_score = serializers.IntegerField(read_only=True)
    residual_score = serializers.IntegerField(read_only=True)

    class Meta:
        model = Risk
        fields = ["id", "reference", "title", "category", "cause", "event", "effect", "owner",
                  "workstream", "proximity", "proximity_date", "likelihood", "impact", "inherent_score",
                  "residual_likelihood", "residual_impact", "residual_score", "target_score",
                  "response", "status", "next_review_date", "escalated", "escalated_on"]


class RiskActionSerializer(ProgrammeScopedSerializer):
    class Meta:
        model = RiskAction
        fields = ["id", "risk", "description", "owner", "due_date", "status"]


class IssueSerializer(ProgrammeScopedSerializer):
    class Meta:
        model = Issue
        fields = ["id", "risk", "title", "description", "priority", "owner", "raised_on",
                  "resolved_on", "resolution", "status"]


class RiskViewSet(ProgrammeChildViewSet):
    model = Risk
    serializer_class = RiskSerializer
    edit_capability = Capability.EDIT_RISKS
    select_related = ("owner", "workstream")
    # Through the same service as the pages, so a risk made here is numbered R-00N too.
    save_service = staticmethod(
        lambda *, instance, user, reason: risk_save(risk=instance, user=user, reason=reason))


class RiskActionViewSet(ProgrammeChildViewSet):
    model = RiskAction
    serializer_class = RiskActionSerializer
    edit_capability = Capability.EDIT_RISKS
    save_service = staticmethod(
        lambda *, instance, user, reason: risk_action_save(action=instance, user=user, reason=reason))


class IssueViewSet(ProgrammeChildViewSet):
    model = Issue
    serializer_class = IssueSerializer
    edit_capability = Capability.EDIT_RISKS
