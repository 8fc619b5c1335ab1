"""REST API for business cases, under the same access rules as the pages: members read,
programme managers and directors write (EDIT_BUSINESS_CASE), only directors record a
decision (APPROVE_BUSINESS_CASE), outsiders get 404. The ranking and the appraisal results
are computed, so they are read-only."""
import uuid
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.drainage import set_override
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from business_cases import reporting, selectors
from business_cases.forms import PaperCompareForm, PaperFinalForm
from business_cases.highlight import KIND as HIGHLIGHT_KIND
from business_cases.highlight import highlight_generate
from business_cases.models import (
    APPENDICES,
    SECTIONS,
    AppraisalLine,
    BusinessCase,
    BusinessCaseVersion,
    CabinetPaper,
    Criterion,
    CriticalSuccessFactor,
    EqualityAssessment,
    EqualityImpact,
    EqualityMitigation,
    HighlightReport,
    HighlightVersion,
    Impact,
    MatrixCell,
    Option,
    PaperVersion,
    StrategicObjective,
)
from business_cases.papers import FINAL_KIND, KINDS, final_check, paper_changes, paper_final_request, paper_generate
from business_cases.services import (
    assessment_save,
    equality_impact_delete,
    stage_delete,
    statement_save,
    version_create,
    version_decide,
    version_delete,
    version_save,
    version_submit,
)
from core.financial_year import FinancialYearField, FinancialYearSerializerField
from core.formats import decimal_text
from core.jobs import JobError, job_may_retry, job_retry, jobs_for
from core.models import Job
from core.roles import Capability
from programmes.access import programme_access
from programmes.api import ProgrammeChildViewSet, ProgrammeScopedSerializer


@extend_schema_field({"type": "string", "example": "2023/24", "description": "Financial year, April to March"})
class YearField(FinancialYearSerializerField):
    """A financial year ("2023/24"), described as such in the OpenAPI schema."""


