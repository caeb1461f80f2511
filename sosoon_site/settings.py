"""Sosoon settings: the only module that reads the environment.

Defaults give the embedded development setup (SQLite under var/, in-memory channel layer,
ORM broker for django-q2, local-memory cache). Setting DATABASE_URL and REDIS_URL moves the
same code to PostgreSQL + Redis. With DEBUG off, the process refuses to start without
SECRET_KEY, ALLOWED_HOSTS and SOSOON_FIELD_KEYS. docs/deploy.md lists every variable.
"""

import logging
import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

import sentry_sdk
import structlog
from cryptography.fernet import Fernet
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.integrations.logging import ignore_logger
from sentry_sdk.utils import BadDsn

from sosoon_site.environment import ConfigurationError, Environment

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
env = Environment(os.environ)

DEBUG = env.flag("DEBUG", default=False)
PRODUCTION_NEEDS = "production (DEBUG=0) needs it; see docs/deploy.md"

if DEBUG:
    SECRET_KEY = env.text("SECRET_KEY") or "development-only-secret-key-not-for-production-use"
    ALLOWED_HOSTS = env.listing("ALLOWED_HOSTS") or ["localhost", "127.0.0.1", "[::1]"]
    # A fixed development key keeps encrypted fields readable across restarts of `make run`.
    SOSOON_FIELD_KEYS = env.fernet_keys() or ["ZGV2ZWxvcG1lbnQtb25seS1maWVsZC1rZXktMDAwMDA="]
else:
    SECRET_KEY = env.required("SECRET_KEY", env.text("SECRET_KEY"), why=PRODUCTION_NEEDS)
    # Sessions, CSRF tokens and password-reset links are only as strong as this key.
    if len(SECRET_KEY) < 50:
        raise ConfigurationError(
            f"SECRET_KEY is {len(SECRET_KEY)} characters; production needs at least 50: "
            "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'."
        )
    ALLOWED_HOSTS = env.required(
        "ALLOWED_HOSTS", env.listing("ALLOWED_HOSTS"), why=PRODUCTION_NEEDS
    )
    SOSOON_FIELD_KEYS = env.required("SOSOON_FIELD_KEYS", env.fernet_keys(), why=PRODUCTION_NEEDS)
Fernet(SOSOON_FIELD_KEYS[0])

# Previous secret keys still accepted for sessions and reset links, so rotating SECRET_KEY does
# not sign everybody out at once.
SECRET_KEY_FALLBACKS = env.listing("SECRET_KEY_FALLBACKS")
CSRF_TRUSTED_ORIGINS = env.listing("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "channels",
    "django_htmx",
    "csp",
    # Before django_q: its qcluster command checks the broker before starting the cluster.
    "sosoon_site",
    "django_q",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "sosoon_site.accounts",
    "sosoon_site.mail",
    "communities",
    "feeds",
]

MIDDLEWARE = [
    # First, so every request gets its line, redirects to HTTPS and refusals included.
    "django_structlog.middlewares.RequestMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After sessions, before CommonMiddleware: the browser's language (Accept-Language).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "sosoon_site.accounts.middleware.UserTimeZoneMiddleware",
    # A signed-in member's chosen language wins over the browser's.
    "sosoon_site.accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "sosoon_site.too_many_requests.RateLimitedMiddleware",
    "sosoon_site.temporarily_unavailable.RedisUnavailableMiddleware",
]

ROOT_URLCONF = "sosoon_site.urls"
ASGI_APPLICATION = "sosoon_site.asgi.application"
WSGI_APPLICATION = None

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
                "communities.notifications.context_processors.notifications",
                "communities.chat.context_processors.direct_messages",
            ],
            "builtins": ["sosoon_site.templatetags.page_text", "sosoon_site.templatetags.moments"],
        },
    },
]

