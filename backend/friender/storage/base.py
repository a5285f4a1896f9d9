"""The one storage interface both backends implement, and the signed-URL cache they share."""

import threading
import time
from abc import ABC, abstractmethod
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

from ..errors import ServiceUnavailable


class StorageError(ServiceUnavailable):
    """The storage service failed or could not be reached; rendered as 503 ``service_unavailable``."""

    def __init__(self, message="Photo storage is unavailable. Please try again shortly."):
        super().__init__(message)


class InvalidKey(ValueError):
    """A key that is not a plain relative name (``..``, absolute, backslashes…); never touches storage."""


@dataclass(frozen=True)
class ObjectInfo:
    """One stored object, as listed or looked up."""

    key: str
    size: int
    last_modified: datetime


@dataclass(frozen=True)
class PresignedPost:
    """A form the browser posts straight to storage: ``fields`` plus a ``file`` part, to ``url``."""

    url: str
    fields: dict


class SignedUrlCache:
    """Signed URLs per object, reused for the first half of their lifetime.

    Signing with boto3 costs ~0.4 ms and a discovery page carries ~140 URLs, so each URL is
    signed once and handed out again while it still has at least half of its lifetime left:
    the caller never receives a URL about to expire, and the browser's cache sees the same URL
    on every page load. Bounded (least recently used entries go first) and thread-safe.
    """

    def __init__(self, max_entries=20_000, clock=time.time, aligned=False):
        self.max_entries = max_entries
        self.clock = clock
        self.aligned = aligned
        self._entries = OrderedDict()
        self._lock = threading.Lock()

    def issue_time(self, now, lifetime):
        """When a URL signed at ``now`` counts as issued.

        Aligned caches issue at the start of the current half-lifetime window, so every process
        signs the same URL for the same object in the same window (and the browser's cache hits
        whichever process answered); the URL is handed out only within that window, so at least
        half of its lifetime is always left.
        """
        if not self.aligned:
            return now
        half = lifetime / 2
        return (now // half) * half

    def get_or_sign(self, cache_key, lifetime, sign):
        """The cached URL for ``cache_key`` while it is young enough, else ``sign(issued)``'s result."""
        now = self.clock()
        with self._lock:
            entry = self._entries.get(cache_key)
            if entry is not None and now < entry[1]:
                self._entries.move_to_end(cache_key)
                return entry[0]
        issued = self.issue_time(now, lifetime)
        url = sign(issued)
        with self._lock:
            self._entries[cache_key] = (url, issued + lifetime / 2)
            self._entries.move_to_end(cache_key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return url

    def clear(self):
        """Forget every URL (tests, and a configuration change)."""
        with self._lock:
            self._entries.clear()


class Storage(ABC):
    """Put, get, delete and list objects by key; sign GET URLs and direct-upload forms.

    Every failure to reach the service raises :class:`StorageError` (a 503). Keys are relative
    names like ``photos/<uuid>.jpg``; a key that could escape its bucket or folder raises
    :class:`InvalidKey`.
    """

    name = "storage"

    def __init__(self):
        self.url_cache = SignedUrlCache()

    @abstractmethod
    def put(self, key, data, content_type):
        """Store ``data`` (bytes) under ``key``, replacing any object there."""

    @abstractmethod
    def get(self, key, max_bytes):
        """Return the object's bytes, at most ``max_bytes + 1`` of them; ``StorageError`` if missing."""

    @abstractmethod
    def head(self, key):
        """:class:`ObjectInfo` for ``key``, or ``None`` when there is no such object."""

    @abstractmethod
    def delete(self, keys):
        """Delete every key in ``keys``; keys that do not exist are not an error."""

    @abstractmethod
    def list(self, prefix=""):
        """Yield :class:`ObjectInfo` for every object whose key starts with ``prefix``."""

    @abstractmethod
    def list_buckets(self):
        """Names of the buckets (S3) or the storage folder (local)."""

    @abstractmethod
    def presigned_post(self, key, content_type, max_bytes, expires_in):
        """A :class:`PresignedPost` that accepts one file of ``content_type`` and ≤ ``max_bytes``."""

    @abstractmethod
    def init(self, origins):
        """Create the bucket or folder if missing and allow browser access from ``origins``.

        Returns the lines an operator should read.
        """

    @abstractmethod
    def check(self):
        """Raise when the storage cannot be used (the health check)."""

    @abstractmethod
    def _sign_url(self, key, expires_in, filename, issued, scope):
        """A fresh signed GET URL, valid from ``issued`` for ``expires_in`` seconds (no cache)."""

    def _url_scope(self):
        """What besides the key makes a URL differ (the request's host for app-served URLs)."""
        return ""

    def url(self, key, expires_in, filename=None):
        """A signed GET URL for ``key`` with at least half of ``expires_in`` left, from the cache.

        With ``filename`` the response downloads as an attachment of that name.
        """
        return self._cached_url(self._url_scope(), key, expires_in, filename)

    def url_signer(self, expires_in):
        """A function key → :meth:`url` of it, with what the URLs depend on besides the key read
        once: a response carries many photos, all signed in the same scope."""
        scope = self._url_scope()
        return lambda key: self._cached_url(scope, key, expires_in, None)

    def _cached_url(self, scope, key, expires_in, filename):
        return self.url_cache.get_or_sign(
            (scope, key, expires_in, filename),
            expires_in,
            lambda issued: self._sign_url(key, expires_in, filename, issued, scope),
        )
