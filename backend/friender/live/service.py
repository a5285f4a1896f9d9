"""What a stream of ``GET /api/events`` starts with, and whether its token still holds."""

import logging

from sqlalchemy.exc import SQLAlchemyError

from ..auth.service import is_token_revoked
from ..events.stream import RETRY_MILLISECONDS, format_event
from ..extensions import db
from ..messages.schemas import MessageSchema
from ..messages.service import latest_message_id, messages_after

log = logging.getLogger(__name__)


def catch_up_frames(user_id, last_event_id, heartbeat_seconds, replay_limit):
    """The frames a stream starts with, and the ids of the messages they replay.

    Without ``last_event_id`` the ``ready`` event carries the newest message id the user can
    see, so a client that loses its first connection still catches up. With it, the missed
    messages follow (oldest first); past ``replay_limit`` a ``resync`` event asks the client
    to reload its conversations instead.
    """
    ready = {"user_id": user_id, "heartbeat_seconds": heartbeat_seconds}
    frames = [f"retry: {RETRY_MILLISECONDS}\n\n"]
    if last_event_id is None:
        frames.append(format_event("ready", ready, latest_message_id(user_id)))
        return frames, set()
    frames.append(format_event("ready", ready))
    missed = messages_after(user_id, last_event_id, replay_limit + 1)
    schema = MessageSchema()
    for message in missed[:replay_limit]:
        frames.append(format_event("message", schema.dump(message), message.id))
    if len(missed) > replay_limit:
        frames.append(format_event("resync", {"reason": "too_many_missed"}, latest_message_id(user_id)))
    return frames, {message.id for message in missed[:replay_limit]}


def stream_token_refused(app, token, account=True):
    """The token was revoked, or (``account``) its account refuses it: deleted (which also deletes its
    revocation rows), suspended, banned, or its sessions revoked by a password change or reset.
    The token check is one Redis lookup when ``REDIS_URL`` is set, else one primary-key read.
    None when the database could not be asked.

    A stream calls it outside any request, so it opens an app context of its own and hands the
    database connection back at once. A deleted account's streams are ended by ``end_streams``
    when it is deleted; should Redis be unreachable then, the Redis listener has lost its
    connection too and ended every stream.
    """
    with app.app_context():
        try:
            return is_token_revoked(token, account=account)
        except SQLAlchemyError as error:
            # A backstop check that cannot reach the database (its pool busy with thousands of
            # streams reconnecting) must not end the stream: end_streams has already ended it if
            # its token was revoked, and the next check comes a heartbeat later.
            log.warning("could not re-check an event stream's token: %s", error.__class__.__name__)
            return None
        finally:
            db.session.remove()
