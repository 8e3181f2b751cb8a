"""Settings read from the environment in one place, with safe defaults.

DATABASE_URL   default: SQLite file ``zhengshe.sqlite3`` in the data directory (WAL, foreign keys on)
SECRET_KEY     default: generated once and kept in ``<data dir>/secret_key`` (never committed)
ZHENGSHE_AUDIT_KEY  default: generated once and kept in ``<data dir>/audit.key`` (mode 0600; back it up)
ZHENGSHE_DATA_KEY   default: generated once and kept in ``<data dir>/data.key`` (mode 0600; back it up apart from the
                    database): the SM4 key ring of personal data (docs/security.md)
DEBUG          default: off
ZHENGSHE_DATA_DIR  default: ./data
"""

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PACKAGE_DIR = BASE_DIR / "zhengshe"


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DATA_DIR = Path(os.environ.get("ZHENGSHE_DATA_DIR", BASE_DIR / "data")).resolve()
if not DATA_DIR.exists():
    # Keys, the SQLite file and exports live here: only the service account may enter (mode 0700 from creation).
    DATA_DIR.mkdir(parents=True, mode=0o700, exist_ok=True)
    DATA_DIR.chmod(0o700)  # mkdir's mode is reduced by the umask; say it exactly


def _secret_key() -> str:
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()


