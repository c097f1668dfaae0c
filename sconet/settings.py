"""Settings, all read from the environment (see .env.example for every variable).

Two modes:
- development (the default, what ``make run`` uses): SQLite under ``var/`` and an embedded
  Celery broker on the filesystem, nothing to install;
- production (``SCONET_ENV=production``): PostgreSQL, Redis, a real SECRET_KEY and DEBUG off,
  or the process refuses to start.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")

SCONET_ENV = env("SCONET_ENV", default="development")
PRODUCTION = SCONET_ENV == "production"
VAR_DIR = Path(env("SCONET_VAR_DIR", default=str(BASE_DIR / "var")))

DEV_SECRET_KEY = "dev-only-insecure-key-change-me-in-production"
SECRET_KEY = env("SECRET_KEY", default=DEV_SECRET_KEY)
DEBUG = env.bool("DEBUG", default=not PRODUCTION)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

if PRODUCTION:
    if SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 40:
        raise ImproperlyConfigured(
            "SCONET_ENV=production requires a real SECRET_KEY (40 characters or more)."
        )
    if DEBUG:
        raise ImproperlyConfigured("SCONET_ENV=production refuses DEBUG=on.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "etablissements",
    "eleves",
    "sms",
    "envois",
    "absences",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "sconet.middleware.PrivatePagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "etablissements.middleware.CurrentEtablissementMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "sconet.urls"
WSGI_APPLICATION = "sconet.wsgi.application"

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
                "sconet.context_processors.shell",
            ],
        },
    },
]

# Database: SQLite under var/ unless DATABASE_URL is set (PostgreSQL in production and CI).
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'sconet.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # The web process, the Celery worker and beat share the file: wait for locks, write-ahead log.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Tests use a file too, so that a Celery worker started by a test sees the same data.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling: after AXES_FAILURE_LIMIT failures for one username from one address, that login is
# locked for AXES_COOLOFF_MINUTES (a French page says so).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_RESET_ON_SUCCESS = True
AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=1 if PRODUCTION else 0)

CSRF_FAILURE_VIEW = "sconet.views.csrf_failure"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# A session ends after SESSION_COOKIE_AGE seconds without activity, and when the browser closes.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=2 * 3600)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Development serves static files straight from static/; production from collectstatic's output.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Celery: an embedded broker on the filesystem unless CELERY_BROKER_URL is set (Redis in production).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://localhost/")
EMBEDDED_BROKER = CELERY_BROKER_URL.startswith("filesystem://")
if EMBEDDED_BROKER:
    _broker_dir = VAR_DIR / "broker"
    for _folder in (_broker_dir / "queue", _broker_dir / "control", VAR_DIR / "celery-results"):
        _folder.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
    _default_result_backend = f"file://{VAR_DIR / 'celery-results'}"
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
    }
    _default_result_backend = CELERY_BROKER_URL
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=_default_result_backend)
CELERY_RESULT_EXPIRES = 3600
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="sconet")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Workers log through the settings' LOGGING (JSON, redacted) instead of Celery's own handlers.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Structured logging to stdout: one JSON object a line.
LOG_LEVEL = env("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "stdout": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "json"}
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "axes": {"level": "WARNING"},
        # Request lines carry query strings and session-bearing URLs: keep them out of the logs.
        "django.server": {"level": "WARNING"},
    },
}

# Production hardening (on when SCONET_ENV=production).
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# SMS providers: endpoints (defaulting to the real ones; the tests and benchmarks point them at a
# loopback server) and the timeouts of every request to a provider, in seconds.
SCONET_PLURIWARE_URL = env("SCONET_PLURIWARE_URL", default="http://sms.pluriware.fr/xmlapi.php")
SCONET_DIGITALMEDIA_URL = env("SCONET_DIGITALMEDIA_URL", default="https://api.digitalmedia.fr/sms/v1")
SCONET_SMS_CONNECT_TIMEOUT = env.float("SCONET_SMS_CONNECT_TIMEOUT", default=5.0)
SCONET_SMS_READ_TIMEOUT = env.float("SCONET_SMS_READ_TIMEOUT", default=30.0)
# The simulator reports délivré this many seconds after accepting.
SCONET_SIMULATOR_DELIVERY_SECONDS = env.float("SCONET_SIMULATOR_DELIVERY_SECONDS", default=5.0)

# SMS outbox. Provider passwords are encrypted with SCONET_SECRETS_KEY (Fernet keys, comma
# separated, the first one encrypts); development derives one from SECRET_KEY when it is not set,
# production refuses to encrypt or decrypt without it (and `check --deploy` says so).
SCONET_SECRETS_KEY = env("SCONET_SECRETS_KEY", default="")
# A message claimed by a worker for longer than this is taken back by the sweep (the worker died).
# Keep it well above the provider timeouts, so that a slow answer is never taken for a dead worker.
SCONET_SMS_CLAIM_TIMEOUT = env.int("SCONET_SMS_CLAIM_TIMEOUT", default=600)
# Transient failures: retried this many times per message, after delays growing from BASE to MAX
# seconds (with jitter), always well under the broker's visibility timeout.
SCONET_SMS_MAX_ATTEMPTS = env.int("SCONET_SMS_MAX_ATTEMPTS", default=6)
SCONET_SMS_RETRY_BASE_DELAY = env.float("SCONET_SMS_RETRY_BASE_DELAY", default=10.0)
SCONET_SMS_RETRY_MAX_DELAY = env.float("SCONET_SMS_RETRY_MAX_DELAY", default=300.0)
# Batches under way at once for one établissement (PostgreSQL only): while one waits for the
# provider's answer, another is claimed or recorded.
SCONET_SMS_DISPATCH_LANES = env.int("SCONET_SMS_DISPATCH_LANES", default=3)
# Without a final report this long after the provider accepted it, a message is marked so.
SCONET_SMS_FINAL_REPORT_HOURS = env.int("SCONET_SMS_FINAL_REPORT_HOURS", default=72)
CELERY_BEAT_SCHEDULE.update(
    {
        "sms-sweep": {"task": "sms.tasks.sms_sweep", "schedule": 60.0},
        "sms-poll-statuses": {"task": "sms.tasks.sms_poll_statuses", "schedule": 300.0},
    }
)

# Courriels to the families, through Django's email backend. EMAIL_URL says where, e.g.
# smtp+tls://user:password@smtp.example.org:587 (smtp://, smtp+tls://, smtp+ssl://); without it,
# development writes each email as a file under var/courriels/ and production uses the local
# mail server (smtp://127.0.0.1:25). The SMTP backend is Django's, told which step failed
# (envois.mail): an email is never sent twice.
_email_url = env("EMAIL_URL", default="" if not PRODUCTION else "smtp://127.0.0.1:25")
if _email_url:
    _email = env.email_url_config(_email_url)
    EMAIL_BACKEND = _email["EMAIL_BACKEND"]
    EMAIL_HOST = _email["EMAIL_HOST"] or "127.0.0.1"
    EMAIL_PORT = _email["EMAIL_PORT"] or 25
    EMAIL_HOST_USER = _email["EMAIL_HOST_USER"] or ""
    EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"] or ""
    EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
    EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
    if EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend":
        EMAIL_BACKEND = "envois.mail.SmtpBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "courriels")
# Seconds to wait for the mail server at each step.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
# The sender of every courriel; replies go to the établissement's own courriel (Reply-To).
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Vie scolaire <ne-pas-repondre@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Transient failures (the server said "try later", or could not be reached): retried this many
# times per courriel, after delays growing from BASE to MAX seconds. A courriel claimed by a worker
# for longer than CLAIM_TIMEOUT seconds is taken back by the sweep (the worker died).
SCONET_COURRIEL_MAX_ATTEMPTS = env.int("SCONET_COURRIEL_MAX_ATTEMPTS", default=5)
SCONET_COURRIEL_RETRY_BASE_DELAY = env.float("SCONET_COURRIEL_RETRY_BASE_DELAY", default=30.0)
SCONET_COURRIEL_RETRY_MAX_DELAY = env.float("SCONET_COURRIEL_RETRY_MAX_DELAY", default=900.0)
SCONET_COURRIEL_CLAIM_TIMEOUT = env.int("SCONET_COURRIEL_CLAIM_TIMEOUT", default=600)
CELERY_BEAT_SCHEDULE["courriels-sweep"] = {"task": "envois.tasks.courriels_sweep", "schedule": 60.0}
