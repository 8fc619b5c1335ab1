"""A paper job whose worker paused past the heartbeat timeout: the reaper failed it, the
director tried again and got a version, then the paused run woke and went on. It must not
add a second version of the one request, nor any files."""
import uuid
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from business_cases.models import PaperVersion
from business_cases.papers import KIND, paper_generate, paper_job
from core.jobs import WORKER_STOPPED, job_handler, job_retry, job_run, jobs_reap
from core.models import Job
from tests.business_cases.test_papers import TODAY
from tests.business_cases.test_permissions import make_paper

pytestmark = pytest.mark.django_db

PAUSED_KIND = "tests.paper_paused_before_saving"


@job_handler(PAUSED_KIND)
def paused_paper_job(job: Job, progress):
    """The real paper handler, whose worker stops just before it saves the version, for
    longer than the heartbeat timeout; meanwhile the reaper runs and the director presses
    Try again (tasks run in-process here, so the retry runs to its end)."""

    def pausing(percent: int, message: str) -> None:
        progress(percent, message)
        if message == "Saving the version":
            stale = timezone.now() - timedelta(seconds=settings.JOB_HEARTBEAT_TIMEOUT_SECONDS + 1)
            Job.objects.filter(pk=job.pk).update(heartbeat_at=stale)
            assert jobs_reap().failed == [job.pk]
            Job.objects.filter(pk=job.pk).update(kind=KIND)  # a Cabinet paper job, as it is
            retry, _ = job_retry(job=Job.objects.get(pk=job.pk), user=job.created_by)
            job_run(job_id=retry.pk)

    return paper_job(job, pausing)


def test_a_reaped_paper_run_that_wakes_keeps_nothing(soc_ready, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    paper = make_paper(soc_ready.programme, soc_ready.users["pm"])
    director = soc_ready.users["director"]
    job, _ = paper_generate(paper=paper, user=director, request_id=uuid.uuid4().hex, today=TODAY)
    Job.objects.filter(pk=job.pk).update(kind=PAUSED_KIND)
    job_run(job_id=job.pk)

    job.refresh_from_db()
    retry = Job.objects.get(retry_of=job)
    assert job.status == Job.Status.FAILED and job.error == WORKER_STOPPED.format(pk=job.pk)
    assert retry.status == Job.Status.SUCCEEDED, retry.error
    version = PaperVersion.objects.get(paper=paper)
    assert (version.number, version.job_id) == (1, retry.pk)
    files = sorted(p.name for p in tmp_path.rglob("*") if p.is_file())
    assert files == [f"home-paper-{paper.pk}-v1.{ext}" for ext in ("docx", "json", "pdf")]
