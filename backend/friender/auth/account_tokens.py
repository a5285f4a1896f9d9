"""Single-use tokens mailed to people: "verify this address" (24 hours), "reset my password" (30
minutes), "appeal this decision" (180 days: the DSA lets people appeal for at least six months).

A token is a random secret signed with the app's key (itsdangerous, salted per purpose), so a
tampered or foreign token is refused before the database is asked. The database keeps only the
secret's SHA-256 with its owner, purpose and expiry, and ``used_at`` makes each token work once,
even when two requests present it at the same instant.
"""

import hashlib
import secrets
from datetime import UTC, timedelta

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from ..errors import InvalidToken
from ..extensions import db
from ..models import AccountToken, User, utcnow

LIFETIMES = {
    AccountToken.VERIFY_EMAIL: timedelta(hours=24),
    AccountToken.RESET_PASSWORD: timedelta(minutes=30),
    AccountToken.APPEAL: timedelta(days=180),
}
INVALID = "This link is invalid, already used or expired. Ask for a new one."


def _serializer(purpose):
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"friender-{purpose}")


def _digest(secret):
    return hashlib.sha256(secret.encode()).hexdigest()


def issue(user, purpose, email=None, action_id=None):
    """A new token for ``user`` (its row is added to the session; the caller commits)."""
    secret = secrets.token_urlsafe(32)
    db.session.add(
        AccountToken(
            digest=_digest(secret),
            user_id=user.id,
            purpose=purpose,
            email=email,
            action_id=action_id,
            expires_at=utcnow() + LIFETIMES[purpose],
        )
    )
    return _serializer(purpose).dumps(secret)


def peek(token, purpose):
    """The token's row and its user, leaving the token unused (a page shows what it is for).

    A tampered, unknown, used or expired token raises :class:`InvalidToken`.
    """
    lifetime = LIFETIMES[purpose]
    try:
        secret = _serializer(purpose).loads(token, max_age=int(lifetime.total_seconds()))
    except BadSignature:
        raise InvalidToken(INVALID) from None
    row = db.session.get(AccountToken, _digest(secret))
    if row is None or row.purpose != purpose or row.used_at is not None or _expired(row):
        raise InvalidToken(INVALID)
    return row, db.session.get(User, row.user_id)


def redeem(token, purpose, check=None):
    """The token's row and its user, with the token marked used (in the caller's transaction).

    ``check(user, row)`` runs before the token is spent, so a refused new password, for example,
    leaves the link usable. A tampered, unknown, used or expired token raises :class:`InvalidToken`.
    """
    row, user = peek(token, purpose)
    if check is not None:
        check(user, row)
    spent = db.session.execute(
        sa.update(AccountToken)
        .where(AccountToken.digest == row.digest, AccountToken.used_at.is_(None))
        .values(used_at=utcnow()),
        execution_options={"synchronize_session": False},
    )
    if spent.rowcount != 1:  # another request used it first
        db.session.rollback()
        raise InvalidToken(INVALID)
    return row, user


def spend_all(user, purpose):
    """Mark every unused token of this purpose used (a password reset voids the other reset links)."""
    db.session.execute(
        sa.update(AccountToken)
        .where(AccountToken.user_id == user.id, AccountToken.purpose == purpose, AccountToken.used_at.is_(None))
        .values(used_at=utcnow()),
        execution_options={"synchronize_session": False},
    )


def _expired(row):
    expires_at = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=UTC)
    return expires_at <= utcnow()
