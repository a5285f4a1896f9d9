"""The one JSON error shape, ``{error, message, fields?}``, and every handler that produces it.

Services raise the small exceptions below; Flask's own HTTP errors, webargs validation errors,
flask-jwt-extended failures, rate limits and database outages are all turned into the same shape.
"""

import logging
import math
import time
from contextlib import contextmanager

import redis
from flask import jsonify
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from .extensions import db, limiter

log = logging.getLogger(__name__)

ERROR_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
    500: "internal_error",
    503: "service_unavailable",
}

DEFAULT_MESSAGES = {
    400: "The request could not be understood.",
    401: "Authentication is required.",
    403: "You are not allowed to do that.",
    404: "Not found.",
    405: "This method is not allowed on this URL.",
    409: "That conflicts with the current state.",
    413: "The request body is too large.",
    415: "That media type is not supported.",
    422: "Some fields are invalid.",
    429: "Too many requests. Please wait a moment and try again.",
    500: "Something went wrong on our side.",
    503: "A service the app depends on is unavailable. Please try again shortly.",
}


class ApiError(Exception):
    """An error a service raises on purpose; the handler renders it as JSON."""

    status = 400
    code = "bad_request"

    def __init__(self, message=None, fields=None, **extra):
        super().__init__(message or DEFAULT_MESSAGES[self.status])
        self.message = message or DEFAULT_MESSAGES[self.status]
        self.fields = fields
        # More top-level members of the body for this one error (a suspension's end time).
        self.extra = extra


class ValidationFailed(ApiError):
    status, code = 422, "validation_error"


class Unauthorized(ApiError):
    status, code = 401, "unauthorized"


class Forbidden(ApiError):
    status, code = 403, "forbidden"


class AccountSuspended(ApiError):
    status, code = 403, "account_suspended"


class AccountBanned(ApiError):
    status, code = 403, "account_banned"


class NotFound(ApiError):
    status, code = 404, "not_found"


class Conflict(ApiError):
    status, code = 409, "conflict"


@contextmanager
def conflict_on_duplicate(message):
    """Answer 409 ``conflict`` with ``message`` when a unique index refuses what the block writes.

    The index, not a read before the write, decides a race between two equal requests; the
    session is rolled back, so nothing of the refused request stays written.
    """
    try:
        yield
    except IntegrityError:
        db.session.rollback()
        raise Conflict(message) from None


class EmailUnverified(ApiError):
    status, code = 403, "email_unverified"


class InvalidToken(ApiError):
    status, code = 400, "invalid_token"


class ProfileIncomplete(ApiError):
    status, code = 409, "profile_incomplete"


class PayloadTooLarge(ApiError):
    status, code = 413, "payload_too_large"


class UnsupportedMediaType(ApiError):
    status, code = 415, "unsupported_media_type"


class RateLimited(ApiError):
    status, code = 429, "rate_limited"


class ServiceUnavailable(ApiError):
    status, code = 503, "service_unavailable"


def error_response(status, code=None, message=None, fields=None, extra=None):
    """Build the JSON error response every failure path uses."""
    body = {"error": code or ERROR_CODES.get(status, "error"), "message": message or DEFAULT_MESSAGES.get(status, "")}
    if fields:
        body["fields"] = fields
    body.update(extra or {})
    response = jsonify(body)
    response.status_code = status
    return response


# A body of thousands of unknown keys must not be echoed back: at most this many fields, names
# and messages cut to these lengths.
MAX_REPORTED_FIELDS = 20
MAX_MESSAGES_PER_FIELD = 5
MAX_REPORTED_LENGTH = 100


def _flatten_messages(messages):
    """Turn webargs' ``{location: {field: [msg] | {index: [msg]}}}`` into ``{field: [msg]}``, bounded."""
    fields = {}
    for location_messages in messages.values():
        if not isinstance(location_messages, dict):
            location_messages = {"_schema": location_messages}
        for field, value in location_messages.items():
            name = str(field)[:MAX_REPORTED_LENGTH]
            if name not in fields and len(fields) >= MAX_REPORTED_FIELDS:
                return fields
            reported = fields.setdefault(name, [])
            room = MAX_MESSAGES_PER_FIELD - len(reported)
            reported.extend(message[:MAX_REPORTED_LENGTH] for message in _as_list(value)[: max(room, 0)])
    return fields


