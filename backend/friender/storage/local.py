"""Files under a folder, served by the app itself through signed, expiring URLs.

A URL carries ``expires`` and an HMAC-SHA256 ``signature`` over the method, key, expiry and
download name; the upload form carries a signed ``policy`` naming the one key, content type
and size limit it allows. Keys are checked before any path is built, and the resolved path
must still lie inside the folder, so no key can reach a file outside it.
"""

import base64
import hashlib
import hmac
import json
import os
import re
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

from flask import current_app, has_request_context, request

from .base import InvalidKey, ObjectInfo, PresignedPost, Storage, StorageError

# Relative names of plain segments: no "..", no leading slash, no backslash, no empty segment.
KEY_PATTERN = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]*(/[A-Za-z0-9_-][A-Za-z0-9_.-]*)*")
UPLOAD_PATH = "api/storage/upload"


class SignatureInvalid(Exception):
    """A signed URL or upload policy that was altered, is incomplete or has expired."""


class LocalStorage(Storage):
    """The embedded default: objects are files under ``root``."""

    name = "local"

    def __init__(self, root, secret):
        super().__init__()
        # Expiry times are ours to choose, so URLs are aligned to half-lifetime windows and
        # identical across processes (boto3 always signs at the current second).
        self.url_cache.aligned = True
        self.root = Path(root).resolve()
        self._key = hashlib.sha256(b"friender-local-storage:" + secret.encode()).digest()

    def path_for(self, key):
        """The file that holds ``key``; :class:`InvalidKey` unless it lies inside the folder."""
        if not isinstance(key, str) or not KEY_PATTERN.fullmatch(key) or ".." in key.split("/"):
            raise InvalidKey(f"Not a storage key: {key!r}")
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root) or path == self.root:
            raise InvalidKey(f"Not a storage key: {key!r}")
        return path

    @staticmethod
    def _written_beside(path, data):
        """A temporary file next to ``path`` holding ``data``: moved into place whole, so a reader
        never sees half a file."""
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        return temporary

    def put(self, key, data, content_type):
        path = self.path_for(key)
        try:
            os.replace(self._written_beside(path, data), path)
        except OSError as error:
            raise StorageError() from error

    def put_new(self, key, data, content_type):
        """Store ``key`` only if no object has it yet; False, and nothing written, when one does."""
        path = self.path_for(key)
        try:
            temporary = self._written_beside(path, data)
            try:
                # A hard link, unlike a rename, refuses to replace an existing file: of two
                # writers racing for the key, exactly one wins.
                os.link(temporary, path)
            except FileExistsError:
                return False
            finally:
                os.unlink(temporary)
        except OSError as error:
            raise StorageError() from error
        return True

    def get(self, key, max_bytes):
        try:
            with self.path_for(key).open("rb") as handle:
                return handle.read(max_bytes + 1)
        except OSError as error:
            raise StorageError() from error

    def head(self, key):
        try:
            stat = self.path_for(key).stat()
        except FileNotFoundError:
            return None
        except OSError as error:
            raise StorageError() from error
        return ObjectInfo(key, stat.st_size, datetime.fromtimestamp(stat.st_mtime, UTC))

    def delete(self, keys):
        for key in keys:
            try:
                self.path_for(key).unlink(missing_ok=True)
            except OSError as error:
                raise StorageError() from error

    def list(self, prefix=""):
        if not self.root.is_dir():
            return
        for directory, _subdirectories, files in os.walk(self.root):
            for name in sorted(files):
                path = Path(directory) / name
                key = path.relative_to(self.root).as_posix()
                if name.startswith(".upload-") or not key.startswith(prefix):
                    continue
                stat = path.stat()
                yield ObjectInfo(key, stat.st_size, datetime.fromtimestamp(stat.st_mtime, UTC))

    def list_buckets(self):
        return [str(self.root)]

    def init(self, origins):
        self.root.mkdir(parents=True, exist_ok=True)
        return [
            f"Local storage folder ready: {self.root}",
            "Its URLs are served by the app itself; no CORS rules needed.",
        ]

    def check(self):
        self.root.mkdir(parents=True, exist_ok=True)
        if not os.access(self.root, os.W_OK):
            raise StorageError(f"{self.root} is not writable.")

    def _url_scope(self):
        """The app's own base URL: ``APP_BASE_URL`` when configured, else the request's (after
        ProxyFix, its Host checked against ``TRUSTED_HOSTS``), else ``SERVER_NAME``'s."""
        config = current_app.config
        if config["URLS_FROM_APP_BASE_URL"]:
            return f"{config['APP_BASE_URL']}/"
        if has_request_context():
            return request.url_root
        if config.get("SERVER_NAME"):
            root = (config.get("APPLICATION_ROOT") or "/").rstrip("/")
            return f"{config['PREFERRED_URL_SCHEME']}://{config['SERVER_NAME']}{root}/"
        raise RuntimeError("Local storage URLs are built from the request; outside one, set SERVER_NAME.")

    def _sign(self, *parts):
        message = "\n".join(str(part) for part in parts).encode()
        return base64.urlsafe_b64encode(hmac.new(self._key, message, hashlib.sha256).digest()).decode().rstrip("=")

    def _sign_url(self, key, expires_in, filename, issued, scope):
        self.path_for(key)
        expires = int(issued) + expires_in
        query = {"expires": expires}
        if filename:
            query["download"] = filename
        query["signature"] = self._sign("GET", key, expires, filename or "")
        return f"{scope}api/storage/{key}?{urlencode(query)}"

    def verify_url(self, key, expires, filename, signature, now):
        """Raise :class:`SignatureInvalid` unless the URL was signed here for exactly this and is current."""
        expected = self._sign("GET", key, expires, filename or "")
        if not _same(expected, signature):
            raise SignatureInvalid("This link is not valid.")
        if now > expires:
            raise SignatureInvalid("This link has expired.")

    def presigned_post(self, key, content_type, max_bytes, expires_in):
        self.path_for(key)
        expires = int(self.url_cache.clock()) + expires_in
        policy = base64.urlsafe_b64encode(
            json.dumps({"key": key, "content_type": content_type, "max_bytes": max_bytes, "expires": expires}).encode()
        ).decode()
        fields = {"key": key, "Content-Type": content_type, "policy": policy, "signature": self._sign("POST", policy)}
        return PresignedPost(url=f"{self._url_scope()}{UPLOAD_PATH}", fields=fields)

    def verify_post(self, form, now):
        """The policy of a posted upload form, once its signature, key, type and expiry check out."""
        policy_text = form.get("policy") or ""
        if not _same(self._sign("POST", policy_text), form.get("signature")):
            raise SignatureInvalid("This upload form is not valid.")
        policy = json.loads(base64.urlsafe_b64decode(policy_text.encode()))
        if form.get("key") != policy["key"] or form.get("Content-Type") != policy["content_type"]:
            raise SignatureInvalid("This upload form does not match its policy.")
        if now > policy["expires"]:
            raise SignatureInvalid("This upload form has expired.")
        return policy


def _same(expected, given):
    """Constant-time comparison that also copes with non-ASCII input (compare_digest refuses it as str)."""
    return hmac.compare_digest(expected.encode(), (given or "").encode())
