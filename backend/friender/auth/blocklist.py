"""Where revoked token ids are kept: the database, fronted by Redis when ``REDIS_URL`` is set.

With Redis, every revocation is written to both; checks read Redis and fall back to the
database while Redis is unreachable. Revocations made during an outage reach Redis again with
the first successful check afterwards, so a token revoked then does not come back to life.
"""

import logging
from datetime import UTC, datetime

import redis
import sqlalchemy as sa
from flask import current_app

from ..extensions import db
from ..models import RevokedToken
from ..redis_client import get_redis

log = logging.getLogger(__name__)


class DatabaseBlocklist:
    """Revoked tokens as rows; a lookup is a primary-key read."""

    def revoke(self, jti, token_type, user_id, expires_at):
        """Record a token as revoked until it expires (committed by the caller)."""
        if db.session.get(RevokedToken, jti) is None:
            db.session.add(RevokedToken(jti=jti, token_type=token_type, user_id=user_id, expires_at=expires_at))

    def is_revoked(self, jti):
        """True when the token with this id was revoked."""
        return db.session.get(RevokedToken, jti) is not None


class RedisBlocklist(DatabaseBlocklist):
    """Revoked tokens as Redis keys that expire with the token, mirrored in the database."""

    PREFIX = "friender:revoked:"

    def __init__(self):
        self._missed_writes = False

    def revoke(self, jti, token_type, user_id, expires_at):
        """Record the token in the database and in Redis (Redis may be down: the database holds it)."""
        super().revoke(jti, token_type, user_id, expires_at)
        try:
            self._set(get_redis(), jti, token_type, expires_at)
        except redis.RedisError:
            log.warning("Redis unreachable while revoking a token; the database keeps the revocation")
            self._missed_writes = True

    def is_revoked(self, jti):
        """Ask Redis; while it is unreachable, ask the database."""
        client = get_redis()
        try:
            if self._missed_writes:
                self._copy_database_to_redis(client)
            return bool(client.exists(self.PREFIX + jti))
        except redis.RedisError:
            self._missed_writes = True
            return super().is_revoked(jti)

    def _set(self, client, jti, token_type, expires_at):
        ttl = max(1, int((expires_at - datetime.now(UTC)).total_seconds()))
        client.set(self.PREFIX + jti, token_type, ex=ttl)

    def _copy_database_to_redis(self, client):
        now = datetime.now(UTC)
        unexpired = db.session.scalars(sa.select(RevokedToken).where(RevokedToken.expires_at > now))
        for token in unexpired:
            expires_at = token.expires_at if token.expires_at.tzinfo else token.expires_at.replace(tzinfo=UTC)
            self._set(client, token.jti, token.token_type, expires_at)
        self._missed_writes = False


def init_blocklist(app):
    """Choose the blocklist for this app from its configuration."""
    app.extensions["friender_blocklist"] = RedisBlocklist() if app.config.get("REDIS_URL") else DatabaseBlocklist()


def blocklist():
    """The current app's blocklist."""
    return current_app.extensions["friender_blocklist"]
