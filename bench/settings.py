"""Settings for `make bench`: the project's local settings, with DEBUG off as in production
(so that timings carry no debug overhead) and the throwaway database bench/run.py made."""
import os

from config.settings.local import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]  # noqa: F405 - the test Client's host
DATABASES["default"]["NAME"] = os.environ["INSOURCE_BENCH_DB_NAME"]  # noqa: F405
# Outermost, so that the CPU it reports holds every other middleware's too.
MIDDLEWARE = ["bench.middleware.ServerTimingMiddleware", *MIDDLEWARE]  # noqa: F405
