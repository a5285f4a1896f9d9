"""What every broker shares: the subscription each open stream holds, and the broker interface.

An event is a JSON-ready dict ``{"event": type, "data": {...}}`` with an optional ``"id"``.
Each open stream holds a :class:`Subscription`, a bounded inbox filled by the broker;
:class:`Broker` keeps this process's subscriptions, their caps and their delivery.
The two brokers are in :mod:`friender.events.broker`.
"""

import contextlib
import logging
import queue
import threading
from abc import ABC, abstractmethod

log = logging.getLogger(__name__)

# A stream that falls this far behind is ended; the client reconnects and replays from the database.
MAX_PENDING_EVENTS = 256
_END = object()
# The type of the control event that ends streams (never sent to a client).
END_STREAMS = "_end_streams"
TOKEN_REVOKED = "token_revoked"


class BrokerUnavailable(RuntimeError):
    """The broker cannot subscribe right now (Redis is unreachable)."""


class TooManyStreams(RuntimeError):
    """Opening one more stream would pass a cap; ``scope`` is ``account`` or ``address``."""

    def __init__(self, scope):
        super().__init__(scope)
        self.scope = scope


class Limits:
    """Caps on open streams in this process: per account, and per client address (None: no cap)."""

    def __init__(self, per_account=None, per_address=None):
        self.per_account = per_account
        self.per_address = per_address


NO_LIMITS = Limits()


class SubscriptionEnded(Exception):
    """The broker ended a subscription; ``reason`` says why (``lagging``, ``broker_lost``, ``token_revoked``...)."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


class Subscription:
    """One open stream's inbox of events addressed to ``user_id``, opened with the token ``token_id``
    of the session ``session_id``."""

    def __init__(self, broker, user_id, token_id=None, address=None, session_id=None):
        self.user_id = user_id
        self.token_id = token_id
        self.session_id = session_id
        self.address = address
        self._broker = broker
        self._inbox = queue.Queue(maxsize=MAX_PENDING_EVENTS)
        self._end_reason = None

    def get(self, timeout):
        """The next event, or None when ``timeout`` seconds pass first.

        Raises :class:`SubscriptionEnded` once the broker has ended the subscription.
        """
        try:
            item = self._inbox.get(timeout=timeout)
        except queue.Empty:
            return None
        if item is _END:
            raise SubscriptionEnded(self._end_reason)
        return item

    def close(self):
        """Stop receiving events; safe to call more than once."""
        self._broker.unsubscribe(self)

    def _offer(self, event):
        try:
            self._inbox.put_nowait(event)
        except queue.Full:
            return False
        return True

    def _end(self, reason):
        self._end_reason = reason
        while True:
            try:
                self._inbox.put_nowait(_END)
                return
            except queue.Full:
                with contextlib.suppress(queue.Empty):
                    self._inbox.get_nowait()


class Broker(ABC):
    """The registry of open subscriptions in this process, shared by both brokers."""

    def __init__(self):
        self._lock = threading.Lock()
        # user id → that user's subscriptions in this process, oldest first (a dict keeps order).
        self._subscriptions = {}

    @abstractmethod
    def subscribe(self, user_id, token_id=None, address=None, limits=NO_LIMITS, session_id=None):
        """Open a subscription to ``user_id``'s events; the caller must ``close()`` it.

        Raises :class:`TooManyStreams` when ``limits`` would be passed. At the account's cap, a
        stream opened with the same token as an open one (a client reconnecting before its old
        connection is noticed gone) replaces the oldest of those instead.
        """

    @abstractmethod
    def publish(self, user_id, event):
        """Send ``event`` to every open stream of ``user_id``, in whichever process it is."""

    def publish_to(self, user_ids, event):
        """Send ``event`` to every open stream of each of ``user_ids``."""
        for user_id in user_ids:
            self.publish(user_id, event)

    def end_streams(self, user_id, token_id=None, keep_session=None):
        """End the user's streams in every process: only those opened with ``token_id`` when given,
        all but those of the session ``keep_session`` when given.

        Each ends with ``token_revoked``. The control event travels on the user's own channel,
        so any event published after this call reaches those streams only after they ended.
        """
        self.publish(user_id, {"event": END_STREAMS, "token_id": token_id, "keep_session": keep_session})

    def unsubscribe(self, subscription):
        """Remove a subscription; returns True when it was the user's last one in this process."""
        with self._lock:
            subscriptions = self._subscriptions.get(subscription.user_id)
            if not subscriptions or subscription not in subscriptions:
                return False
            del subscriptions[subscription]
            if subscriptions:
                return False
            del self._subscriptions[subscription.user_id]
            return True

    def subscriptions_of(self, user_id, token_id=None):
        """The user's subscriptions in this process, oldest first (only ``token_id``'s when given)."""
        with self._lock:
            subscriptions = list(self._subscriptions.get(user_id, ()))
        return [s for s in subscriptions if token_id is None or s.token_id == token_id]

    def subscriber_count(self, user_id=None):
        """Open subscriptions in this process, for one user or in all."""
        with self._lock:
            if user_id is not None:
                return len(self._subscriptions.get(user_id, ()))
            return sum(len(subscriptions) for subscriptions in self._subscriptions.values())

    def end_all(self, reason):
        """End every subscription in this process, each telling its client ``reason``; returns how many."""
        with self._lock:
            subscriptions = [subscription for group in self._subscriptions.values() for subscription in group]
        for subscription in subscriptions:
            self._end_subscription(subscription, reason)
        return len(subscriptions)

    def _end_subscription(self, subscription, reason):
        """Drop a subscription and close its stream with ``reason``."""
        self.unsubscribe(subscription)
        subscription._end(reason)

    def _register(self, user_id, token_id, address, limits, session_id=None):
        """Add a subscription (the caller holds the lock); returns it and the one it replaces, if any."""
        mine = list(self._subscriptions.get(user_id, ()))
        replaced = None
        if limits.per_account is not None and len(mine) >= limits.per_account:
            same_token = [s for s in mine if token_id is not None and s.token_id == token_id]
            if not same_token:
                raise TooManyStreams("account")
            replaced = same_token[0]
            del self._subscriptions[user_id][replaced]
        elif limits.per_address is not None and address is not None:
            from_address = sum(1 for group in self._subscriptions.values() for s in group if s.address == address)
            if from_address >= limits.per_address:
                raise TooManyStreams("address")
        subscription = Subscription(self, user_id, token_id, address, session_id)
        self._subscriptions.setdefault(user_id, {})[subscription] = None
        return subscription, replaced

    def _deliver(self, user_id, event):
        """Put ``event`` in the inbox of each of the user's subscriptions in this process."""
        if event.get("event") == END_STREAMS:
            kept = event.get("keep_session")
            for subscription in self.subscriptions_of(user_id, event.get("token_id")):
                if kept is None or subscription.session_id != kept:
                    self._end_subscription(subscription, TOKEN_REVOKED)
            return
        with self._lock:
            subscriptions = list(self._subscriptions.get(user_id, ()))
        for subscription in subscriptions:
            if not subscription._offer(event):
                log.warning("ending a lagging event stream of user %s", user_id)
                self._end_subscription(subscription, "lagging")
