"""Query and response shapes of ``GET /api/discover``."""

from marshmallow import fields, validate

from ..profiles.schemas import ProfileSchema
from ..schemas import Schema

MAX_LIMIT = 50


class DiscoverQuerySchema(Schema):
    """``?limit=`` (1–50, default 20)."""

    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=MAX_LIMIT))


class WiderReachSchema(Schema):
    """How many people the viewer could be shown with a wider friend radius."""

    radius_miles = fields.Integer(required=True)
    count = fields.Integer(required=True)


class DiscoverResultSchema(Schema):
    """The people to show next, best first, each with ``distance_miles`` and ``shared_interests``."""

    users = fields.List(fields.Nested(ProfileSchema), required=True)
    wider = fields.List(
        fields.Nested(WiderReachSchema),
        metadata={"description": "Only on an empty page: the counts wider radii wider than yours would bring"},
    )
