"""Settings for the CAPI ROI calculator, read from the environment.

Every variable is optional on a developer's machine. Production sets
DJANGO_DEBUG=0, DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS; a malformed value
stops the start-up with a message instead of being guessed at.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    """DJANGO_DEBUG=1 becomes True; anything but a yes/no word is an error."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name} must be 1 or 0 (true/false), not {raw!r}.")


def env_list(name: str, default: list[str]) -> list[str]:
    """A comma list: 'a.com, b.com' becomes ['a.com', 'b.com']."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    """DJANGO_PROXY_COUNT=1 becomes 1; anything but a whole number >= 0 is an error."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    text = raw.strip()
    if not (text.isascii() and text.isdigit()):
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.")
    return int(text)


DEBUG = env_bool("DJANGO_DEBUG", default=True)
HTTPS = env_bool("DJANGO_HTTPS", default=not DEBUG)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off.")
    SECRET_KEY = "insecure-development-key-never-used-in-production-" + "x" * 20

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"] if DEBUG else []
)
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS is required when DJANGO_DEBUG is off.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "allauth",
    "allauth.account",
    "django_tasks_db",
    "calculator",
]

MIDDLEWARE = [
    # Outermost: /de/ resolves only once German is active, and the API's error
    # middleware words its messages in the request's language. Never a cookie,
    # so pages stay cacheable.
    "calculator.locale.LanguageMiddleware",
    # First, so it compresses what every other middleware wrote; images stay as
    # they are. Django pads each gzipped body with random bytes against BREACH
    # (the agency's pages carry a CSRF token), so a page's gzipped bytes differ
    # from request to request while its ETag, weak once gzipped, stays the same.
    "calculator.http.compression.GZipMiddleware",
    # Every /api/ answer, errors included, JSON with CORS (calculator/http/errors.py).
    "calculator.http.errors.ApiErrorMiddleware",
    "calculator.http.logs.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "calculator.http.security.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Outside the session, CSRF and messages middleware: drops their cookies
    # from the embed's responses (see calculator/http/middleware.py).
    "calculator.http.middleware.CookieFreeMiddleware",
    # A view's database error closes the connection (calculator/http/database.py).
    "calculator.http.database.DatabaseErrorMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Innermost: the bare page's redirect to a visitor's language gets every
    # header the middleware above adds.
    "calculator.locale.NegotiationMiddleware",
]

ROOT_URLCONF = "roi_site.urls"
WSGI_APPLICATION = "roi_site.wsgi.application"

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
                "calculator.locale.languages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL: readers never block the writer, nor the writer them. IMMEDIATE: a
    # transaction takes the write lock when it begins, so two writers queue
    # for the busy timeout instead of one failing at once with "database is
    # locked" when it upgrades its read to a write.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        "transaction_mode": "IMMEDIATE",
        "timeout": 10,
        **DATABASES["default"].get("OPTIONS", {}),
    }
    # A file, not memory, for the test database: the browser tests' live
    # server then gives each request thread its own connection instead of
    # sharing the test thread's, which a late keep-alive request could close.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "test-db.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# English at the bare addresses, German, French and Spanish under /de/, /fr/
# and /es/ (roi_site/urls.py); calculator/locale.py picks the language.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("de", "Deutsch"),
    ("fr", "Français"),
    ("es", "Español"),
]
# The site's catalogs; then our German for django-allauth's pages and emails,
# which in allauth's own catalog say "du" where the site says "Sie".
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale" / "allauth"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Security. Pages load only their own scripts, styles and images.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True

if HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# New short links each client address may create an hour (POST /api/v1/links),
# counted atomically in the database (or Redis): one limit across servers.
SHORT_LINKS_PER_HOUR = 60

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # One JSON object per line on stdout (calculator/http/logs.py), for log collectors.
    "formatters": {"json": {"()": "calculator.http.logs.JsonFormatter"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "stream": "ext://sys.stdout",
        }
    },
    "root": {"handlers": ["stdout"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}

# --- Production readiness -------------------------------------------------------

# Powerful browser features the site never uses, refused to the page and to
# anything it frames, and both ad-interest APIs (FLoC's interest-cohort for the
# browsers that still know it, and browsing-topics, its successor).
PERMISSIONS_POLICY: dict[str, list[str]] = dict.fromkeys(
    [
        "accelerometer",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "interest-cohort",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    ],
    [],
)

# "default" is the database (PostgreSQL in production), which every app server
# shares with no extra service to run; its table is made by `migrate`. With
# REDIS_URL set it is Redis instead, through Django's own backend, and the
# limits' counters move there too (calculator/http/ratelimit.py: atomic either way).
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "django_cache",
    },
    # Social cards, each drawn once and shared by every worker and server
    # (calculator/sharing/views.py). A table of their own, so that their churn
    # never culls anything else; Redis instead when REDIS_URL is set.
    "cards": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "card_cache",
        "OPTIONS": {"MAX_ENTRIES": 20_000},
    },
}
if REDIS_URL:
    if not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(
            f"REDIS_URL must be a redis://, rediss:// or unix:// address, not {REDIS_URL!r}."
        )
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
    }
    CACHES["cards"] = {**CACHES["default"], "KEY_PREFIX": "cards"}

