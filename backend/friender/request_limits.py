"""How large a request body may be, per route, and how malformed requests are counted.

Every route takes small JSON except the photo uploads: a 36 MB login body of unknown keys took
41 s and answered with a 74 MB list of errors. Bodies are capped at ``MAX_JSON_BODY_BYTES``
unless the view is marked with :func:`allows_large_body` (those keep ``MAX_CONTENT_LENGTH``);
a larger body is a 413 before anything parses it, chunked bodies included.
"""

import collections
import io
import logging
import os
import threading
import time

import redis
from flask import current_app, has_request_context, request
from limits.storage import RedisStorage
from limits.strategies import STRATEGIES, MovingWindowRateLimiter
from limits.util import WindowStats
from redis.exceptions import NoScriptError
from werkzeug.exceptions import RequestEntityTooLarge

log = logging.getLogger(__name__)

# Answers that mean "the request itself was malformed"; they count toward MALFORMED_REQUEST_LIMIT.
MALFORMED_STATUSES = frozenset({400, 413, 415, 422})


def allows_large_body(view):
    """Mark a view that receives uploads: its body may be as large as ``MAX_CONTENT_LENGTH``."""
    view.allows_large_body = True
    return view


def cap_request_body():
    """``before_request``: apply the small JSON cap unless the matched view takes uploads."""
    view = current_app.view_functions.get(request.endpoint)
    if getattr(view, "allows_large_body", False):
        return
    # MAX_CONTENT_LENGTH stays the ceiling for every route, the small cap only lowers it.
    config = current_app.config
    limit = min(config["MAX_JSON_BODY_BYTES"], config["MAX_CONTENT_LENGTH"] or config["MAX_JSON_BODY_BYTES"])
    request.max_content_length = limit
    if request.content_length is None and request.environ.get("wsgi.input_terminated"):
        # A chunked body has no length to check up front, and Werkzeug's stream would silently
        # cut it at the limit (a truncated JSON is a 400): read at most one byte past the limit.
        body = request.environ["wsgi.input"].read(limit + 1)
        if len(body) > limit:
            raise RequestEntityTooLarge()
        request.environ["wsgi.input"] = io.BytesIO(body)
        request.environ["CONTENT_LENGTH"] = str(len(body))


def malformed_request_limit():
    """The limit string for malformed requests per address (an application-wide Flask-Limiter limit)."""
    return current_app.config["MALFORMED_REQUEST_LIMIT"]


def is_malformed(response):
    """Only malformed requests are deducted from :func:`malformed_request_limit`."""
    return response.status_code in MALFORMED_STATUSES


