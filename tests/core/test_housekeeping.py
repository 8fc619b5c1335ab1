"""The scheduled clean-ups: abandoned uploads (core.housekeeping) and the workforce purge task."""
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.utils import timezone

from core.housekeeping import uploads_purge_abandoned
from core.models import Upload
from core.tasks import purge_abandoned_uploads
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.UPLOAD_ABANDONED_AFTER_DAYS = 7


def _upload(owner, status: str, days_old: float, name: str) -> Upload:
    upload = Upload(target_type=ContentType.objects.get_for_model(owner), target_id=owner.pk, kind="tests.sheet",
                    original_name=name, sha256=name.ljust(64, "0")[:64], size=5, status=status,
                    errors=[{"row": 2, "message": "Name of Ann Smith is too long"}],
                    warnings=[{"message": "A total is 1p out"}])
    upload.file.save(name, ContentFile(b"a,b\n"), save=False)
    upload.save()
    Upload.objects.filter(pk=upload.pk).update(uploaded_at=timezone.now() - timedelta(days=days_old))
    return upload


def _path(upload: Upload) -> Path:
    return Path(upload.file.path)


def test_abandoned_uploads_are_removed_with_their_files_and_history(db, django_capture_on_commit_callbacks,
                                                                    caplog):
    owner = UserFactory(username="owner")
    old_preview = _upload(owner, Upload.Status.PREVIEWED, 8, "preview.csv")
    old_failed = _upload(owner, Upload.Status.FAILED, 30, "failed.csv")
    fresh_preview = _upload(owner, Upload.Status.PREVIEWED, 6, "fresh.csv")
    loaded = _upload(owner, Upload.Status.COMMITTED, 400, "loaded.csv")
    rolled_back = _upload(owner, Upload.Status.ROLLED_BACK, 400, "undone.csv")
    gone = [_path(old_preview), _path(old_failed)]
    assert all(p.exists() for p in gone)

    with django_capture_on_commit_callbacks(execute=True):
        removed = uploads_purge_abandoned()

    assert removed == 2
    assert not any(p.exists() for p in gone)
    assert not any(p.parent.exists() for p in gone), "each upload's own folder goes too"
    kept = {fresh_preview.pk, loaded.pk, rolled_back.pk}
    assert set(Upload.objects.values_list("pk", flat=True)) == kept
    assert all(_path(u).exists() for u in (fresh_preview, loaded, rolled_back))
    # What they remembered (errors quoting cells) goes with them, history included.
    assert not Upload.history.filter(id__in=[old_preview.pk, old_failed.pk]).exists()
    assert set(Upload.history.values_list("id", flat=True)) == kept
    assert "Removed 2 abandoned uploads (2 stored files) older than 7 days" in caplog.text

    with django_capture_on_commit_callbacks(execute=True):
        assert uploads_purge_abandoned() == 0


def test_a_loaded_upload_is_never_removed_however_old(db, django_capture_on_commit_callbacks):
    owner = UserFactory(username="owner")
    loaded = _upload(owner, Upload.Status.COMMITTED, 10_000, "loaded.csv")
    with django_capture_on_commit_callbacks(execute=True):
        assert uploads_purge_abandoned(older_than_days=0) == 0
    assert Upload.objects.filter(pk=loaded.pk).exists() and _path(loaded).exists()


def test_the_task_runs_the_purge(db, settings, django_capture_on_commit_callbacks):
    settings.UPLOAD_ABANDONED_AFTER_DAYS = 1
    owner = UserFactory(username="owner")
    old = _upload(owner, Upload.Status.PREVIEWED, 2, "old.csv")
    with django_capture_on_commit_callbacks(execute=True):
        purge_abandoned_uploads.apply()
    assert not Upload.objects.filter(pk=old.pk).exists()
    assert not _path(old).exists()
