"""In-process tasks without blocking (the `make run` default): a job runs on a thread of
the web process beside the request that asked for it, and its page shows the progress as
it does with Celery."""
import threading
import time

import pytest
from django.db import transaction
from django.urls import reverse

from business_cases.models import PaperVersion
from business_cases.papers import jobs as paper_jobs
from core.jobs import JobOutput, job_handler, job_request, jobs_beside_wait
from core.models import Job, User
from tests.business_cases.test_permissions import make_paper

pytestmark = pytest.mark.django_db(transaction=True)

KIND = "tests.held"
RELEASE = threading.Event()
STARTED = threading.Event()


@job_handler(KIND)
def held_job(job: Job, progress) -> JobOutput:
    STARTED.set()
    progress(40, "Waiting to be let go")
    if not RELEASE.wait(30):
        raise RuntimeError("never let go")
    return JobOutput(filename="held.txt", content=b"done\n", content_type="text/plain")


@pytest.fixture(autouse=True)
def beside(settings, tmp_path):
    settings.JOBS_BESIDE_REQUEST = True
    settings.JOB_THREADS = 2
    settings.MEDIA_ROOT = tmp_path
    RELEASE.clear()
    STARTED.clear()
    yield
    RELEASE.set()
    jobs_beside_wait()


def _until(predicate, seconds: float = 30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if (found := predicate()):
            return found
        time.sleep(0.05)
    raise AssertionError("waited in vain")


def test_a_job_runs_beside_its_request_and_reports_progress_while_it_runs():
    user = User.objects.create_user("someone", password="x")
    with transaction.atomic():
        job, _ = job_request(kind=KIND, created_by=user, target=user)
        # Nothing starts before the transaction that asked for it has committed.
        assert not STARTED.wait(0.3)
    assert STARTED.wait(10), "the job did not start after the commit"
    running = _until(lambda: Job.objects.filter(pk=job.pk, progress=40).first())
    assert running.status == Job.Status.RUNNING
    assert running.progress_message == "Waiting to be let go"
    RELEASE.set()
    jobs_beside_wait()
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert job.result_file.read() == b"done\n"


def test_generating_a_paper_returns_at_once_and_its_page_shows_the_progress(client, cast, monkeypatch):
    real = paper_jobs.paper_render

    def held_render(**kwargs):
        kwargs["progress"](10, "Reading the figures")
        STARTED.set()
        assert RELEASE.wait(30)
        return real(**kwargs)

    monkeypatch.setattr(paper_jobs, "paper_render", held_render)
    paper = make_paper(cast.programme, cast.users["pm"])
    slug = cast.programme.slug
    client.force_login(cast.users["pm"])
    response = client.post(reverse("business_cases:paper_generate", args=[slug, paper.pk]),
                           {"request_id": "0" * 32})
    assert response.status_code == 302
    # The request has returned while the render is still held.
    assert STARTED.wait(10)
    job = Job.objects.get(kind=paper_jobs.KIND)
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Reading the figures" in page.content.decode()
    assert not PaperVersion.objects.exists()
    RELEASE.set()
    jobs_beside_wait()
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error
    version = PaperVersion.objects.get(job=job)
    page = client.get(response["Location"]).content.decode()
    assert reverse("business_cases:paper_download", args=[slug, paper.pk, version.number, "pdf"]) in page
