"""Account rules: who may sign up, how a login is checked, which tokens are issued and revoked,
how an address is verified and how a password is reset or changed."""

import functools
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from flask import current_app, request
from flask_jwt_extended import create_access_token, create_refresh_token, decode_token
from jwt import PyJWTError
from sqlalchemy.exc import IntegrityError, OperationalError

from .. import mail
from ..concurrency import run_blocking
from ..errors import AccountBanned, AccountSuspended, Conflict, InvalidToken, Unauthorized, ValidationFailed
from ..events import end_streams
from ..extensions import bcrypt, db
from ..models import AccountToken, RevokedToken, User, as_utc, login_key, utcnow
from . import account_tokens
from .blocklist import blocklist
from .passwords import password_problem

INVALID_CREDENTIALS = "Invalid username or password."
EMAIL_TAKEN = "An account with that email already exists."
WRONG_PASSWORD = "That password is not correct."


def signup(username, email, password, birthdate, display_name=None):
    """Create an account (adults only: the schema checked the birthdate) and mail its verification link.

    Usernames and emails are unique by their login key (``models.login_key``: Unicode-normalised and
    case-folded); a guessable password is refused.
    """
    require_strong_password(password, username, email)
    # Hashed before the first query: a signup waiting for a hashing thread holds no database
    # connection, so a burst of them leaves the pool to everyone else.
    password_hash = hash_password(password)
    taken = {}
    if _find_by(User.username_key, username):
        taken["username"] = ["That username is taken."]
    if _find_by(User.email_key, email):
        taken["email"] = [EMAIL_TAKEN]
    if taken:
        raise Conflict("That username or email is already registered.", fields=taken)
    user = User(
        username=username,
        email=email,
        password_hash=password_hash,
        display_name=display_name,
        birthdate=birthdate,
        hobbies=[],
        interests=[],
    )
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError:  # Two signups raced for the same name; the index decided.
        db.session.rollback()
        raise Conflict("That username or email is already registered.") from None
    _mail_verification(user, user.email)
    db.session.commit()
    return user


def require_strong_password(password, username, email, field="password"):
    """Raise a 422 on ``field`` naming why the password is refused (guessable, or built on the account's name)."""
    problem = password_problem(password, username, email)
    if problem:
        raise ValidationFailed("Choose a stronger password.", fields={field: [problem]})


def _mail_verification(user, address):
    token = account_tokens.issue(user, AccountToken.VERIFY_EMAIL, email=address)
    mail.queue_mail(
        address,
        "Confirm your email address",
        "verify_email",
        name=user.display_name or user.username,
        email=address,
        url=mail.link("/verify-email", token),
    )


def verify_email(token):
    """Follow a verification link: the address it was sent to is verified (and becomes the account's
    address, when it was a requested change). Returns the user."""
    row, user = account_tokens.redeem(token, AccountToken.VERIFY_EMAIL, check=_still_the_address)
    if login_key(row.email) != user.email_key:
        if _find_by(User.email_key, row.email) is not None:
            db.session.rollback()
            raise Conflict("Another account has taken that email address meanwhile.", fields={"email": [EMAIL_TAKEN]})
        user.email, user.pending_email = row.email, None
    user.email_verified_at = utcnow()
    try:
        db.session.commit()
    except IntegrityError:  # another account took the address at the same instant
        db.session.rollback()
        raise Conflict(
            "Another account has taken that email address meanwhile.", fields={"email": [EMAIL_TAKEN]}
        ) from None
    return user


def _still_the_address(user, row):
    """A link for an address the account no longer has or wants (it asked for another since) is void."""
    wanted = {user.email_key, login_key(user.pending_email or "")}
    if login_key(row.email) not in wanted:
        raise InvalidToken(account_tokens.INVALID)


def resend_verification(user):
    """Mail a new verification link: to the address waiting to be confirmed, else to an unverified one."""
    if user.pending_email:
        _mail_verification(user, user.pending_email)
    elif not user.email_verified:
        _mail_verification(user, user.email)
    db.session.commit()


def request_password_reset(email):
    """Mail a reset link when an account has this address; nothing tells the caller whether one does."""
    user = _find_by(User.email_key, email)
    if user is None:
        return
    token = account_tokens.issue(user, AccountToken.RESET_PASSWORD)
    mail.queue_mail(
        user.email,
        "Reset your Friender password",
        "reset_password",
        name=user.display_name or user.username,
        url=mail.link("/reset-password", token),
    )
    db.session.commit()


def reset_password(token, password):
    """Set a new password from a reset link; every earlier token of the account stops working."""

    def strong_enough(user, _row):
        require_strong_password(password, user.username, user.email)

    _row, user = account_tokens.redeem(token, AccountToken.RESET_PASSWORD, check=strong_enough)
    account_tokens.spend_all(user, AccountToken.RESET_PASSWORD)
    user.password_hash = hash_password(password)
    _revoke_sessions(user, keep=None)
    db.session.commit()
    end_streams(user.id)
    return user


