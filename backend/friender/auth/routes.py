"""HTTP layer of ``/api/auth``: parse, call the service, serialise, set cookies."""

from flask import current_app, jsonify, request
from flask_jwt_extended import (
    current_user,
    get_jwt,
    get_jwt_identity,
    jwt_required,
    set_refresh_cookies,
    unset_jwt_cookies,
    verify_jwt_in_request,
)
from flask_jwt_extended.exceptions import JWTExtendedException
from flask_smorest import Blueprint
from jwt import PyJWTError

from ..extensions import client_address, limiter
from ..models import login_key
from ..profiles.schemas import MeSchema
from . import accounts, service
from .schemas import (
    AcceptedSchema,
    AccessTokenSchema,
    EmailChangeSchema,
    LoginSchema,
    LogoutSchema,
    PasswordChangeSchema,
    PasswordResetRequestSchema,
    PasswordResetSchema,
    SignupSchema,
    TokensSchema,
    VerifyEmailSchema,
)

blp = Blueprint("auth", __name__, url_prefix="/api/auth", description="Accounts and tokens")
# The settings that need the password live under /api/me, next to the profile.
settings_blp = Blueprint("settings", __name__, url_prefix="/api/me", description="Password and email settings")

RESET_ACCEPTED = "If an account has that address, a link to reset its password is on its way."
PASSWORD_RESET = "Your password was changed. Log in with the new one."

PUBLIC = [{}]  # OpenAPI: no bearer token needed


def _login_rate_key():
    """Login attempts are counted per account and address, so one target does not lock out others."""
    body = request.get_json(silent=True)
    login = body.get("username") if isinstance(body, dict) else None
    return f"login:{client_address()}:{service.login_rate_subject(login if isinstance(login, str) else None)}"


def _tokens_response(user, status):
    access_token, refresh_token = service.issue_tokens(user)
    response = jsonify(
        TokensSchema().dump({"access_token": access_token, "refresh_token": refresh_token, "user": user})
    )
    response.status_code = status
    set_refresh_cookies(response, refresh_token)
    return response


@blp.route("/signup", methods=["POST"])
@blp.doc(security=PUBLIC)
@limiter.limit(lambda: current_app.config["SIGNUP_RATE_LIMIT"])
@blp.arguments(SignupSchema)
@blp.response(201, TokensSchema)
@blp.alt_response(409, description="Username or email already registered")
@blp.alt_response(429, description="Too many signups from this address")
def signup(data):
    """Create an account and sign in: tokens in the body, the refresh token also as a cookie."""
    return _tokens_response(accounts.signup(**data), 201)


@blp.route("/login", methods=["POST"])
@blp.doc(security=PUBLIC)
@limiter.limit(
    lambda: current_app.config["LOGIN_RATE_LIMIT"],
    key_func=_login_rate_key,
    deduct_when=lambda response: response.status_code == 401,
)
@blp.arguments(LoginSchema)
@blp.response(200, TokensSchema)
@blp.alt_response(401, description="Invalid username or password")
@blp.alt_response(403, description="`account_suspended` (with `until`) or `account_banned`")
@blp.alt_response(429, description="Too many failed attempts for this username")
def login(data):
    """Sign in with a username (or email) and password."""
    return _tokens_response(service.authenticate(data["username"], data["password"]), 200)


def _verify_refresh_token():
    """Accept the refresh token as Bearer, else from the cookie (with its CSRF header).

    ``jwt_required(locations=["headers", "cookies"])`` stops at the first token it finds, so a
    client that sends its expired access token on every call could never refresh by the cookie.
    Here a header that is not a valid refresh token gives way to the cookie when there is one.
    """
    try:
        verify_jwt_in_request(refresh=True, locations=["headers"])
    except (JWTExtendedException, PyJWTError):
        if request.cookies.get(current_app.config["JWT_REFRESH_COOKIE_NAME"]) is None:
            raise
        verify_jwt_in_request(refresh=True, locations=["cookies"])


@blp.route("/refresh", methods=["POST"])
@blp.doc(security=[{"bearerAuth": []}, {}])
@blp.response(200, AccessTokenSchema)
@blp.alt_response(401, description="Missing, invalid, expired or revoked refresh token, or missing CSRF header")
def refresh():
    """A new access token, from the refresh token as Bearer or from the cookie plus ``X-CSRF-TOKEN``."""
    _verify_refresh_token()
    return {"access_token": service.issue_access_token(get_jwt())}


