"""The embedded default: SQLite and in-process tasks, for `make run` on a laptop."""
from .base import *  # noqa: F403

DEBUG = True
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
INSOURCE_DEMO_PASSWORD = "insource-demo"
