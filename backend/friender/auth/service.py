"""Sessions: how a login is checked, which tokens are issued, and when they stop working (revocation,
a locked account). Signing up and the flows that mail the account are in ``accounts``."""

import functools
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from flask import current_app, request
from flask_jwt_extended import create_access_token, create_refresh_token, decode_token
from jwt import PyJWTError
from sqlalchemy.exc import OperationalError

from ..concurrency import run_blocking
from ..errors import AccountBanned, AccountSuspended, Unauthorized
from ..events import end_streams
from ..extensions import bcrypt, db
from ..models import RevokedToken, User, as_utc, login_key
from .accounts import find_user_by
from .blocklist import blocklist
from .passwords import check_password

INVALID_CREDENTIALS = "Invalid username or password."


def authenticate(login, password):
    """Return the user whose username or email is ``login`` and whose password matches.

    Unknown users and wrong passwords fail with the same message after the same work.
    """
    user = _find_by_login(login)
    if user is None:
        run_blocking(bcrypt.check_password_hash, _dummy_hash(current_app.config["BCRYPT_LOG_ROUNDS"]), password)
        raise Unauthorized(INVALID_CREDENTIALS)
    if not check_password(user, password):
        raise Unauthorized(INVALID_CREDENTIALS)
    refuse_locked_account(user)
    return user


def refuse_locked_account(user):
    """403 ``account_banned``, or ``account_suspended`` with the end time, while a measure lasts.

    Checked only after the password, so the answer tells nothing to someone who does not know it.
    """
    if user.banned_at is not None:
        raise AccountBanned("This account has been banned for breaking the community rules.")
    if user.locked:
        until = as_utc(user.suspended_until).strftime("%Y-%m-%dT%H:%M:%SZ")
        raise AccountSuspended(f"This account is suspended until {until}.", until=until)


def login_rate_subject(login):
    """What failed logins are counted against: the account ``login`` names, whether by username or
    by email (so the two spellings share one allowance), or the name itself when no account has it.
    """
    login = str(login or "").strip()
    # This runs before the body is validated: a NUL or an overlong string is no account's name,
    # and PostgreSQL would refuse the NUL in a query.
    findable = login and "\x00" not in login and len(login) <= 254
    try:
        user = _find_by_login(login) if findable else None
    except OperationalError:
        # Flask-Limiter takes any error here for its storage failing and evaluates again, once
        # per retry: with a database that does not answer, each would wait out the timeout.
        # Count by name; the login itself then meets the outage and answers 503.
        db.session.rollback()
        user = None
    return f"user:{user.id}" if user else f"name:{login_key(login)}"


def issue_tokens(user):
    """An access and a refresh token whose ``sub`` is the user id as a string.

    Both carry a new session id (``sid``) and the account's token generation (``gen``), which
    :func:`revoke_sessions` moves on to revoke them.
    """
    identity = str(user.id)
    claims = {"sid": str(uuid.uuid4()), "gen": user.token_generation}
    return (
        create_access_token(identity=identity, additional_claims=claims),
        create_refresh_token(identity=identity, additional_claims=claims),
    )


def issue_access_token(refresh_payload):
    """A new access token of the same session as a valid refresh token."""
    claims = {name: refresh_payload[name] for name in ("sid", "gen") if name in refresh_payload}
    return create_access_token(identity=refresh_payload["sub"], additional_claims=claims)


def revoke_token(payload):
    """Revoke the token described by its decoded payload."""
    expires_at = datetime.fromtimestamp(payload["exp"], UTC)
    blocklist().revoke(payload["jti"], payload["type"], int(payload["sub"]), expires_at)


def logout(access_payload, refresh_token=None):
    """Revoke the access token and, when given and owned by the same user, the refresh token.

    The event streams opened with that access token end at once.
    """
    revoke_token(access_payload)
    if refresh_token:
        try:
            refresh_payload = decode_token(refresh_token, allow_expired=True)
        except PyJWTError:
            refresh_payload = None
        if (
            refresh_payload
            and refresh_payload.get("type") == "refresh"
            and refresh_payload["sub"] == access_payload["sub"]
        ):
            revoke_token(refresh_payload)
    db.session.commit()
    # Streams opened with this access token end now, not at their next heartbeat.
    end_streams(int(access_payload["sub"]), access_payload["jti"])


def is_token_revoked(payload, account=True):
    """True when a logout revoked the token, or (``account``) its account is gone or refuses it
    (see :func:`_refused_by`).

    Event streams ask this (requests ask :func:`is_request_token_revoked`, one query).
    """
    if blocklist().is_revoked(payload["jti"]):
        return True
    if not account:
        return False
    user = load_user(payload)
    return user is None or _refused_by(user, payload)


def _refused_by(user, payload):
    """The account is locked (suspended or banned), or revoked its sessions (:func:`revoke_sessions`)
    after this token was issued and did not keep the token's session."""
    if user.locked:
        return True
    if payload.get("gen", 0) >= user.token_generation:
        return False
    return not (payload.get("sid") and payload["sid"] == user.kept_session)


# Every authenticated request needs both answers; one round trip gives them. The database holds
# every revocation (Redis only mirrors them), so its answer is the final one.
_USER_AND_REVOCATION = sa.select(
    User, sa.exists().where(RevokedToken.jti == sa.bindparam("jti")).label("revoked")
).where(User.id == sa.bindparam("user_id"))
_REQUEST_USER = "friender.token_user"


def is_request_token_revoked(payload):
    """True when the request's token was revoked; loads its account in the same query for
    :func:`request_user`, which Flask-JWT-Extended asks next."""
    try:
        user_id = int(payload["sub"])
    except (TypeError, ValueError):
        return False  # no account has this id: request_user answers None, a 401
    row = db.session.execute(_USER_AND_REVOCATION, {"jti": payload["jti"], "user_id": user_id}).one_or_none()
    user, revoked = row if row is not None else (None, False)
    # Kept in the WSGI environ: it lives exactly as long as the request.
    request.environ[_REQUEST_USER] = (payload["jti"], user)
    # A deleted account is left to request_user, which answers None (a 401 of its own).
    return bool(revoked) or (user is not None and _refused_by(user, payload))


def request_user(payload):
    """The account the request's token names (None when gone), as loaded with the revocation check."""
    jti, user = request.environ.get(_REQUEST_USER, (None, None))
    return user if jti == payload["jti"] else load_user(payload)


def load_user(payload):
    """The user a valid token names, or None when the account is gone."""
    try:
        return db.session.get(User, int(payload["sub"]))
    except (TypeError, ValueError):
        return None


@functools.cache
def _dummy_hash(rounds):
    """A hash checked when the username is unknown, so both failures cost one bcrypt verification."""
    return bcrypt.generate_password_hash("no-such-user-password", rounds).decode()


def _find_by_login(login):
    """The user whose email (when ``login`` has an @) or username is ``login``.

    Looked up once per request: the login rate limit's key and the password check both need it.
    Kept in the WSGI environ, which lives exactly as long as the request (``g`` belongs to the
    app context, which a caller such as the test suite may keep across requests).
    """
    found = request.environ.setdefault("friender.users_by_login", {})
    if login not in found:
        found[login] = find_user_by(User.email_key if "@" in login else User.username_key, login)
    return found[login]
