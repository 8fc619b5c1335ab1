"""REST API for the finance records, under the same access rules as the pages: members
read, finance officers and programme managers (EDIT_FINANCE) write, outsiders get 404. The
reports come as JSON, and ledger uploads can be listed and rolled back."""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.decorators import api_view
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import PlainDecimalField
from core.financial_year import FinancialYearField, FinancialYearSerializerField
from core.formats import decimal_text
from core.models import Upload
from core.roles import Capability
from core.uploads import UploadError, upload_rollback, uploads_for
from finance import reporting
from finance.ledger import KIND as LEDGER_KIND
from finance.models import (
    AccountCode,
    BudgetLine,
    BudgetVersion,
    CostCentre,
    Forecast,
    FundingSource,
    InvestmentLine,
    Kpi,
    KpiReading,
    LedgerTransaction,
    RealisedSaving,
    SavingsLine,
)
from finance.services import budget_version_save
from programmes.access import programme_access
from programmes.api import CouncilListField, ProgrammeChildViewSet, ProgrammeScopedSerializer
from programmes.council_lists import COST_TYPE, SAVINGS_CATEGORY


@extend_schema_field({"type": "string", "example": "2023/24", "description": "Financial year, April to March"})
class YearField(FinancialYearSerializerField):
    """A financial year ("2023/24"), described as such in the OpenAPI schema."""


def _choice_field(model_field):
    """The model's choices, listed in the field's description rather than as a named enum:
    several finance models (and other apps) have a field called `category`, each with its
    own choices, and named enums of one field name collide in the schema."""
    values = ", ".join(v for v, _ in model_field.choices)

    @extend_schema_field({"type": "string", "description": f"One of: {values}"})
    class Choice(serializers.ChoiceField):
        pass

    return Choice(choices=model_field.choices, required=not model_field.has_default())


class _FinanceSerializer(ProgrammeScopedSerializer):
    serializer_field_mapping = {**ProgrammeScopedSerializer.serializer_field_mapping,
                                FinancialYearField: YearField}


def _serializer(model_, fields_):
    # The module named here, not DRF's metaclass's, so the class is found and named as ours.
    attrs = {"Meta": type("Meta", (), {"model": model_, "fields": ["id", *fields_]}), "__module__": __name__}
    if model_ in (SavingsLine, RealisedSaving):
        # The council's own savings categories, not a fixed list.
        attrs["category"] = CouncilListField(key=SAVINGS_CATEGORY)
    elif "category" in fields_:
        attrs["category"] = _choice_field(model_._meta.get_field("category"))
    if "cost_type" in fields_:
        # The council's own cost types; left out, a new record takes the model's default.
        attrs["cost_type"] = CouncilListField(key=COST_TYPE, required=False)
    return type(f"{model_.__name__}Serializer", (_FinanceSerializer,), attrs)


def _viewset(model_, fields_, *, serializer_class=None, **extra):
    attrs = {"model": model_, "serializer_class": serializer_class or _serializer(model_, fields_),
             "edit_capability": Capability.EDIT_FINANCE, **extra}
    return type(f"{model_.__name__}ViewSet", (ProgrammeChildViewSet,), attrs)


_KPI_STATUSES = [("green", "Meets target"), ("amber", "Improving"), ("red", "Not improving"),
                 ("", "No reading yet, no target set, or short of target with no baseline to compare")]


class KpiSerializer(_FinanceSerializer):
    """A KPI, with what the KPIs page shows of it: its latest reading and how that stands
    against the target (finance.reporting.KpiSummary, the page's own rule)."""

    latest_reading_date = serializers.DateField(source="summary.latest.date", read_only=True, allow_null=True)
    latest_reading_value = PlainDecimalField(source="summary.latest.value", max_digits=14, decimal_places=2,
                                             read_only=True, allow_null=True)
    target_status = serializers.ChoiceField(source="summary.status.value", choices=_KPI_STATUSES, read_only=True)
    target_status_text = serializers.CharField(source="summary.status.text", read_only=True)

    class Meta:
        model = Kpi
        fields = ["id", "name", "workstream", "unit", "baseline", "comparator_label", "comparator_value",
                  "target", "direction", "latest_reading_date", "latest_reading_value", "target_status",
                  "target_status_text"]

    def to_representation(self, instance):
        instance.summary = reporting.kpi_summary(instance)
        return super().to_representation(instance)


VIEWSETS = {
    "funding-sources": _viewset(FundingSource, ["name", "kind", "balance", "other_commitments"]),
    "budget-versions": _viewset(BudgetVersion, ["name", "kind", "reason", "approved_on", "is_current"],
                                save_service=staticmethod(lambda *, instance, user, reason: budget_version_save(
                                    version=instance, user=user, reason=reason))),
    "budget-lines": _viewset(BudgetLine, ["version", "financial_year", "category", "cost_type", "workstream",
                                          "funding_source", "description", "amount"]),
    "forecasts": _viewset(Forecast, ["financial_year", "category", "cost_type", "workstream", "amount", "note"]),
    "cost-centres": _viewset(CostCentre, ["code", "name", "workstream"]),
    "account-codes": _viewset(AccountCode, ["code", "name", "cost_type", "category"]),
    "savings": _viewset(SavingsLine, ["financial_year", "category", "recurrence", "description", "amount"]),
    "investments": _viewset(InvestmentLine, ["financial_year", "kind", "description", "amount"]),
    "realised-savings": _viewset(RealisedSaving, ["financial_year", "category", "amount", "note"]),
    "kpis": _viewset(Kpi, [], serializer_class=KpiSerializer, prefetch_related=("readings",)),
    "kpi-readings": _viewset(KpiReading, ["kpi", "date", "value"]),
}


