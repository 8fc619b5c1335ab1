"""Jobs through a real Celery worker process and the Redis broker.

Runs only with CELERY_BROKER_URL set and the database on PostgreSQL (a worker process
cannot see a test database that lives in this process's memory). In CI
(INSOURCE_REQUIRE_BROWSER=1) with a broker given, a SQLite database is an error, not a skip.
"""
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.urls import reverse

from config.celery import app as celery_app
from core.jobs import SLEEP_KIND, job_request
from core.models import Job
from tests.factories import UserFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

BROKER = os.environ.get("CELERY_BROKER_URL", "")
IN_CI = os.environ.get("INSOURCE_REQUIRE_BROWSER") == "1"
WAIT_SECONDS = 60


def _database_url() -> str:
    """The test database (not the one named in DATABASE_URL) as a URL for the worker."""
    d = connection.settings_dict
    auth = quote(d["USER"] or "", safe="")
    if d["PASSWORD"]:
        auth += ":" + quote(d["PASSWORD"], safe="")
    host = d["HOST"] or "localhost"
    port = d["PORT"] or 5432
    return f"postgres://{auth}@{host}:{port}/{quote(d['NAME'], safe='')}"


def _celery_command() -> list[str]:
    celery = Path(sys.executable).with_name("celery")
    return [str(celery)] if celery.exists() else [sys.executable, "-m", "celery"]


class Worker:
    """One `celery worker` process (a main process and one pool child), logging to a file."""

    def __init__(self, name: str, env: dict, log_dir: Path, extra_args: tuple = ()):
        self.name = name
        self.nodename = f"{name}-{uuid.uuid4().hex[:8]}@{socket.gethostname()}"
        self.log_path = log_dir / f"{name}.log"
        self._log = open(self.log_path, "wb")  # closed in stop()
        self.proc = subprocess.Popen(
            [*_celery_command(), "-A", "config", "worker", "--loglevel=info", "--concurrency=1",
             "--pool=prefork", "--hostname", self.nodename,
             "--without-gossip", "--without-mingle", "--without-heartbeat", *extra_args],
            cwd=django_settings.BASE_DIR, env=env, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so that stop() reaches the pool too
        )

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def pool_children(self) -> list[int]:
        """The pool processes: those whose parent is the worker's main process."""
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.proc.pid:
                children.append(int(stat.parent.name))
        return children

    def kill(self) -> None:
        """kill -9 the whole worker at once (main process, pool and beat), as a lost machine or
        the out-of-memory killer would: nothing is handed back to the broker."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self, timeout: float = 20) -> None:
        """A warm shutdown, as `docker stop` asks for: SIGTERM to the main process only (it
        lets the task in hand finish); then SIGKILL to whatever of its group is left."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(timeout=10)
        self._log.close()


class Workers:
    def __init__(self, env: dict, log_dir: Path):
        self.env = env
        self.log_dir = log_dir
        self.started: list[Worker] = []

    def start(self, name: str, *, beat: bool = False) -> Worker:
        """Start a worker; with `beat`, one that also runs Celery beat's schedule (-B)."""
        extra = ("-B", "--schedule", str(self.log_dir / f"{name}-beat-schedule")) if beat else ()
        worker = Worker(name, self.env, self.log_dir, extra)
        self.started.append(worker)
        # A worker starting beside the other test process on a two-core machine can take well
        # over 30 s to import Django and connect; waiting longer checks the same "ready.".
        self.wait_for(lambda: "ready." in worker.output(), f"worker {name} to be ready", timeout=120,
                      alive=worker)
        return worker

    def logs(self) -> str:
        return "\n".join(f"----- worker {w.name} (pid {w.proc.pid}, exit {w.proc.poll()}) -----\n{w.output()}"
                         for w in self.started)

    def wait_for(self, predicate, what: str, timeout: float = WAIT_SECONDS, alive: Worker | None = None):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            result = predicate()
            if result:
                return result
            if alive is not None and alive.proc.poll() is not None:
                pytest.fail(f"worker {alive.name} exited with {alive.proc.returncode} while waiting for "
                            f"{what}\n{self.logs()}", pytrace=False)
            time.sleep(0.2)
        pytest.fail(f"timed out after {timeout:g} s waiting for {what}\n{self.logs()}", pytrace=False)

    def stop_all(self) -> None:
        for worker in self.started:
            worker.stop()


