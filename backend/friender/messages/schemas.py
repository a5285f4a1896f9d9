"""Validation of message requests and the Message shape."""

from marshmallow import fields, validate

from ..schemas import MAX_DATABASE_ID, Schema, TrimmedString, UtcDateTime

MAX_BODY_LENGTH = 2000
MAX_PAGE_SIZE = 100


class MessageSchema(Schema):
    """A message as both members of the match see it."""

    id = fields.Integer(required=True)
    match_id = fields.Integer(required=True)
    sender_id = fields.Integer(required=True)
    body = fields.String(required=True)
    created_at = UtcDateTime(required=True)
    read_at = UtcDateTime(required=True, allow_none=True)


class MessageListSchema(Schema):
    """One page of a conversation, oldest first."""

    messages = fields.List(fields.Nested(MessageSchema), required=True)


class MessageCreateSchema(Schema):
    """``POST /api/matches/{id}/messages`` body: 1–2000 characters once surrounding whitespace is trimmed."""

    body = TrimmedString(required=True, validate=validate.Length(min=1, max=MAX_BODY_LENGTH))


class MessagePageQuerySchema(Schema):
    """``?before=<message id>&limit=`` of the message list."""

    before = fields.Integer(validate=validate.Range(min=1, max=MAX_DATABASE_ID))
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=MAX_PAGE_SIZE))


class ReadReceiptSchema(Schema):
    """The data of a ``read`` event: the reader saw the other side's messages up to ``last_read_id``."""

    match_id = fields.Integer(required=True)
    reader_id = fields.Integer(required=True)
    last_read_id = fields.Integer(required=True)
    read_at = UtcDateTime(required=True)
