"""Request and response shapes of the photo endpoints, and ``Photo`` as every profile shows it."""

from flask_smorest.fields import Upload
from marshmallow import fields, pre_dump, validate

from ..models import Photo
from ..schemas import DatabaseId, Schema, StrictInteger, UtcDateTime
from ..storage import url_signer


class PhotoSchema(Schema):
    """A photo as the browser sees it: signed URLs, size and a BlurHash placeholder."""

    id = fields.Integer(required=True)
    url = fields.String(required=True)
    thumb_url = fields.String(required=True)
    width = fields.Integer(required=True)
    height = fields.Integer(required=True)
    blurhash = fields.String(required=True, allow_none=True)
    position = fields.Integer(required=True)
    created_at = UtcDateTime(required=True)

    @pre_dump(pass_collection=True)
    def sign_urls(self, photos, many, **_kwargs):
        """Photos (or rows of their columns) as shown: their keys become signed URLs (cached, ≥ half
        their lifetime left), with the request's signer looked up once per list."""
        sign = url_signer()
        return [self._shown(photo, sign) for photo in photos] if many else self._shown(photos, sign)

    @staticmethod
    def _shown(photo, sign):
        return {
            "id": photo.id,
            "url": sign(Photo.main_key_for(photo.storage_key)),
            "thumb_url": sign(Photo.thumb_key_for(photo.storage_key)),
            "width": photo.width,
            "height": photo.height,
            "blurhash": photo.blurhash,
            "position": photo.position,
            "created_at": photo.created_at,
        }


class PhotoListSchema(Schema):
    """``{photos: [Photo]}`` in position order."""

    photos = fields.List(fields.Nested(PhotoSchema), required=True)


class PhotoFilesSchema(Schema):
    """Multipart: one or more ``file`` parts."""

    file = fields.List(Upload(), required=True, validate=validate.Length(min=1))


class ArchiveFileSchema(Schema):
    """Multipart: one ``archive`` part holding a ZIP of images."""

    archive = Upload(required=True)


class SkippedEntrySchema(Schema):
    """An archive entry that was not imported, and why."""

    name = fields.String(required=True)
    reason = fields.String(required=True)


class ArchiveResultSchema(PhotoListSchema):
    """The photos made from an archive and the entries it skipped."""

    skipped = fields.List(fields.Nested(SkippedEntrySchema), required=True)


class UploadUrlRequestSchema(Schema):
    """What the browser is about to upload directly to storage."""

    content_type = fields.String(required=True, metadata={"example": "image/jpeg"})
    size = StrictInteger(required=True, validate=validate.Range(min=1), metadata={"description": "Bytes"})


class UploadUrlSchema(Schema):
    """A presigned POST: post ``fields`` plus a ``file`` part to ``url``, then confirm ``photo_id``."""

    photo_id = fields.Integer(required=True)
    url = fields.String(required=True)
    form_fields = fields.Dict(keys=fields.String(), values=fields.String(), required=True, data_key="fields")
    expires_in = fields.Integer(required=True, metadata={"description": "Seconds the form stays valid"})


class PhotoOrderSchema(Schema):
    """Every one of the user's photo ids, in the wanted order."""

    photo_ids = fields.List(DatabaseId(), required=True)
