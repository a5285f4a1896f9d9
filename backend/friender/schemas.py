"""Marshmallow fields and schemas shared by several domains."""

from datetime import UTC

from marshmallow import Schema, ValidationError, fields, validate

# Ids are PostgreSQL integers; a larger number cannot name a row.
MAX_DATABASE_ID = 2**31 - 1


class TrimmedString(fields.String):
    """A string with surrounding whitespace removed before validation, and never a NUL character
    (PostgreSQL cannot store one in text; refusing it everywhere keeps both databases alike)."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if "\x00" in text:
            raise ValidationError("Must not contain NUL characters.")
        return text.strip()


class UtcDateTime(fields.DateTime):
    """ISO 8601 UTC with a ``Z`` suffix and whole seconds, as the contract shows."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        if value.tzinfo is None:  # SQLite hands back naive datetimes; they were stored as UTC.
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class StrictInteger(fields.Integer):
    """An integer that must arrive as a JSON number (not a string, not a boolean)."""

    def __init__(self, **kwargs):
        super().__init__(strict=True, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool):
            raise ValidationError("Not a valid integer.")
        return super()._deserialize(value, attr, data, **kwargs)


class DatabaseId(StrictInteger):
    """An id sent in a body: a JSON integer from 1 to 2³¹−1."""

    def __init__(self, **kwargs):
        super().__init__(validate=validate.Range(min=1, max=MAX_DATABASE_ID), **kwargs)


class ErrorSchema(Schema):
    """The one error shape every 4xx/5xx response has."""

    error = fields.String(required=True, metadata={"description": "Stable snake_case code."})
    message = fields.String(required=True)
    # Declared before ``fields``, whose name the next line takes over inside this class.
    until = fields.String(metadata={"description": "With `account_suspended`: when the suspension ends (UTC)."})
    fields = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))
