"""Rules of the local backend's signed endpoints.

A direct-upload form is single-use: it stores a file only while its pending photo awaits one and
nothing has been posted to its key yet. A post that loses a race with ``confirm`` (or with the
upload being refused) finds the photo no longer pending once its file is written and removes it
at once, so no object stays under ``uploads/`` for the sweep.

Whether a form may still write is decided by the pending row alone. Removing a retired form's
key once more after it expires is :mod:`.retired_forms`' job on every backend; here, where a
retired form stores nothing, that removal finds nothing (unless the first one failed).
"""

import sqlalchemy as sa

from ..errors import Forbidden, NotFound, PayloadTooLarge, ValidationFailed
from ..extensions import db
from ..models import Photo
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
    key = policy["key"]
    if not _awaits_upload(key) or not storage.put_new(key, data, policy["content_type"]):
        raise Forbidden(FORM_USED)
    if not _awaits_upload(key):  # confirmed or refused while the file was being written
        storage.delete([key])
        raise Forbidden(FORM_USED)


FORM_USED = "This upload form has already been used."


def _awaits_upload(key):
    """True while a pending photo waits for its direct upload at ``key``, as committed right now."""
    # A fresh transaction: an earlier read's snapshot (SQLite keeps one per transaction) would
    # miss a confirm committed since.
    db.session.rollback()
    if not key.startswith(Photo.UPLOAD_PREFIX):
        return False
    storage_key = key.removeprefix(Photo.UPLOAD_PREFIX)
    return db.session.scalar(
        sa.select(sa.exists().where(Photo.storage_key == storage_key, Photo.status == Photo.PENDING))
    )
