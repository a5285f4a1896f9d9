"""Photo rules: how many, what is accepted, and keeping rows and storage objects in step.

A ready photo's row exists if and only if its objects exist. New objects are written first
and the row committed after; if the commit fails the objects are deleted again. A deleted
row's objects are removed after the commit; a failure there is logged and left to
``flask storage sweep`` (:mod:`.sweep`), which also removes direct uploads that were never confirmed.

Every path that ends a pending photo (confirmed, refused, deleted, expired, its account deleted)
retires its upload form with :func:`retire_upload_form` in the same transaction, so its upload
key is removed once more when the form expires (:mod:`friender.storage.retired_forms`): on S3 a
form stays usable until then.

One module of about 300 lines on purpose: both upload paths (multipart and direct) share the
count, the pending row and the write-then-commit order, which is the rule this module keeps.
"""

import uuid
from datetime import UTC, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm.exc import ObjectDeletedError

from ..errors import ApiError, Conflict, NotFound, PayloadTooLarge, UnsupportedMediaType, ValidationFailed
from ..extensions import db
from ..models import Photo, User, utcnow
from ..relationships import can_see
from ..storage import get_storage, remove_objects, signed_url
from ..storage.retired_forms import retire_form
from .archives import read_archive
from .images import ACCEPTED_CONTENT_TYPES, JPEG_CONTENT_TYPE, process_image

# Time after an upload form expires during which its upload may still be confirmed.
CONFIRM_GRACE = timedelta(minutes=10)


def _config(name):
    return current_app.config[name]


def as_utc(moment):
    """SQLite hands back naive datetimes; they were stored as UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def pending_cutoff(now):
    """Direct uploads created before this can no longer be confirmed."""
    return now - timedelta(seconds=_config("PHOTO_UPLOAD_URL_EXPIRES_SECONDS")) - CONFIRM_GRACE


def _process(data):
    return process_image(data, max_bytes=_config("MAX_PHOTO_BYTES"), max_pixels=_config("MAX_PHOTO_PIXELS"))


def _read_upload(upload):
    """An uploaded part's bytes, reading at most one byte past the per-image limit."""
    return upload.stream.read(_config("MAX_PHOTO_BYTES") + 1)


def _lock_user(user_id):
    """Serialise photo-count changes of one user until the commit.

    A no-op UPDATE of the user's row takes the row lock on PostgreSQL and the write lock on
    SQLite (where ``SELECT … FOR UPDATE`` does not exist), so a concurrent upload waits here and
    then counts the photos this one added.
    """
    db.session.execute(
        sa.update(User)
        .where(User.id == user_id)
        .values(updated_at=User.updated_at)
        .execution_options(synchronize_session=False)
    )


def _ready_count(user_id):
    return db.session.scalar(
        sa.select(sa.func.count(Photo.id)).where(Photo.user_id == user_id, Photo.status == Photo.READY)
    )


def free_slots(user_id):
    """How many more photos the user may add; unexpired direct uploads hold a slot."""
    used = db.session.scalar(
        sa.select(sa.func.count(Photo.id)).where(
            Photo.user_id == user_id,
            sa.or_(Photo.status == Photo.READY, Photo.created_at >= pending_cutoff(utcnow())),
        )
    )
    return max(0, _config("MAX_PHOTOS_PER_USER") - used)


def _require_slots(user_id, wanted):
    free = free_slots(user_id)
    if wanted > free:
        limit = _config("MAX_PHOTOS_PER_USER")
        raise Conflict(f"A profile has at most {limit} photos; there is room for {free} more.")


def _put_renditions(storage_key, processed, written):
    """Write a photo's two objects, appending each key to ``written`` as soon as it exists."""
    storage = get_storage()
    photo = Photo(storage_key=storage_key)
    storage.put(photo.main_key, processed.main, JPEG_CONTENT_TYPE)
    written.append(photo.main_key)
    storage.put(photo.thumb_key, processed.thumb, JPEG_CONTENT_TYPE)
    written.append(photo.thumb_key)


