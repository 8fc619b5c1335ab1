"""The reads about uploads into one target: its uploads of a kind, the mapping remembered
for it, and the committed copy of the same file."""
from django.contrib.contenttypes.models import ContentType
from django.db import models

from core.models import ColumnMapping, Upload


def _target_filter(target: models.Model) -> dict:
    return {"target_type": ContentType.objects.get_for_model(target), "target_id": target.pk}


def uploads_for(target: models.Model, *, kind: str):
    """The uploads of one kind into one target, newest first."""
    return Upload.objects.filter(kind=kind, **_target_filter(target)).select_related(
        "uploaded_by", "rolled_back_by")


def remembered_mapping(target: models.Model, *, kind: str) -> dict | None:
    found = ColumnMapping.objects.filter(kind=kind, **_target_filter(target)).first()
    return found.mapping if found else None


def loaded_copy(*, target: models.Model, kind: str, sha256: str) -> Upload | None:
    """The committed upload of the same bytes into the same place, if there is one."""
    return _loaded_copy(kind=kind, sha256=sha256, **_target_filter(target))


def _loaded_copy(**where) -> Upload | None:
    return Upload.objects.filter(status=Upload.Status.COMMITTED, **where).select_related("uploaded_by").first()


def _loaded_copy_of(upload: Upload) -> Upload | None:
    """loaded_copy for the bytes and place of `upload`, without fetching its target."""
    return _loaded_copy(kind=upload.kind, sha256=upload.sha256, target_type_id=upload.target_type_id,
                        target_id=upload.target_id)