def _as_list(value):
    if isinstance(value, dict):
        return [message for nested in value.values() for message in _as_list(nested)]
    if isinstance(value, (list, tuple)):
        return [message for item in value for message in _as_list(item)]
    return [str(value)]


def handle_api_error(error):
    """Render an :class:`ApiError` raised by a service."""
    return error_response(error.status, error.code, error.message, error.fields, error.extra)


def handle_http_exception(error):
    """Render Flask, Werkzeug, webargs and Flask-Limiter errors in the one shape."""
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    if status == 422 and "messages" in data:
        return error_response(422, message=DEFAULT_MESSAGES[422], fields=_flatten_messages(data["messages"]))
    if status == 429:
        return error_response(429, message=_rate_limited_message())
    message = data.get("message") or (error.description if _custom_description(error) else None)
    return error_response(status, message=message)


def _rate_limited_message():
    """Say how long to wait, in minutes (the ``Retry-After`` header Flask-Limiter adds has the seconds)."""
    current = limiter.current_limit
    if current is None:
        return DEFAULT_MESSAGES[429]
    # Flask-Limiter rounds the reset time up by a second; do not turn 60 s into "2 minutes".
    minutes = max(1, math.ceil((current.reset_at - 1 - time.time()) / 60))
    return f"Too many attempts. Please wait {minutes} minute{'s' if minutes != 1 else ''} and try again."


def _custom_description(error):
    """True when a view passed its own sentence to ``abort()`` rather than Werkzeug's default."""
    return error.description and error.description != type(error).description


def handle_database_unavailable(error):
    """A database that cannot be reached is a 503, not a crash."""
    log.error("database unavailable: %s", error.__class__.__name__)
    return error_response(503, message="The database is unavailable. Please try again shortly.")


def handle_pool_exhausted(error):
    """Every pooled connection busy past ``DATABASE_POOL_TIMEOUT_SECONDS`` (a burst of thousands of
    event streams reconnecting after a deploy): a 503 to retry shortly, not a crash."""
    log.warning("database pool exhausted: %s", error.__class__.__name__)
    return error_response(503, message="The server is busy. Please try again shortly.")


def handle_redis_unavailable(error):
    """Where Redis cannot be done without, its outage is a 503."""
    log.error("redis unavailable: %s", error.__class__.__name__)
    return error_response(503, message="A service the app depends on is unavailable. Please try again shortly.")


def handle_unexpected(error):
    """Log the failure and answer with the JSON shape, never a stack trace."""
    if isinstance(error, HTTPException):
        return handle_http_exception(error)
    log.exception("unhandled error")
    return error_response(500)


def register_error_handlers(app):
    """Attach every handler to the app; call after the extensions are initialised."""
    app.register_error_handler(ApiError, handle_api_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(OperationalError, handle_database_unavailable)
    app.register_error_handler(DBAPIError, _handle_dbapi_error)
    app.register_error_handler(PoolTimeout, handle_pool_exhausted)
    app.register_error_handler(redis.ConnectionError, handle_redis_unavailable)
    app.register_error_handler(redis.TimeoutError, handle_redis_unavailable)
    app.register_error_handler(Exception, handle_unexpected)


def _handle_dbapi_error(error):
    if error.connection_invalidated:
        return handle_database_unavailable(error)
    return handle_unexpected(error)


def register_jwt_handlers(jwt):
    """Route every flask-jwt-extended failure through the one error shape."""

    @jwt.expired_token_loader
    def expired(_header, _payload):
        return error_response(401, "token_expired", "Token has expired")

    @jwt.revoked_token_loader
    def revoked(_header, _payload):
        return error_response(401, "token_revoked", "Token has been revoked")

    @jwt.invalid_token_loader
    def invalid(reason):
        return error_response(401, "unauthorized", f"Invalid token: {reason}")

    @jwt.unauthorized_loader
    def missing(reason):
        return error_response(401, "unauthorized", reason)

    @jwt.needs_fresh_token_loader
    def needs_fresh(_header, _payload):
        return error_response(401, "unauthorized", "A fresh login is required")

    @jwt.user_lookup_error_loader
    def unknown_user(_header, _payload):
        return error_response(401, "unauthorized", "This account no longer exists")

    @jwt.token_verification_failed_loader
    def verification_failed(_header, _payload):
        return error_response(401, "unauthorized", "Token verification failed")
