"""Papers per minute through real Celery workers, one and then two, as a hosted
installation makes them: the bench process asks for the demo paper N times, the workers
(separate processes on Redis, database `INSOURCE_BENCH_REDIS_DB`, 12 unless set) make the
versions and store the files on an S3 server (moto, started here on the loopback); one
version is then downloaded through the web view. Called by bench/papers.py; prints
figures, never asserts. Bounded: N papers (INSOURCE_BENCH_PAPERS, 6 unless set), each
round at most ROUND_SECONDS.
"""
import logging
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROUND_SECONDS = 600
READY_SECONDS = 60
REDIS = ("127.0.0.1", 6379)


def _redis_answers() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=2) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _flush(db: int) -> None:
    """Empty this bench's own Redis database: no task of an earlier round is left."""
    with socket.create_connection(REDIS, timeout=5) as s:
        s.sendall(f"SELECT {db}\r\nFLUSHDB\r\n".encode())
        time.sleep(0.2)
        s.recv(64)


def _send_to(celery_app, broker: str | None) -> None:
    """Send this process's tasks to `broker` (None: back to the settings' own). Celery reads
    the CELERY_BROKER_URL environment variable before its setting, and keeps the connections
    it opened, so both are changed and the connections dropped for new ones."""
    if broker is None:
        os.environ.pop("CELERY_BROKER_URL", None)
    else:
        os.environ["CELERY_BROKER_URL"] = broker
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Worker:
    def __init__(self, name: str, env: dict, logs: Path):
        from django.conf import settings

        celery = Path(sys.executable).with_name("celery")
        command = [str(celery)] if celery.exists() else [sys.executable, "-m", "celery"]
        self.log_path = logs / f"{name}.log"
        self._log = open(self.log_path, "wb")  # closed in stop()
        self.proc = subprocess.Popen(
            [*command, "-A", "config", "worker", "--loglevel=info", "--concurrency=1", "--pool=prefork",
             "--hostname", f"{name}-{uuid.uuid4().hex[:6]}@bench", "--without-gossip", "--without-mingle",
             "--without-heartbeat"],
            cwd=settings.BASE_DIR, env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)

    def ready(self) -> bool:
        return "ready." in self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(timeout=10)
        self._log.close()


def _round(*, workers: int, papers: int, paper, director, env: dict, logs: Path, today) -> dict:
    from business_cases.papers import paper_generate
    from core.models import Job

    started = [_Worker(f"papers{workers}-{n}", env, logs) for n in range(workers)]
    try:
        deadline = time.monotonic() + READY_SECONDS
        while not all(w.ready() for w in started):
            if time.monotonic() > deadline or any(w.proc.poll() is not None for w in started):
                return {"error": f"the workers did not start (logs in {logs})"}
            time.sleep(0.2)
        t = time.perf_counter()
        ids = [paper_generate(paper=paper, user=director, request_id=uuid.uuid4().hex, today=today)[0].pk
               for _ in range(papers)]
        deadline = time.monotonic() + ROUND_SECONDS
        while True:
            finished = Job.objects.filter(pk__in=ids, status__in=(Job.Status.SUCCEEDED, Job.Status.FAILED))
            if finished.count() == len(ids) or time.monotonic() > deadline:
                break
            time.sleep(0.25)
        elapsed = time.perf_counter() - t
        done = Job.objects.filter(pk__in=ids, status=Job.Status.SUCCEEDED).count()
        failed = list(Job.objects.filter(pk__in=ids, status=Job.Status.FAILED).values_list("error", flat=True)[:1])
        return {"done": done, "failed": failed, "elapsed": elapsed, "asked": len(ids)}
    finally:
        for w in started:
            w.stop()


