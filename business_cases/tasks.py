"""Celery tasks of business_cases, run on Celery beat's schedule (CELERY_BEAT_SCHEDULE)."""
import logging

from celery import shared_task
from django.utils import timezone

from business_cases.highlight import scheduled_reports

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def make_scheduled_highlight_reports() -> None:
    """Every morning: the highlight reports whose programme's schedule falls today."""
    jobs = scheduled_reports(today=timezone.localdate())
    logger.info("Scheduled highlight reports: %s asked for", len(jobs))
