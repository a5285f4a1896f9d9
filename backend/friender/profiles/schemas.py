"""Validation of profile edits and the Me / Profile shapes."""

from datetime import UTC, date, datetime

from marshmallow import ValidationError, fields, post_dump, post_load, validate, validates

from ..geo import lookup_zip
from ..models import ADULT_AGE, OLDEST_AGE, age_on
from ..photos.schemas import PhotoSchema
from ..schemas import Schema, StrictInteger, TrimmedString, UtcDateTime

MAX_TAGS = 10
MAX_TAG_LENGTH = 30
# ASCII digits only (``\d`` would also take other scripts' digits); the document carries the
# pattern and the length, which the browser's ZIP field enforces as it is typed.
ZIP_LENGTH = 5
ZIP_PATTERN = rf"^[0-9]{{{ZIP_LENGTH}}}$"


class Tags(fields.List):
    """1–10 tags of 1–30 characters, trimmed and de-duplicated case-insensitively (first spelling kept)."""

    def __init__(self, **kwargs):
        # The count is checked on the de-duplicated list (validators run after _deserialize), and
        # as a validator it reaches the OpenAPI document (minItems / maxItems) the browser reads.
        count = validate.Length(min=1, max=MAX_TAGS, error=f"Give between 1 and {MAX_TAGS} different tags.")
        super().__init__(TrimmedString(validate=validate.Length(min=1, max=MAX_TAG_LENGTH)), validate=count, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        tags, seen = [], set()
        for tag in super()._deserialize(value, attr, data, **kwargs):
            if tag.lower() not in seen:
                seen.add(tag.lower())
                tags.append(tag)
        return tags


class Birthdate(fields.Date):
    """An ISO date of someone at least 18 today (UTC), not in the future and not before 1900."""

    EARLIEST = date(1900, 1, 1)

    def _deserialize(self, value, attr, data, **kwargs):
        birthdate = super()._deserialize(value, attr, data, **kwargs)
        today = datetime.now(UTC).date()
        if birthdate > today:
            raise ValidationError("A birthdate cannot be in the future.")
        if birthdate < self.EARLIEST:
            raise ValidationError("Give a birthdate from 1900 on.")
        if age_on(birthdate, today) < ADULT_AGE:
            raise ValidationError(f"Friender is for adults: you must be {ADULT_AGE} or older.")
        return birthdate


def _age(**kwargs):
    return StrictInteger(
        validate=validate.Range(min=ADULT_AGE, max=OLDEST_AGE, error=f"Give an age from {ADULT_AGE} to {OLDEST_AGE}."),
        **kwargs,
    )


class ProfileUpdateSchema(Schema):
    """``PATCH /api/me`` body. Unknown fields (id, username, email, password…) are rejected."""

    display_name = TrimmedString(validate=validate.Length(min=1, max=50))
    bio = TrimmedString(validate=validate.Length(max=500))
    hobbies = Tags()
    interests = Tags()
    zip_code = TrimmedString(
        validate=validate.Regexp(ZIP_PATTERN, error="Unknown ZIP code."),
        metadata={"minLength": ZIP_LENGTH, "maxLength": ZIP_LENGTH},
    )
    friend_radius_miles = StrictInteger(validate=validate.Range(min=1, max=250))
    birthdate = Birthdate()
    age_min = _age()
    age_max = _age()

    @validates("zip_code")
    def known_zip(self, value, **_kwargs):
        """Only 5-digit ZIPs in the bundled table are accepted."""
        if lookup_zip(value) is None:
            raise ValidationError("Unknown ZIP code.")

    @post_load
    def at_least_one_field(self, data, **_kwargs):
        """An empty PATCH is almost certainly a client bug; say so."""
        if not data:
            raise ValidationError("Send at least one field to change.", field_name="_schema")
        return data


class ProfileSchema(Schema):
    """Another person's public profile: never email, ZIP, coordinates or secrets."""

    id = fields.Integer(required=True)
    username = fields.String(required=True)
    display_name = fields.String(required=True, allow_none=True)
    bio = fields.String(required=True)
    hobbies = fields.List(fields.String(), required=True)
    interests = fields.List(fields.String(), required=True)
    city = fields.String(required=True, allow_none=True)
    state = fields.String(required=True, allow_none=True)
    photos = fields.List(fields.Nested(PhotoSchema), required=True, dump_default=list)
    age = fields.Integer(allow_none=True, metadata={"description": "whole years; the birthdate is never shown"})
    # Only in discovery results.
    distance_miles = fields.Integer()
    shared_interests = fields.List(fields.String())
    met_count = fields.Integer(
        required=True,
        metadata={"description": "How many different people confirmed meeting them through Friender (never who)"},
    )

    @post_dump
    def omit_unknown_distance(self, data, **_kwargs):
        """No location on either side: no ``distance_miles`` at all, as the contract says."""
        if data.get("distance_miles", 0) is None:
            del data["distance_miles"]
        return data


class MeSchema(Schema):
    """The signed-in user, with private fields and profile completeness."""

    id = fields.Integer(required=True)
    username = fields.String(required=True)
    email = fields.String(required=True)
    display_name = fields.String(required=True, allow_none=True)
    bio = fields.String(required=True)
    hobbies = fields.List(fields.String(), required=True)
    interests = fields.List(fields.String(), required=True)
    zip_code = fields.String(required=True, allow_none=True)
    city = fields.String(required=True, allow_none=True)
    state = fields.String(required=True, allow_none=True)
    friend_radius_miles = fields.Integer(required=True, allow_none=True)
    birthdate = fields.Date(required=True, allow_none=True)
    age = fields.Integer(required=True, allow_none=True)
    age_min = fields.Integer(required=True)
    age_max = fields.Integer(required=True)
    email_verified = fields.Boolean(required=True)
    pending_email = fields.String(
        required=True, allow_none=True, metadata={"description": "an address waiting to be verified"}
    )
    profile_complete = fields.Boolean(required=True)
    missing_fields = fields.List(fields.String(), required=True)
    photos = fields.List(fields.Nested(PhotoSchema), required=True, dump_default=list)
    created_at = UtcDateTime(required=True)
    is_moderator = fields.Boolean(
        required=True, metadata={"description": "Granted by an operator only; shows the moderation pages."}
    )
