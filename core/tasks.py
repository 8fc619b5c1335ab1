"""Celery tasks of core: one generic task runs any Job by its id."""
from celery import shared_task

from core.jobs import job_run


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def run_job(job_id: int) -> None:
    """Run the Job with this id. Takes an id, never a model instance."""
    job_run(job_id=job_id)
