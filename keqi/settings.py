"""The one settings file. Every value comes from an environment variable.

Production differs from development only by environment: set KEQI_DEBUG=0,
KEQI_SECRET_KEY and KEQI_ALLOWED_HOSTS, and point KEQI_DATABASE_URL at PostgreSQL.
"""

from __future__ import annotations

import datetime
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_PACKAGE_DIR = Path(__file__).resolve().parent
# Installed from the offline bundle's wheel (`make bundle`), templates/, static/ and
# plans/ travel inside the package as keqi/_home/; in a source checkout they sit
# beside keqi/.
BASE_DIR = (
    _PACKAGE_DIR / "_home" if (_PACKAGE_DIR / "_home").is_dir() else _PACKAGE_DIR.parent
)


def env_str(name: str, default: str | None = None) -> str:
    """A string setting; fails loudly when it is required and missing."""
    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"环境变量 {name} 未设置 (required setting {name})")
    return value


def env_bool(name: str, default: bool) -> bool:
    """A yes/no setting written as 1/0, true/false, yes/no."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"环境变量 {name} 应为 1/0/true/false，实际为 {raw!r}")


def env_int(name: str, default: int) -> int:
    """A whole-number setting."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"环境变量 {name} 应为整数，实际为 {raw!r}") from exc


def env_list(name: str, default: str) -> list[str]:
    """A comma-separated list setting."""
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


DEBUG = env_bool("KEQI_DEBUG", False)
VAR_DIR = Path(env_str("KEQI_VAR_DIR", str(BASE_DIR / "var")))


def _secret_key() -> str:
    """KEQI_SECRET_KEY, or a random key kept in var/secret_key (made on first use)."""
    if os.environ.get("KEQI_SECRET_KEY"):
        return os.environ["KEQI_SECRET_KEY"]
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50), encoding="ascii")
        path.chmod(0o600)
    return path.read_text(encoding="ascii").strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("KEQI_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("KEQI_CSRF_TRUSTED_ORIGINS", "http://127.0.0.1:8000")

DATABASES = {
    "default": dj_database_url.parse(
        env_str("KEQI_DATABASE_URL", f"sqlite:///{VAR_DIR / 'keqi.sqlite3'}"),
        conn_max_age=env_int("KEQI_DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while a background import writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "rest_framework",
    "drf_spectacular",
    "keqi.core",
    "keqi.accounts",
    "keqi.registry",
    "keqi.cultivation",
    "keqi.campaign",
    "keqi.criteria",
    "keqi.evaluations",
    "keqi.funds",
    "keqi.activities",
    "keqi.partners",
    "keqi.products",
    "keqi.dashboard",
    "keqi.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A control character anywhere in the request is a Chinese 400 (keqi.core).
    "keqi.core.middleware.ControlCharacterMiddleware",
    # The security policy is read from the database at most once per request.
    "keqi.accounts.policy.policy_per_request",
    "keqi.accounts.middleware.idle_timeout",
    "keqi.accounts.middleware.password_change_first",
    "keqi.accounts.middleware.admin_roles_confined",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "keqi.urls"
WSGI_APPLICATION = "keqi.wsgi.application"

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
                "keqi.core.context.site",
                "keqi.accounts.context.picked_district",
            ],
        },
    }
]

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Password policy (等保 2.0): at least 10 characters (more if set), three of four
# character classes, none of the last KEQI_PASSWORD_HISTORY passwords again.
# These five KEQI_ values (length, history, failures, lock, idle) are defaults:
# the security administrator's page overrides them (keqi.accounts.policy).
KEQI_PASSWORD_MIN_LENGTH = max(10, env_int("KEQI_PASSWORD_MIN_LENGTH", 10))
KEQI_PASSWORD_HISTORY = max(1, env_int("KEQI_PASSWORD_HISTORY", 5))
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "keqi.accounts.passwords.LengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "keqi.accounts.passwords.CharacterClassValidator"},
    {"NAME": "keqi.accounts.passwords.HistoryValidator"},
]
# pytest sets PYTEST_VERSION for the whole run, before settings are imported.
TESTING = "KEQI_TESTING" in os.environ or "PYTEST_VERSION" in os.environ
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Login throttling: this many failures per username+address inside the window lock it.
KEQI_LOGIN_MAX_FAILURES = env_int("KEQI_LOGIN_MAX_FAILURES", 5)
KEQI_LOGIN_LOCK_SECONDS = env_int("KEQI_LOGIN_LOCK_SECONDS", 900)