def _audit_key() -> str:
    """The key of the audit chain's HMAC-SM3 (never in the database, separate from SECRET_KEY).

    Without it nobody can re-seal an edited audit row; lose it and the rows it sealed can no longer be verified.
    """
    if os.environ.get("ZHENGSHE_AUDIT_KEY"):
        key = os.environ["ZHENGSHE_AUDIT_KEY"].strip()
        if len(key) < 32:
            from django.core.exceptions import ImproperlyConfigured

            raise ImproperlyConfigured("ZHENGSHE_AUDIT_KEY must be at least 32 characters (e.g. `openssl rand -hex 32`).")
        return key
    path = DATA_DIR / "audit.key"
    if not path.exists():
        # Written whole under a private name, then linked into place: never readable by others, never half-written,
        # and when several processes start at once (gunicorn workers, db_worker) the first link wins for all.
        tmp = path.with_name(f".audit.key.{os.getpid()}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(32) + "\n")
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_text().strip()


AUDIT_KEY = _audit_key()


def _private_file(path: Path, content: str) -> None:
    """Create ``path`` with ``content``, mode 0600 from the first byte; the first of racing processes wins."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(content)
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        tmp.unlink()


# The data key ring of protected personal data (SM4-GCM, HMAC-SM3 blind indexes; zhengshe.utilities.crypto):
# ZHENGSHE_DATA_KEY (64 hex characters; several separated by commas while rotating, the first encrypting), else the
# key file, one key per line. Separate from the audit key and from SECRET_KEY; never in the database.
DATA_KEY = os.environ.get("ZHENGSHE_DATA_KEY", "").strip()
DATA_KEY_FILE = Path(os.environ.get("ZHENGSHE_DATA_KEY_FILE", DATA_DIR / "data.key"))
if not DATA_KEY and not DATA_KEY_FILE.exists():
    _private_file(DATA_KEY_FILE, "# 政社数据密钥（SM4-GCM / HMAC-SM3）：第一行为当前密钥，其余仅用于解密旧数据。"
                                 "与数据库备份分开保管。\n" + secrets.token_hex(32) + "\n")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]


def private_sqlite_file(name) -> None:
    """Create the SQLite file empty with mode 0600 before SQLite does (it would make it 0644); its -wal and -shm
    files take the same mode. An existing file is left as it is."""
    if not name or str(name) == ":memory:" or str(name).startswith("file:"):
        return
    try:
        os.close(os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except (FileExistsError, FileNotFoundError):
        pass


def database_config(url: str | None) -> dict:
    """One database from a URL; SQLite gets WAL, a busy timeout and IMMEDIATE transactions."""
    url = url or f"sqlite:///{DATA_DIR / 'zhengshe.sqlite3'}"
    config = dj_database_url.parse(url, conn_max_age=0 if url.startswith("sqlite") else 60)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        private_sqlite_file(config["NAME"])
        config["OPTIONS"] = {
            # IMMEDIATE serialises writers at BEGIN, so the audit hash chain never forks.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            # secure_delete: a deleted or overwritten value (a phone before its encryption) is zeroed in the file.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
                            "PRAGMA secure_delete=ON;",
        }
    if os.environ.get("DATABASE_TEST_NAME"):
        config["TEST"] = {"NAME": os.environ["DATABASE_TEST_NAME"]}
    return config


DATABASES = {"default": database_config(os.environ.get("DATABASE_URL"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "zhengshe.core.admin_site.ZhengsheAdminConfig",  # django.contrib.admin, open to superusers only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "django_tasks_db",
    "zhengshe.core",
    "zhengshe.audit",
    "zhengshe.regions",
    "zhengshe.accounts",
    "zhengshe.organizations",
    "zhengshe.projects",
    "zhengshe.catalog",
    "zhengshe.agreements",
    "zhengshe.evaluation",
    "zhengshe.dashboards",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "zhengshe.core.middleware.RequestContextMiddleware",
    "zhengshe.core.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "zhengshe.core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",  # before the session policy, which leaves a message
    "zhengshe.accounts.middleware.SessionPolicyMiddleware",
    "zhengshe.audit.middleware.AuditActorMiddleware",
    "zhengshe.core.idempotency.IdempotencyMiddleware",  # after sign-in and the session policy: knows the user
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "zhengshe.core.context_processors.shell",
            ],
        },
    }
]

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["zhengshe.accounts.backends.LockoutModelBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboards:home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "zhengshe.accounts.validators.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "zhengshe.accounts.validators.PasswordHistoryValidator", "OPTIONS": {"history": 5}},
]

# The one cache (authorization data such as a user's grants; no page, cell or count is cached — totals are rollup
# rows): Redis, shared by every worker and app server, when REDIS_URL or CACHE_URL is set (production); local
# memory for `make demo` (one process) and the tests.
CACHE_URL = os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL") or ""
CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL,
                      "KEY_PREFIX": "zhengshe"}} if CACHE_URL else {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Security baseline (STANDARDS §4) — every value configurable from the environment.
LOCKOUT_THRESHOLD = int(os.environ.get("LOCKOUT_THRESHOLD", 5))
LOCKOUT_MINUTES = int(os.environ.get("LOCKOUT_MINUTES", 30))
# An address (a whole office behind one NAT) is locked only by many failures in a short window, whoever made them:
# one person mistyping their password must not shut their colleagues out.
LOCKOUT_IP_THRESHOLD = int(os.environ.get("LOCKOUT_IP_THRESHOLD", 50))
LOCKOUT_IP_MINUTES = int(os.environ.get("LOCKOUT_IP_MINUTES", 15))
# X-Forwarded-For is believed only behind our own reverse proxy, and then only its right-most hop (the one the
# proxy added); anything to its left was written by the client.
TRUST_X_FORWARDED_FOR = env_bool("ZHENGSHE_BEHIND_PROXY", False)
# Login-attempt rows (lock-out counting) older than this are pruned (`zhengshe prune_login_attempts`, daily);
# never those inside the lock-out window. Failures stay in the audit log.
LOGIN_ATTEMPT_RETENTION_DAYS = int(os.environ.get("LOGIN_ATTEMPT_RETENTION_DAYS", 30))
SESSION_IDLE_TIMEOUT = int(os.environ.get("SESSION_IDLE_TIMEOUT", 30 * 60))
# Absolute lifetime: signed out this long after signing in, however active (checked by SessionPolicyMiddleware).
SESSION_ABSOLUTE_LIFETIME = int(os.environ.get("SESSION_ABSOLUTE_LIFETIME", 12 * 60 * 60))
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_LIFETIME
# The session cookie does not outlive the browser (shared office computers).
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", True)
# Seconds of sign-in state between the password step and the second-factor step.
LOGIN_TOTP_STEP_SECONDS = int(os.environ.get("LOGIN_TOTP_STEP_SECONDS", 5 * 60))
# API tokens older than this many days are refused (0 = never expire).
API_TOKEN_MAX_AGE_DAYS = int(os.environ.get("API_TOKEN_MAX_AGE_DAYS", 180))
# Audit rows are kept at least this long; `zhengshe audit purge` refuses younger ones (STANDARDS §4.9).
AUDIT_RETENTION_DAYS = max(180, int(os.environ.get("AUDIT_RETENTION_DAYS", 180)))
AUDIT_ARCHIVE_DIR = Path(os.environ.get("AUDIT_ARCHIVE_DIR", DATA_DIR / "audit_archive"))
# Signed checkpoints of the audit chain's end (written by every verify and daily by the worker), outside the
# database; keep them, like the audit key, apart from database backups.
AUDIT_CHECKPOINT_DIR = Path(os.environ.get("ZHENGSHE_AUDIT_CHECKPOINT_DIR", DATA_DIR / "audit_checkpoints"))
# The database refuses DELETE (and, on PostgreSQL, TRUNCATE) of audit rows except inside the retention purge.
AUDIT_GUARD_DELETES = env_bool("ZHENGSHE_AUDIT_GUARD_DELETES", True)
PASSWORD_MAX_AGE_DAYS = int(os.environ.get("PASSWORD_MAX_AGE_DAYS", 0))  # 0 = no expiry
TOTP_REQUIRED_ROLES = os.environ.get(
    "TOTP_REQUIRED_ROLES", "sys_admin,security_admin,audit_admin,district_admin,expert"
).split(",")
TOTP_ISSUER = os.environ.get("TOTP_ISSUER", "政社 Zhengshe")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Plain HTTP here (development, tests); prod.py turns on Secure cookies, the HTTPS redirect and HSTS over TLS.
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'"
)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
MAX_UPLOAD_BYTES = int(os.environ.get("MAX_UPLOAD_BYTES", 20 * 1024 * 1024))
# An import file above either bound runs as a background job (a progress page) instead of inside the request.
IMPORT_INLINE_MAX_ROWS = int(os.environ.get("ZHENGSHE_IMPORT_INLINE_MAX_ROWS", 2000))
IMPORT_INLINE_MAX_BYTES = int(os.environ.get("ZHENGSHE_IMPORT_INLINE_MAX_BYTES", 1024 * 1024))
# The rows one job may import (a request: 20 000). All rows are written in one transaction: on SQLite that holds
# the database's write lock for the whole write phase, so keep big imports for quiet hours or use PostgreSQL.
IMPORT_JOB_MAX_ROWS = int(os.environ.get("ZHENGSHE_IMPORT_JOB_MAX_ROWS", 100_000))
# Where a queued import's file waits for the worker (SM4-encrypted, 0600), removed as soon as the job ends.
IMPORT_JOB_DIR = Path(os.environ.get("ZHENGSHE_IMPORT_JOB_DIR", DATA_DIR / "import_jobs"))

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["zhengshe.formats"]  # zh-Hans number grouping for intcomma (906,084)

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "staticfiles"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": DATA_DIR / "media"}},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = DATA_DIR / "media"  # outside the web root; files are served by views with Content-Disposition

TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

REST_FRAMEWORK = {
    # Token first: an unauthenticated call answers 401 with "WWW-Authenticate: Token" (not a bare 403).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "zhengshe.core.authentication.AuditedTokenAuthentication",
        "zhengshe.core.authentication.AuditedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "zhengshe.core.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "zhengshe.core.errors.api_exception_handler",
}
# One record per intent (core.idempotency): how long a form token or an Idempotency-Key is remembered, and how
# long a duplicate waits for the first request's outcome.
IDEMPOTENCY_KEY_HOURS = int(os.environ.get("IDEMPOTENCY_KEY_HOURS", "24"))
IDEMPOTENCY_WAIT_SECONDS = 10

SPECTACULAR_SETTINGS = {
    "TITLE": "政社 Zhengshe API",
    "DESCRIPTION": ("政社互动信息系统接口。所有接口按用户的区划与组织范围过滤。\n\n"
                    "时间：所有日期时间均为北京时间（Asia/Shanghai，UTC+08:00），以 ISO 8601 格式带时区偏移返回，"
                    "如 `2026-12-07T04:59:00+08:00`；写入时请同样带上偏移（不带偏移的时间按北京时间理解）。"
                    "只含日期的字段（如 `term_start`、`due_date`）是北京时间的日历日。"),
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "zhengshe.core.schema.add_idempotency_key_header",
    ],
    # Choice sets whose field names collide across apps ("kind", "status") get names of their own; one set
    # shared by two fields (approved_mode / target_mode) one name. `spectacular --fail-on-warn` is in the suite.
    "ENUM_NAME_OVERRIDES": {
        "AskKindEnum": "zhengshe.catalog.choices.AskKind",
        "ListKindEnum": "zhengshe.catalog.choices.ListKind",
        "ListStatusEnum": "zhengshe.catalog.choices.ListStatus",
        "TargetModeEnum": "zhengshe.catalog.choices.TargetMode",
        "AgreementKindEnum": "zhengshe.agreements.choices.AgreementKind",
        "AgreementStatusEnum": "zhengshe.agreements.choices.AgreementStatus",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# A CJK font embedded in every PDF (installed by `make` from Debian's fonts-wqy-microhei).
PDF_CJK_FONT = os.environ.get("PDF_CJK_FONT", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
# Count SQL queries per request and send them in X-Query-Count (bench harness only).
QUERY_COUNT_HEADER = env_bool("QUERY_COUNT_HEADER", False)

# Residents' surveys (evaluation): answers one network address may submit to one survey per hour and per minute
# (a survey's managers may set their own), and the SMS sender of phone verification codes — a callable
# ``send(phone, text)``; the default queues the message in the database for the office's gateway (docs/security.md).
EVALUATION_SURVEY_ADDRESS_LIMIT = int(os.environ.get("EVALUATION_SURVEY_ADDRESS_LIMIT", 200))
EVALUATION_SURVEY_BURST_LIMIT = int(os.environ.get("EVALUATION_SURVEY_BURST_LIMIT", 15))
EVALUATION_SMS_SENDER = os.environ.get("EVALUATION_SMS_SENDER", "zhengshe.evaluation.survey_phone.queue_sms")
