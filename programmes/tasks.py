"""Celery tasks of programmes, run on Celery beat's schedule (CELERY_BEAT_SCHEDULE)."""
import logging

from celery import shared_task

from programmes.notify import run_reminders

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def send_reminders() -> None:
    """Record the reminders and digests owed and send those due (programmes.notify). Two
    overlapping runs send each one once: the rows decide."""
    report = run_reminders()
    logger.info("Reminders: %s recorded, %s emails sent, %s failed", len(report.recorded), len(report.sent),
                report.failed)