SESSION_COOKIE_AGE = env_int("KEQI_SESSION_SECONDS", 8 * 3600)
# A session unused for this many minutes ends (keqi.accounts.middleware).
KEQI_SESSION_IDLE_MINUTES = env_int("KEQI_SESSION_IDLE_MINUTES", 30)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("KEQI_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("KEQI_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("KEQI_HSTS_SECONDS", 0)
# With HSTS on, cover the host's own subdomains and allow preloading unless told not to.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool(
    "KEQI_HSTS_INCLUDE_SUBDOMAINS", SECURE_HSTS_SECONDS > 0
)
SECURE_HSTS_PRELOAD = env_bool("KEQI_HSTS_PRELOAD", SECURE_HSTS_SECONDS > 0)
SECURE_CONTENT_TYPE_NOSNIFF = True
# Behind a reverse proxy that ends HTTPS (docs/deploy.md), trust its
# X-Forwarded-Proto header so Django knows the request was secure; only set this
# when the proxy is the sole way in, because a client could send the header too.
KEQI_BEHIND_HTTPS_PROXY = env_bool("KEQI_BEHIND_HTTPS_PROXY", False)
if KEQI_BEHIND_HTTPS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The proxy's address: `keqi serve` then takes the client's address from its
# X-Forwarded-For, so login throttling and the audit see people, not the proxy.
KEQI_TRUSTED_PROXY = env_str(
    "KEQI_TRUSTED_PROXY", "127.0.0.1" if KEQI_BEHIND_HTTPS_PROXY else ""
)
# A monitor on the server itself asks http://127.0.0.1:<port>/healthz directly.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
X_FRAME_OPTIONS = "DENY"

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# static_build/ holds what `make install` builds from npm (ECharts); git-ignored.
STATIC_BUILD_DIR = BASE_DIR / "static_build"
STATICFILES_DIRS = [BASE_DIR / "static"] + (
    [STATIC_BUILD_DIR] if STATIC_BUILD_DIR.is_dir() else []
)
# Serve from the source and build directories too, so tests and a server started
# before collectstatic still find the chart library.
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = VAR_DIR / "media"
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024
# Imported files (workbooks, CSV): the most an upload may be, the most its zip
# members may unpack to, and the most rows one sheet may have (issue 13).
KEQI_IMPORT_MAX_MB = env_int("KEQI_IMPORT_MAX_MB", 50)
KEQI_IMPORT_MAX_UNPACKED_MB = env_int("KEQI_IMPORT_MAX_UNPACKED_MB", 1024)
KEQI_IMPORT_MAX_ROWS = env_int("KEQI_IMPORT_MAX_ROWS", 500_000)
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TASKS = {
    "default": {
        "BACKEND": env_str(
            "KEQI_TASK_BACKEND", "django_tasks_db.backend.DatabaseBackend"
        ),
    }
}

# A full-list download (reserve lists, R&D lists and workbook…) with more rows than
# this is written by the background worker, with progress, instead of in the
# request; its file is kept this many hours (keqi.core.downloads).
KEQI_DOWNLOAD_INLINE_MAX = env_int("KEQI_DOWNLOAD_INLINE_MAX", 1000)
KEQI_DOWNLOAD_KEEP_HOURS = env_int("KEQI_DOWNLOAD_KEEP_HOURS", 72)

# On PostgreSQL, a workbook import that writes at least this many rows refreshes
# the written tables' statistics (ANALYZE) so pages are planned for the new size.
KEQI_ANALYZE_AFTER_ROWS = env_int("KEQI_ANALYZE_AFTER_ROWS", 10_000)

# Stored evaluation runs older than this many days are removed by
# `keqi evaluations prune` (each month's last run and cited runs are always kept).
KEQI_EVALUATION_KEEP_DAYS = env_int("KEQI_EVALUATION_KEEP_DAYS", 365)

