"""HTTP layer of ``/api/auth``: parse, call the service, serialise, set cookies."""

from flask import current_app, jsonify, request
from flask_jwt_extended import (
    current_user,
    get_jwt,
    jwt_required,
    set_refresh_cookies,
    unset_jwt_cookies,
    verify_jwt_in_request,
)
from flask_jwt_extended.exceptions import JWTExtendedException
from flask_smorest import Blueprint
from jwt import PyJWTError

from ..extensions import client_address, limiter
from . import service
from .schemas import AccessTokenSchema, LoginSchema, LogoutSchema, SignupSchema, TokensSchema

blp = Blueprint("auth", __name__, url_prefix="/api/auth", description="Accounts and tokens")

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
    return _tokens_response(service.signup(**data), 201)


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
    return {"access_token": service.issue_access_token(current_user)}


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
