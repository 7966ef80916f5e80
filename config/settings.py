"""One settings module, driven by environment variables with working local defaults."""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
MISSING_SECRET_KEY = (
    "SECRET_KEY is not set. Set SECRET_KEY to a long random value (for example the output of "
    "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`), or set DEBUG=1 for local development."
)
# Serving (WSGI, runserver, the worker) stops without a key when DEBUG is off (config.startup); offline commands
# that sign nothing (`manage.py extract`, `load_gazetteer`, `migrate`) run with a throwaway key instead.
SECRET_KEY_MISSING = not SECRET_KEY and not DEBUG
if not SECRET_KEY:
    SECRET_KEY = "dev-only-insecure-key-change-me" if DEBUG else "unset-" + os.urandom(32).hex()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "http://127.0.0.1:8000,http://localhost:8000")

# Production behind TLS: secure cookies, HSTS and the proxy's scheme header, each set by the deployment (off by
# default, so that plain-HTTP development and tests keep working). `check --deploy` runs with them on in `make test`.
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", False)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# "HTTP_X_FORWARDED_PROTO,https" when a proxy that sets that header (and strips it from clients) terminates TLS.
SECURE_PROXY_SSL_HEADER = tuple(env_list("SECURE_PROXY_SSL_HEADER", "")) or None

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "rest_framework_gis",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "leaflet",
    "simple_history",
    "django_celery_beat",
    "incidents",
    "ingest",
    "alerts",
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
    "simple_history.middleware.HistoryRequestMiddleware",
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
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", "postgis://postgres@127.0.0.1:5432/incident_atlas"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
# dj-database-url maps postgres:// to the plain backend; geometry needs the PostGIS one.
DATABASES["default"]["ENGINE"] = "django.contrib.gis.db.backends.postgis"
# Aggregates over tens of thousands of incidents (map clusters, exports) sort and hash in memory with 32 MB instead
# of spilling to disk at the default 4 MB; JIT compiling costs more than it saves on exactly those mid-sized queries.
# No parallel workers: starting them costs more than the few rows a list page reads.
DATABASES["default"].setdefault("OPTIONS", {})["options"] = os.environ.get(
    "DB_SESSION_OPTIONS", "-c work_mem=32MB -c jit=off -c max_parallel_workers_per_gather=0"
)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "var" / "static"))
# Hashed, compressed copies written by collectstatic, so browsers may cache them for ever (config/test_settings.py
# swaps in the plain storage: tests run without collectstatic).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        # A Redis outage makes the cache miss instead of failing the request (config/cache.py); short socket
        # timeouts so that a Redis that hangs costs a request well under a second.
        "BACKEND": "config.cache.DegradingRedisCache",
        "LOCATION": os.environ.get("CACHE_URL", REDIS_URL),
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
        # Per database, so a demo server and a test run sharing one Redis never answer from each other's cache.
        "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", f"atlas:{DATABASES['default']['NAME']}"),
    }
}

# Celery: JSON only, late acks so a killed worker's task is redelivered; tasks are idempotent.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", REDIS_URL)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = int(os.environ.get("CELERY_TASK_SOFT_TIME_LIMIT", "120"))
CELERY_TASK_TIME_LIMIT = int(os.environ.get("CELERY_TASK_TIME_LIMIT", "180"))
# Above the hard time limit, or Redis redelivers a still-running task to a second worker.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT * 2}
CELERY_RESULT_EXPIRES = 3600
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "celery")
# Celery's Django fix-up closes the database connection around every task unless told to reuse it; a new connection
# costs its set-up and the first run of each trigger function. Django's own rule (DB_CONN_MAX_AGE, and
# a broken connection is dropped) still applies after each task: see config/celery_app.py.
CELERY_DB_REUSE_MAX = 500
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
# The database is the queue of record: an article left `queued` this long (its message lost with the broker, or never
# sent while the broker was down) is sent again by recover_stale_articles (beat, every minute).
ARTICLE_REQUEUE_AFTER_SECONDS = int(os.environ.get("ARTICLE_REQUEUE_AFTER_SECONDS", "600"))
# A submission waits this long for a broker that does not answer before it is left for recovery.
CELERY_BROKER_CONNECTION_TIMEOUT = float(os.environ.get("CELERY_BROKER_CONNECTION_TIMEOUT", "2"))
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "incidents.api.schema.AtlasAutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PARSER_CLASSES": [
        "incidents.api.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_THROTTLE_ANON", "120/min"),
        # Browsers of the dashboard's pages (a signed cookie those pages set): an editor clicking quickly.
        "dashboard": os.environ.get("API_THROTTLE_DASHBOARD", "1200/min"),
        "user": os.environ.get("API_THROTTLE_USER", "1200/min"),
        "article_submit": os.environ.get("API_THROTTLE_ARTICLE_SUBMIT", "60/hour"),
    },
    "EXCEPTION_HANDLER": "incidents.api.views.base.exception_handler",
}
# Reading the API and the pages without signing in: on by default so the dashboard and public tools work.
API_PUBLIC_READ = env_bool("API_PUBLIC_READ", True)
# Proxies (addresses or CIDRs) whose X-Forwarded-For is believed when throttling; from anyone else it is ignored.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", "")

