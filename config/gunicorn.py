"""gunicorn's settings for the web container (`gunicorn -c config/gunicorn.py config.wsgi`).

Threaded workers (gthread): a request spends much of its time waiting on PostgreSQL, and a
thread that waits lets another run, so a few processes serve many people without the
memory of many processes. Each thread keeps its own database connection open between
requests (CONN_MAX_AGE in the settings), so a server opens at most workers x threads
connections: keep that under PostgreSQL's max_connections, with the Celery workers' too.
"""
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# A Cabinet paper or a big upload runs as a job, never in the request, so a request that
# takes longer than this is stuck.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5  # seconds an idle connection from the proxy is kept open
# A worker is replaced after this many requests (with jitter, so not all at once), which
# bounds what any slow leak can grow to.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
# One line a request on stdout; GUNICORN_ACCESS_LOG="" turns it off (the load bench does).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
