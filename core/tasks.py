"""Celery tasks of core: one generic task runs any Job by its id; the reaper and the
clean-up of abandoned uploads run on Celery beat's schedule (CELERY_BEAT_SCHEDULE)."""
import logging

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings

from core.housekeeping import uploads_purge_abandoned
from core.jobs import job_run, jobs_reap

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def run_job(job_id: int, requeue: int = 0) -> None:
    """Run the Job with this id. Takes an id, never a model instance. `requeue` is set on
    a copy the reaper sent again, which only starts a job still queued."""
    job_run(job_id=job_id, requeue=requeue)


@shared_task(ignore_result=True)
def reap_jobs() -> None:
    """Fail jobs whose worker died, and send again those the broker lost."""
    jobs_reap()


@shared_task(ignore_result=True)
def purge_abandoned_uploads() -> None:
    """Remove uploads previewed but never loaded, and failed ones, with their files."""
    uploads_purge_abandoned()


@worker_ready.connect
def reap_when_a_worker_starts(sender=None, **kwargs) -> None:
    """A worker starting is often one coming back after a crash: reap at once, and again
    once a job its predecessor was running has had time to go stale, so that job ends
    within the heartbeat timeout of the restart even where no beat is running."""
    try:
        reap_jobs.delay()
        reap_jobs.apply_async(countdown=settings.JOB_HEARTBEAT_TIMEOUT_SECONDS + 1)
    except Exception:
        logger.exception("The job reaper could not be queued at worker start")
