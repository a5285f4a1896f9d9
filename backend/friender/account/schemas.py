"""Validation of the account endpoints' bodies."""

from marshmallow import fields, validate

from ..schemas import Schema


class DeleteAccountSchema(Schema):
    """``DELETE /api/me`` body: the password, to confirm."""

    password = fields.String(required=True, validate=validate.Length(min=1, max=128))
