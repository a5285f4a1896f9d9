"""Bodies of ``POST /api/blocks`` and ``POST /api/reports``."""

from marshmallow import ValidationError, fields, validate, validates_schema

from ..models import REPORT_CATEGORIES
from ..schemas import DatabaseId, Schema, TrimmedString, UtcDateTime


class BlockRequestSchema(Schema):
    """``{user_id}``: the person to block."""

    user_id = DatabaseId(required=True)


class BlockSchema(Schema):
    """A block the signed-in user made."""

    user_id = fields.Integer(required=True, attribute="blocked_id")
    created_at = UtcDateTime(required=True)


class BlockedPersonSchema(Schema):
    """Someone the signed-in user blocked, named so that they can find them in the list."""

    user_id = fields.Integer(required=True)
    username = fields.String(required=True)
    display_name = fields.String(required=True, allow_none=True)
    blocked_at = UtcDateTime(required=True)


class BlockListSchema(Schema):
    """``{blocks: [...]}``, newest first."""

    blocks = fields.List(fields.Nested(BlockedPersonSchema), required=True)


class ReportRequestSchema(Schema):
    """``{user_id, category?, reason}``: who, what kind of problem, and why.

    Without a category (older clients) the reason is required, 1–1000 characters after trimming;
    with one it may be empty.
    """

    user_id = DatabaseId(required=True)
    category = fields.String(validate=validate.OneOf(REPORT_CATEGORIES))
    reason = TrimmedString(validate=validate.Length(max=1000), load_default="")

    @validates_schema
    def reason_without_category(self, data, **_kwargs):
        if "category" not in data and not data.get("reason"):
            raise ValidationError("Say what happened, or choose a category.", field_name="reason")


class ReportSchema(Schema):
    """A report kept for moderation."""

    id = fields.Integer(required=True)
    user_id = fields.Integer(required=True, attribute="reported_id")
    category = fields.String(required=True, validate=validate.OneOf(REPORT_CATEGORIES))
    reason = fields.String(required=True)
    created_at = UtcDateTime(required=True)
