"""Production: PostgreSQL, Celery workers on Redis, HTTPS only.

Every server it needs is named in the environment. A missing one stops the process at
start-up with a message naming the variable: base.py's fallbacks (SQLite in the working
folder, tasks run inside the web request, a development key) are for a laptop, and would
here lose data or work without anyone noticing.
"""
import os

from django.core.exceptions import ImproperlyConfigured


def _required(name: str, *, hint: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"Set the environment variable {name}: {hint}")
    return value


# Checked before base.py reads them, so that its fallbacks never apply here.
_secret_key = _required("DJANGO_SECRET_KEY", hint="a long random string, kept secret.")
if _secret_key == "insecure-development-key-change-me" or len(_secret_key) < 32:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is the development key or shorter than 32 characters: "
        "set it to a long random string.")
_allowed_hosts = [h.strip() for h in _required(
    "DJANGO_ALLOWED_HOSTS", hint="the site's host names, separated by commas.").split(",") if h.strip()]
if not _required("DATABASE_URL", hint="postgres://USER:PASSWORD@HOST:5432/NAME").startswith(
        ("postgres://", "postgresql://", "pgsql://")):
    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL (postgres://...) in production.")
_required("CELERY_BROKER_URL", hint="the Redis broker, redis://HOST:6379/0")

from .base import *  # noqa: E402, F403
from .base import _ip_networks  # noqa: E402

SECRET_KEY = _secret_key
ALLOWED_HOSTS = _allowed_hosts
# The links in emails: the site's own address, unless the environment names another.
SITE_URL = os.environ.get("SITE_URL", f"https://{_allowed_hosts[0]}").rstrip("/")
# Long work goes to the workers, never into the web request that asked for it.
CELERY_TASK_ALWAYS_EAGER = False
JOBS_BESIDE_REQUEST = False
# The app runs behind one reverse proxy (say 2 if a load balancer stands before it too),
# which reaches it from the loopback or a private network (a container network is one).
INSOURCE_TRUSTED_PROXIES = int(os.environ.get("INSOURCE_TRUSTED_PROXIES", "1"))
INSOURCE_TRUSTED_PROXY_NETWORKS = _ip_networks(
    "INSOURCE_TRUSTED_PROXY_NETWORKS",
    "127.0.0.0/8,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,::1/128,fc00::/7")
DEBUG = False
STORAGES = {
    **STORAGES,  # noqa: F405 - the stored files, as INSOURCE_STORAGE says
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
SECURE_SSL_REDIRECT = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o]
# Database connections are kept for a minute and checked before reuse: base.py does so on
# PostgreSQL, which production always is; each gunicorn thread holds one (config/gunicorn.py).

# Invitations go out by email: through SMTP here (base.py prints them, for a laptop).
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "") == "1"
