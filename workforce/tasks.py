"""Celery tasks of workforce, run on Celery beat's schedule (CELERY_BEAT_SCHEDULE)."""
import io
import logging

from celery import shared_task
from django.conf import settings
from django.core.management import call_command

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def purge_workforce_personal_data() -> None:
    """Blank the personal fields of rosters WORKFORCE_PURGE_AFTER_MONTHS after transfer
    day: the management command's own logic, so the schedule and an operator's run agree."""
    out = io.StringIO()
    call_command("purge_workforce_personal_data", months=settings.WORKFORCE_PURGE_AFTER_MONTHS, stdout=out)
    logger.info("Workforce personal data purge: %s", out.getvalue().strip().splitlines()[-1:])