SPECTACULAR_SETTINGS = {
    "TITLE": "Incident Atlas API",
    "DESCRIPTION": "Conflict incidents extracted from news articles, geocoded and merged across sources.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI served from the drf-spectacular-sidecar package, so /api/docs/ works offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "PlaceKindEnum": "incidents.models.Place.Kind",
        "ActorKindEnum": "incidents.models.Actor.Kind",
        "SourceKindEnum": "incidents.models.Source.Kind",
        "IncidentStatusEnum": "incidents.models.Incident.Status",
        "ArticleStatusEnum": "incidents.models.Article.Status",
        "GeometryTypeEnum": ["Point"],
        "FeatureTypeEnum": ["Feature"],
        "FeatureCollectionTypeEnum": ["FeatureCollection"],
        "HistoryTypeEnum": ["created", "changed", "deleted"],
    },
}

# Map tiles come from the internet; an offline page falls back to the shipped outlines.
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = os.environ.get(
    "MAP_TILE_ATTRIBUTION", '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
)
LEAFLET_CONFIG = {
    "DEFAULT_CENTER": (34.5, 41.5),
    "DEFAULT_ZOOM": 6,
    "MIN_ZOOM": 3,
    "MAX_ZOOM": 18,
    "TILES": [("OpenStreetMap", MAP_TILE_URL, {"attribution": MAP_TILE_ATTRIBUTION, "maxZoom": 19})],
    "RESET_VIEW": False,
}
# Dashboard: how often it asks for new incidents, and above how many in view it draws grid clusters instead.
DASHBOARD_POLL_SECONDS = int(os.environ.get("DASHBOARD_POLL_SECONDS", "60"))
DASHBOARD_MAX_INDIVIDUAL = int(os.environ.get("DASHBOARD_MAX_INDIVIDUAL", "2000"))

# Ingest limits for fetched pages.
FETCH_TIMEOUT = float(os.environ.get("FETCH_TIMEOUT", "15"))
# Size caps on every input path: an article's text (API, admin, command line, fetched pages, feed entries) and a
# local file or upload read whole (command line, admin).
ARTICLE_MAX_CHARS = int(os.environ.get("ARTICLE_MAX_CHARS", "500000"))
INGEST_MAX_FILE_BYTES = int(os.environ.get("INGEST_MAX_FILE_BYTES", str(5 * 1024 * 1024)))
# The whole download, however slowly a server trickles it (FETCH_TIMEOUT bounds the connection and each read).
FETCH_DEADLINE = float(os.environ.get("FETCH_DEADLINE", str(FETCH_TIMEOUT * 2)))
FETCH_MAX_BYTES = int(os.environ.get("FETCH_MAX_BYTES", str(5 * 1024 * 1024)))
FETCH_MAX_REDIRECTS = int(os.environ.get("FETCH_MAX_REDIRECTS", "5"))
FETCH_USER_AGENT = os.environ.get("FETCH_USER_AGENT", "IncidentAtlas/1.0 (+https://example.org/atlas)")
# Outbound fetch policy (ingest/netpolicy.py): loopback, private, link-local, multicast and reserved addresses are
# refused unless listed here. Hosts: exact names or ".example.org" for a domain and its subdomains, allowed wherever
# they resolve. Networks: CIDRs such as 10.1.0.0/16 or ::1/128, for a deployment that polls internal feeds.
FETCH_ALLOWED_HOSTS = env_list("FETCH_ALLOWED_HOSTS", "")
FETCH_ALLOWED_NETWORKS = env_list("FETCH_ALLOWED_NETWORKS", "")

# The countries the atlas covers (ISO 3166-1 alpha-2): the gazetteer loads, extraction locates, filters and pages
# offer, and the export names these.
COVERED_COUNTRIES = tuple(code.upper() for code in env_list("COVERED_COUNTRIES", "IQ,SY"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# GDAL 3.6 (Debian 12) cannot block network access in spatial references; we never read untrusted rasters.
SILENCED_SYSTEM_CHECKS = ["gis.W001"]

# Alerts: links in webhooks, feeds and e-mails point at SITE_URL; webhook retries wait ALERT_RETRY_SECONDS x 1, 2, 4...
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
ALERT_RETRY_SECONDS = float(os.environ.get("ALERT_RETRY_SECONDS", "30"))
# Digests go to the console unless a mail server is configured (EMAIL_BACKEND, EMAIL_HOST, ...).
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "alerts@incident-atlas.invalid")
# Editors log in through admin's form (the alert pages need a login).
LOGIN_URL = "admin:login"
# A dashboard's live stream ends after this many seconds and the browser reconnects (EventSource), so a web worker
# thread is never held for ever; web runs gunicorn's threaded workers so that open streams do not block pages.
LIVE_STREAM_SECONDS = float(os.environ.get("LIVE_STREAM_SECONDS", "50"))