# Reverse proxies in front of the app that append to X-Forwarded-For: the
# throttle trusts that many entries from the right and no more.
PROXY_COUNT = env_int("DJANGO_PROXY_COUNT", default=0)
# django-allauth finds the client's address for its own limits (sign-in,
# sign-up, password reset) from its own setting: the same count, or behind
# nginx every visitor would share the proxy's address and its limits.
ALLAUTH_TRUSTED_PROXY_COUNT = PROXY_COUNT

# Seconds a shared cache (nginx, a CDN) may serve a profile embed before it
# revalidates with the app. Views it serves in between are not counted, so
# this is also how often each cache reports a view of each embed address.
EMBED_PROFILE_SHARED_MAX_AGE = env_int("DJANGO_EMBED_PROFILE_SHARED_MAX_AGE", default=60)

# Where to report a vulnerability, for /.well-known/security.txt: a mailto: or
# https: address. Unset, it is security@ the host the request named.
SECURITY_CONTACT = os.environ.get("DJANGO_SECURITY_CONTACT", "").strip()

LOGIN_THROTTLE = {
    "window_seconds": 15 * 60,
    "failures_per_username": 5,
    "failures_per_address": 20,
}

# --- Agencies: accounts, leads and their delivery --------------------------------

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
# An agency signs up with an email address and must confirm it before signing in.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
# Confirming signs in the browser that signed up (allauth keeps that sign-up in
# its session, and signs in no other browser that opens the link), however
# long the email took to read: allauth's 15 minutes would send an agency that
# confirmed later to the sign-in page. The link itself lives three days.
ACCOUNT_LOGIN_TIMEOUT = 24 * 60 * 60
ACCOUNT_ADAPTER = "calculator.agency.accounts.AccountAdapter"  # subjects in the reader's language
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "agency:dashboard"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
# Accounts hold leads' personal data: Django's four checks, and 12 characters.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# The reset form answers alike for every address (no account is revealed), but
# mails only accounts: an address without one gets nothing, so the form cannot
# send mail to strangers. An account's own inbox gets at most three reset
# links an hour; allauth's other limits stay as they are.
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_RATE_LIMITS = {"reset_password": "20/m/ip,3/h/key"}

# The site's own address, for links in emails and in management commands,
# which have no request to take it from.
SITE_URL = os.environ.get("DJANGO_SITE_URL", "http://localhost:8000").rstrip("/")

# Mail: the console in development; SMTP from the environment in production.
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_FROM_EMAIL", "CAPI ROI calculator <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if os.environ.get("DJANGO_EMAIL_HOST") or not DEBUG:
    # Without DJANGO_EMAIL_HOST, production hands mail to a relay on localhost:25.
    _email_port = env_int(
        "DJANGO_EMAIL_PORT", default=587 if os.environ.get("DJANGO_EMAIL_HOST") else 25
    )
    # STARTTLS on 587 (or when DJANGO_EMAIL_TLS=1), implicit TLS on 465.
    _email_tls = env_bool("DJANGO_EMAIL_TLS", default=_email_port == 587)
    MAILERS = {
        "default": {
            # Django's SMTP backend, each connection ending by SEND_DEADLINE.
            "BACKEND": "calculator.agency.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ.get("DJANGO_EMAIL_HOST", "localhost"),
                "port": _email_port,
                "username": os.environ.get("DJANGO_EMAIL_USER", ""),
                "password": os.environ.get("DJANGO_EMAIL_PASSWORD", ""),
                "use_tls": _email_tls and _email_port != 465,
                "use_ssl": _email_port == 465,
                "timeout": 20,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}

# Background work (lead emails and webhooks) runs on a worker that reads the
# tasks from the database: `manage.py db_worker`. A task stored with its lead
# in one transaction is never lost, whatever happens to mail or webhooks.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Lead capture in the embed: the form's signed token lives this long (seconds),
# and each client address may send this many leads an hour.
LEAD_TOKEN_MAX_AGE = 60 * 60
LEADS_PER_HOUR = 10
# And each profile this many, from all addresses together: every lead emails a
# report to the address typed in, so this bounds the mail anyone can make an
# embed send. A busy agency's embed gets a few leads a day.
LEADS_PER_PROFILE_PER_HOUR = 30
# Reports one inbox may get a day, from every profile together: an address
# typed in by someone else is not flooded. And the reports each account's
# profiles may send a day, together, and the profiles an account may have, so
# that many profiles do not multiply the limits above.
LEADS_PER_RECIPIENT_PER_DAY = 3
LEADS_PER_ACCOUNT_PER_DAY = 100
PROFILES_PER_ACCOUNT = 10
# Webhooks must use https unless debugging; their hosts must resolve to public
# addresses (checked when the URL is saved and again before each send).
WEBHOOK_REQUIRE_HTTPS = not DEBUG
WEBHOOK_TIMEOUT = 10  # seconds for each read
# Seconds for a whole webhook or SMTP exchange, however slowly the other end
# answers: a delivery worker is never held longer by one message.
SEND_DEADLINE = env_int("DJANGO_SEND_DEADLINE", default=30)
# Logos are stored in the database (every app server sees them) and re-encoded.
LOGO_MAX_BYTES = 512 * 1024
