"""Configuration classes, read once from the environment.

Every setting the app reads from the environment is read here and nowhere else.
`create_app` picks the class from ``FRIENDER_ENV`` (development, testing, production).
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from .request_limits import REQUEST_SCOPED_MOVING_WINDOW

MIN_PRODUCTION_SECRET_LENGTH = 32


class ConfigError(RuntimeError):
    """The environment does not describe a configuration the app can start with."""


def _env(name, default=None):
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _env_int(name, default):
    return int(_env(name, default))


def _env_list(name):
    return [item.strip() for item in _env(name, "").split(",") if item.strip()]


class BaseConfig:
    """Settings shared by every environment."""

    ENV_NAME = "base"
    SQLALCHEMY_DATABASE_URI = _env("DATABASE_URL")
    # No pre-ping round trip per request: a connection lost to an outage raises a disconnect
    # error (a 503), which makes SQLAlchemy discard the whole pool; the next request reconnects.
    # Bound parameters (password hashes, token ids, message bodies) never reach a log line or an
    # exception message, even with SQLALCHEMY_ECHO on.
    SQLALCHEMY_ENGINE_OPTIONS = {"hide_parameters": True}
    # PostgreSQL timeouts (see friender/database.py): connecting, a query on the server, waiting
    # for a pooled connection, and silence on the socket (a server that accepts but never answers).
    DATABASE_CONNECT_TIMEOUT_SECONDS = _env_int("DATABASE_CONNECT_TIMEOUT_SECONDS", 5)
    DATABASE_STATEMENT_TIMEOUT_SECONDS = _env_int("DATABASE_STATEMENT_TIMEOUT_SECONDS", 10)
    DATABASE_POOL_TIMEOUT_SECONDS = _env_int("DATABASE_POOL_TIMEOUT_SECONDS", 5)
    DATABASE_WAIT_TIMEOUT_SECONDS = _env_int("DATABASE_WAIT_TIMEOUT_SECONDS", 15)

    JWT_SECRET_KEY = _env("JWT_SECRET_KEY")
    JWT_ALGORITHM = "HS256"
    JWT_ACCESS_TOKEN_EXPIRES = timedelta(minutes=_env_int("JWT_ACCESS_TOKEN_MINUTES", 15))
    JWT_REFRESH_TOKEN_EXPIRES = timedelta(days=_env_int("JWT_REFRESH_TOKEN_DAYS", 7))
    JWT_TOKEN_LOCATION = ["headers"]
    JWT_REFRESH_COOKIE_PATH = "/api/auth"
    JWT_REFRESH_CSRF_COOKIE_PATH = "/"
    JWT_COOKIE_SAMESITE = "Strict"
    JWT_COOKIE_SECURE = False
    JWT_COOKIE_CSRF_PROTECT = True

    BCRYPT_LOG_ROUNDS = 12
    # bcrypt itself stops at 72 bytes; passwords may be 128 characters, so pre-hash.
    BCRYPT_HANDLE_LONG_PASSWORDS = True
    # Native threads per worker process for CPU-bound work (bcrypt) under gevent: a burst of
    # signups queues for these instead of stalling the worker's other greenlets.
    BLOCKING_POOL_THREADS = _env_int("BLOCKING_POOL_THREADS", 2)

    REDIS_URL = _env("REDIS_URL")
    RATELIMIT_STORAGE_URI = REDIS_URL or "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    # A true sliding window: "30 per minute" means at most 30 in any 60 seconds, not per clock minute.
    # Flask-Limiter's moving window, reading each window once per request (request_limits.py).
    RATELIMIT_STRATEGY = REQUEST_SCOPED_MOVING_WINDOW
    # If Redis goes away, keep limiting in memory rather than failing every request.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    LOGIN_RATE_LIMIT = _env("LOGIN_RATE_LIMIT", "5 per minute")
    SIGNUP_RATE_LIMIT = _env("SIGNUP_RATE_LIMIT", "20 per hour")
    MESSAGE_RATE_LIMIT = _env("MESSAGE_RATE_LIMIT", "30 per minute")
    # Reset links asked for from one address, and for one email address (known or not, alike).
    PASSWORD_RESET_RATE_LIMIT = _env("PASSWORD_RESET_RATE_LIMIT", "10 per hour")
    PASSWORD_RESET_EMAIL_RATE_LIMIT = _env("PASSWORD_RESET_EMAIL_RATE_LIMIT", "3 per hour")
    VERIFY_RESEND_RATE_LIMIT = _env("VERIFY_RESEND_RATE_LIMIT", "3 per hour")
    # The browser sends one typing signal every few seconds while someone types.
    TYPING_RATE_LIMIT = _env("TYPING_RATE_LIMIT", "30 per minute")
    REPORT_RATE_LIMIT = _env("REPORT_RATE_LIMIT", "10 per hour")
    # Per client address, for each of GET and POST /api/appeals/{token} (no account to count by).
    APPEAL_LINK_RATE_LIMIT = _env("APPEAL_LINK_RATE_LIMIT", "20 per hour")
    # Changes of one's ZIP code or friend radius allowed in any LOCATION_CHANGE_WINDOW: each one
    # is a new vantage point for reading other people's distances.
    LOCATION_CHANGE_LIMIT = _env_int("LOCATION_CHANGE_LIMIT", 5)
    LOCATION_CHANGE_WINDOW = timedelta(hours=24)

    # Event streams: a comment line at least this often (1–15 s) keeps proxies and clients from timing out.
    EVENTS_HEARTBEAT_SECONDS = min(15.0, max(1.0, float(_env("EVENTS_HEARTBEAT_SECONDS", 15))))
    # Redis pub/sub channels ignore the database number, so deployments sharing a server need a prefix.
    EVENTS_CHANNEL_PREFIX = _env("EVENTS_CHANNEL_PREFIX", "friender:events:")
    # Caps on open streams per process: one more from the account or the address is a 429. At the
    # account's cap, a stream with the same token as an open one replaces the oldest such (a
    # client reconnecting before the server noticed its old connection gone).
    EVENTS_MAX_STREAMS_PER_USER = _env_int("EVENTS_MAX_STREAMS_PER_USER", 10)
    EVENTS_MAX_STREAMS_PER_ADDRESS = _env_int("EVENTS_MAX_STREAMS_PER_ADDRESS", 100)
    # A reconnect replays at most this many missed messages, then tells the client to reload.
    EVENTS_REPLAY_LIMIT = 500

    # Mail goes through Flask-Mailman: SMTP when MAIL_SERVER is set, else (the embedded default)
    # each message is written as an .eml file to MAIL_OUTBOX_DIR and its links are logged.
    MAIL_SERVER = _env("MAIL_SERVER")
    MAIL_PORT = _env_int("MAIL_PORT", 587)
    MAIL_USERNAME = _env("MAIL_USERNAME")
    MAIL_PASSWORD = _env("MAIL_PASSWORD")
    MAIL_USE_TLS = _env("MAIL_USE_TLS", "false").lower() in ("1", "true", "yes")
    MAIL_DEFAULT_SENDER = _env("MAIL_DEFAULT_SENDER", "Friender <no-reply@friender.local>")
    MAIL_TIMEOUT = _env_int("MAIL_TIMEOUT", 10)
    MAIL_OUTBOX_DIR = _env("MAIL_OUTBOX_DIR")
    # A failed delivery is retried after this many seconds, doubling up to an hour.
    MAIL_RETRY_SECONDS = _env_int("MAIL_RETRY_SECONDS", 30)
    # The browser app's public origin: the links in mails point there and, when it is set, the
    # local storage's photo URLs too (otherwise built from the request; see ``finalize``).
    APP_BASE_URL = _env("APP_BASE_URL")
    # Host names a request may name (Flask's own setting: any other Host header is a 400). Unset,
    # and APP_BASE_URL set: the hosts of APP_BASE_URL and CORS_ORIGINS plus loopback (probes).
    TRUSTED_HOSTS = _env_list("TRUSTED_HOSTS") or None

    CORS_ORIGINS = _env_list("CORS_ORIGINS")
    # Number of reverse proxies in front of the app whose X-Forwarded-* headers are trusted.
    TRUSTED_PROXY_COUNT = _env_int("TRUSTED_PROXY_COUNT", 0)

    STORAGE_BACKEND = _env("STORAGE_BACKEND", "local")
    LOCAL_STORAGE_DIR = _env("LOCAL_STORAGE_DIR")
    S3_BUCKET = _env("S3_BUCKET")
    S3_ENDPOINT_URL = _env("S3_ENDPOINT_URL")
    # The address browsers use for the same S3 server, when it differs (MinIO inside compose).
    S3_PUBLIC_ENDPOINT_URL = _env("S3_PUBLIC_ENDPOINT_URL")
    AWS_REGION = _env("AWS_REGION", "us-east-1")
    # Lifetimes of signed URLs: photo GETs (cached, each handed out with ≥ half left), the
    # download redirect, and the direct-upload form (an unconfirmed upload is swept after it).
    PHOTO_URL_EXPIRES_SECONDS = _env_int("PHOTO_URL_EXPIRES_SECONDS", 3600)
    PHOTO_DOWNLOAD_URL_EXPIRES_SECONDS = _env_int("PHOTO_DOWNLOAD_URL_EXPIRES_SECONDS", 300)
    PHOTO_UPLOAD_URL_EXPIRES_SECONDS = _env_int("PHOTO_UPLOAD_URL_EXPIRES_SECONDS", 900)
    # A storage server that does not answer within this many seconds is reported as a 503.
    S3_TIMEOUT_SECONDS = _env_int("S3_TIMEOUT_SECONDS", 5)
    MAX_PHOTOS_PER_USER = 6
    MAX_PHOTO_BYTES = 10 * 1024 * 1024
    MAX_PHOTO_PIXELS = 40_000_000
    MAX_ARCHIVE_UNCOMPRESSED_BYTES = 60 * 1024 * 1024

    # The built React app; served with a history fallback when the folder exists.
    FRONTEND_DIST = _env("FRONTEND_DIST", str(Path(__file__).resolve().parents[2] / "frontend" / "dist"))

    # 10 MB per image plus room for multipart framing and a few images per request; only the
    # upload routes accept that much, every other body is at most MAX_JSON_BODY_BYTES.
    MAX_CONTENT_LENGTH = _env_int("MAX_CONTENT_LENGTH", 64 * 1024 * 1024)
    MAX_JSON_BODY_BYTES = _env_int("MAX_JSON_BODY_BYTES", 64 * 1024)
    # Requests answered 400/413/415/422 allowed per address before it gets 429s for a while.
    MALFORMED_REQUEST_LIMIT = _env("MALFORMED_REQUEST_LIMIT", "120 per minute")

    API_TITLE = "Friender API"
    API_VERSION = "1.0.0"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api"
    OPENAPI_JSON_PATH = "openapi.json"
    OPENAPI_SWAGGER_UI_PATH = "docs"
    OPENAPI_SWAGGER_UI_URL = "/api/docs/assets/"  # bundled: see api_docs.py
    API_SPEC_OPTIONS = {
        "servers": [{"url": "/"}],
        "security": [{"bearerAuth": []}],
        "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}},
    }

    @classmethod
    def finalize(cls, app):
        """Fill the settings that depend on the app's instance folder."""
        instance = Path(app.instance_path)
        instance.mkdir(parents=True, exist_ok=True)
        if not app.config.get("SQLALCHEMY_DATABASE_URI"):
            app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'friender.sqlite3'}"
        if not app.config.get("LOCAL_STORAGE_DIR"):
            app.config["LOCAL_STORAGE_DIR"] = str(instance / "uploads")
        if not app.config.get("MAIL_OUTBOX_DIR"):
            app.config["MAIL_OUTBOX_DIR"] = str(instance / "outbox")
        if not app.config.get("MAIL_BACKEND"):
            app.config["MAIL_BACKEND"] = "smtp" if app.config.get("MAIL_SERVER") else "friender.mail.outbox_dir"
        if not app.config.get("JWT_SECRET_KEY"):
            app.config["JWT_SECRET_KEY"] = _instance_secret(instance / "jwt-secret")
        if not app.config.get("SECRET_KEY"):
            app.config["SECRET_KEY"] = app.config["JWT_SECRET_KEY"]
        _finalize_public_origin(app.config)