def papers_per_minute(*, paper, director, today, papers: int) -> None:
    """Print papers per minute with one worker and with two, or why the round was skipped."""
    import boto3
    from django.conf import settings
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import reverse

    from business_cases.models import PaperVersion
    from config.celery import app as celery_app
    from config.settings.storage import default_storage_from

    print(f"\nCabinet papers through Celery workers: {papers} papers with one worker, then with two")
    if not _redis_answers():
        print(f"  skipped: no Redis on {REDIS[0]}:{REDIS[1]}")
        return
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3") and \
            settings.DATABASES["default"]["NAME"] == ":memory:":
        print("  skipped: the workers cannot reach an in-memory database")
        return
    from moto.server import ThreadedMotoServer

    # moto's server logs every request, and boto3 where it found its credentials.
    for name in ("werkzeug", "botocore.credentials"):
        logging.getLogger(name).setLevel(logging.WARNING)
    db = int(os.environ.get("INSOURCE_BENCH_REDIS_DB", "12"))
    broker = f"redis://{REDIS[0]}:{REDIS[1]}/{db}"
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    credentials = {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench-secret",
                   "AWS_DEFAULT_REGION": "eu-west-2"}
    store = {"INSOURCE_STORAGE": "s3", "INSOURCE_S3_BUCKET": "insource-bench",
             "INSOURCE_S3_ENDPOINT_URL": f"http://127.0.0.1:{port}", "INSOURCE_S3_REGION": "eu-west-2"}
    saved_env = {k: os.environ.get(k) for k in credentials}
    os.environ.update(credentials)
    saved_celery = os.environ.get("CELERY_BROKER_URL"), celery_app.conf.task_always_eager
    logs = Path(tempfile.mkdtemp(prefix="insource-bench-workers-"))
    try:
        boto3.client("s3", endpoint_url=store["INSOURCE_S3_ENDPOINT_URL"], region_name="eu-west-2").create_bucket(
            Bucket=store["INSOURCE_S3_BUCKET"], CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
        env = {**os.environ, **credentials, **store, "CELERY_BROKER_URL": broker,
               "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "bench.settings"),
               "PYTHONUNBUFFERED": "1"}
        # This process sends the tasks to the broker instead of running them itself.
        _send_to(celery_app, broker)
        celery_app.conf.task_always_eager = False
        with override_settings(CELERY_TASK_ALWAYS_EAGER=False,
                               STORAGES={**settings.STORAGES, "default": default_storage_from(store)}):
            rates = {}
            for workers in (1, 2):
                _flush(db)
                result = _round(workers=workers, papers=papers, paper=paper, director=director, env=env, logs=logs,
                                today=today)
                if "error" in result:
                    print(f"  {workers} worker{'s' if workers > 1 else ''}: {result['error']}")
                    continue
                rate = 60 * result["done"] / result["elapsed"]
                rates[workers] = rate
                note = f"; {len(result['failed'])}+ failed: {result['failed'][0][:120]}" if result["failed"] else ""
                unfinished = result["asked"] - result["done"] - len(result["failed"])
                note += f"; {unfinished} unfinished after {ROUND_SECONDS} s" if unfinished > 0 else ""
                print(f"  {workers} worker{'s' if workers > 1 else ' '}: {result['done']}/{result['asked']} papers in "
                      f"{result['elapsed']:6.1f} s = {rate:5.1f} papers a minute{note}")
            if 1 in rates and 2 in rates:
                print(f"  two workers make {rates[2] / rates[1]:.2f}x the papers of one "
                      f"({os.cpu_count()} cores on this machine, shared with the bench process and moto)")
            version = PaperVersion.objects.filter(paper=paper).order_by("-number").first()
            if version is not None and version.pdf.name:
                client = Client()
                client.force_login(director)
                t = time.perf_counter()
                response = client.get(reverse("business_cases:paper_download",
                                              args=[paper.programme.slug, paper.pk, version.number, "pdf"]))
                body = b"".join(response.streaming_content) if response.status_code == 200 else b""
                print(f"  version {version.number} downloaded through the web view from the bucket: "
                      f"{response.status_code}, {len(body) // 1024} KB in {1000 * (time.perf_counter() - t):.0f} ms"
                      f"{'' if body.startswith(b'%PDF-') else ' (NOT a PDF)'}")
    finally:
        _send_to(celery_app, saved_celery[0])
        celery_app.conf.task_always_eager = saved_celery[1]
        for k, v in saved_env.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        server.stop()
