"""Settings for the test suite. DATABASE_URL and CELERY_BROKER_URL switch to the real
servers; without them the suite runs on SQLite with in-process tasks."""
import tempfile

from .base import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="insource-test-media-"))  # noqa: F405
INSOURCE_DEMO_PASSWORD = "insource-demo"
# Tests that are not about Celery run tasks in-process; the worker test sends them to a
# real worker process through the broker.
CELERY_TASK_ALWAYS_EAGER = True
AXES_ENABLED = True
