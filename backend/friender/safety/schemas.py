"""Bodies of ``POST /api/blocks`` and ``POST /api/reports``."""

from marshmallow import Schema, fields, validate

from ..schemas import DatabaseId, TrimmedString, UtcDateTime


class BlockRequestSchema(Schema):
    """``{user_id}``: the person to block."""

    user_id = DatabaseId(required=True)


class BlockSchema(Schema):
    """A block the signed-in user made."""

    user_id = fields.Integer(required=True, attribute="blocked_id")
    created_at = UtcDateTime(required=True)


class ReportRequestSchema(Schema):
    """``{user_id, reason}``: who, and why (1–1000 characters after trimming)."""

    user_id = DatabaseId(required=True)
    reason = TrimmedString(required=True, validate=validate.Length(min=1, max=1000))


class ReportSchema(Schema):
    """A report kept for moderation."""

    id = fields.Integer(required=True)
    user_id = fields.Integer(required=True, attribute="reported_id")
    reason = fields.String(required=True)
    created_at = UtcDateTime(required=True)
