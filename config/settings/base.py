"""Settings shared by every environment. Environment-specific files import from here."""
import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF

from .storage import default_storage_from

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "insecure-development-key-change-me")
DEBUG = False
ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "simple_history",
    "axes",
    "csp",
    # Our apps, in import order: each may import only those above it.
    "core",
    "programmes",
    "workforce",
    "risks",
    "finance",
    "consultations",
    "business_cases",
    "sso",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # AxesMiddleware must be last: it turns a lockout into the cool-off page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.site",
                "programmes.context_processors.council",
            ],
        },
    },
]

# Widgets render from the project's templates too (the GOV.UK date input).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DATABASES = {"default": dj_database_url.config(default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# On PostgreSQL each web thread keeps its connection for a minute instead of opening one a
# request (a connection costs a few milliseconds and a process on the server: 20 sessions
# against two workers served about 25% more requests with them kept), and checks it still
# works before reusing it, so a restarted server costs no failed request. An SQLite file
# opens in microseconds, and stays at 0. DATABASE_CONN_MAX_AGE sets it (0: one a request).
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get(
    "DATABASE_CONN_MAX_AGE", "60" if "postgresql" in DATABASES["default"]["ENGINE"] else "0"))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = DATABASES["default"]["CONN_MAX_AGE"] != 0
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default serves several requests at once. Without these, a second
    # writer fails at once with "database is locked": WAL lets readers carry on beside a
    # writer, the timeout makes a writer wait its turn, and IMMEDIATE takes the write lock
    # when a transaction opens, so two transactions cannot both read and then deadlock
    # when each tries to upgrade to writing.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"

