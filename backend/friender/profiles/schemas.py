"""Validation of profile edits and the Me / Profile shapes."""

from datetime import UTC, date, datetime

from marshmallow import Schema, ValidationError, fields, post_load, pre_dump, validate, validates

from ..geo import lookup_zip
from ..models import ADULT_AGE, OLDEST_AGE, age_on
from ..schemas import StrictInteger, TrimmedString, UtcDateTime
from ..storage import signed_url

MAX_TAGS = 10
MAX_TAG_LENGTH = 30


class Tags(fields.List):
    """1–10 tags of 1–30 characters, trimmed and de-duplicated case-insensitively (first spelling kept)."""

    def __init__(self, **kwargs):
        super().__init__(TrimmedString(validate=validate.Length(min=1, max=MAX_TAG_LENGTH)), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        tags, seen = [], set()
        for tag in super()._deserialize(value, attr, data, **kwargs):
            if tag.lower() not in seen:
                seen.add(tag.lower())
                tags.append(tag)
        if not 1 <= len(tags) <= MAX_TAGS:
            raise ValidationError(f"Give between 1 and {MAX_TAGS} different tags.")
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
    zip_code = TrimmedString()
    friend_radius_miles = StrictInteger(validate=validate.Range(min=1, max=250))
    birthdate = Birthdate()
    age_min = _age()
    age_max = _age()

    @validates("zip_code")
    def known_zip(self, value, **_kwargs):
        """Only 5-digit ZIPs in the bundled table are accepted."""
        if len(value) != 5 or not value.isdigit() or lookup_zip(value) is None:
            raise ValidationError("Unknown ZIP code.")

    @post_load
    def at_least_one_field(self, data, **_kwargs):
        """An empty PATCH is almost certainly a client bug; say so."""
        if not data:
            raise ValidationError("Send at least one field to change.", field_name="_schema")
        return data


class DeleteAccountSchema(Schema):
    """``DELETE /api/me`` body: the password, to confirm."""

    password = fields.String(required=True, validate=validate.Length(min=1, max=128))


class PhotoSchema(Schema):
    """A photo as the browser sees it: signed URLs, size and a BlurHash placeholder."""

    id = fields.Integer(required=True)
    url = fields.String(required=True)
    thumb_url = fields.String(required=True)
    width = fields.Integer(required=True)
    height = fields.Integer(required=True)
    blurhash = fields.String(required=True)
    position = fields.Integer(required=True)
    created_at = UtcDateTime(required=True)

    @pre_dump
    def sign_urls(self, photo, **_kwargs):
        """A ``Photo`` row as shown: its keys become signed URLs (cached, ≥ half their lifetime left)."""
        return {
            "id": photo.id,
            "url": signed_url(photo.main_key),
            "thumb_url": signed_url(photo.thumb_key),
            "width": photo.width,
            "height": photo.height,
            "blurhash": photo.blurhash,
            "position": photo.position,
            "created_at": photo.created_at,
        }


class ProfileSchema(Schema):
    """Another person's public profile: never email, ZIP, coordinates or secrets."""

    id = fields.Integer(required=True)
    username = fields.String(required=True)
    display_name = fields.String(allow_none=True)
    bio = fields.String()
    hobbies = fields.List(fields.String())
    interests = fields.List(fields.String())
    city = fields.String(allow_none=True)
    state = fields.String(allow_none=True)
    photos = fields.List(fields.Nested(PhotoSchema), dump_default=list)
    age = fields.Integer(allow_none=True, metadata={"description": "whole years; the birthdate is never shown"})
    distance_miles = fields.Integer()
    shared_interests = fields.List(fields.String())


class MeSchema(Schema):
    """The signed-in user, with private fields and profile completeness."""

    id = fields.Integer(required=True)
    username = fields.String(required=True)
    email = fields.String(required=True)
    display_name = fields.String(allow_none=True)
    bio = fields.String()
    hobbies = fields.List(fields.String())
    interests = fields.List(fields.String())
    zip_code = fields.String(allow_none=True)
    city = fields.String(allow_none=True)
    state = fields.String(allow_none=True)
    friend_radius_miles = fields.Integer(allow_none=True)
    birthdate = fields.Date(allow_none=True)
    age = fields.Integer(allow_none=True)
    age_min = fields.Integer(required=True)
    age_max = fields.Integer(required=True)
    email_verified = fields.Boolean(required=True)
    pending_email = fields.String(allow_none=True, metadata={"description": "an address waiting to be verified"})
    profile_complete = fields.Boolean(required=True)
    missing_fields = fields.List(fields.String(), required=True)
    photos = fields.List(fields.Nested(PhotoSchema), dump_default=list)
    created_at = UtcDateTime(required=True)
