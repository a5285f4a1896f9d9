"""Object storage for photos: one interface (``base.py``), a local folder or S3 behind it.

``init_app`` picks the backend from ``STORAGE_BACKEND`` and adds ``storage`` to
``/api/health``; ``get_storage()`` returns the app's backend; ``signed_url(key)`` is a cached,
signed GET URL, and ``url_signer()`` signs the many photo URLs of one response.
"""

import logging

from flask import current_app, has_request_context, request

from ..config import ConfigError
from ..health import register_health_check
from .base import InvalidKey, ObjectInfo, PresignedPost, Storage, StorageError
from .local import LocalStorage

__all__ = [
    "InvalidKey",
    "ObjectInfo",
    "PresignedPost",
    "Storage",
    "StorageError",
    "create_storage",
    "get_storage",
    "init_app",
    "remove_objects",
    "signed_url",
    "url_signer",
]

log = logging.getLogger(__name__)


def create_storage(config):
    """The backend ``config`` asks for."""
    backend = config["STORAGE_BACKEND"]
    if backend == "local":
        return LocalStorage(config["LOCAL_STORAGE_DIR"], config["SECRET_KEY"])
    if backend == "s3":
        if not config["S3_BUCKET"]:
            raise ConfigError("STORAGE_BACKEND=s3 needs S3_BUCKET.")
        # Imported here, not at the top: gunicorn's master imports this package before a gevent
        # worker patches ssl, and botocore's urllib3 bound to the unpatched ssl recurses forever.
        from .s3 import S3Storage

        return S3Storage(
            config["S3_BUCKET"],
            config["AWS_REGION"],
            config["S3_ENDPOINT_URL"],
            config["S3_TIMEOUT_SECONDS"],
            public_endpoint_url=config["S3_PUBLIC_ENDPOINT_URL"],
        )
    raise ConfigError(f"STORAGE_BACKEND must be 'local' or 's3', not {backend!r}.")


def init_app(app):
    """Attach the configured backend to ``app`` and report it in the health check."""
    app.extensions["friender_storage"] = create_storage(app.config)
    register_health_check(app, "storage", lambda: get_storage().check())


def get_storage():
    """The current app's storage backend."""
    return current_app.extensions["friender_storage"]


def signed_url(key, filename=None, expires_in=None):
    """A signed GET URL for ``key``: cached, with at least half of its lifetime left."""
    expires_in = expires_in or current_app.config["PHOTO_URL_EXPIRES_SECONDS"]
    return get_storage().url(key, expires_in, filename)


def url_signer():
    """A function key → ``signed_url(key)``, made once per request.

    A page of 20 profiles carries about 80 photo URLs; looking up the app, its storage and the
    request's URL again for each cost more than reading the cached URL itself. The signer is kept
    in the WSGI environ, which lives exactly as long as the request.
    """
    environ = request.environ if has_request_context() else {}
    signer = environ.get(_URL_SIGNER)
    if signer is None:  # first asked for in this request (every list of photos asks)
        app = current_app._get_current_object()
        signer = environ[_URL_SIGNER] = app.extensions["friender_storage"].url_signer(
            app.config["PHOTO_URL_EXPIRES_SECONDS"]
        )
    return signer


_URL_SIGNER = "friender.url_signer"


def remove_objects(keys):
    """Delete objects whose rows are already gone; a failure is logged and left to ``storage sweep``."""
    keys = list(keys)
    if not keys:
        return True
    try:
        get_storage().delete(keys)
    except StorageError:
        log.warning("could not delete %d storage object(s); `flask storage sweep` will retry: %s", len(keys), keys)
        return False
    return True