AUTHENTICATION_BACKENDS = [
    # Axes first, so a locked-out client is refused before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Sign-in with a council's own accounts (OpenID Connect); only the sso callback uses it.
    "sso.backends.CouncilSignInBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
# mozilla-django-oidc, for sign-in with a council's own accounts (sso). The provider, client
# and secret are each council's (sso.models.CouncilSignIn); these are the same for all.
OIDC_RP_SCOPES = "openid email profile"
OIDC_USE_NONCE = True
OIDC_USE_PKCE = True
OIDC_PKCE_CODE_CHALLENGE_METHOD = "S256"
OIDC_AUTHENTICATION_CALLBACK_URL = "sso:callback"
OIDC_TIMEOUT = int(os.environ.get("OIDC_TIMEOUT", "10"))  # seconds, for each call to a provider
OIDC_VERIFY_KID = True
# A provider's discovery document is read again after this long.
SSO_DISCOVERY_CACHE_SECONDS = int(os.environ.get("SSO_DISCOVERY_CACHE_SECONDS", "3600"))
LOGIN_REDIRECT_URL = "programmes:list"
LOGOUT_REDIRECT_URL = "login"

# Login throttling: five failures for one username from one address locks that pair
# for 15 minutes, then it clears by itself (a cool-off, never a permanent lock).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# And from one address across every username, a higher limit (core/login_throttle.py).
AXES_HANDLER = "core.login_throttle.LoginThrottleHandler"
INSOURCE_LOGIN_FAILURES_PER_ADDRESS = int(os.environ.get("INSOURCE_LOGIN_FAILURES_PER_ADDRESS", "20"))
# How many reverse proxies of ours stand in front of the app, and the networks they reach
# it from; X-Forwarded-For is read only on a request from those networks. None on a
# laptop; production.py makes it 1 proxy on the loopback or a private network.
AXES_CLIENT_IP_CALLABLE = "core.login_throttle.client_ip"
INSOURCE_TRUSTED_PROXIES = int(os.environ.get("INSOURCE_TRUSTED_PROXIES", "0"))


def _ip_networks(name: str, default: str = "") -> list[str]:
    """The comma-separated networks (CIDR) of the environment variable `name`, checked."""
    import ipaddress

    from django.core.exceptions import ImproperlyConfigured

    networks = []
    for part in os.environ.get(name, default).split(","):
        if part.strip():
            try:
                networks.append(str(ipaddress.ip_network(part.strip(), strict=False)))
            except ValueError:
                raise ImproperlyConfigured(
                    f"{name} holds {part.strip()!r}, which is not a network: give networks such as "
                    "10.0.0.0/8 or 2001:db8::/32, separated by commas.") from None
    return networks


INSOURCE_TRUSTED_PROXY_NETWORKS = _ip_networks("INSOURCE_TRUSTED_PROXY_NETWORKS")

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "j M Y"
SHORT_DATE_FORMAT = "j M Y"
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("govuk", BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"),
    ("htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    # GOV.UK's accessible autocomplete, for the pickers that are too long for a list (js/pickers.mjs).
    ("autocomplete", BASE_DIR / "node_modules" / "accessible-autocomplete" / "dist"),
]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# The largest spreadsheet a person may upload (core.uploads checks it before opening).
UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", 20 * 1024 * 1024))
# What one sheet may hold, checked before its cells are read (core.sheets); the page
# states them. A council's largest ledger export is about 100,000 lines, and Excel holds at
# most 32,767 characters in a cell.
UPLOAD_MAX_ROWS = int(os.environ.get("UPLOAD_MAX_ROWS", 200_000))
UPLOAD_MAX_COLUMNS = int(os.environ.get("UPLOAD_MAX_COLUMNS", 200))
UPLOAD_MAX_CELLS = int(os.environ.get("UPLOAD_MAX_CELLS", 2_000_000))
UPLOAD_MAX_UNZIPPED_BYTES = int(os.environ.get("UPLOAD_MAX_UNZIPPED_BYTES", 200 * 1024 * 1024))
UPLOAD_MAX_CELL_CHARACTERS = int(os.environ.get("UPLOAD_MAX_CELL_CHARACTERS", 32_767))
# The child process that reads an xlsx may use this much address space and CPU time;
# past either it is ended, and the upload gets a message (the web process is untouched).
UPLOAD_READER_MEMORY_BYTES = int(os.environ.get("UPLOAD_READER_MEMORY_BYTES", 2 * 1024 * 1024 * 1024))
UPLOAD_READER_SECONDS = int(os.environ.get("UPLOAD_READER_SECONDS", 120))
# Stored files (uploads, job results, papers): MEDIA_ROOT, or an object store that several
# hosts share, as INSOURCE_STORAGE says (config/settings/storage.py; README, "Stored files").
STORAGES = {
    "default": default_storage_from(os.environ),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Content-Security-Policy: nothing inline, nothing from elsewhere. SVG charts use
# presentation attributes, not style attributes, so they need no 'unsafe-inline'.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 8  # a working day

REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate header turns "not signed in" into 401, not 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.tokens.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # Every operation documents the errors it can answer, in their shapes (core.schema).
    "DEFAULT_SCHEMA_CLASS": "core.schema.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 100,
    # Every list's filters and ordering, bad values refused with 400 (core.filters).
    "DEFAULT_FILTER_BACKENDS": ["core.filters.ListFilterBackend", "core.filters.StrictOrderingFilter"],
    # A model's or a service's ValidationError answers 400 in DRF's shape (core.api).
    "EXCEPTION_HANDLER": "core.api.exception_handler",
}
# Secrets handed to other programs stop working after these many days; their owners
# renew them on the API token page and the programme's exports page.
API_TOKEN_LIFETIME_DAYS = int(os.environ.get("API_TOKEN_LIFETIME_DAYS", "90"))
CALENDAR_TOKEN_LIFETIME_DAYS = int(os.environ.get("CALENDAR_TOKEN_LIFETIME_DAYS", "365"))
SPECTACULAR_SETTINGS = {
    "TITLE": "Insource API",
    "DESCRIPTION": "Programmes, plans and logs of council service-transfer programmes.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema names every endpoint and field: members only.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    # One name for the red/amber/green a risk answers twice (inherent and residual), and
    # for a delivery-confidence rating (an assessment's, and a programme's latest).
    "ENUM_NAME_OVERRIDES": {"RagEnum": "risks.models.RAG",
                            "ConfidenceRatingEnum": "programmes.models.ConfidenceAssessment.Rating",
                            # A programme's kind and status, read and written by two serializers.
                            "ProgrammeKindEnum": "programmes.models.Programme.Kind",
                            "ProgrammeStatusEnum": "programmes.models.Programme.Status",
                            # A workstream's kind, and the kind a derived deadline belongs to.
                            "WorkstreamKindEnum": "programmes.models.Workstream.Kind",
                            # Two consultation records have a kind, each its own.
                            "StaffRepresentativeKindEnum": "consultations.models.StaffRepresentative.Kind",
                            "ProposalKindEnum": "consultations.models.Proposal.Kind",
                            # Where a derived deadline stands, and where a consultation does.
                            "DeadlineStateEnum": "programmes.deadlines.DeadlineState",
                            "ConsultationStateEnum": "consultations.models.State",
                            # A job's status, answered for papers' and highlight reports' jobs.
                            "JobStatusEnum": "core.models.Job.Status"},
}

# Background work. Without a broker, tasks run in-process (eagerly) so that the default
# `make run` needs no servers; with CELERY_BROKER_URL set they go to Celery workers.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
# In-process tasks still never block a request: without a broker a job runs on one of
# JOB_THREADS threads of the web process, beside the request that asked for it, and its page
# shows the progress as it does with Celery (core.jobs._enqueue_beside).
JOBS_BESIDE_REQUEST = CELERY_TASK_ALWAYS_EAGER
JOB_THREADS = int(os.environ.get("JOB_THREADS", "2"))
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
# A task is acknowledged only when it finishes. If the process running it dies, the worker
# hands it back to the queue at once; if the whole worker is killed, Redis hands it out
# again after the visibility timeout below. Either way the job runs again, once.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Redis re-delivers an unacknowledged task after the visibility timeout: it must be
# longer than the longest job (a Cabinet paper takes under a minute; allow an hour), or a
# job still running would be handed out a second time. Nobody waits for it: the job reaper
# below ends a job whose worker was killed within a minute or two, and a task re-delivered
# an hour later finds its job finished and does nothing.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# Jobs that never hang (core.jobs.jobs_reap). A running job's worker writes a heartbeat
# every JOB_HEARTBEAT_INTERVAL_SECONDS from a thread of its own, so a long step (a paper's
# layout) keeps it fresh; a heartbeat older than the timeout means the worker died, and the
# reaper fails the job with a message and a "Try again" button. The reaper runs every
# minute and when a worker starts, so a job whose worker was killed ends within the timeout
# plus a minute, long before Redis would hand its task out again (the visibility timeout).
JOB_HEARTBEAT_INTERVAL_SECONDS = float(os.environ.get("JOB_HEARTBEAT_INTERVAL_SECONDS", "5"))
JOB_HEARTBEAT_TIMEOUT_SECONDS = float(os.environ.get("JOB_HEARTBEAT_TIMEOUT_SECONDS", "45"))
# A job no worker has taken this long after it was queued is sent again: the broker may
# have lost it (a restart without its data), and a copy only starts a job still queued.
# While some job runs, workers are busy and it is left to wait its turn, however long;
# with none running, after JOB_MAX_REQUEUES sends it is failed with a message. A minute,
# so that with the reaper's minute a lost job is running again within two.
JOB_QUEUED_TIMEOUT_SECONDS = float(os.environ.get("JOB_QUEUED_TIMEOUT_SECONDS", "60"))
JOB_MAX_REQUEUES = int(os.environ.get("JOB_MAX_REQUEUES", "3"))
JOB_REAP_EVERY_SECONDS = float(os.environ.get("JOB_REAP_EVERY_SECONDS", "60"))
# Uploads previewed but never loaded (and failed ones) are removed, file and all, after this.
UPLOAD_ABANDONED_AFTER_DAYS = int(os.environ.get("UPLOAD_ABANDONED_AFTER_DAYS", "7"))
# Staff names and personal fields are blanked this many months after transfer day.
WORKFORCE_PURGE_AFTER_MONTHS = int(os.environ.get("WORKFORCE_PURGE_AFTER_MONTHS", "24"))
CELERY_TIMEZONE = TIME_ZONE  # the night-time crontabs below are in council time
CELERY_BEAT_SCHEDULE = {
    "reap-jobs": {"task": "core.tasks.reap_jobs", "schedule": JOB_REAP_EVERY_SECONDS},
    # The daily clean-ups run at night, when nobody is uploading.
    "purge-abandoned-uploads": {"task": "core.tasks.purge_abandoned_uploads",
                                "schedule": crontab(hour=2, minute=30)},
    "purge-workforce-personal-data": {"task": "workforce.tasks.purge_workforce_personal_data",
                                      "schedule": crontab(hour=3, minute=0)},
    # Before the working day starts, so the report is there when the board's papers go out.
    # Reminders and digests (programmes.notify): every quarter of an hour, so that one wanted
    # straight away goes soon after it is owed; those wanted daily or weekly wait in their
    # rows for EMAIL_DAILY_HOUR (on Mondays for the weekly ones).
    "send-reminders": {"task": "programmes.tasks.send_reminders", "schedule": crontab(minute="*/15")},
    "make-scheduled-highlight-reports": {"task": "business_cases.tasks.make_scheduled_highlight_reports",
                                         "schedule": crontab(hour=6, minute=0)},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        "axes": {"level": "WARNING"},
        # WeasyPrint and fontTools narrate every layout step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

INSOURCE_DEMO_PASSWORD = None  # set only where demo accounts may exist

# How long an invitation link to a programme works, from when it was sent (or sent again).
INVITATION_LIFETIME_DAYS = int(os.environ.get("INVITATION_LIFETIME_DAYS", "7"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Insource <no-reply@insource.localhost>")
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# Where the site is, for the links in emails sent with no request to take it from (a report
# made on a schedule): its scheme and host, with no path.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# The hour (council time) at which the day's and the week's (Monday's) reminder emails go.
EMAIL_DAILY_HOUR = int(os.environ.get("EMAIL_DAILY_HOUR", "7"))