class _Scoped(ProgrammeScopedSerializer):
    """Related choices come limited to the programme in the URL (ProgrammeScopedSerializer);
    choices of values are described inline in the schema."""

    serializer_field_mapping = {**ProgrammeScopedSerializer.serializer_field_mapping, FinancialYearField: YearField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for f in self.fields.values():
            # Choices inline in the schema, not as named enums: other apps have fields called
            # kind, category, status or rating with other choices, and named enums collide.
            if isinstance(f, serializers.ChoiceField):
                set_override(f, "field", {"type": "string", "enum": [str(v) for v in f.choices],
                                          "description": "One of: " + ", ".join(str(v) for v in f.choices if v)})


class BusinessCaseSerializer(_Scoped):
    class Meta:
        model = BusinessCase
        fields = ["id", "stage"]


class VersionSerializer(_Scoped):
    stage = serializers.CharField(source="business_case.stage", read_only=True)

    class Meta:
        model = BusinessCaseVersion
        fields = ["id", "business_case", "stage", "number", "status", "summary", *[n for n, _ in SECTIONS],
                  "approving_body", "meeting_date", "decision_reference", "decision_notes", "decided_by",
                  "decided_at", "was_approved", "created_at"]
        read_only_fields = ["number", "status", "approving_body", "meeting_date", "decision_reference",
                            "decision_notes", "decided_by", "decided_at", "was_approved", "created_at"]


class ObjectiveSerializer(_Scoped):
    code = serializers.CharField(read_only=True)

    class Meta:
        model = StrategicObjective
        fields = ["id", "code", "number", "text"]


class CsfSerializer(_Scoped):
    code = serializers.CharField(read_only=True)

    class Meta:
        model = CriticalSuccessFactor
        fields = ["id", "code", "number", "text"]


class OptionSerializer(_Scoped):
    class Meta:
        model = Option
        fields = ["id", "code", "order", "title", "description", "kind", "justification", "outcome_override",
                  "override_reason", "optimism_bias_percent", "benefits_confidence_percent"]


class CriterionSerializer(_Scoped):
    class Meta:
        model = Criterion
        fields = ["id", "order", "title", "kind", "objective", "csf", "weight", "scale_min", "scale_max",
                  "direction"]


class MatrixCellSerializer(_Scoped):
    class Meta:
        model = MatrixCell
        fields = ["id", "option", "criterion", "level", "gate", "rating", "score", "money", "note"]
        # The pair is checked by the model's constraint through full_clean, as a 400.
        validators = []


class AppraisalLineSerializer(_Scoped):
    class Meta:
        model = AppraisalLine
        fields = ["id", "option", "category", "year", "financial_year", "description", "amount", "final",
                  "optimism_bias_percent", "confidence_percent"]


class EqualityAssessmentSerializer(_Scoped):
    """An assessment; a new one comes with a line for each protected characteristic and
    the council's usual two groups (as on the page). `unmitigated` names the negative
    impacts with no mitigation."""

    unmitigated = serializers.SerializerMethodField()

    class Meta:
        model = EqualityAssessment
        fields = ["id", "title", "option", "scope", "summary", "status", "signed_off_by", "signed_off_on",
                  "review_date", "unmitigated"]
        # The one-per-programme and one-per-option rules are the model's constraints,
        # checked by full_clean in the service as a 400.
        validators = []

    @extend_schema_field({"type": "array", "items": {"type": "string"},
                          "description": "The characteristics with a negative impact and no mitigation"})
    def get_unmitigated(self, assessment) -> list[str]:
        impacts = getattr(assessment, "unmitigated_impacts", None)  # the list's prefetch
        if impacts is None:
            impacts = EqualityImpact.objects.filter(assessment=assessment, impact=Impact.NEGATIVE,
                                                    mitigations__isnull=True)
        return [i.label for i in selectors.in_act_order(impacts)]


class EqualityImpactSerializer(_Scoped):
    class Meta:
        model = EqualityImpact
        fields = ["id", "assessment", "characteristic", "other_name", "impact", "evidence"]
        validators = []


class EqualityMitigationSerializer(_Scoped):
    class Meta:
        model = EqualityMitigation
        fields = ["id", "impact", "action", "owner", "due_date", "done"]
        extra_kwargs = {"owner": {"required": True, "allow_null": False}}


class _Child(ProgrammeChildViewSet):
    edit_capability = Capability.EDIT_BUSINESS_CASE


class BusinessCaseViewSet(_Child):
    model = BusinessCase
    serializer_class = BusinessCaseSerializer

    # Deleting a stage deletes its versions: the rule of which may go is the service's.
    delete_service = staticmethod(
        lambda *, instance, user, reason: stage_delete(case=instance, user=user, reason=reason))


class VersionViewSet(_Child):
    """Versions: POST starts a new version of the stage (superseding the latest, as the page
    does) with the text given; PUT/PATCH changes a draft only."""

    model = BusinessCaseVersion
    serializer_class = VersionSerializer
    select_related = ("business_case",)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        case = data.pop("business_case")
        version = version_create(programme=self.access.programme, stage=case.stage, user=request.user,
                                 summary=data.pop("summary", ""))
        if data:
            for k, v in data.items():
                setattr(version, k, v)
            version_save(version=version, user=request.user, reason="Text set through the API")
        return Response(self.get_serializer(version).data, status=status.HTTP_201_CREATED)

    save_service = staticmethod(
        lambda *, instance, user, reason: version_save(version=instance, user=user, reason=reason))

    def update(self, request, *args, **kwargs):
        if stale := self.stale_response():
            return stale
        instance = self.get_object()
        if "business_case" in request.data and str(request.data["business_case"]) != str(instance.business_case_id):
            raise DRFValidationError({"business_case": ["A version stays with its stage: start a new version there."]})
        return super().update(request, *args, **kwargs)

    # A version that went to review or was decided is part of the record (the service's rule).
    delete_service = staticmethod(
        lambda *, instance, user, reason: version_delete(version=instance, user=user, reason=reason))


class ObjectiveViewSet(_Child):
    model = StrategicObjective
    serializer_class = ObjectiveSerializer
    save_service = staticmethod(statement_save)


class CsfViewSet(_Child):
    model = CriticalSuccessFactor
    serializer_class = CsfSerializer
    save_service = staticmethod(statement_save)


class OptionViewSet(_Child):
    model = Option
    serializer_class = OptionSerializer


class CriterionViewSet(_Child):
    model = Criterion
    serializer_class = CriterionSerializer


class MatrixCellViewSet(_Child):
    model = MatrixCell
    serializer_class = MatrixCellSerializer


class AppraisalLineViewSet(_Child):
    model = AppraisalLine
    serializer_class = AppraisalLineSerializer


class EqualityAssessmentViewSet(_Child):
    model = EqualityAssessment
    serializer_class = EqualityAssessmentSerializer
    select_related = ("option",)
    save_service = staticmethod(assessment_save)

    def get_queryset(self):
        qs = super().get_queryset()
        if getattr(self, "swagger_fake_view", False):
            return qs
        # Each listed assessment's unmitigated impacts, read for the whole page at once.
        return qs.prefetch_related(models.Prefetch(
            "impacts", to_attr="unmitigated_impacts",
            queryset=EqualityImpact.objects.filter(impact=Impact.NEGATIVE, mitigations__isnull=True)))


class EqualityImpactViewSet(_Child):
    model = EqualityImpact
    serializer_class = EqualityImpactSerializer
    delete_service = staticmethod(equality_impact_delete)  # a protected characteristic's line stays (409)


class EqualityMitigationViewSet(_Child):
    model = EqualityMitigation
    serializer_class = EqualityMitigationSerializer


class VersionSubmitView(APIView):
    """POST: send a draft to review (refused with what is missing)."""

    @extend_schema(request=None, responses=VersionSerializer)
    def post(self, request, programme_slug: str, pk: int):
        access = programme_access(request.user, programme_slug, Capability.EDIT_BUSINESS_CASE)
        version = get_object_or_404(BusinessCaseVersion, programme=access.programme, pk=pk)
        version_submit(version=version, user=request.user)
        return Response(VersionSerializer(version, context={"programme": access.programme}).data)


class VersionDecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["approve", "reject"])
    approving_body = serializers.CharField(max_length=200)
    meeting_date = serializers.DateField()
    decision_reference = serializers.CharField(max_length=60)
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class VersionDecideView(APIView):
    """POST: a director records the decision on a version in review."""

    @extend_schema(request=VersionDecisionSerializer, responses=VersionSerializer)
    def post(self, request, programme_slug: str, pk: int):
        access = programme_access(request.user, programme_slug, Capability.APPROVE_BUSINESS_CASE)
        version = get_object_or_404(BusinessCaseVersion, programme=access.programme, pk=pk)
        s = VersionDecisionSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        version_decide(version=version, user=request.user, approve=d["decision"] == "approve",
                       approving_body=d["approving_body"], meeting_date=d["meeting_date"],
                       decision_reference=d["decision_reference"], notes=d["notes"])
        return Response(VersionSerializer(version, context={"programme": access.programme}).data)