def change_password(user, current_password, new_password, session_id):
    """Change the password of a signed-in person; their other sessions are signed out, this one stays.

    The other sessions' event streams end at their next revocation check (before each delivery and
    heartbeat); ``end_streams`` would end this session's streams too.
    """
    if not check_password(user, current_password):
        raise ValidationFailed(WRONG_PASSWORD, fields={"current_password": [WRONG_PASSWORD]})
    require_strong_password(new_password, user.username, user.email, field="new_password")
    user.password_hash = hash_password(new_password)
    _revoke_sessions(user, keep=session_id)
    account_tokens.spend_all(user, AccountToken.RESET_PASSWORD)
    mail.queue_mail(
        user.email,
        "Your Friender password was changed",
        "password_changed",
        name=user.display_name or user.username,
        url=f"{current_app.config['APP_BASE_URL']}/forgot-password",
    )
    db.session.commit()


def request_email_change(user, password, new_email):
    """Mail a verification link to ``new_email`` (the account switches once it is followed) and a
    notice to the current address."""
    if not check_password(user, password):
        raise ValidationFailed(WRONG_PASSWORD, fields={"password": [WRONG_PASSWORD]})
    if login_key(new_email) == user.email_key:
        raise ValidationFailed("That is already your address.", fields={"email": ["That is already your address."]})
    if _find_by(User.email_key, new_email) is not None:
        raise Conflict("That email address is already registered.", fields={"email": [EMAIL_TAKEN]})
    user.pending_email = new_email
    _mail_verification(user, new_email)
    mail.queue_mail(
        user.email,
        "Your Friender email address is changing",
        "email_changing",
        name=user.display_name or user.username,
        new_email=new_email,
        url=f"{current_app.config['APP_BASE_URL']}/settings",
    )
    db.session.commit()


def _revoke_sessions(user, keep):
    """Move the account's token generation on: every token issued before stops working, except
    those of the session ``keep`` (the one that changed the password)."""
    user.token_generation += 1
    user.kept_session = keep


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


def hash_password(password):
    """bcrypt hash of a password (cost from ``BCRYPT_LOG_ROUNDS``)."""
    return run_blocking(bcrypt.generate_password_hash, password).decode()


def check_password(user, password):
    """True when ``password`` is the user's password."""
    return run_blocking(bcrypt.check_password_hash, user.password_hash, password)


TOKEN_VERSION_CLAIM = "ver"


def issue_tokens(user):
    """An access and a refresh token whose ``sub`` is the user id as a string.

    Both carry a new session id (``sid``), the account's token generation (``gen``), which a
    password reset or change moves on to revoke them, and its token version (``ver``), which a
    suspension or ban moves on.
    """
    identity = str(user.id)
    claims = {"sid": str(uuid.uuid4()), "gen": user.token_generation, TOKEN_VERSION_CLAIM: user.token_version}
    return (
        create_access_token(identity=identity, additional_claims=claims),
        create_refresh_token(identity=identity, additional_claims=claims),
    )


def issue_access_token(refresh_payload):
    """A new access token of the same session as a valid refresh token."""
    names = ("sid", "gen", TOKEN_VERSION_CLAIM)
    claims = {name: refresh_payload[name] for name in names if name in refresh_payload}
    return create_access_token(identity=refresh_payload["sub"], additional_claims=claims)


def revoke_all_tokens(user):
    """Revoke every token the user holds, in the caller's transaction (a suspension or ban does this)."""
    user.token_version = User.token_version + 1


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


def is_token_revoked(payload):
    """True when a logout revoked the token, or a password reset or change revoked its generation.

    Event streams ask this before every delivery (requests ask :func:`is_request_token_revoked`).
    """
    return blocklist().is_revoked(payload["jti"]) or _superseded(payload, load_user(payload))


def _superseded(payload, user):
    """A token from before the account's last password reset or change (other than the session
    that changed it) is revoked."""
    if user is None or payload.get("gen", 0) >= user.token_generation:
        return False
    return not (payload.get("sid") and payload["sid"] == user.kept_session)


def _refused_by(user, payload):
    """The account is locked (suspended or banned), or revoked all its tokens
    (:func:`revoke_all_tokens`) after this one was issued."""
    return payload.get(TOKEN_VERSION_CLAIM, 0) != user.token_version or user.locked


def account_refuses_token(payload):
    """True when the token's account is gone or refuses it (see :func:`_refused_by`)."""
    user = load_user(payload)
    return user is None or _refused_by(user, payload)


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
    return bool(revoked) or _superseded(payload, user) or (user is not None and _refused_by(user, payload))


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
        found[login] = _find_by(User.email_key if "@" in login else User.username_key, login)
    return found[login]


def _find_by(key_column, value):
    """The user whose ``username_key`` or ``email_key`` (``key_column``) is ``value``'s login key."""
    return db.session.execute(sa.select(User).where(key_column == login_key(value))).scalar_one_or_none()
