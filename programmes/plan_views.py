"""The pages and API endpoint of plans from and to Microsoft Project (programmes.mspdi):
importing an MSPDI file through the upload pages every kind shares, and downloading the
plan as one."""
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import api_view, parser_classes
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from core.roles import Capability
from core.uploads import UploadError, upload_commit, upload_preview, upload_receive
from programmes.access import programme_access
from programmes.mspdi import PLAN_KIND, plan_mspdi
from programmes.upload_pages import UploadPages
from programmes.views import programme_context, today


def _form_kwargs(programme) -> dict:
    return {"programme": programme}


def _preview_extra(preview) -> dict:
    """What the plan's preview says beside the counts: the names matching no member, the
    baseline dates kept, the workstreams to add."""
    rows = preview.cleaned
    return {"plan": rows if rows is not None and hasattr(rows, "unmatched") else None}


UPLOADS = UploadPages(
    kind=PLAN_KIND, capability=Capability.EDIT_PLAN, namespace="programmes",
    templates=("programmes/plan_import.html", "programmes/plan_import.html", "programmes/plan_import_preview.html"),
    uploads_template="programmes/plan_imports.html",
    hint=("A plan saved from Microsoft Project or ProjectLibre as XML (.xml): in Project, File > Save As > "
          "XML Format. Importing the same project again updates the tasks it added."),
    form_kwargs=_form_kwargs,
    context=lambda access, **extra: programme_context(
        access, "milestones", tracker_url=reverse("programmes:tracker", args=[access.programme.slug]), **extra),
    done="programmes:tracker",
    written=lambda n, upload: (f"{n} {'milestone or activity' if n == 1 else 'milestones and activities'} "
                               f"added or changed from {upload.original_name}." if n else
                               f"Nothing changed: the plan in {upload.original_name} is the plan here already."),
    removed="The milestones and activities added from {name} have been removed.",
    preview_extra=_preview_extra,
    names={"receive": "plan_import", "mapping": "plan_import_mapping", "preview": "plan_import_preview",
           "commit": "plan_import_commit", "uploads": "plan_imports", "rollback": "plan_import_rollback",
           "discard": "plan_import_discard", "template": "plan_import_template", "errors": "plan_import_errors"})


@login_required
@require_safe
def plan_mspdi_download(request: HttpRequest, slug: str) -> HttpResponse:
    """The plan as a Microsoft Project XML file."""
    access = programme_access(request.user, slug, Capability.EXPORT)
    response = HttpResponse(plan_mspdi(programme=access.programme), content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{slug}-plan-{today():%Y-%m-%d}.xml"'
    return response


class PlanImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The plan saved from Microsoft Project or ProjectLibre as XML (MSPDI).")


class PlanImportResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    tasks = serializers.IntegerField()
    written = serializers.IntegerField()
    unmatched_resources = serializers.ListField(child=serializers.CharField())
    kept_baselines = serializers.ListField(child=serializers.CharField())
    message = serializers.CharField()


_ERRORS = OpenApiResponse(response={"type": "object", "properties": {
    "detail": {"type": "string"}, "errors": {"type": "array", "items": {"type": "object"}}}},
    description="The file was refused, or a task has an error: nothing was loaded")


@extend_schema(request={"multipart/form-data": PlanImportSerializer},
               responses={201: PlanImportResultSerializer, 400: _ERRORS, 409: _ERRORS})
@api_view(["POST"])
@parser_classes([MultiPartParser, FormParser])
def plan_imports(request, programme_slug):
    """Import a Microsoft Project plan (MSPDI XML), all or nothing, as the upload page
    does: tasks are added, or updated by their unique ID when the project was imported
    before. Errors name the task (UID and name) and the field."""
    programme = programme_access(request.user, programme_slug, Capability.EDIT_PLAN).programme
    given = PlanImportSerializer(data=request.data)
    given.is_valid(raise_exception=True)
    kwargs = _form_kwargs(programme)
    try:
        upload = upload_receive(target=programme, kind=PLAN_KIND, uploaded_file=given.validated_data["file"],
                                user=request.user)
        preview = upload_preview(upload=upload, form_kwargs=kwargs)
        outcome = upload_commit(upload=upload, user=request.user, form_kwargs=kwargs,
                                write_ctx={"programme": programme})
    except UploadError as e:
        return Response({"detail": e.message, "errors": [x.as_dict() for x in e.errors]},
                        status=status.HTTP_400_BAD_REQUEST)
    if outcome.already_loaded:
        return Response({"detail": outcome.message, "errors": []}, status=status.HTTP_409_CONFLICT)
    if not outcome.ok:
        return Response({"detail": outcome.message, "errors": [e.as_dict() for e in outcome.errors]},
                        status=status.HTTP_400_BAD_REQUEST)
    rows = preview.cleaned
    return Response({"id": upload.pk, "status": outcome.upload.status, "tasks": preview.row_count,
                     "written": outcome.written, "unmatched_resources": rows.unmatched,
                     "kept_baselines": rows.kept_baselines, "message": outcome.message},
                    status=status.HTTP_201_CREATED)