def _plain(value):
    """Decimals as strings (as the serializers write them, core.api), recursively, so money
    keeps its pence exactly in JSON."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, bool | int | str):
        return value
    return decimal_text(value) if isinstance(value, Decimal) else str(value)


class RankingView(APIView):
    """GET: the matrix's ranking, outcomes (computed and standing), explanations, the rules and
    the Green Book short-list check. Read-only: it is worked out from the cells."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, programme_slug: str):
        access = programme_access(request.user, programme_slug)
        table = reporting.matrix_table(programme=access.programme)
        rows = [{k: row[k] for k in ("id", "code", "title", "rank", "passes_gates", "total", "percent",
                                     "outcome", "computed_label", "outcome_label", "overridden",
                                     "override_reason", "explanation")} for row in table["rows"]]
        return Response(_plain({"options": rows, "max_total": table["max_total"], "rules": table["rules"],
                                "green_book_problems": table["green_book"]}))


class AppraisalView(APIView):
    """GET: the economic appraisal results of the short list, the switching value, and the
    preferred option under each sensitivity scenario."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, programme_slug: str):
        access = programme_access(request.user, programme_slug)
        return Response(_plain(selectors.appraisal(programme=access.programme, equality=True).as_dict()))


# --- Cabinet papers ---------------------------------------------------------------------------

# A generated version of a document (a paper's, a highlight report's): who made it, and where
# its PDF and Word file are downloaded (`download_view`, with the parent's id). A comment, not a
# docstring, so that the schema's components keep their own descriptions.
class _DocumentVersionSerializer(serializers.ModelSerializer):
    made_by = serializers.StringRelatedField()
    pdf_url = serializers.SerializerMethodField()
    docx_url = serializers.SerializerMethodField()
    download_view = ""
    parent_id = ""

    def _url(self, version, fmt) -> str:
        # The programme is the one in the URL: no need to fetch it again for every version.
        path = reverse(self.download_view, args=[self.context["programme"].slug, getattr(version, self.parent_id),
                                                 version.number, fmt])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    @extend_schema_field(OpenApiTypes.URI)
    def get_pdf_url(self, version) -> str:
        return self._url(version, "pdf")

    @extend_schema_field(OpenApiTypes.URI)
    def get_docx_url(self, version) -> str:
        return self._url(version, "docx")


class PaperVersionSerializer(_DocumentVersionSerializer):

    class Meta:
        model = PaperVersion
        fields = ["number", "snapshot_at", "made_at", "made_by", "pages", "exempt", "is_final", "marking",
                  "published_on", "finalised_at", "pdf_url", "docx_url"]
        extra_kwargs = {"published_on": {"help_text": "Its date of publication, once it is final"},
                        "finalised_at": {"help_text": "When the director marked it final"}}

    is_final = serializers.BooleanField(read_only=True, help_text="Whether this is a final version, not a draft")
    marking = serializers.CharField(read_only=True, help_text='What the top of each page says: "Draft", or '
                                                               '"Final, published" and the date')

    download_view = "business_cases:paper_download"
    parent_id = "paper_id"


class PaperSectionSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="The section's key: the key of own_sections for the council's own")
    heading = serializers.CharField()
    own = serializers.BooleanField(help_text="A section of the council's own, whose text is in own_sections")
    required = serializers.BooleanField(help_text="Whether it must be written before the paper is marked final")
    written_by = serializers.CharField()


class CabinetPaperSerializer(_Scoped):
    template_version = serializers.IntegerField(
        source="template.number", read_only=True, allow_null=True, default=None,
        help_text="The version of the council's paper template the paper was started with; null for the standard")
    sections = PaperSectionSerializer(many=True, read_only=True, help_text="The paper's sections, in order")
    own_sections = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=20_000), required=False,
        help_text="The text of the council's own sections of the template, by their key")
    missing_required = serializers.ListField(
        child=serializers.CharField(), read_only=True,
        help_text="The headings of the required sections not written yet: a version made now cannot be final")
    exempt_appendices = serializers.ListField(child=serializers.ChoiceField(choices=list(APPENDICES)),
                                              required=False, help_text="Keys of the exempt appendices")
    notice_date = serializers.DateField(read_only=True,
                                        help_text="The last day a key decision can go on the forward plan")
    versions = PaperVersionSerializer(many=True, read_only=True)

    class Meta:
        model = CabinetPaper
        fields = ["id", "title", "business_case", "roster", "decision_maker", "meeting_date", "notice_date",
                  "forward_plan_reference", "key_decision", "wards", "cabinet_member", "classification",
                  "exempt_paragraph", "exempt_appendices", "attach_business_case", "author", "contact", "issue",
                  "recommendations", "background", "statutory_considerations", "equalities", "climate_change",
                  "consultation", "other_options", "background_papers", "template_version", "sections",
                  "own_sections", "missing_required", "created_at", "versions"]
        read_only_fields = ["created_at"]


class CabinetPaperViewSet(_Child):
    """Papers: members read them and their generated versions; programme managers and
    directors write them. Generating is a separate endpoint (PaperGenerateView)."""

    model = CabinetPaper
    serializer_class = CabinetPaperSerializer
    select_related = ("programme", "template")
    prefetch_related = ("versions__made_by",)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        paper = self._write(serializer, CabinetPaper(created_by=request.user))
        return Response(self.get_serializer(paper).data, status=status.HTTP_201_CREATED)


class PaperJobSerializer(serializers.Serializer):
    """A paper job as `job_payload` answers it: what the schema documents."""

    job = serializers.UUIDField()
    status = serializers.ChoiceField(choices=Job.Status.choices)
    progress = serializers.IntegerField()
    progress_message = serializers.CharField(allow_blank=True)
    error = serializers.CharField(allow_null=True)
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    attempts = serializers.IntegerField()
    poll_url = serializers.URLField()
    retry_url = serializers.URLField(allow_null=True, help_text="POST here to try a failed job again")
    retry_of = serializers.UUIDField(allow_null=True)
    version = PaperVersionSerializer(allow_null=True, help_text="The version made (or marked final), once the "
                                                                "job has succeeded")
    warning = serializers.CharField(required=False, help_text="Said when a version is marked final with a date "
                                                              "that leaves too few clear days before the meeting")


# A new job answers 202, the job an earlier request with the same id made answers 200.
PAPER_JOB_RESPONSES = {200: PaperJobSerializer, 202: PaperJobSerializer}


def job_payload(job, request, paper) -> dict:
    """A paper job as the API shows it; `version` once it has made one (or marked it final)."""
    version = None
    if job.status == job.Status.SUCCEEDED:
        versions = PaperVersion.objects.filter(paper=paper).select_related("made_by")
        version = (versions.filter(number=job.params.get("version")) if job.kind == FINAL_KIND
                   else versions.filter(job=job)).first()
    slug = paper.programme.slug
    return {
        "job": str(job.uuid), "status": job.status, "progress": job.progress,
        "progress_message": job.progress_message, "error": job.error or None,
        "created_at": job.created_at, "finished_at": job.finished_at, "attempts": job.attempts,
        "poll_url": request.build_absolute_uri(reverse("business_cases_api:cabinet-paper-job",
                                                       args=[slug, paper.pk, job.uuid])),
        # A failed job is tried again by POSTing to its retry_url; the new job names the old.
        "retry_url": request.build_absolute_uri(reverse("business_cases_api:cabinet-paper-job-retry",
                                                        args=[slug, paper.pk, job.uuid]))
        if job.status == job.Status.FAILED else None,
        "retry_of": str(job.retry_of.uuid) if job.retry_of_id else None,
        "version": (PaperVersionSerializer(version, context={"request": request, "programme": paper.programme}).data
                    if version else None),
    }


class PaperGenerateView(APIView):
    """POST: generate a new version of the paper as a background job. Send a `request_id`
    (any UUID) to make the request safe to repeat: the same id gives back the same job (200)
    instead of a new one (202). Poll the job's `poll_url` until its status is `succeeded`
    (its `version` then holds the download links) or `failed` (its `error` says why)."""

    @extend_schema(request={"application/json": {"type": "object", "properties": {
        "request_id": {"type": "string", "format": "uuid"}}}}, responses=PAPER_JOB_RESPONSES)
    def post(self, request, programme_slug: str, pk: int):
        access = programme_access(request.user, programme_slug, Capability.GENERATE_PAPER)
        paper = get_object_or_404(CabinetPaper.objects.select_related("programme"), pk=pk,
                                  programme=access.programme)
        if not hasattr(request.data, "get"):  # a JSON list or string, not an object
            raise DRFValidationError({"non_field_errors": ["Send an object, with a request_id or none."]})
        request_id = str(request.data.get("request_id", "") or "")
        if request_id:
            try:
                uuid.UUID(request_id)
            except ValueError:
                raise DRFValidationError({"request_id": ["Send a UUID, or leave it out."]}) from None
        job, created = paper_generate(paper=paper, user=request.user, request_id=request_id)
        payload = job_payload(job, request, paper)
        response = Response(payload, status=status.HTTP_202_ACCEPTED if created else status.HTTP_200_OK)
        response["Location"] = payload["poll_url"]
        return response


class PaperJobView(APIView):
    """GET: a paper job's progress, and its version once it is made."""

    @extend_schema(responses=PaperJobSerializer)
    def get(self, request, programme_slug: str, pk: int, job_uuid):
        access = programme_access(request.user, programme_slug)
        paper = get_object_or_404(CabinetPaper.objects.select_related("programme"), pk=pk,
                                  programme=access.programme)
        job = get_object_or_404(jobs_for(paper, kind=KINDS), uuid=job_uuid)
        return Response(job_payload(job, request, paper))