# Cross-posts one q2 worker publishes side by side (one thread and, on PostgreSQL, one database
# connection each): a publish task carries at most this many rows, so the connection pool of
# each process holds at least one more connection than this.
SOSOON_CROSSPOST_CONCURRENCY = env.integer("SOSOON_CROSSPOST_CONCURRENCY", 16, minimum=1)
DATABASES = {
    "default": env.database(
        VAR_DIR / "sosoon.sqlite3", crosspost_concurrency=SOSOON_CROSSPOST_CONCURRENCY
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# "SQLite ignores an index's INCLUDE columns": not Sosoon's, whose include-carrying indexes are
# sosoon_site.covering_index.CoveringIndex, which makes them trailing keys there.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

REDIS_URL = env.redis_url()
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # redis-py's asyncio pool refuses (rather than queues) past 100 connections, and
            # a daphne whose sockets all reconnect or close at once (a restart, a network
            # blip) opens one per group_add/group_discard in flight; a refused discard leaves
            # a dead member in a chat room's group until group_expiry. A socket's queue holds
            # `capacity` frames before further ones are dropped: a busy room must not drop
            # frames for a client that is a second behind.
            # Each socket waits for its next event with a blocking read of `brpop_timeout`
            # (5 s) on the server; redis-py's default socket_timeout is also 5 s, so a quiet
            # socket's read timed out and the socket closed with 1011 (channels_redis#422).
            # Reads may take three times that; connecting may not take long, so a dead Redis
            # fails a push at once (it is logged and skipped) instead of holding the request.
            "CONFIG": {
                "hosts": [
                    {
                        "address": REDIS_URL,
                        "max_connections": 2000,
                        "socket_timeout": 15,
                        "socket_connect_timeout": 2,
                    }
                ],
                "prefix": "sosoon",
                "capacity": 1000,
            },
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "sosoon",
            # Every cache call is a short command (rate limits): fail fast when Redis is
            # gone, so the request answers 503 at once rather than hanging on a dead host.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# django-q2. Retry must exceed timeout, or a slow task is handed to a second worker while the
# first still runs it. catch_up is off so a cluster that was down does not replay every
# missed heartbeat at once.
# q2 kills a task still running after `timeout` seconds; cross-posting takes a row whose task
# has been silent that long as lost (feeds/crossposting/services/publishing.py). The ORM broker
# hands a task whose worker died to another after `retry`, which must exceed the timeout.
_q_timeout = env.integer("SOSOON_Q_TIMEOUT", 120, minimum=10)
Q_CLUSTER = {
    "name": "sosoon",
    "workers": env.integer("SOSOON_Q_WORKERS", 2, minimum=1),
    "timeout": _q_timeout,
    "retry": _q_timeout * 3 // 2,
    "max_attempts": 3,
    "catch_up": False,
    "save_limit": 1000,
    "ack_failures": True,
    "label": "Background jobs",
    "poll": 1,
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

ACCOUNT_ADAPTER = "sosoon_site.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_SIGNUP_FORM_CLASS = "sosoon_site.accounts.forms.SignupDetailsForm"
ACCOUNT_EMAIL_VERIFICATION = env.text(
    "ACCOUNT_EMAIL_VERIFICATION", "optional" if DEBUG else "mandatory"
)
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
# Where the site is reached, for links in mail written by background jobs (digests, event
# reminders), which have no request to take the address from. Production defaults to https
# on the first host.
SOSOON_SITE_URL = env.text(
    "SOSOON_SITE_URL",
    "http://localhost:8000" if DEBUG else f"https://{ALLOWED_HOSTS[0].lstrip('.')}",
).rstrip("/")
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Sosoon"

# Which function decides whether a request may sign up: only visitors holding a valid
# invitation link (sign-up is invite-only).
SOSOON_SIGNUP_GATE = "communities.signup.may_sign_up"
# Which function names the address the sign-up form starts with (an emailed invitation's).
SOSOON_SIGNUP_ADDRESS = "communities.signup.invited_address"

# Who may create communities: "anyone" (any user with a verified email) or "staff".
SOSOON_COMMUNITY_CREATORS = env.text("SOSOON_COMMUNITY_CREATORS", "anyone").lower()
if SOSOON_COMMUNITY_CREATORS not in {"anyone", "staff"}:
    raise ConfigurationError(
        f"SOSOON_COMMUNITY_CREATORS must be anyone or staff, not {SOSOON_COMMUNITY_CREATORS!r}."
    )

# Every message goes to the outbox (sosoon_site/mail/) in the sender's transaction; background
# jobs deliver it through the backend named by the EMAIL_BACKEND variable, so no request waits
# on, or fails with, the mail server.
EMAIL_BACKEND = "sosoon_site.mail.backend.OutboxBackend"
SOSOON_MAIL_DELIVERY_BACKEND = env.text(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
if SOSOON_MAIL_DELIVERY_BACKEND == EMAIL_BACKEND:
    raise ConfigurationError(
        "EMAIL_BACKEND names the backend that delivers mail from the outbox, so it cannot be "
        "the outbox itself; leave it unset for SMTP."
    )
# Failed attempts are retried after 1, 2, 4, ... times this delay (at most an hour apart)
# until a message has failed this many times.
SOSOON_MAIL_RETRY_SECONDS = env.integer("SOSOON_MAIL_RETRY_SECONDS", 60, minimum=1)
SOSOON_MAIL_MAX_ATTEMPTS = env.integer("SOSOON_MAIL_MAX_ATTEMPTS", 10, minimum=1)
EMAIL_HOST = env.text("EMAIL_HOST", "localhost")
EMAIL_PORT = env.integer("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env.text("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env.text("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env.flag("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.flag("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = 15
DEFAULT_FROM_EMAIL = env.text("DEFAULT_FROM_EMAIL", "Sosoon <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# English unless the member chose otherwise on their profile or their browser asks for
# Bulgarian; docs/translations.md says how strings are marked and a language is added.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("bg", "Български")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Development serves static files straight from the finders; production collects them first.
STATIC_ROOT = None if DEBUG else Path(env.text("STATIC_ROOT") or VAR_DIR / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.text("MEDIA_ROOT") or VAR_DIR / "media")
# Post images live outside MEDIA_ROOT (no URL maps to them) and are served by a view that asks
# the audience policy. Behind nginx, set the accel prefix to an `internal` location aliased to
# this directory and nginx sends the bytes (docs/deploy.md, "Private media").
SOSOON_PRIVATE_MEDIA_ROOT = Path(env.text("SOSOON_PRIVATE_MEDIA_ROOT") or VAR_DIR / "private")
SOSOON_PRIVATE_MEDIA_ACCEL_PREFIX = env.text("SOSOON_PRIVATE_MEDIA_ACCEL_PREFIX")
# Posts per feed page (tests vary it to show a page's query count does not depend on it).
SOSOON_FEED_PAGE_SIZE = 20
# How long a viewer's Top ranking is kept for their next page or reload (feeds/kept_rankings.py);
# 0 ranks afresh on every page.
SOSOON_TOP_RANKING_SECONDS = env.integer("SOSOON_TOP_RANKING_SECONDS", 60, minimum=0)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
# Every page, the admin included, runs only our own files: no inline script or style (htmx's
# indicator style is in sosoon.css, see base.html), nothing from another origin. The socket
# is same-origin, which 'self' covers for ws:/wss: (CSP Level 3).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    },
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.flag("SECURE_SSL_REDIRECT", default=True)
    # Load-balancer probes speak plain HTTP to the backend.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env.integer("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.flag("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.flag("SECURE_HSTS_PRELOAD", default=True)
if env.flag("SOSOON_BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True

# Real-time limits for the /ws/ socket (see docs/realtime.md).
SOSOON_WS_MAX_FRAME_BYTES = env.integer("SOSOON_WS_MAX_FRAME_BYTES", 16_384, minimum=256)

# Sandbox networks (feeds/crossposting/sandbox/, docs/deploy.md "Sandbox networks"): with
# DEBUG on, `manage.py serve` also runs a local X, Pinterest and TikTok speaking the real wire
# formats, and the settings below default to them, so the demo can connect, publish and read
# metrics without an account on any network. Never with DEBUG off: a production site must not
# publish to stand-ins.
SOSOON_SANDBOX_NETWORKS = env.flag("SOSOON_SANDBOX_NETWORKS", default=DEBUG)
if SOSOON_SANDBOX_NETWORKS and not DEBUG:
    raise ConfigurationError(
        "SOSOON_SANDBOX_NETWORKS=1 is for development only (DEBUG=1); unset it in production."
    )
SOSOON_SANDBOX_HOST = env.text("SOSOON_SANDBOX_HOST", "127.0.0.1")
# X listens here, Pinterest on the next port, TikTok on the one after.
SOSOON_SANDBOX_PORT = env.integer("SOSOON_SANDBOX_PORT", 8790, minimum=1)
# Where the sandboxes keep their tokens and posts across restarts.
SOSOON_SANDBOX_STATE_DIR = Path(env.text("SOSOON_SANDBOX_STATE_DIR") or VAR_DIR / "sandbox")


def _network(offset: int, real: str, path: str = "") -> str:
    """The real service's URL, or (sandbox networks on) the sandbox's, plus `path`."""
    if not SOSOON_SANDBOX_NETWORKS:
        return real + path
    return f"http://{SOSOON_SANDBOX_HOST}:{SOSOON_SANDBOX_PORT + offset}{path}"


_SANDBOX_CLIENT = (
    ("sosoon-sandbox", "sosoon-sandbox-secret") if SOSOON_SANDBOX_NETWORKS else ("", "")
)

# Cross-posting to X, Pinterest and TikTok (docs/deploy.md, "Cross-posting"). Credentials
# come from each platform's developer portal; a platform without them cannot be connected.
# The URLs default to the real services (or the sandboxes) and are settings so tests point
# them at sandboxes of their own. The *_WEB_BASE is where a published post's link leads.
SOSOON_X_CLIENT_ID = env.text("SOSOON_X_CLIENT_ID", _SANDBOX_CLIENT[0])
SOSOON_X_CLIENT_SECRET = env.text("SOSOON_X_CLIENT_SECRET", _SANDBOX_CLIENT[1])
SOSOON_X_AUTHORIZE_URL = env.text(
    "SOSOON_X_AUTHORIZE_URL", _network(0, "https://x.com", "/i/oauth2/authorize")
)
SOSOON_X_API_BASE = env.text("SOSOON_X_API_BASE", _network(0, "https://api.x.com"))
SOSOON_X_WEB_BASE = env.text("SOSOON_X_WEB_BASE", _network(0, "https://x.com"))
SOSOON_PINTEREST_CLIENT_ID = env.text("SOSOON_PINTEREST_CLIENT_ID", _SANDBOX_CLIENT[0])
SOSOON_PINTEREST_CLIENT_SECRET = env.text("SOSOON_PINTEREST_CLIENT_SECRET", _SANDBOX_CLIENT[1])
SOSOON_PINTEREST_AUTHORIZE_URL = env.text(
    "SOSOON_PINTEREST_AUTHORIZE_URL", _network(1, "https://www.pinterest.com", "/oauth/")
)
SOSOON_PINTEREST_API_BASE = env.text(
    "SOSOON_PINTEREST_API_BASE", _network(1, "https://api.pinterest.com")
)
SOSOON_PINTEREST_WEB_BASE = env.text(
    "SOSOON_PINTEREST_WEB_BASE", _network(1, "https://www.pinterest.com")
)
SOSOON_TIKTOK_CLIENT_KEY = env.text("SOSOON_TIKTOK_CLIENT_KEY", _SANDBOX_CLIENT[0])
SOSOON_TIKTOK_CLIENT_SECRET = env.text("SOSOON_TIKTOK_CLIENT_SECRET", _SANDBOX_CLIENT[1])
SOSOON_TIKTOK_AUTHORIZE_URL = env.text(
    "SOSOON_TIKTOK_AUTHORIZE_URL", _network(2, "https://www.tiktok.com", "/v2/auth/authorize/")
)
SOSOON_TIKTOK_API_BASE = env.text(
    "SOSOON_TIKTOK_API_BASE", _network(2, "https://open.tiktokapis.com")
)
SOSOON_TIKTOK_WEB_BASE = env.text("SOSOON_TIKTOK_WEB_BASE", _network(2, "https://www.tiktok.com"))
# A Connect button posts to Sosoon, which redirects to the network's consent page, and browsers
# hold that redirect to form-action too: without the consent pages' origins there, Connect does
# nothing in a browser.
CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"] += sorted(
    {
        "{0.scheme}://{0.netloc}".format(urlsplit(url))
        for url in (
            SOSOON_X_AUTHORIZE_URL,
            SOSOON_PINTEREST_AUTHORIZE_URL,
            SOSOON_TIKTOK_AUTHORIZE_URL,
        )
    }
)
# Seconds a provider has to answer one request (connecting gets at most 5 of them).
SOSOON_CROSSPOST_HTTP_TIMEOUT = 20.0

# Logs go to stderr (the journal under systemd), one line per event. With DEBUG off each line
# is a JSON object a log shipper can parse; in development, readable key=value lines. Every
# request ends with one `request_finished` line (request_id, method, path, status,
# duration_ms, user_id, ip; sosoon_site/request_log.py), and every line logged while serving
# it carries the same request_id. Lines from the standard library's loggers (Django, q2,
# daphne) go through the same renderer.
LOG_LEVEL = env.text("LOG_LEVEL", "INFO").upper()
LOG_PRE_CHAIN = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]
LOG_RENDERER = (
    structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())
    if DEBUG
    else structlog.processors.JSONRenderer()
)
structlog.configure(
    processors=[
        structlog.stdlib.filter_by_level,
        *LOG_PRE_CHAIN,
        structlog.stdlib.PositionalArgumentsFormatter(),
        structlog.processors.StackInfoRenderer(),
        structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
    ],
    logger_factory=structlog.stdlib.LoggerFactory(),
    cache_logger_on_first_use=True,
)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "structured": {
            "()": structlog.stdlib.ProcessorFormatter,
            "foreign_pre_chain": LOG_PRE_CHAIN,
            "processors": [
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                # A traceback becomes one escaped string inside the JSON line.
                *([] if DEBUG else [structlog.processors.format_exc_info]),
                LOG_RENDERER,
            ],
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "structured"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Named without handlers, so Django's own development console handler goes and each
        # event is printed once, by the root handler.
        "django": {"level": "INFO"},
        "django.db.backends": {"level": "WARNING"},
        "daphne": {"level": "WARNING"},
        # Django's "Not Found: /x" and "Internal Server Error: /x" would be a second line for
        # the same request: request_finished / request_failed already carry the status and
        # the traceback.
        "django.request": {"level": "CRITICAL"},
    },
}
# The request's first line ("request_started") only at DEBUG: one line per request at INFO.
DJANGO_STRUCTLOG_STATUS_START_LOG_LEVEL = logging.DEBUG

# Errors go to Sentry (or a compatible service such as GlitchTip) when SENTRY_DSN is set;
# nothing is sent otherwise. No personal data (send_default_pii off): no user, cookies, bodies
# or addresses.
SENTRY_DSN = env.text("SENTRY_DSN")
SENTRY_ENVIRONMENT = env.text("SENTRY_ENVIRONMENT", "production")
SENTRY_TRACES_SAMPLE_RATE = env.fraction("SENTRY_TRACES_SAMPLE_RATE", 0.0)
if SENTRY_DSN:
    try:
        sentry_sdk.init(
            dsn=SENTRY_DSN,
            integrations=[DjangoIntegration()],
            environment=SENTRY_ENVIRONMENT,
            traces_sample_rate=SENTRY_TRACES_SAMPLE_RATE,
            send_default_pii=False,
        )
    except BadDsn as error:
        raise ConfigurationError(
            f"SENTRY_DSN is not a Sentry DSN ({error}); expected https://key@host/project."
        ) from None
    # The Django integration reports a failed request with its traceback; the request_failed
    # log line of the same failure would arrive as a second event without one.
    ignore_logger("django_structlog.middlewares.request")
