"""Cabinet papers through a real Celery worker process and the Redis broker.

Like tests/test_worker.py (whose `workers` fixture and helpers this uses), it runs only
with CELERY_BROKER_URL set and the database on PostgreSQL, and skips otherwise. The paper
is the demo programme's, so that the worker lays out a real, many-page paper.
"""
import os
import signal
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from business_cases.models import CabinetPaper, PaperVersion
from business_cases.papers import KIND, paper_generate
from config.celery import app as celery_app
from core.models import Job
from programmes.demo import DEMO_SLUG, demo_load
from tests.test_worker import WAIT_SECONDS, _finished, _job_in, jobs_received, workers  # noqa: F401 - the fixture

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

LAYING_OUT = 30  # the progress paper_render reports just before WeasyPrint lays out the pages
SAVING = 95  # and just before the version is saved


@pytest.fixture
def demo(workers, settings):  # noqa: F811 - the imported fixture
    """The demo programme (after `workers`, so that a skip comes before the slow load) and
    its Cabinet paper."""
    settings.INSOURCE_DEMO_PASSWORD = settings.INSOURCE_DEMO_PASSWORD or "insource-demo"
    assert demo_load(today=timezone.localdate())
    paper = CabinetPaper.objects.select_related("programme").get(programme__slug=DEMO_SLUG)
    director = get_user_model().objects.get(username="demo-director")
    return paper, director


def _paper_files(paper: CabinetPaper) -> list[str]:
    folder = Path(django_settings.MEDIA_ROOT) / "papers" / str(paper.pk)
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def test_a_worker_generates_a_paper(workers, demo):  # noqa: F811
    paper, director = demo
    slug = paper.programme.slug
    workers.start("papers")
    client = Client()
    client.force_login(director)
    request_id = uuid.uuid4().hex
    url = reverse("business_cases:paper_generate", args=[slug, paper.pk])
    response = client.post(url, {"request_id": request_id})
    assert response.status_code == 302
    job = Job.objects.get(kind=KIND)
    assert response.url == reverse("business_cases:paper_job", args=[slug, paper.pk, job.uuid])
    job = workers.wait_for(lambda: _finished(job.pk), f"job {job.pk} to finish")
    assert job.status == Job.Status.SUCCEEDED, f"{job.error}\n{workers.logs()}"
    assert job.attempts == 1
    assert job.created_by == director
    assert job.timings["render_seconds"] > 0
    assert job.timings["version"] == 1

    version = PaperVersion.objects.get(paper=paper)
    assert version.number == 1
    assert version.job_id == job.pk
    assert version.made_by == director
    assert version.pages == job.timings["pages"] > 1
    with version.pdf.open("rb") as f:
        assert f.read(5) == b"%PDF-"
    assert _paper_files(paper) == [f"v1/{slug}-paper-{paper.pk}-v1.docx", f"v1/{slug}-paper-{paper.pk}-v1.json",
                                   f"v1/{slug}-paper-{paper.pk}-v1.pdf"]

    status = client.get(response.url)
    assert status.status_code == 200
    assert reverse("business_cases:paper_download", args=[slug, paper.pk, 1, "pdf"]) in status.content.decode()
    download = client.get(reverse("business_cases:paper_download", args=[slug, paper.pk, 1, "pdf"]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    # The task really went through the worker.
    assert "core.tasks.run_job" in workers.logs() and "succeeded" in workers.logs()

    # A second click with the same request id: the same job, nothing more made.
    again = client.post(url, {"request_id": request_id})
    assert again.status_code == 302
    assert again.url == response.url
    time.sleep(1)  # time for a stray second task, were one sent, to show itself
    assert list(Job.objects.filter(kind=KIND).values_list("pk", flat=True)) == [job.pk]
    assert PaperVersion.objects.filter(paper=paper).count() == 1
    assert Job.objects.get(pk=job.pk).attempts == 1


def test_a_paper_job_survives_its_worker_being_killed_mid_render(workers, demo):  # noqa: F811
    """SIGKILL the pool process while WeasyPrint lays the paper out, then start a new
    worker: it takes the RUNNING job over and makes the version once, with its files under
    their own names (no copy renamed by the storage)."""
    paper, director = demo
    first = workers.start("doomed")
    job, created = paper_generate(paper=paper, user=director, request_id=uuid.uuid4().hex,
                                  today=timezone.localdate())
    assert created

    def laying_out():
        j = _job_in(job.pk, Job.Status.RUNNING)
        return j if j and j.progress >= LAYING_OUT else None

    # Poll quickly: the demo paper's render takes a couple of seconds, and the pool process
    # must be killed inside it.
    deadline = time.monotonic() + WAIT_SECONDS
    while not (running := laying_out()):
        if first.proc.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"job {job.pk} never reached {LAYING_OUT}% on the first worker "
                        f"({Job.objects.get(pk=job.pk).status})\n{workers.logs()}", pytrace=False)
        time.sleep(0.05)
    replies = celery_app.control.cancel_consumer("celery", destination=[first.nodename], reply=True,
                                                 limit=1, timeout=5)
    assert replies, f"the worker did not answer the remote control\n{workers.logs()}"
    children = first.pool_children()
    assert len(children) == 1, f"expected one pool process, found {children}\n{workers.logs()}"
    os.kill(children[0], signal.SIGKILL)
    # The main process sees its pool process die and hands the task back to the broker.
    workers.wait_for(lambda: "WorkerLostError" in first.output(), "the worker to notice the lost process")
    first.stop()

    killed = Job.objects.get(pk=job.pk)
    assert killed.status == Job.Status.RUNNING, "the killed run must leave the job RUNNING"
    assert killed.attempts == 1
    # The kill landed while the pages were being laid out (had the render finished first,
    # progress would have moved on to 95, "Saving the version").
    assert (running.progress, killed.progress) == (LAYING_OUT, LAYING_OUT), (
        f"the kill missed the render: progress {running.progress} then {killed.progress} "
        f"({killed.progress_message})\n{workers.logs()}")
    assert not PaperVersion.objects.filter(paper=paper).exists()

    second = workers.start("rescuer")
    job = workers.wait_for(lambda: _finished(job.pk), f"job {job.pk} to finish", alive=second)
    assert job.status == Job.Status.SUCCEEDED, f"{job.error}\n{workers.logs()}"
    assert job.attempts == 2, workers.logs()
    assert job.progress == 100
    assert job.timings["render_seconds"] > 0
    assert jobs_received(first) == 1, "the first worker must not have taken the task again"
    assert "succeeded" in second.output()

    version = PaperVersion.objects.get(paper=paper)
    assert (version.number, version.job_id, version.made_by_id) == (1, job.pk, director.pk)
    with version.pdf.open("rb") as f:
        assert f.read(5) == b"%PDF-"
    files = _paper_files(paper)
    assert [Path(f).suffix for f in files] == [".docx", ".json", ".pdf"], files
    assert files == [f.name.split(f"papers/{paper.pk}/", 1)[1] for f in (version.docx, version.source, version.pdf)]
    # Give any stray duplicate delivery time to show itself: the job stays as it is.
    time.sleep(1)
    again = Job.objects.get(pk=job.pk)
    assert (again.status, again.attempts, again.finished_at) == (job.status, 2, job.finished_at)
    assert PaperVersion.objects.filter(paper=paper).count() == 1