class PaperJobRetryView(APIView):
    """POST: try a failed paper job again, as a new job that points at the failed one (which
    is kept, its error included). Open to the person who asked for it and to programme
    managers. Returns the new job (202), or the one made by an earlier call (200); 409 if
    the job has not failed."""

    api_error_statuses = (409,)

    @extend_schema(request=None, responses=PAPER_JOB_RESPONSES)
    def post(self, request, programme_slug: str, pk: int, job_uuid):
        access = programme_access(request.user, programme_slug)
        paper = get_object_or_404(CabinetPaper.objects.select_related("programme"), pk=pk,
                                  programme=access.programme)
        job = get_object_or_404(jobs_for(paper, kind=KINDS), uuid=job_uuid)
        access.require(Capability.PUBLISH_PAPER if job.kind == FINAL_KIND else Capability.GENERATE_PAPER)
        if not job_may_retry(job, request.user, manages=access.manages_jobs):
            raise PermissionDenied("Only the person who asked for this, or a programme manager, can try it again.")
        try:
            retry, created = job_retry(job=job, user=request.user)
        except JobError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        payload = job_payload(retry, request, paper)
        response = Response(payload, status=status.HTTP_202_ACCEPTED if created else status.HTTP_200_OK)
        response["Location"] = payload["poll_url"]
        return response


