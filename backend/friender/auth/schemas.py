"""Validation of the auth endpoints' bodies and the shapes they return."""

from marshmallow import ValidationError, fields, validate

from ..models import login_key
from ..profiles.schemas import Birthdate, MeSchema
from ..schemas import Schema, TrimmedString
from .passwords import MAX_LENGTH, MIN_LENGTH

USERNAME_PATTERN = r"^[A-Za-z0-9_.]{3,30}$"
MAX_EMAIL_LENGTH = 254


def _login_key_fits(value):
    # Normalising can lengthen an address (NFKC expands some characters many times over); its key
    # must still fit the indexed column.
    if len(login_key(value)) > MAX_EMAIL_LENGTH:
        raise ValidationError(f"Use at most {MAX_EMAIL_LENGTH} characters.")


def _email(**kwargs):
    return TrimmedString(
        validate=[
            validate.Length(max=MAX_EMAIL_LENGTH),
            validate.Email(error="Not a valid email address."),
            _login_key_fits,
        ],
        **kwargs,
    )


class SignupSchema(Schema):
    """``POST /api/auth/signup`` body."""

    username = TrimmedString(
        required=True,
        validate=validate.Regexp(USERNAME_PATTERN, error="Use 3 to 30 letters, digits, underscores or dots."),
    )
    email = _email(required=True)
    password = fields.String(required=True, validate=validate.Length(min=MIN_LENGTH, max=MAX_LENGTH))
    birthdate = Birthdate(required=True)
    display_name = TrimmedString(validate=validate.Length(min=1, max=50))


def _token():
    return fields.String(required=True, validate=validate.Length(min=1, max=500))


def _new_password():
    return fields.String(required=True, validate=validate.Length(min=MIN_LENGTH, max=MAX_LENGTH))


class VerifyEmailSchema(Schema):
    """``POST /api/auth/verify-email`` body: the token of the mailed link."""

    token = _token()


class PasswordResetRequestSchema(Schema):
    """``POST /api/auth/password-reset`` body."""

    email = _email(required=True)


class PasswordResetSchema(Schema):
    """``POST /api/auth/password-reset/confirm`` body: the mailed token and the new password."""

    token = _token()
    password = _new_password()


class PasswordChangeSchema(Schema):
    """``POST /api/me/password`` body."""

    current_password = fields.String(required=True, validate=validate.Length(min=1, max=MAX_LENGTH))
    new_password = _new_password()


class EmailChangeSchema(Schema):
    """``POST /api/me/email`` body: the password, to confirm, and the new address."""

    password = fields.String(required=True, validate=validate.Length(min=1, max=MAX_LENGTH))
    email = _email(required=True)


class AcceptedSchema(Schema):
    """A request taken in: what happens next, in a sentence."""

    message = fields.String(required=True)


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
