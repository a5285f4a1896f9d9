"""Validation of hangout requests and the Hangout shape."""

from datetime import UTC, timedelta

from marshmallow import ValidationError, fields, validate, validates_schema

from ..models import Hangout, utcnow
from ..schemas import Schema, StrictInteger, TrimmedString, UtcDateTime

MAX_OPTIONS = 3
# A plan is for the coming weeks, not for next year.
MAX_DAYS_AHEAD = 90


class AwareDateTime(UtcDateTime):
    """An ISO 8601 time with an offset (``Z`` or ``+02:00``), turned into UTC; a bare local time is refused."""

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        if moment.tzinfo is None:
            raise ValidationError("Give the time zone (for example 2026-12-24T18:00:00Z).")
        try:
            return moment.astimezone(UTC)
        except OverflowError:  # 0001-01-01T00:00:01+01:00 is before the first representable UTC time
            raise ValidationError("Not a valid time.") from None


class TimeOptionSchema(Schema):
    """One proposed time: it starts in the future, ends after it starts, within 90 days from now."""

    starts_at = AwareDateTime(required=True)
    ends_at = AwareDateTime(required=True)

    @validates_schema
    def sensible_times(self, data, **_kwargs):
        """Past, too far ahead, or ending before it starts → 422 on the field at fault."""
        now = utcnow()
        if data["starts_at"] <= now:
            raise ValidationError("Pick a time in the future.", field_name="starts_at")
        if data["ends_at"] <= data["starts_at"]:
            raise ValidationError("The end must come after the start.", field_name="ends_at")
        if data["ends_at"] > now + timedelta(days=MAX_DAYS_AHEAD):
            raise ValidationError(f"Plan at most {MAX_DAYS_AHEAD} days ahead.", field_name="ends_at")


class HangoutCreateSchema(Schema):
    """``POST /api/matches/{id}/hangouts`` body."""

    activity = TrimmedString(required=True, validate=validate.Length(min=1, max=80))
    options = fields.List(
        fields.Nested(TimeOptionSchema), required=True, validate=validate.Length(min=1, max=MAX_OPTIONS)
    )
    place_kind = fields.String(
        required=True,
        validate=validate.OneOf(Hangout.PLACE_KINDS),
        metadata={"description": "A kind of public place, never an address"},
    )
    note = TrimmedString(load_default="", validate=validate.Length(max=500))


class AcceptSchema(Schema):
    """``POST …/accept`` body: the 0-based index of the chosen option."""

    option_index = StrictInteger(required=True, validate=validate.Range(min=0, max=MAX_OPTIONS - 1))


class TimeOptionOutSchema(Schema):
    """One proposed time, as ISO 8601 UTC."""

    starts_at = fields.String(required=True)
    ends_at = fields.String(required=True)


class HangoutSchema(Schema):
    """A hangout as both members see it, with where "we met" stands for the viewer."""

    id = fields.Integer(required=True)
    match_id = fields.Integer(required=True)
    proposer_id = fields.Integer(required=True)
    activity = fields.String(required=True)
    options = fields.List(fields.Nested(TimeOptionOutSchema), required=True)
    place_kind = fields.String(required=True, validate=validate.OneOf(Hangout.PLACE_KINDS))
    note = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(Hangout.STATUSES))
    accepted_option = fields.Integer(allow_none=True, required=True)
    created_at = UtcDateTime(required=True)
    met_confirmed = fields.Boolean(
        required=True, metadata={"description": 'The viewer said "we met" about this hangout'}
    )
    met = fields.Boolean(required=True, metadata={"description": 'Both members said "we met"'})


class HangoutListSchema(Schema):
    """A match's hangouts, newest first."""

    hangouts = fields.List(fields.Nested(HangoutSchema), required=True)
