"""Rules of the local backend's signed endpoints."""

from ..errors import Forbidden, NotFound, PayloadTooLarge, ValidationFailed
from . import get_storage
from .base import InvalidKey
from .local import LocalStorage, SignatureInvalid


def _local_storage():
    storage = get_storage()
    if not isinstance(storage, LocalStorage):
        raise NotFound()
    return storage


def open_signed(key, expires, filename, signature):
    """The file behind a signed URL and the seconds it stays valid; 403 if tampered or expired."""
    storage = _local_storage()
    now = storage.url_cache.clock()
    try:
        storage.verify_url(key, expires, filename, signature, now)
    except SignatureInvalid as error:
        raise Forbidden(str(error)) from None
    try:
        path = storage.path_for(key)
    except InvalidKey:
        raise NotFound() from None
    if not path.is_file():
        raise NotFound()
    return path, max(0, int(expires - now))


def accept_signed_upload(form, upload):
    """Store the posted file if the form's policy allows it: its key, type, size and time."""
    storage = _local_storage()
    try:
        policy = storage.verify_post(
            {
                "key": form["key"],
                "Content-Type": form["content_type"],
                "policy": form["policy"],
                "signature": form["signature"],
            },
            storage.url_cache.clock(),
        )
    except SignatureInvalid as error:
        raise Forbidden(str(error)) from None
    except (ValueError, KeyError, TypeError):  # A signed policy always decodes; this one was forged.
        raise Forbidden("This upload form is not valid.") from None
    data = upload.stream.read(policy["max_bytes"] + 1)
    if len(data) > policy["max_bytes"]:
        raise PayloadTooLarge("The file is larger than this upload allows.")
    if not data:
        raise ValidationFailed("The file is empty.", fields={"file": ["The file is empty."]})
    storage.put(policy["key"], data, policy["content_type"])