class LedgerTransactionSerializer(serializers.ModelSerializer):
    financial_year = YearField(read_only=True)

    class Meta:
        model = LedgerTransaction
        fields = ["id", "upload", "transaction_date", "financial_year", "period", "cost_centre", "account_code",
                  "description", "supplier", "amount", "reference"]
        # Lines come and go with their upload, never one by one: nothing here is written,
        # so the upload is no choice to limit.
        read_only_fields = fields


class LedgerTransactionViewSet(ProgrammeChildViewSet):
    """Ledger lines, read only: they arrive and leave with their upload."""

    model = LedgerTransaction
    serializer_class = LedgerTransactionSerializer
    edit_capability = Capability.EDIT_FINANCE
    http_method_names = ["get", "head", "options"]


def _d(v):
    """Money as the serializers write a decimal (core.api), the same on every database."""
    return decimal_text(v)


def _line(x: reporting.Line) -> dict:
    return {"label": str(x.label), "budget": _d(x.budget), "actual": _d(x.actual), "forecast": _d(x.forecast),
            "outturn": _d(x.outturn), "variance": _d(x.variance), "rag": x.rag.value, "rag_text": x.rag.text}


class ReportView(APIView):
    """GET: the budget-against-actual report, mobilisation spend, costs and benefits,
    realised savings against plan, the reserves and the planned cost at SOC against actual."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, programme_slug):
        p = programme_access(request.user, programme_slug).programme
        r = reporting.budget_against_actual(programme=p)
        spend = reporting.mobilisation_spend(programme=p)
        cb = reporting.costs_and_benefits(programme=p)
        soc = reporting.soc_against_actual(programme=p)
        savings_by_year, savings_by_category = reporting.savings_against_plan(programme=p)
        return Response({
            "budget_against_actual": {
                "by_year": [_line(x) for x in r.by_year], "by_category": [_line(x) for x in r.by_category],
                "by_cost_type": [_line(x) for x in r.by_cost_type],
                "by_workstream": [_line(x) for x in r.by_workstream], "total": _line(r.total),
                "cumulative": [{"year": str(y), "budget": _d(b), "actual": _d(a)} for y, b, a in r.cumulative]},
            "mobilisation_spend": {
                "years": [{"year": str(y.year), "revenue": _d(y.revenue), "capital": _d(y.capital),
                           "total": _d(y.total), "cumulative": _d(y.cumulative)} for y in spend.years],
                "total": _d(spend.total), "notes": spend.notes},
            "costs_and_benefits": {
                "years": [{"year": str(y.year), "investment": _d(y.investment), "income": _d(y.income),
                           "recurrent_savings": _d(y.recurrent_savings), "one_off_savings": _d(y.one_off_savings),
                           "net": _d(y.net), "cumulative_net": _d(y.cumulative_net)} for y in cb.years],
                "payback_year": str(cb.payback_year) if cb.payback_year else None,
                "payback": [{"basis": pb.basis, "year": str(pb.year) if pb.year else None,
                             "within_plan": pb.within_plan, "words": pb.words} for pb in cb.paybacks]},
            # The savings page's realised savings against plan, by year and by category.
            "savings_against_plan": {
                key: [{"label": str(x.label), "planned": _d(x.planned), "realised": _d(x.realised),
                       "gap": _d(x.gap)} for x in rows]
                for key, rows in (("by_year", savings_by_year), ("by_category", savings_by_category))},
            "reserves": [{"name": x.source.name, "balance": _d(x.source.balance), "committed": _d(x.committed),
                          "other_commitments": _d(x.source.other_commitments), "uncommitted": _d(x.uncommitted)}
                         for x in reporting.reserve_positions(programme=p)],
            "soc_against_actual": None if soc is None else {
                "label": soc.label,
                "years": [{"year": str(y), "planned": _d(pl), "actual": _d(a)} for y, pl, a in soc.rows]},
        })


class LedgerUploadSerializer(serializers.Serializer):
    """One ledger upload as `ledger_uploads` lists it: what the schema documents."""

    id = serializers.IntegerField()
    file = serializers.CharField()
    status = serializers.ChoiceField(choices=Upload.Status.choices)
    rows = serializers.IntegerField()
    uploaded_at = serializers.DateTimeField()
    warnings = serializers.JSONField()


class RollbackSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=[("rolled_back", "Rolled back")])


@extend_schema(responses=LedgerUploadSerializer(many=True))
@api_view(["GET"])
def ledger_uploads(request, programme_slug):
    """The programme's ledger uploads, newest first."""
    p = programme_access(request.user, programme_slug).programme
    return Response([{"id": u.pk, "file": u.original_name, "status": u.status, "rows": u.row_count,
                      "uploaded_at": u.uploaded_at, "warnings": u.warnings}
                     for u in uploads_for(p, kind=LEDGER_KIND)[:200]])


@extend_schema(request=None, responses={200: RollbackSerializer, 409: OpenApiResponse(
    response={"type": "object", "properties": {"detail": {"type": "string"}}},
    description="The upload is not loaded, so there is nothing to roll back")})
@api_view(["POST"])
def ledger_upload_rollback(request, programme_slug, pk):
    """Roll a loaded ledger upload back: every line it loaded goes."""
    p = programme_access(request.user, programme_slug, Capability.EDIT_FINANCE).programme
    upload = get_object_or_404(uploads_for(p, kind=LEDGER_KIND), pk=pk)
    try:
        upload_rollback(upload=upload, user=request.user)
    except UploadError as e:
        return Response({"detail": e.message}, status=status.HTTP_409_CONFLICT)
    return Response({"id": upload.pk, "status": "rolled_back"})
