"""One user's Server-Sent Events stream: the frames it starts with, then live events.

It knows no domain: ``friender.live`` hands it the catch-up frames and the token check.

The wire format (``text/event-stream``)::

    retry: 3000

    id: 41
    event: ready
    data: {"user_id": 7, "heartbeat_seconds": 15.0}

    id: 42
    event: message
    data: {"id": 42, "match_id": 3, "sender_id": 9, "body": "hi", ...}

    : heartbeat

``id`` is always a message id, so ``Last-Event-ID`` on a reconnect says which messages the
client already has; events that are not messages carry no id and leave it unchanged.
"""

import json
import random
import time

from ..schemas import MAX_DATABASE_ID
from .subscriptions import TOKEN_REVOKED as REVOKED_REASON
from .subscriptions import SubscriptionEnded

RETRY_MILLISECONDS = 3000
# Logout, deletion and the like end streams at once (``end_streams``) and every delivery checks
# the blocklist; this slower check on quiet streams only catches what those could miss, so ten
# thousand idle streams cost few lookups a second (spread out: each stream's first is at random).
REVOCATION_CHECK_SECONDS = 60
TOKEN_EXPIRED = {"error": "token_expired", "message": "Token has expired"}
TOKEN_REVOKED = {"error": "token_revoked", "message": "Token has been revoked"}


def format_event(event_type, data, event_id=None):
    """One SSE frame; JSON keeps the data on one line."""
    lines = [] if event_id is None else [f"id: {event_id}"]
    lines += [f"event: {event_type}", f"data: {json.dumps(data, separators=(',', ':'))}"]
    return "\n".join(lines) + "\n\n"


def parse_last_event_id(value):
    """The message id a reconnecting client already has, or None when absent or not a message id."""
    value = (value or "").strip()
    # isdigit() alone accepts "²", which int() refuses; ids fit the database's integer column.
    if not (value.isascii() and value.isdigit() and len(value) <= len(str(MAX_DATABASE_ID))):
        return None
    return int(value) if int(value) <= MAX_DATABASE_ID else None


class EventStream:
    """The body of one stream response: the catch-up frames, then live events and heartbeats.

    It ends when the token expires or is revoked, when the broker ends the subscription, or
    when the client goes away (the server then calls :meth:`close`). The subscription is
    closed in every case, even if the server never started iterating (a HEAD request).
    ``token_refused(token, account=True)`` says whether the token was revoked or (``account``)
    its account refuses it; ``replayed_ids`` are the message ids ``frames`` already carry.
    """

    def __init__(self, subscription, token, frames, replayed_ids, heartbeat_seconds, token_refused):
        self._subscription = subscription
        self._token = token
        self._frames = frames
        self._replayed_ids = replayed_ids
        self._heartbeat_seconds = heartbeat_seconds
        self._token_refused = token_refused
        self._iterator = None
        self._next_check = time.monotonic() + REVOCATION_CHECK_SECONDS * random.random()

    def __iter__(self):
        self._iterator = self._generate()
        return self._iterator

    def close(self):
        """Release the subscription; WSGI servers call this when the response is done."""
        if self._iterator is not None:
            self._iterator.close()
        self._subscription.close()

    def _generate(self):
        try:
            yield from self._frames
            while True:
                remaining = self._token["exp"] - time.time()
                if remaining <= 0:
                    yield format_event("token_expired", TOKEN_EXPIRED)
                    return
                try:
                    event = self._subscription.get(timeout=min(self._heartbeat_seconds, remaining))
                except SubscriptionEnded as ended:
                    if ended.reason == REVOKED_REASON:
                        yield format_event("token_revoked", TOKEN_REVOKED)
                    else:
                        yield format_event("reconnect", {"reason": ended.reason})
                    return
                if event is None:
                    if time.monotonic() >= self._next_check:
                        refused = self._token_refused(self._token)
                        if refused:
                            yield format_event("token_revoked", TOKEN_REVOKED)
                            return
                        if refused is not None:  # unknown: try again at the next heartbeat
                            self._next_check = time.monotonic() + REVOCATION_CHECK_SECONDS
                    yield ": heartbeat\n\n"
                elif not (event["event"] == "message" and event.get("id") in self._replayed_ids):
                    # Checked before every delivery too: a logout whose ending event was lost
                    # (Redis down for a moment) must not let later events through. The account's
                    # own revocations (password, suspension, ban) are left to the quiet check:
                    # a suspension's notice, published just before its end, must still arrive.
                    if self._token_refused(self._token, account=False):
                        yield format_event("token_revoked", TOKEN_REVOKED)
                        return
                    yield format_event(event["event"], event["data"], event.get("id"))
        finally:
            self._subscription.close()
