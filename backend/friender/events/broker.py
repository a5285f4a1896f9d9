"""The two brokers that carry events from whoever publishes them to every open stream of a user.

- :class:`InProcessBroker` delivers to the streams of the current process only (the
  single-process embedded default).
- :class:`RedisBroker` publishes to a Redis channel per user, and one listener thread per
  process subscribes to the channels of the users who have a stream open there, so a message
  sent through any process reaches every process holding that user's streams.
"""

import collections
import json
import logging
import threading
import uuid

import redis

from .subscriptions import NO_LIMITS, Broker, BrokerUnavailable

log = logging.getLogger(__name__)


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

    def publish_to(self, user_ids, event):
        """Publish ``event`` on each user's channel, in one round trip to Redis."""
        message = json.dumps(event, separators=(",", ":"))
        pipeline = self._client.pipeline(transaction=False)
        for user_id in user_ids:
            pipeline.publish(self.channel(user_id), message)
        pipeline.execute()

    def subscribe(self, user_id, token_id=None, address=None, limits=NO_LIMITS, session_id=None):
        """Open a subscription once Redis confirms it, so no event published afterwards is missed.

        Raises :class:`BrokerUnavailable` when Redis does not confirm within the timeout.
        """
        ready = _Ready()
        with self._lock:
            subscription, replaced = self._register(user_id, token_id, address, limits, session_id)
            self._operations.append(("subscribe", user_id, ready, subscription))
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
                self._operations.append(("unsubscribe", subscription.user_id, None, subscription))
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
        kind, user_id, ready, _subscription = operation
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
        """End what the lost connection held: the ``operations`` this attempt took, the
        subscriptions awaiting its confirmations, and every stream it carried.

        Operations queued while the attempt failed wait for the next connection, and so do
        their streams: one opened just as Redis came back is not refused for the outage before it.
        """
        with self._lock:
            queued = {operation[3] for operation in self._operations if operation[0] == "subscribe"}
            subscriptions = []
            for user_id, group in list(self._subscriptions.items()):
                for subscription in [s for s in group if s not in queued]:
                    del group[subscription]
                    subscriptions.append(subscription)
                if not group:
                    del self._subscriptions[user_id]
        for _kind, _user_id, ready, _subscription in operations:
            if ready is not None:
                ready.set(ok=False)
        for waiting in awaiting.values():
            for group in waiting:
                for ready in group:
                    ready.set(ok=False)
        for subscription in subscriptions:
            subscription._end("broker_lost")
