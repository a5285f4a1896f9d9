"""Brokers that carry events from whoever publishes them to every open stream of a user.

An event is a JSON-ready dict ``{"event": type, "data": {...}}`` with an optional ``"id"``.
Each open stream holds a :class:`Subscription`, a bounded inbox filled by the broker.

- :class:`InProcessBroker` delivers to the streams of the current process only (the
  single-process embedded default).
- :class:`RedisBroker` publishes to a Redis channel per user, and one listener thread per
  process subscribes to the channels of the users who have a stream open there, so a message
  sent through any process reaches every process holding that user's streams.
"""

import collections
import contextlib
import json
import logging
import queue
import threading
import uuid
from abc import ABC, abstractmethod

import redis

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


class InProcessBroker(Broker):
    """Delivers events to the streams open in this process."""

    def subscribe(self, user_id, token_id=None, address=None, limits=NO_LIMITS, session_id=None):
        """Open a subscription to ``user_id``'s events (see :meth:`Broker.subscribe`)."""
        with self._lock:
            subscription, replaced = self._register(user_id, token_id, address, limits, session_id)
        if replaced is not None:
            replaced._end("replaced")
        return subscription

    def publish(self, user_id, event):
        """Send ``event`` to every stream of ``user_id`` open in this process."""
        self._deliver(user_id, event)


class _Ready:
    """Set by the listener once Redis has confirmed a subscription (or failed to)."""

    def __init__(self):
        self._event = threading.Event()
        self.ok = False

    def set(self, ok=True):
        self.ok = ok
        self._event.set()

    def wait(self, timeout):
        return self._event.wait(timeout) and self.ok


class RedisBroker(Broker):
    """Fans events out across processes through Redis pub/sub, one channel per user.

    Only the listener thread touches the pub/sub connection. Request threads queue
    subscribe/unsubscribe operations and wake it by publishing on a control channel private to
    this broker. The thread starts with the first subscription and stops when the last one ends,
    so a process without open streams holds no extra thread or connection. If the connection to
    Redis is lost, every open subscription is ended so that clients reconnect and replay what
    they missed from the database.
    """

    def __init__(self, client, prefix, subscribe_timeout=5.0):
        super().__init__()
        # The app's one client (friender.redis_client): short socket timeouts so a publish fails
        # fast; waiting for messages uses its own timeout.
        self._client = client
        self._prefix = prefix
        self._control = f"{prefix}control:{uuid.uuid4().hex}"
        self._subscribe_timeout = subscribe_timeout
        self._operations = collections.deque()
        self._listener = None

    def channel(self, user_id):
        """The Redis channel carrying ``user_id``'s events."""
        return f"{self._prefix}user:{user_id}"

    def publish(self, user_id, event):
        """Publish ``event`` on the user's channel; every subscribed process delivers it."""
        self._client.publish(self.channel(user_id), json.dumps(event, separators=(",", ":")))

    def subscribe(self, user_id, token_id=None, address=None, limits=NO_LIMITS, session_id=None):
        """Open a subscription once Redis confirms it, so no event published afterwards is missed.

        Raises :class:`BrokerUnavailable` when Redis does not confirm within the timeout.
        """
        ready = _Ready()
        with self._lock:
            subscription, replaced = self._register(user_id, token_id, address, limits, session_id)
            self._operations.append(("subscribe", user_id, ready))
            if self._listener is None:
                self._listener = threading.Thread(target=self._listen, name="friender-events", daemon=True)
                self._listener.start()
        if replaced is not None:
            replaced._end("replaced")
        if not (self._wake() and ready.wait(self._subscribe_timeout)):
            subscription.close()
            raise BrokerUnavailable("The event broker is unavailable.")
        return subscription

    def unsubscribe(self, subscription):
        """Remove a subscription; the channel is left when the user's last stream here closes."""
        last = super().unsubscribe(subscription)
        if last:
            with self._lock:
                self._operations.append(("unsubscribe", subscription.user_id, None))
            self._wake()
        return last

    def _wake(self):
        try:
            self._client.publish(self._control, b"")
        except redis.RedisError as error:
            log.warning("cannot reach Redis to wake the event listener: %s", error)
            return False
        return True

    def _listen(self):
        pubsub = None
        joined = set()
        awaiting = {}
        try:
            while True:
                with self._lock:
                    operations = list(self._operations)
                    self._operations.clear()
                    if not operations and not self._subscriptions:
                        self._listener = None
                        return
                try:
                    if pubsub is None:
                        pubsub = self._client.pubsub()
                        pubsub.subscribe(self._control)
                    for operation in operations:
                        self._apply(pubsub, operation, joined, awaiting)
                    message = pubsub.get_message(timeout=self._subscribe_timeout)
                    if message is not None:
                        self._handle(message, awaiting)
                except (redis.RedisError, OSError) as error:
                    log.warning("lost the Redis event connection: %s", error)
                    self._fail_everything(operations, awaiting)
                    if pubsub is not None:
                        pubsub.close()
                    pubsub = None
                    joined.clear()
                    awaiting.clear()
        finally:
            if pubsub is not None:
                pubsub.close()

    def _apply(self, pubsub, operation, joined, awaiting):
        kind, user_id, ready = operation
        channel = self.channel(user_id)
        if kind == "subscribe":
            if not self.subscriber_count(user_id):
                ready.set(ok=False)  # the stream gave up before its turn came
            elif channel not in joined:
                pubsub.subscribe(channel)
                joined.add(channel)
                awaiting.setdefault(channel, collections.deque()).append([ready])
            elif awaiting.get(channel):
                awaiting[channel][-1].append(ready)
            else:
                ready.set()
        elif channel in joined and not self.subscriber_count(user_id):
            pubsub.unsubscribe(channel)
            joined.discard(channel)

    def _handle(self, message, awaiting):
        channel = message["channel"].decode()
        if message["type"] == "subscribe":
            waiting = awaiting.get(channel)
            if waiting:
                for ready in waiting.popleft():
                    ready.set()
                if not waiting:
                    del awaiting[channel]
        elif message["type"] == "message" and channel != self._control:
            user_id = int(channel.rsplit(":", 1)[1])
            self._deliver(user_id, json.loads(message["data"]))

    def _fail_everything(self, operations, awaiting):
        with self._lock:
            subscriptions = [s for group in self._subscriptions.values() for s in group]
            self._subscriptions.clear()
            operations = operations + list(self._operations)
            self._operations.clear()
        for _kind, _user_id, ready in operations:
            if ready is not None:
                ready.set(ok=False)
        for waiting in awaiting.values():
            for group in waiting:
                for ready in group:
                    ready.set(ok=False)
        for subscription in subscriptions:
            subscription._end("broker_lost")
