"""Bodies and shapes of swipes and matches."""

from marshmallow import ValidationError, fields

from ..messages.schemas import MessageSchema
from ..profiles.schemas import ProfileSchema
from ..schemas import DatabaseId, Schema, UtcDateTime


class StrictBoolean(fields.Boolean):
    """A JSON ``true`` or ``false``; not 1, 0 or a string (``1 in {True}`` holds in Python)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise ValidationError("Not a valid boolean.")
        return value


class SwipeRequestSchema(Schema):
    """``{user_id, liked}``: one Yes (``true``) or No (``false``) about one person."""

    user_id = DatabaseId(required=True)
    liked = StrictBoolean(required=True)


class MatchSchema(Schema):
    """Two people who both said yes, as one of them sees it."""

    id = fields.Integer(required=True)
    user = fields.Nested(ProfileSchema, required=True, metadata={"description": "The other person"})
    matched_at = UtcDateTime(required=True)
    last_message = fields.Nested(
        MessageSchema, required=True, allow_none=True, metadata={"description": "The newest message, or null"}
    )
    unread_count = fields.Integer(required=True)


class SwipeResultSchema(Schema):
    """The match the swipe made, or null."""

    match = fields.Nested(MatchSchema, allow_none=True, required=True)


class MatchListSchema(Schema):
    """The signed-in user's matches, newest activity first."""

    matches = fields.List(fields.Nested(MatchSchema), required=True)


class UndoResultSchema(Schema):
    """The person whose decision was taken back."""

    user_id = fields.Integer(required=True)