@blp.route("/logout", methods=["POST"])
@jwt_required()
@blp.arguments(LogoutSchema, required=False)
@blp.response(204)
@blp.alt_response(401, description="Missing or invalid access token")
def logout(data):
    """Revoke the access token and the refresh token (from the body or the cookie)."""
    refresh_token = (data or {}).get("refresh_token") or request.cookies.get(
        current_app.config["JWT_REFRESH_COOKIE_NAME"]
    )
    service.logout(get_jwt(), refresh_token)
    response = current_app.response_class(status=204)
    unset_jwt_cookies(response)
    return response


def _reset_email_key():
    body = request.get_json(silent=True)
    email = body.get("email") if isinstance(body, dict) else None
    return f"reset:email:{login_key(email.strip()) if isinstance(email, str) else ''}"


def _account_key():
    return f"account:{get_jwt_identity()}"


@blp.route("/verify-email", methods=["POST"])
@blp.doc(security=PUBLIC)
@blp.arguments(VerifyEmailSchema)
@blp.response(200, MeSchema)
@blp.alt_response(400, description="A tampered, unknown, used or expired token (`invalid_token`)")
@blp.alt_response(409, description="The new address was taken by another account meanwhile")
def verify_email(data):
    """Follow the link mailed on signup (or on an email change): the address is verified."""
    return accounts.verify_email(data["token"])


@blp.route("/verify-email/resend", methods=["POST"])
@jwt_required()
@limiter.limit(lambda: current_app.config["VERIFY_RESEND_RATE_LIMIT"], key_func=_account_key)
@blp.response(202, AcceptedSchema)
@blp.alt_response(401, description="Not signed in")
@blp.alt_response(429, description="Too many verification mails asked for")
def resend_verification():
    """Mail a new verification link to the address that still needs confirming."""
    accounts.resend_verification(current_user)
    return {"message": "If your address still needs confirming, a new link is on its way."}


@blp.route("/password-reset", methods=["POST"])
@blp.doc(security=PUBLIC)
@limiter.limit(lambda: current_app.config["PASSWORD_RESET_RATE_LIMIT"])
@limiter.limit(lambda: current_app.config["PASSWORD_RESET_EMAIL_RATE_LIMIT"], key_func=_reset_email_key)
@blp.arguments(PasswordResetRequestSchema)
@blp.response(202, AcceptedSchema)
@blp.alt_response(429, description="Too many reset links asked for from this address or for this email")
def request_password_reset(data):
    """Mail a password reset link; the answer is the same whether or not the address has an account."""
    accounts.request_password_reset(data["email"])
    return {"message": RESET_ACCEPTED}


@blp.route("/password-reset/confirm", methods=["POST"])
@blp.doc(security=PUBLIC)
@blp.arguments(PasswordResetSchema)
@blp.response(200, AcceptedSchema)
@blp.alt_response(400, description="A tampered, unknown, used or expired token (`invalid_token`)")
def confirm_password_reset(data):
    """Set a new password from the mailed link; every earlier session of the account is signed out."""
    accounts.reset_password(data["token"], data["password"])
    return {"message": PASSWORD_RESET}


@settings_blp.route("/password", methods=["POST"])
@jwt_required()
@limiter.limit(
    lambda: current_app.config["LOGIN_RATE_LIMIT"],
    key_func=_account_key,
    deduct_when=lambda response: response.status_code == 422,
)
@settings_blp.arguments(PasswordChangeSchema)
@settings_blp.response(204)
@settings_blp.alt_response(401, description="Not signed in")
@settings_blp.alt_response(429, description="Too many wrong current passwords")
def change_password(data):
    """Change the password; the other sessions are signed out, this one stays."""
    accounts.change_password(current_user, data["current_password"], data["new_password"], get_jwt().get("sid"))
    return current_app.response_class(status=204)


@settings_blp.route("/email", methods=["POST"])
@jwt_required()
@limiter.limit(
    lambda: current_app.config["LOGIN_RATE_LIMIT"],
    key_func=_account_key,
    deduct_when=lambda response: response.status_code == 422,
)
@settings_blp.arguments(EmailChangeSchema)
@settings_blp.response(202, AcceptedSchema)
@settings_blp.alt_response(401, description="Not signed in")
@settings_blp.alt_response(409, description="Another account has that address")
@settings_blp.alt_response(429, description="Too many wrong passwords")
def change_email(data):
    """Ask to switch to a new address: it gets a verification link, the current one a notice."""
    accounts.request_email_change(current_user, data["password"], data["email"])
    return {"message": "Follow the link we sent to the new address to switch to it."}
