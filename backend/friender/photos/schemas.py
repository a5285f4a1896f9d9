"""Request and response shapes of the photo endpoints (``Photo`` itself is in profiles/schemas.py)."""

from flask_smorest.fields import Upload
from marshmallow import Schema, fields, validate

from ..profiles.schemas import PhotoSchema
from ..schemas import DatabaseId, StrictInteger


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