# Pin the default "as of" day (YYYY-MM-DD), e.g. for the 2019 demo; empty = today.
_business_date = env_str("KEQI_BUSINESS_DATE", "")
try:
    KEQI_BUSINESS_DATE = (
        datetime.date.fromisoformat(_business_date) if _business_date else None
    )
except ValueError as exc:
    raise ImproperlyConfigured(
        f"环境变量 KEQI_BUSINESS_DATE 应为 YYYY-MM-DD，实际为 {_business_date!r}"
    ) from exc

# The shortest 公示 (public notice) of awards, in calendar days counting both the first
# and the last day. No plan or policy text we hold states the funds' notice period:
# 7 days is keqi's default until the bureau confirms its own (unconfirmed).
KEQI_NOTICE_MIN_DAYS = env_int("KEQI_NOTICE_MIN_DAYS", 7)
if KEQI_NOTICE_MIN_DAYS < 1:
    raise ImproperlyConfigured("环境变量 KEQI_NOTICE_MIN_DAYS 应为不小于1的天数")

# 避免重复走访: recording a visit warns when another unit visited the same enterprise
# within this many days before or after (the plan sets no window; 30 days is keqi's
# parameter until the bureau confirms its own). The visit can still be saved.
KEQI_SERVICE_REVISIT_DAYS = env_int("KEQI_SERVICE_REVISIT_DAYS", 30)
if KEQI_SERVICE_REVISIT_DAYS < 0:
    raise ImproperlyConfigured("环境变量 KEQI_SERVICE_REVISIT_DAYS 应为不小于0的天数")

# The REST API (keqi.api): token auth scoped like the UI, JSON only, Chinese errors.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "keqi.api.authentication.TokenAuthentication",
        "keqi.api.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["keqi.api.permissions.ApiAccess"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": [
        "keqi.api.throttling.UserThrottle",
        "keqi.api.throttling.AnonThrottle",
    ],
    "EXCEPTION_HANDLER": "keqi.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "keqi.api.schema.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "科企数据接口",
    "DESCRIPTION": "科企平台的 REST 接口：企业库、资质、知识产权、评价结论、企业库统计、"
    "攻坚目标、工作簿导入与月报填报。认证方式：请求头 Authorization: Token <令牌>。",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Signed in unless KEQI_API_DOCS_PUBLIC (below); the API's own authentication.
    "SERVE_PERMISSIONS": ["keqi.api.permissions.DocsAccess"],
    "SERVE_AUTHENTICATION": None,
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_GENERATE_CHOICE_DESCRIPTION": False,
    "ENUM_NAME_OVERRIDES": {
        "VerdictOutcomeEnum": ["eligible", "ineligible", "undetermined"],
        "RowOutcomeEnum": ["created", "updated"],
        "ActivityKindEnum": "keqi.activities.models.ActivityKind",
        "ServiceKindEnum": "keqi.partners.models.ServiceKind",
        "FinanceKindEnum": "keqi.partners.models.FinanceKind",
        "LedgerEntryKindEnum": "keqi.funds.models.EntryKind",
    },
    "SCHEMA_PATH_PREFIX": r"/api/v1",
}
# The endpoint list (/api/) and the OpenAPI schema (/api/schema/) for visitors who
# have not signed in: off unless KEQI_API_DOCS_PUBLIC=1, so a production server
# shows neither to strangers (a signed-in user or token always sees them).
KEQI_API_DOCS_PUBLIC = env_bool("KEQI_API_DOCS_PUBLIC", False)
# Requests per minute allowed to one signed-in API user, and to one anonymous address.
KEQI_API_RATE_USER = env_str("KEQI_API_RATE_USER", "600/min")
KEQI_API_RATE_ANON = env_str("KEQI_API_RATE_ANON", "60/min")

# /healthz: the worker's heartbeat older than this, or a task waiting longer than
# this with none running, reports the installation unhealthy (503).
KEQI_WORKER_STALE_SECONDS = env_int("KEQI_WORKER_STALE_SECONDS", 120)
KEQI_QUEUE_STALE_SECONDS = env_int("KEQI_QUEUE_STALE_SECONDS", 900)

# The district this installation serves; `keqi init` loads its configuration.
KEQI_DISTRICT = env_str("KEQI_DISTRICT", "baodi")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("KEQI_LOG_LEVEL", "WARNING")},
}
