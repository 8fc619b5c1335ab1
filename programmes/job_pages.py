"""What every job page shares: its status part, the "Try again" of a failed job and who
may press it.

The pages of each app (the plan PDF, a ledger commit, a Cabinet paper) find their job
through their own access rules, then use these helpers, so the rule is in one place:
the person who asked for the work, or a programme manager of the programme, may try it
again, and only a job that failed. Each page shows its job with
core/includes/job_region.html and a status part extending core/includes/job_status.html."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied

from core.jobs import JobError, job_may_retry, job_retry
from core.models import Job
from programmes.access import ProgrammeAccess


def retry_context(request, access: ProgrammeAccess, job: Job, *, retry_url: str, job_url) -> dict:
    """For a job's status partial: whether to show "Try again", where it posts, and the
    new attempt if the job has been tried again already (`job_url(job)` gives its page)."""
    if job.status != Job.Status.FAILED:
        return {}
    retried = Job.objects.filter(retry_of=job).only("pk", "uuid").first()
    return {
        "may_retry": job_may_retry(job, request.user, manages=access.manages_jobs),
        "retry_url": retry_url,
        "retried_url": job_url(retried) if retried else "",
    }


def status_context(request, access: ProgrammeAccess, job: Job, *, job_url, retry_url: str,
                   offer_retry: bool = True) -> dict:
    """For a job's status part: the URL it polls (the job's own page, `job_url(job)`), and
    unless `offer_retry` is False, what `retry_context` gives."""
    context = {"poll_url": job_url(job)}
    if offer_retry:
        context.update(retry_context(request, access, job, retry_url=retry_url, job_url=job_url))
    return context


def retry_job(request, access: ProgrammeAccess, job: Job) -> Job:
    """Try a failed job again for this request's user, or refuse (403). Returns the job
    whose page to show next: the new attempt, or the same job if it has not failed."""
    if not job_may_retry(job, request.user, manages=access.manages_jobs):
        raise PermissionDenied("Only the person who asked for this, or a programme manager, can try it again.")
    try:
        retry, _ = job_retry(job=job, user=request.user)
    except JobError as exc:
        messages.error(request, str(exc))
        return job
    return retry