@pytest.fixture
def workers(transactional_db, settings, tmp_path):
    if not BROKER:
        pytest.skip("needs CELERY_BROKER_URL (a Redis broker) to start a real Celery worker")
    if connection.vendor != "postgresql":
        reason = ("needs DATABASE_URL pointing at PostgreSQL: a worker process cannot reach this "
                  f"run's {connection.vendor} test database")
        if IN_CI:
            pytest.fail(f"{reason} (INSOURCE_REQUIRE_BROWSER=1 and a broker is set, so this test must run)")
        pytest.skip(reason)

    # Send tasks to the broker from this process. Celery read Django's settings when its
    # configuration was first used, so its own copy is changed too; both are put back.
    # Read Celery's own copy before Django's is changed: had nothing used the configuration
    # yet, reading it afterwards would load the changed value and "put back" False for
    # every later test.
    saved_eager = celery_app.conf.task_always_eager
    settings.CELERY_TASK_ALWAYS_EAGER = False
    celery_app.conf.task_always_eager = False
    assert celery_app.conf.broker_url == BROKER, "the Celery app is not using CELERY_BROKER_URL"

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": BROKER,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "INSOURCE_CELERY_EAGER": "0",
        "PYTHONUNBUFFERED": "1",
    }
    pool = Workers(env, tmp_path)
    try:
        yield pool
    finally:
        pool.stop_all()
        celery_app.conf.task_always_eager = saved_eager
        # Shown by pytest with the failure report of the test.
        print(pool.logs())


def _job_in(job_id: int, *statuses):
    job = Job.objects.get(pk=job_id)
    return job if job.status in statuses else None


def _finished(job_id: int):
    return _job_in(job_id, Job.Status.SUCCEEDED, Job.Status.FAILED)


def jobs_received(worker: Worker) -> int:
    """How many job tasks a worker took (a starting worker also takes the reaper's)."""
    return sum(1 for line in worker.output().splitlines() if "core.tasks.run_job[" in line and "received" in line)


def test_a_worker_makes_the_plan_pdf(workers, cast):
    workers.start("pdf")
    client = cast.client("pm")
    response = client.post(reverse("programmes:plan_pdf", args=[cast.programme.slug]),
                           {"request_id": uuid.uuid4().hex})
    assert response.status_code == 302
    job = Job.objects.get(kind="programmes.plan_pdf")
    job = workers.wait_for(lambda: _finished(job.pk), f"job {job.pk} to finish")
    assert job.status == Job.Status.SUCCEEDED, f"{job.error}\n{workers.logs()}"
    assert job.attempts == 1
    assert job.created_by == cast.users["pm"]
    assert job.timings["render_seconds"] > 0
    download = client.get(reverse("programmes:plan_pdf_download", args=[cast.programme.slug, job.uuid]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    # The task really went through the worker.
    assert "core.tasks.run_job" in workers.logs() and "succeeded" in workers.logs()


def test_a_job_survives_its_worker_being_killed(workers):
    """SIGKILL the pool process mid-job, then start a new worker: the task is handed back
    to the broker (late acknowledgement, rejected when its worker is lost) and the new
    worker takes the RUNNING job over and finishes it, once.

    The first worker is told to stop taking tasks before its pool process is killed, so
    that the re-delivered task goes to the new worker, not back to it."""
    first = workers.start("doomed")
    user = UserFactory(username="operator")
    job, _ = job_request(kind=SLEEP_KIND, created_by=user, target=user, params={"seconds": 3})
    workers.wait_for(lambda: (j := _job_in(job.pk, Job.Status.RUNNING)) and j.progress > 0,
                     f"job {job.pk} to be running", alive=first)
    replies = celery_app.control.cancel_consumer("celery", destination=[first.nodename], reply=True,
                                                 limit=1, timeout=5)
    assert replies, f"the worker did not answer the remote control\n{workers.logs()}"
    children = first.pool_children()
    assert len(children) == 1, f"expected one pool process, found {children}\n{workers.logs()}"
    os.kill(children[0], signal.SIGKILL)
    # The main process sees its pool process die and hands the task back to the broker.
    workers.wait_for(lambda: "WorkerLostError" in first.output(), "the worker to notice the lost process")
    first.stop()
    assert _job_in(job.pk, Job.Status.RUNNING), "the killed run must leave the job RUNNING"

    second = workers.start("rescuer")
    job = workers.wait_for(lambda: _finished(job.pk), f"job {job.pk} to finish", alive=second)
    assert job.status == Job.Status.SUCCEEDED, f"{job.error}\n{workers.logs()}"
    assert job.attempts == 2, workers.logs()
    assert job.progress == 100
    assert jobs_received(first) == 1, "the first worker must not have taken the task again"
    assert "succeeded" in second.output()
    folder = Path(django_settings.MEDIA_ROOT) / "jobs" / str(job.pk)
    assert [p.name for p in folder.iterdir()] == ["sleep.txt"]
    # Give any stray duplicate delivery time to show itself: the job stays as it is.
    time.sleep(1)
    again = Job.objects.get(pk=job.pk)
    assert (again.status, again.attempts, again.finished_at) == (job.status, 2, job.finished_at)