class PaperFinalView(APIView):
    """POST: mark a version final with its date of publication (`published_on`), as a
    background job that prints it again from what it printed, marked "Final, published"
    and the date on every page. Directors only. The same version and date give back the same
    job (200). A date that leaves fewer clear days before the meeting than reports must be
    open to inspection is accepted with a `warning`."""

    @extend_schema(request={"application/json": {"type": "object", "required": ["published_on"], "properties": {
        "published_on": {"type": "string", "format": "date"}}}}, responses=PAPER_JOB_RESPONSES)
    def post(self, request, programme_slug: str, pk: int, number: int):
        access = programme_access(request.user, programme_slug)
        paper = get_object_or_404(CabinetPaper.objects.select_related("programme"), pk=pk,
                                  programme=access.programme)
        access.require(Capability.PUBLISH_PAPER)
        version = get_object_or_404(PaperVersion, paper=paper, number=number)
        if not hasattr(request.data, "get"):
            raise DRFValidationError({"non_field_errors": ["Send an object with the published_on date."]})
        form = PaperFinalForm({"published_on": request.data.get("published_on")})
        if not form.is_valid():
            raise DRFValidationError(form.errors)
        try:
            asked = final_check(paper=paper, version=version, published_on=form.cleaned_data["published_on"])
        except DjangoValidationError as exc:
            raise DRFValidationError(exc.message_dict) from None
        job, created = paper_final_request(paper=paper, request=asked, user=request.user)
        payload = job_payload(job, request, paper)
        if asked.late:
            payload["warning"] = asked.late
        response = Response(payload, status=status.HTTP_202_ACCEPTED if created else status.HTTP_200_OK)
        response["Location"] = payload["poll_url"]
        return response