class KnownEmptyWindows:
    """The rate-limit windows this process knows to be empty, kept true across processes by Redis.

    Every request tests the app-wide malformed-request limit for its address. Nearly every
    address has sent nothing malformed, yet reading its empty window from Redis was the
    largest fixed cost of a request (0.3–0.4 ms of a 0.5 ms ``GET /api/ping``). A window only
    stops being empty through a hit, and every hit of a tested window is announced on the
    ``CHANNEL`` pub/sub channel (:meth:`announce_hit`); each process listens and forgets that
    key. So an empty window read once is answered from memory until some process deducts from
    it, or for ``ttl`` seconds at most.

    Only while the subscription is live: a read is remembered only if no announcement (or lost
    connection) came between its start and its end (``epoch``), and losing the connection
    forgets everything. What is remembered is emptiness, never a count, so the answer is the
    one Redis would give, up to the time an announcement takes to arrive (well under a
    millisecond on one host).
    """

    CHANNEL = "friender:rate-limit-hits"

    def __init__(self, client, ttl=60.0, max_keys=100_000, retry_seconds=1.0, heartbeat_seconds=5.0):
        self._client = client
        self._heartbeat_seconds = heartbeat_seconds
        self._ttl = ttl
        self._max_keys = max_keys
        self._retry_seconds = retry_seconds
        self._keys = collections.OrderedDict()  # key → monotonic time it stops being trusted
        self._lock = threading.Lock()
        self._live = False
        self._pid = None
        self.epoch = 0

    @property
    def live(self):
        """True while this process hears the announcements (only then is anything remembered)."""
        return self._live

    def holds(self, key):
        """True when ``key``'s window is known to be empty (and the listener runs in this process)."""
        self._ensure_listening()
        if not self._live:
            return False
        with self._lock:
            until = self._keys.get(key)
            if until is None:
                return False
            if time.monotonic() < until:
                self._keys.move_to_end(key)
                return True
            del self._keys[key]
            return False

    def remember(self, key, epoch):
        """Record ``key`` as empty, as read by a storage read that started at ``epoch``."""
        with self._lock:
            if not self._live or epoch != self.epoch:
                return
            self._keys[key] = time.monotonic() + self._ttl
            self._keys.move_to_end(key)
            while len(self._keys) > self._max_keys:
                self._keys.popitem(last=False)

    def announce_hit(self, key):
        """Forget ``key`` here and tell every process; called once the hit is in storage."""
        self._forget(key)
        try:
            self._client.publish(self.CHANNEL, key)
        except redis.RedisError as error:
            # Other processes may answer from memory for up to ``ttl`` seconds: worse limits, not
            # a failed request.
            log.warning("could not announce a rate-limit hit: %s", error)

    def _forget(self, key):
        with self._lock:
            self._keys.pop(key, None)
            self.epoch += 1

    def _forget_everything(self, live):
        with self._lock:
            self._keys.clear()
            self._live = live
            self.epoch += 1

    def _ensure_listening(self):
        # Started lazily in each process: a gunicorn worker forks after the app is built.
        if self._pid != os.getpid():
            with self._lock:
                if self._pid == os.getpid():
                    return
                self._pid = os.getpid()
                self._keys.clear()
                self._live = False
            threading.Thread(target=self._listen, name="friender-rate-limits", daemon=True).start()

    def _listen(self):
        while True:
            pubsub = self._client.pubsub()
            try:
                pubsub.subscribe(self.CHANNEL)
                self._hear(pubsub)
            except (redis.RedisError, OSError) as error:
                log.warning("lost the rate-limit announcements, reading every window from Redis: %s", error)
            finally:
                self._forget_everything(live=False)
                pubsub.close()
            time.sleep(self._retry_seconds)

    def _hear(self, pubsub):
        """Apply announcements until the connection fails or falls silent (a ping goes unanswered)."""
        heard = pinged = time.monotonic()
        while True:
            message = pubsub.get_message(timeout=self._heartbeat_seconds)
            now = time.monotonic()
            if message is not None:
                heard = now
                if message["type"] == "subscribe":
                    # Reads that started before the subscription could have missed a hit.
                    self._forget_everything(live=True)
                elif message["type"] == "message":
                    self._forget(message["data"].decode())
            elif now - heard > 2 * self._heartbeat_seconds:
                raise redis.ConnectionError("Redis did not answer a ping on the rate-limit channel")
            elif now - max(heard, pinged) > self._heartbeat_seconds:
                pubsub.ping()
                pinged = now


