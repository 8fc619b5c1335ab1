"""REST API for risks, their mitigating actions and issues, under the same access rules
as the pages: members read, programme managers and directors write, outsiders get 404."""
import django_filters as df
from django.db.models import F, Q
from django.utils import timezone
from rest_framework import serializers

from core.api import ChoiceLabelField
from core.roles import Capability
from programmes.api import CouncilListField, ProgrammeChildViewSet, ProgrammeScopedSerializer
from programmes.council_lists import RISK_CATEGORY
from risks.models import RAG, Issue, Risk, RiskAction
from risks.selectors import decorate, scored, with_rag
from risks.services import risk_action_save, risk_save, risk_settings_for


class RiskSerializer(ProgrammeScopedSerializer):
    reference = serializers.CharField(read_only=True)
    # The council's own risk categories, not a fixed list; the label is the council's too.
    category = CouncilListField(key=RISK_CATEGORY)
    category_label = ChoiceLabelField("category")
    inherent_score = serializers.IntegerField(read_only=True)
    residual_score = serializers.IntegerField(read_only=True)
    # What the register shows of each risk, from the register's own rule (selectors.decorate)
    # under the programme's thresholds and appetites.
    inherent_rag = serializers.ChoiceField(choices=RAG.choices, read_only=True)
    residual_rag = serializers.ChoiceField(choices=RAG.choices, read_only=True)
    above_appetite = serializers.BooleanField(read_only=True)
    review_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Risk
        fields = ["id", "reference", "title", "category", "category_label", "cause", "event", "effect", "owner",
                  "workstream", "proximity", "proximity_date", "likelihood", "impact", "inherent_score",
                  "inherent_rag", "residual_likelihood", "residual_impact", "residual_score", "residual_rag",
                  "target_score", "above_appetite", "response", "status", "next_review_date",
                  "review_overdue", "escalated", "escalated_on"]

    def to_representation(self, instance):
        if not hasattr(instance, "appetite"):
            # A risk just written, not read through `scored`: its category's appetite and label.
            instance.appetite, instance.category_label = scored(Risk.objects.filter(pk=instance.pk)).values_list(
                "appetite", "category_label")[0]
        decorate([instance], settings=self.context["risk_settings"], today=timezone.localdate())
        return super().to_representation(instance)


class RiskActionSerializer(ProgrammeScopedSerializer):
    class Meta:
        model = RiskAction
        fields = ["id", "risk", "description", "owner", "due_date", "status"]


class IssueSerializer(ProgrammeScopedSerializer):
    class Meta:
        model = Issue
        fields = ["id", "risk", "title", "description", "priority", "owner", "raised_on",
                  "resolved_on", "resolution", "status"]


class RiskFilter(df.FilterSet):
    """Beside the model's filters (core.filters): the residual RAG under the programme's
    thresholds, and those above their category's appetite."""

    rag = df.ChoiceFilter(choices=[(v, label) for v, label in RAG.choices], method="by_rag",
                          help_text="The residual score's RAG under the programme's thresholds")
    above_appetite = df.BooleanFilter(method="by_appetite", help_text="Residual score above the category's appetite")

    class Meta:
        model = Risk
        fields = ["escalated"]

    def by_rag(self, queryset, name, value):
        programme = self.request.parser_context["view"].access.programme
        return with_rag(queryset, rag=value, settings=risk_settings_for(programme=programme))

    def by_appetite(self, queryset, name, value):
        above = Q(appetite__isnull=False, residual__gt=F("appetite"))
        return queryset.filter(above) if value else queryset.exclude(above)


class RiskViewSet(ProgrammeChildViewSet):
    model = Risk
    serializer_class = RiskSerializer
    edit_capability = Capability.EDIT_RISKS
    select_related = ("owner", "workstream")
    filterset_class = RiskFilter

    def get_queryset(self):
        return scored(super().get_queryset())

    def get_serializer_context(self):
        ctx = super().get_serializer_context()
        if hasattr(self, "access"):
            if not hasattr(self, "_risk_settings"):
                self._risk_settings = risk_settings_for(programme=self.access.programme)
            ctx["risk_settings"] = self._risk_settings
        return ctx

    def _write(self, serializer, instance):
        instance = super()._write(serializer, instance)
        # The appetite and the category's label were worked out for the risk as it was
        # read; dropped, the serializer works them out again for the risk as written.
        for name in ("appetite", "category_label"):
            instance.__dict__.pop(name, None)
        return instance

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