class FigureChangeSerializer(serializers.Serializer):
    where = serializers.CharField(help_text="The section, the table and the row")
    column = serializers.CharField(help_text="The table's column")
    before = serializers.CharField(allow_blank=True, help_text="Empty when the figure is new")
    after = serializers.CharField(allow_blank=True, help_text="Empty when the figure is gone")


class PaperCompareSerializer(serializers.Serializer):
    before = serializers.IntegerField(help_text="The version compared from")
    after = serializers.CharField(help_text='The version compared with, or "now" for today\'s figures')
    changes = FigureChangeSerializer(many=True)


class PaperCompareView(APIView):
    """GET ?before=N&after=M (or after=now): the figures in the paper's tables that differ
    between two versions, or between a version and the paper as it would print today.
    Those who may not see exempt information compare the public copies."""

    api_error_statuses = (400,)  # versions that are not the paper's, or the same one twice

    @extend_schema(parameters=[
        OpenApiParameter("before", int, required=True, description="A version's number"),
        OpenApiParameter("after", str, required=True, description='A version\'s number, or "now"')],
        responses=PaperCompareSerializer)
    def get(self, request, programme_slug: str, pk: int):
        access = programme_access(request.user, programme_slug)
        paper = get_object_or_404(CabinetPaper.objects.select_related("programme__lead_organisation"), pk=pk,
                                  programme=access.programme)
        kept = [v for v in paper.versions.all() if v.source]
        form = PaperCompareForm(request.query_params, versions=kept)
        if not form.is_valid():
            raise DRFValidationError(form.errors)
        by_number = {str(v.number): v for v in kept}
        after = by_number.get(form.cleaned_data["after"])
        changes = paper_changes(paper, by_number[form.cleaned_data["before"]], after,
                                full=access.can(Capability.VIEW_EXEMPT_PAPER), today=timezone.localdate())
        return Response({"before": int(form.cleaned_data["before"]), "after": form.cleaned_data["after"],
                         "changes": [{"where": c.where, "column": c.column, "before": c.before, "after": c.after}
                                     for c in changes or []]})


