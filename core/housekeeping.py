"""Scheduled clean-ups of core's own records (run by Celery beat through core.tasks)."""
import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.models import Upload

logger = logging.getLogger(__name__)

ABANDONED = (Upload.Status.PREVIEWED, Upload.Status.FAILED)


def uploads_purge_abandoned(*, now=None, older_than_days: int | None = None) -> int:
    """Remove uploads previewed but never loaded, and failed ones, once they are older than
    UPLOAD_ABANDONED_AFTER_DAYS: the stored file, the row (with the errors and warnings it
    remembered) and its history, since a spreadsheet of staff or payments that was never
    loaded is personal data kept for no purpose. A loaded or rolled back upload is never
    touched: its rows and history are the record of what was loaded and undone.

    Nothing else refers to an abandoned upload (only a loaded one has ledger lines, a
    roster or a register behind it). Returns how many uploads were removed.
    """
    days = settings.UPLOAD_ABANDONED_AFTER_DAYS if older_than_days is None else older_than_days
    cutoff = (now or timezone.now()) - timedelta(days=days)
    abandoned = Upload.objects.filter(status__in=ABANDONED, uploaded_at__lt=cutoff)
    removed = files = 0
    for pk in list(abandoned.values_list("pk", flat=True)):
        with transaction.atomic():
            # Locked and checked again, row by row: a commit that starts meanwhile either
            # holds the row (skipped here, tried again tomorrow) or has changed its status.
            upload = abandoned.select_for_update(skip_locked=True).filter(pk=pk).first()
            if upload is None:
                continue
            name = upload.file.name
            Upload.objects.filter(pk=pk).delete()
            Upload.history.filter(id=pk).delete()
            if name:
                # The storage removes the upload's own folder with it, where it has folders.
                storage = upload.file.storage
                transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))
                files += 1
        removed += 1
    logger.info("Removed %d abandoned upload%s (%d stored file%s) older than %d days",
                removed, "" if removed == 1 else "s", files, "" if files == 1 else "s", days)
    return removed

