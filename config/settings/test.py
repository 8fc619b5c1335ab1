"""Settings for the test suite. DATABASE_URL and CELERY_BROKER_URL switch to the real
servers; without them the suite runs on SQLite with in-process tasks."""
import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Each test request closes its connection, as before persistent connections: the backup and
# restore tests drop and create databases, which PostgreSQL refuses while a connection kept
# from an earlier request is still open on them.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = False  # noqa: F405
# A fresh folder per test run, unless MEDIA_ROOT is given: the worker test starts a Celery
# worker process that must write its files where the test process reads them.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or tempfile.mkdtemp(prefix="insource-test-media-"))
INSOURCE_DEMO_PASSWORD = "insource-demo"
# Tests that are not about Celery run tasks in-process. The worker test sends them to a
# real worker process through the broker: the worker it starts has INSOURCE_CELERY_EAGER=0.
CELERY_TASK_ALWAYS_EAGER = os.environ.get("INSOURCE_CELERY_EAGER", "1") != "0"
# ...and within the request (a test reads the result at once); the test of the threads
# that `make run` uses turns them on.
JOBS_BESIDE_REQUEST = False
AXES_ENABLED = True

# Under pytest-xdist (`make test` runs two processes) each process gets its own Redis
# database, the next number after CELERY_BROKER_URL's: the worker tests' Celery workers take
# tasks from the default "celery" queue, answer remote control and empty their database,
# which two processes must not share. A worker a test starts inherits this process's
# environment, so it computes the same URL from the URL first given.
_xdist_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _xdist_worker.startswith("gw") and CELERY_BROKER_URL:  # noqa: F405
    _given = os.environ.setdefault("INSOURCE_TEST_BROKER_URL", CELERY_BROKER_URL)  # noqa: F405
    _base, _, _number = _given.rpartition("/")
    _number = int(_number or 0) + int(_xdist_worker[2:])
    CELERY_BROKER_URL = os.environ["CELERY_BROKER_URL"] = f"{_base}/{_number % 16}"