# --- Highlight reports ----------------------------------------------------------------------------

class HighlightVersionSerializer(_DocumentVersionSerializer):

    class Meta:
        model = HighlightVersion
        fields = ["number", "snapshot_at", "made_at", "made_by", "pages", "pdf_url", "docx_url"]

    download_view = "business_cases:highlight_download"
    parent_id = "report_id"


class HighlightReportSerializer(_Scoped):
    versions = HighlightVersionSerializer(many=True, read_only=True)

    class Meta:
        model = HighlightReport
        fields = ["id", "period_start", "period_end", "board", "confidence_commentary", "workstreams_commentary",
                  "milestones_commentary", "slippage_commentary", "risks_commentary", "decisions_commentary",
                  "finance_commentary", "benefits_commentary", "deadlines_commentary", "created_at", "versions"]
        read_only_fields = ["created_at"]


class HighlightReportViewSet(_Child):
    """Highlight reports: members read them and their versions; the programme manager and
    the director write a report's period and commentary. Generating is a separate endpoint
    (HighlightGenerateView)."""

    edit_capability = Capability.EDIT_PLAN
    model = HighlightReport
    serializer_class = HighlightReportSerializer
    select_related = ("programme",)
    prefetch_related = ("versions__made_by",)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = self._write(serializer, HighlightReport(created_by=request.user))
        return Response(self.get_serializer(report).data, status=status.HTTP_201_CREATED)


class HighlightJobSerializer(serializers.Serializer):
    job = serializers.UUIDField()
    status = serializers.ChoiceField(choices=Job.Status.choices)
    progress = serializers.IntegerField()
    error = serializers.CharField(allow_null=True)
    poll_url = serializers.URLField()
    version = HighlightVersionSerializer(allow_null=True, help_text="The version made, once the job has succeeded")


def highlight_payload(job, request, report) -> dict:
    version = (HighlightVersion.objects.filter(job=job).select_related("made_by").first()
               if job.status == job.Status.SUCCEEDED else None)
    slug = report.programme.slug
    return {"job": str(job.uuid), "status": job.status, "progress": job.progress, "error": job.error or None,
            "poll_url": request.build_absolute_uri(reverse("business_cases_api:highlight-report-job",
                                                           args=[slug, report.pk, job.uuid])),
            "version": (HighlightVersionSerializer(version, context={"request": request,
                                                                     "programme": report.programme}).data
                        if version else None)}


class HighlightGenerateView(APIView):
    """POST: generate a new version of the report as a background job. Send a `request_id`
    (any UUID) to make the request safe to repeat: the same id gives back the same job (200)."""

    @extend_schema(request={"application/json": {"type": "object", "properties": {
        "request_id": {"type": "string", "format": "uuid"}}}},
        responses={200: HighlightJobSerializer, 202: HighlightJobSerializer})
    def post(self, request, programme_slug: str, pk: int):
        access = programme_access(request.user, programme_slug)
        report = get_object_or_404(HighlightReport.objects.select_related("programme"), pk=pk,
                                   programme=access.programme)
        access.require(Capability.EDIT_PLAN)
        if not hasattr(request.data, "get"):
            raise DRFValidationError({"non_field_errors": ["Send an object, with a request_id or none."]})
        request_id = str(request.data.get("request_id", "") or "")
        if request_id:
            try:
                uuid.UUID(request_id)
            except ValueError:
                raise DRFValidationError({"request_id": ["Send a UUID, or leave it out."]}) from None
        job, created = highlight_generate(report=report, user=request.user, request_id=request_id,
                                          today=timezone.localdate())
        payload = highlight_payload(job, request, report)
        response = Response(payload, status=status.HTTP_202_ACCEPTED if created else status.HTTP_200_OK)
        response["Location"] = payload["poll_url"]
        return response


class HighlightJobView(APIView):
    """GET: a highlight report job's progress, and its version once it is made."""

    @extend_schema(responses=HighlightJobSerializer)
    def get(self, request, programme_slug: str, pk: int, job_uuid):
        access = programme_access(request.user, programme_slug)
        report = get_object_or_404(HighlightReport.objects.select_related("programme"), pk=pk,
                                   programme=access.programme)
        job = get_object_or_404(jobs_for(report, kind=HIGHLIGHT_KIND), uuid=job_uuid)
        return Response(highlight_payload(job, request, report))