class RequestScopedMovingWindow(MovingWindowRateLimiter):
    """Flask-Limiter's moving window, reading each window from storage once per request, and not
    at all while it is known to be empty.

    Every request tests the app-wide malformed-request limit before the view and then reads the
    same window again for its ``X-RateLimit-*`` headers: two Redis round trips per request, more
    than some views spend in the database. Within one request the window read by the test
    answers the headers too; a hit forgets it, so the headers after a deduction are re-read.
    With Redis storage, tested windows that are empty are remembered across requests
    (:class:`KnownEmptyWindows`); the hits of tested windows are the conditional deductions
    (malformed requests, failed logins), which announce themselves.
    """

    def __init__(self, storage):
        super().__init__(storage)
        self.known_empty = KnownEmptyWindows(storage.storage) if isinstance(storage, RedisStorage) else None

    def _cache(self):
        # The WSGI environ, not ``g``: an app context (a test's, a command's) can span requests.
        return request.environ.setdefault("friender.rate_windows", {}) if has_request_context() else None

    def _read(self, key, tested):
        """The window from storage, or empty without a read when it is known to be."""
        if not tested or self.known_empty is None:
            return self.storage.get_moving_window(*key)
        if self.known_empty.holds(key[0]):
            return time.time(), 0  # what storage answers for an empty window
        epoch = self.known_empty.epoch
        window = self.storage.get_moving_window(*key)
        if window[1] == 0:
            self.known_empty.remember(key[0], epoch)
        return window

    def _moving_window(self, item, identifiers, tested=False):
        key = (item.key_for(*identifiers), item.amount, item.get_expiry())
        cache = self._cache()
        if cache is None:
            return self._read(key, tested)
        if key not in cache:
            cache[key] = self._read(key, tested)
        return cache[key]

    def _forget(self, item, identifiers):
        """Forget this request's read of the window; True when the request had tested it."""
        cache = self._cache()
        if not cache:
            return False
        key = item.key_for(*identifiers)
        read = [cached for cached in cache if cached[0] == key]
        for cached in read:
            del cache[cached]
        return bool(read)

    def hit(self, item, *identifiers, cost=1):
        """Consume ``cost`` from the limit (storage decides), and forget the window read before.

        On Redis the deduction and the read of the window after it (for the ``X-RateLimit-*``
        headers) are one pipelined round trip; elsewhere the headers read it again.
        """
        tested = self._forget(item, identifiers)
        if self.known_empty is None:
            accepted = super().hit(item, *identifiers, cost=cost)
        else:
            accepted, window = self._hit_and_read(item, identifiers, cost)
            cache = self._cache()
            if window is not None and cache is not None:
                cache[(item.key_for(*identifiers), item.amount, item.get_expiry())] = window
            if tested:
                self.known_empty.announce_hit(item.key_for(*identifiers))
        return accepted

    def _hit_and_read(self, item, identifiers, cost):
        """(accepted, window after the hit or None) from Redis in one round trip.

        The scripts are the ones limits registered, called by their SHA: a pipeline given the
        scripts themselves would first ask Redis whether it holds them, a round trip of its own.
        A Redis that lost them (a restart) answers NOSCRIPT, and limits' own calls load them again.
        """
        storage = self.storage
        key, expiry = storage.prefixed_key(item.key_for(*identifiers)), item.get_expiry()
        now = time.time()
        pipeline = storage.get_connection().pipeline(transaction=False)
        pipeline.evalsha(storage.lua_acquire_moving_window.sha, 1, key, now, item.amount, expiry, cost)
        pipeline.evalsha(storage.lua_moving_window.sha, 1, key, now - expiry, item.amount)
        acquired, window = pipeline.execute(raise_on_error=False)
        if isinstance(acquired, NoScriptError):
            return super().hit(item, *identifiers, cost=cost), None
        if isinstance(acquired, Exception):
            raise acquired
        if isinstance(window, Exception):
            return bool(acquired), None
        return bool(acquired), ((float(window[0]), window[1]) if window else (now, 0))

    def test(self, item, *identifiers, cost=1):
        """True when ``cost`` more would still be within the limit."""
        return self._moving_window(item, identifiers, tested=True)[1] <= item.amount - cost

    def get_window_stats(self, item, *identifiers):
        """(reset time, remaining) of the window, as the test of this request read it."""
        window_start, window_items = self._moving_window(item, identifiers)
        return WindowStats(window_start + item.get_expiry(), item.amount - window_items)

    def clear(self, item, *identifiers):
        """Reset the limit for these identifiers."""
        self._forget(item, identifiers)
        return super().clear(item, *identifiers)


# The name the settings choose it by (RATELIMIT_STRATEGY), beside Flask-Limiter's built-in ones.
REQUEST_SCOPED_MOVING_WINDOW = "moving-window-per-request"
STRATEGIES[REQUEST_SCOPED_MOVING_WINDOW] = RequestScopedMovingWindow


def init_app(app):
    """Register the body cap on every request."""
    app.before_request(cap_request_body)