DEFAULT_APP_BASE_URL = "http://127.0.0.1:5000"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


def _finalize_public_origin(config):
    """Settle ``APP_BASE_URL``, whether URLs are built from it, and ``TRUSTED_HOSTS``.

    A configured ``APP_BASE_URL`` is the one origin the app's own absolute URLs use
    (``URLS_FROM_APP_BASE_URL``), so no Host header can point a photo URL elsewhere, and the
    hosts trusted by default are the configured ones. Without it (``make run``, the tests) the
    app answers on whatever address it is reached at, and mail links use the default origin.
    """
    configured = (config.get("APP_BASE_URL") or "").rstrip("/")
    config["URLS_FROM_APP_BASE_URL"] = bool(configured)
    config["APP_BASE_URL"] = configured or DEFAULT_APP_BASE_URL
    if configured and config.get("TRUSTED_HOSTS") is None:
        origins = [configured, *config.get("CORS_ORIGINS", [])]
        hosts = [urlsplit(origin).hostname for origin in origins]
        config["TRUSTED_HOSTS"] = list(dict.fromkeys([*(host for host in hosts if host), *LOOPBACK_HOSTS]))


def _instance_secret(path):
    """Return the development signing key kept in the instance folder, creating it once."""
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


class DevelopmentConfig(BaseConfig):
    """The embedded default: SQLite, local storage, a generated signing key."""

    ENV_NAME = "development"


