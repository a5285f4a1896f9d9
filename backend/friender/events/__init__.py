"""Live events: the broker (in-process or Redis) every domain publishes through, and the stream mechanics.

It imports no domain; ``friender.live`` serves ``GET /api/events`` on top of it.
"""

import logging

import redis
from flask import current_app

from .broker import InProcessBroker, RedisBroker

log = logging.getLogger(__name__)


def init_events(app):
    """Choose the broker from the configuration: Redis pub/sub when ``REDIS_URL`` is set."""
    client = app.extensions.get("friender_redis")
    app.extensions["friender_events"] = (
        RedisBroker(client, app.config["EVENTS_CHANNEL_PREFIX"]) if client else InProcessBroker()
    )


def broker():
    """The current app's broker."""
    return current_app.extensions["friender_events"]


def publish(user_id, event_type, data, event_id=None):
    """Send an event to every open stream of ``user_id``.

    Call it after the change is committed. A broker failure is logged, not raised: the change
    is already stored and clients catch up from the database when they reconnect.
    """
    publish_to((user_id,), event_type, data, event_id)


def publish_to(user_ids, event_type, data, event_id=None):
    """Send the same event to every open stream of each of ``user_ids`` (both members of a
    match), in one round trip to the broker; failures as with :func:`publish`."""
    event = {"event": event_type, "data": data}
    if event_id is not None:
        event["id"] = event_id
    try:
        broker().publish_to(user_ids, event)
    except redis.RedisError as error:
        log.warning("could not publish a %s event: %s", event_type, error)


def end_streams(user_id, token_id=None, keep_session=None):
    """End every open event stream of ``user_id``, in every process, with a ``token_revoked`` event.

    Call it after the change that takes access away is committed (logout, password change,
    suspension, deletion); with ``token_id`` only the streams opened with that token end, with
    ``keep_session`` all but those opened in that session (a password change keeps its own). It
    takes effect at once where the broker reaches; if Redis is unreachable, the streams end on
    their next revocation check instead (the tokens are already revoked in the database).
    """
    try:
        broker().end_streams(user_id, token_id, keep_session)
    except redis.RedisError as error:
        log.warning("could not end the event streams of user %s: %s", user_id, error)