def _save_ready_photos(user_id, processed_images):
    """Objects first, then the rows in one commit; on any failure the written objects go again."""
    written, photos = [], []
    try:
        for processed in processed_images:
            storage_key = str(uuid.uuid4())
            _put_renditions(storage_key, processed, written)
            photos.append(
                Photo(
                    user_id=user_id,
                    storage_key=storage_key,
                    status=Photo.READY,
                    content_type=JPEG_CONTENT_TYPE,
                    width=processed.width,
                    height=processed.height,
                    blurhash=processed.blurhash,
                )
            )
        _lock_user(user_id)
        _require_slots(user_id, len(photos))
        first = _ready_count(user_id)
        for offset, photo in enumerate(photos):
            photo.position = first + offset
        db.session.add_all(photos)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        remove_objects(written)
        raise
    return photos


def list_photos(user):
    """The user's ready photos in position order."""
    return user.photos


def user_photos(viewer, user_id):
    """Another user's photos, visible exactly when their profile is."""
    if not can_see(viewer.id, user_id):
        raise NotFound("No such user.")
    return db.session.get(User, user_id).photos


def upload_photos(user, uploads):
    """Add one photo per uploaded file; all of them or none (the first bad file decides the error)."""
    _require_slots(user.id, len(uploads))
    processed = []
    for upload in uploads:
        try:
            processed.append(_process(_read_upload(upload)))
        except ApiError as error:
            if len(uploads) > 1:
                error.message = f"File {len(processed) + 1} of {len(uploads)}: {error.message}"
            raise
    return _save_ready_photos(user.id, processed)


def add_photos_from_bytes(user_id, images):
    """Add photos from raw image bytes through the same pipeline and limits as uploads (the seeder uses it)."""
    _require_slots(user_id, len(images))
    return _save_ready_photos(user_id, [_process(data) for data in images])


def upload_archive(user, upload):
    """Add the images of a ZIP archive, up to the free slots; the rest is reported in ``skipped``."""
    free = free_slots(user.id)
    if free == 0:
        _require_slots(user.id, 1)
    contents = read_archive(
        upload.stream.read(),
        _process,
        free_slots=free,
        max_entry_bytes=_config("MAX_PHOTO_BYTES"),
        max_total_bytes=_config("MAX_ARCHIVE_UNCOMPRESSED_BYTES"),
    )
    if not contents.images:
        reasons = [f"{entry['name']}: {entry['reason']}" for entry in contents.skipped] or ["The archive is empty."]
        raise ValidationFailed("The archive holds no usable JPEG, PNG or WebP image.", fields={"archive": reasons})
    return {"photos": _save_ready_photos(user.id, contents.images), "skipped": contents.skipped}


def create_upload_url(user, content_type, size):
    """Reserve a slot as a pending photo and presign a POST of exactly one image of ≤ ``size`` bytes."""
    if content_type not in ACCEPTED_CONTENT_TYPES:
        raise UnsupportedMediaType("Only JPEG, PNG and WebP images are accepted.")
    if size > _config("MAX_PHOTO_BYTES"):
        raise PayloadTooLarge(f"Each image must be at most {_config('MAX_PHOTO_BYTES') // (1024 * 1024)} MB.")
    expires_in = _config("PHOTO_UPLOAD_URL_EXPIRES_SECONDS")
    try:
        _lock_user(user.id)
        _require_slots(user.id, 1)
        photo = Photo(user_id=user.id, storage_key=str(uuid.uuid4()), status=Photo.PENDING, content_type=content_type)
        db.session.add(photo)
        db.session.flush()
        post = get_storage().presigned_post(photo.upload_key, content_type, size, expires_in)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return {"photo_id": photo.id, "url": post.url, "form_fields": post.fields, "expires_in": expires_in}


def _own_photo(user, photo_id, ready_only=False):
    """The user's photo ``photo_id``; anyone else's, or none, is the same 404."""
    query = sa.select(Photo).where(Photo.id == photo_id, Photo.user_id == user.id)
    if ready_only:
        query = query.where(Photo.status == Photo.READY)
    photo = db.session.scalar(query)
    if photo is None:
        raise NotFound("No such photo.")
    return photo


def upload_form_expires_at(photo):
    """When the direct-upload form of ``photo`` stops being accepted by storage.

    The form is signed just after the pending row is flushed, so it expires a moment after this;
    the removal's margin (``retired_forms.MARGIN``) covers that moment.
    """
    return as_utc(photo.created_at) + timedelta(seconds=_config("PHOTO_UPLOAD_URL_EXPIRES_SECONDS"))