class TestingConfig(BaseConfig):
    """Fast hashing and a fixed key; the test fixtures choose the database."""

    ENV_NAME = "testing"
    TESTING = True
    BCRYPT_LOG_ROUNDS = 4
    JWT_SECRET_KEY = "testing-secret-key-that-is-long-enough-for-hs256"
    RATELIMIT_STORAGE_URI = "memory://"
    # Fixtures sign up many users from one address; the signup-limit test sets its own limit.
    SIGNUP_RATE_LIMIT = "10000 per hour"
    LOGIN_RATE_LIMIT = "5 per minute"
    MESSAGE_RATE_LIMIT = "30 per minute"
    # The suites send thousands of bad requests from one address; the limit's own test sets it.
    MALFORMED_REQUEST_LIMIT = "1000000 per minute"


class ProductionConfig(BaseConfig):
    """Refuses to start without a real database and a strong signing key."""

    ENV_NAME = "production"
    JWT_COOKIE_SECURE = True

    @classmethod
    def finalize(cls, app):
        secret = app.config.get("JWT_SECRET_KEY") or ""
        if len(secret) < MIN_PRODUCTION_SECRET_LENGTH:
            raise ConfigError(
                f"JWT_SECRET_KEY must be at least {MIN_PRODUCTION_SECRET_LENGTH} random characters in production."
            )
        if not app.config.get("SQLALCHEMY_DATABASE_URI"):
            raise ConfigError("DATABASE_URL must be set in production.")
        super().finalize(app)


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_class(name=None):
    """Return the configuration class for ``name`` or for ``FRIENDER_ENV``."""
    name = name or _env("FRIENDER_ENV", "development")
    try:
        return CONFIGS[name]
    except KeyError:
        raise ConfigError(f"FRIENDER_ENV must be one of {', '.join(CONFIGS)}, not {name!r}.") from None
