"""Validation of the auth endpoints' bodies and the shapes they return."""

from marshmallow import Schema, fields, validate

from ..profiles.schemas import MeSchema
from ..schemas import TrimmedString

USERNAME_PATTERN = r"^[A-Za-z0-9_.]{3,30}$"


class SignupSchema(Schema):
    """``POST /api/auth/signup`` body."""

    username = TrimmedString(
        required=True,
        validate=validate.Regexp(USERNAME_PATTERN, error="Use 3 to 30 letters, digits, underscores or dots."),
    )
    email = TrimmedString(
        required=True, validate=[validate.Length(max=254), validate.Email(error="Not a valid email address.")]
    )
    password = fields.String(required=True, validate=validate.Length(min=8, max=128))
    display_name = TrimmedString(validate=validate.Length(min=1, max=50))


class LoginSchema(Schema):
    """``POST /api/auth/login`` body; ``username`` may also be the email address."""

    username = TrimmedString(required=True, validate=validate.Length(min=1, max=254))
    password = fields.String(required=True, validate=validate.Length(min=1, max=128))


class LogoutSchema(Schema):
    """Optional ``POST /api/auth/logout`` body naming the refresh token to revoke too."""

    refresh_token = fields.String()


class TokensSchema(Schema):
    """Tokens plus the signed-in user, returned by signup and login."""

    access_token = fields.String(required=True)
    refresh_token = fields.String(required=True)
    user = fields.Nested(MeSchema, required=True)


class AccessTokenSchema(Schema):
    """A new access token, returned by refresh."""

    access_token = fields.String(required=True)