def retire_upload_form(photo):
    """In the caller's transaction, after the pending ``photo``'s own change: its form is done with.

    The flush first puts the photo's row change (which locks the row) before the new record, so
    two transactions ending the same pending photo wait on the photo, not on each other's record.
    """
    if photo.status != Photo.PENDING:
        return
    db.session.flush()
    retire_form(photo.upload_key, upload_form_expires_at(photo))


def _discard_pending(photo):
    """Forget a direct upload: its row and its form, then its object."""
    key = photo.upload_key
    db.session.delete(photo)
    retire_upload_form(photo)
    db.session.commit()
    remove_objects([key])


def confirm_upload(user, photo_id):
    """Check and process a direct upload exactly like a multipart one; a bad file is removed."""
    photo = _own_photo(user, photo_id)
    if photo.status == Photo.READY:
        return photo
    if as_utc(photo.created_at) < pending_cutoff(utcnow()):
        _discard_pending(photo)
        raise NotFound("This upload has expired; ask for a new upload URL.")
    storage = get_storage()
    info = storage.head(photo.upload_key)
    if info is None:
        raise Conflict("Nothing has been uploaded for this photo yet.")
    max_bytes = _config("MAX_PHOTO_BYTES")
    if info.size > max_bytes:
        _discard_pending(photo)
        raise PayloadTooLarge(f"Each image must be at most {max_bytes // (1024 * 1024)} MB.")
    try:
        processed = _process(storage.get(photo.upload_key, max_bytes))
    except ApiError as error:
        if error.status != 503:
            _discard_pending(photo)
        raise
    written = []
    try:
        _put_renditions(photo.storage_key, processed, written)
        _lock_user(user.id)
        db.session.refresh(photo)
        if photo.status == Photo.READY:  # A concurrent confirm won; the objects it owns are these same keys.
            db.session.commit()
            return photo
        photo.position = _ready_count(user.id)
        retire_upload_form(photo)
        photo.status = Photo.READY
        photo.content_type = JPEG_CONTENT_TYPE
        photo.width, photo.height, photo.blurhash = processed.width, processed.height, processed.blurhash
        db.session.commit()
    except ObjectDeletedError:  # Deleted while being confirmed: its objects go too.
        db.session.rollback()
        remove_objects(written)
        raise NotFound("No such photo.") from None
    except BaseException:
        db.session.rollback()
        remove_objects(written)
        raise
    remove_objects([photo.upload_key])
    return photo


def download_url(user, photo_id):
    """A short-lived URL that downloads the full-size stored image as an attachment."""
    photo = _own_photo(user, photo_id, ready_only=True)
    return signed_url(
        photo.main_key,
        filename=f"friender-photo-{photo.id}.jpg",
        expires_in=_config("PHOTO_DOWNLOAD_URL_EXPIRES_SECONDS"),
    )


def reorder_photos(user, photo_ids):
    """Put the user's photos in the given order; the list must name each of them exactly once."""
    photos = {
        photo.id: photo
        for photo in db.session.scalars(sa.select(Photo).where(Photo.user_id == user.id, Photo.status == Photo.READY))
    }
    if any(photo_id not in photos for photo_id in photo_ids):
        raise NotFound("No such photo.")
    if len(set(photo_ids)) != len(photo_ids) or set(photo_ids) != set(photos):
        raise ValidationFailed(fields={"photo_ids": ["List each of your photos exactly once."]})
    for position, photo_id in enumerate(photo_ids):
        photos[photo_id].position = position
    db.session.commit()
    return user.photos


def delete_photo(user, photo_id):
    """Delete the row (closing the gap in positions), then the objects."""
    keys = discard_photo(_own_photo(user, photo_id))
    db.session.commit()
    remove_objects(keys)


def discard_photo(photo):
    """Delete a photo's row and close the gap in its owner's positions, in the caller's transaction.

    Returns the storage keys to pass to ``remove_objects`` once the transaction is committed.
    """
    keys = photo.object_keys
    db.session.delete(photo)
    retire_upload_form(photo)
    db.session.flush()
    remaining = db.session.scalars(
        sa.select(Photo)
        .where(Photo.user_id == photo.user_id, Photo.status == Photo.READY)
        .order_by(Photo.position, Photo.id)
    )
    for position, other in enumerate(remaining):
        other.position = position
    return keys
