"""Accounts and tokens: signup, login, refresh, logout, expiry, rate limits."""

import concurrent.futures
from datetime import UTC, datetime, timedelta

import jwt as pyjwt
import pytest
import requests
import time_machine
from flask_jwt_extended import create_access_token

from .processes import AppProcess
from .support import BIRTHDATE, PASSWORD


def signup(client, username="alice", email=None, password=PASSWORD, **extra):
    body = {"username": username, "email": email or f"{username}@example.com", "password": password}
    return client.post("/api/auth/signup", json={**body, "birthdate": BIRTHDATE, **extra})


def test_signup_returns_tokens_whose_sub_is_the_user_id_as_a_string(client, app):
    response = signup(client, display_name="Alice")

    assert response.status_code == 201
    body = response.get_json()
    user = body["user"]
    assert user["username"] == "alice" and user["email"] == "alice@example.com"
    assert user["display_name"] == "Alice"
    assert user["profile_complete"] is False
    assert "password" not in str(body["user"]) and "hash" not in str(body["user"])
    claims = pyjwt.decode(body["access_token"], app.config["JWT_SECRET_KEY"], algorithms=["HS256"])
    assert claims["sub"] == str(user["id"])
    assert isinstance(claims["sub"], str)
    assert claims["type"] == "access"
    refresh_claims = pyjwt.decode(body["refresh_token"], app.config["JWT_SECRET_KEY"], algorithms=["HS256"])
    assert refresh_claims["sub"] == str(user["id"]) and refresh_claims["type"] == "refresh"
    assert claims["exp"] - claims["iat"] == 15 * 60
    assert refresh_claims["exp"] - refresh_claims["iat"] == 7 * 24 * 3600


def test_signup_sets_httponly_strict_refresh_cookie_and_csrf_cookie(client):
    response = signup(client)

    cookies = response.headers.getlist("Set-Cookie")
    refresh = next(c for c in cookies if c.startswith("refresh_token_cookie="))
    csrf = next(c for c in cookies if c.startswith("csrf_refresh_token="))
    assert "HttpOnly" in refresh and "SameSite=Strict" in refresh and "Path=/api/auth" in refresh
    assert "Secure" not in refresh  # Secure in production only
    assert "HttpOnly" not in csrf  # the browser app must read it


@pytest.mark.parametrize(
    "first, second",
    [
        ({"username": "alice", "email": "a@example.com"}, {"username": "ALICE", "email": "other@example.com"}),
        ({"username": "alice", "email": "a@example.com"}, {"username": "bob", "email": "A@Example.COM"}),
    ],
)
def test_duplicate_username_or_email_in_other_case_is_a_conflict(client, first, second):
    assert signup(client, **first).status_code == 201

    response = signup(client, **second)

    assert response.status_code == 409
    body = response.get_json()
    assert body["error"] == "conflict"
    assert set(body["fields"]) <= {"username", "email"} and body["fields"]


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"username": "ab"}, "username"),
        ({"username": "a" * 31}, "username"),
        ({"username": "bad name!"}, "username"),
        ({"email": "not-an-email"}, "email"),
        ({"password": "short"}, "password"),
        ({"password": "x" * 129}, "password"),
        ({"display_name": ""}, "display_name"),
        ({"is_admin": True}, "is_admin"),
    ],
)
def test_invalid_signup_is_422_with_the_field_named(client, app, payload, field):
    body = {"username": "valid_name", "email": "valid@example.com", "password": PASSWORD, "birthdate": BIRTHDATE}

    response = client.post("/api/auth/signup", json={**body, **payload})

    assert response.status_code == 422
    assert response.get_json()["error"] == "validation_error"
    assert field in response.get_json()["fields"]
    assert client.post("/api/auth/login", json={"username": "valid_name", "password": PASSWORD}).status_code == 401


def test_missing_fields_and_non_json_body_are_422(client):
    response = client.post("/api/auth/signup", json={})
    assert response.status_code == 422
    assert {"username", "email", "password", "birthdate"} <= set(response.get_json()["fields"])

    response = client.post("/api/auth/signup", data="not json", content_type="application/json")
    assert response.status_code in (400, 422)
    assert "error" in response.get_json()


def test_login_by_username_and_by_email_any_case(client, make_user):
    user = make_user("carol")

    for login in ("carol", "CAROL", "carol@example.com", "Carol@Example.com"):
        response = client.post("/api/auth/login", json={"username": login, "password": user.password})
        assert response.status_code == 200, login
        assert response.get_json()["user"]["id"] == user.id
        assert response.get_json()["access_token"]


def test_long_passwords_are_not_truncated(client, make_user):
    prefix = "violet tugboats hum beneath the harbour " * 3  # 120 characters, past bcrypt's 72 bytes
    long_password = prefix + "A"
    make_user("longpw", password=long_password)

    wrong = client.post("/api/auth/login", json={"username": "longpw", "password": prefix + "B"})
    right = client.post("/api/auth/login", json={"username": "longpw", "password": long_password})

    assert wrong.status_code == 401
    assert right.status_code == 200


def test_unknown_user_and_wrong_password_get_the_same_401(client, make_user):
    make_user("dave")

    wrong_password = client.post("/api/auth/login", json={"username": "dave", "password": "wrong password"})
    unknown_user = client.post("/api/auth/login", json={"username": "nobody", "password": "wrong password"})

    assert wrong_password.status_code == unknown_user.status_code == 401
    assert wrong_password.get_json() == unknown_user.get_json()
    assert wrong_password.get_json()["error"] == "unauthorized"


def test_the_sixth_rapid_failed_login_is_rate_limited_for_that_username_only(client, make_user):
    victim = make_user("erin")
    other = make_user("frank")

    statuses = [
        client.post("/api/auth/login", json={"username": "erin", "password": "wrong password"}).status_code
        for _ in range(6)
    ]

    assert statuses == [401] * 5 + [429]
    limited = client.post("/api/auth/login", json={"username": "erin", "password": victim.password})
    assert limited.status_code == 429
    assert limited.get_json()["error"] == "rate_limited"
    assert client.post("/api/auth/login", json={"username": "frank", "password": other.password}).status_code == 200


def test_failed_logins_by_username_and_by_email_share_one_allowance(client, make_user):
    victim = make_user("gina")

    statuses = [
        client.post("/api/auth/login", json={"username": login, "password": "wrong password"}).status_code
        for login in ["gina", "GINA@example.com", "gina", "gina@example.com", "Gina", "gina@EXAMPLE.com"]
    ]

    assert statuses == [401] * 5 + [429]
    by_email = client.post("/api/auth/login", json={"username": victim.email, "password": victim.password})
    assert by_email.status_code == 429


@pytest.mark.app_config(SIGNUP_RATE_LIMIT="2 per hour")
def test_signups_per_address_are_limited(client):
    statuses = [signup(client, username=f"limited{i}").status_code for i in range(3)]

    assert statuses == [201, 201, 429]
    assert signup(client, username="limited9").get_json()["error"] == "rate_limited"


def test_expired_access_token_is_401_token_expired(client, app, make_user):
    user = make_user()
    expired = create_access_token(identity=str(user.id), expires_delta=timedelta(seconds=-1))

    response = client.get("/api/me", headers={"Authorization": f"Bearer {expired}"})

    assert response.status_code == 401
    assert response.get_json() == {"error": "token_expired", "message": "Token has expired"}


def _counting_token_decodes(monkeypatch):
    decodes = []
    original = pyjwt.decode
    monkeypatch.setattr(pyjwt, "decode", lambda *args, **kwargs: decodes.append(args) or original(*args, **kwargs))
    return decodes


def test_a_token_is_verified_once_and_refused_from_the_moment_it_expires(client, make_user, monkeypatch):
    user = make_user()
    with time_machine.travel(datetime.now(UTC), tick=False) as traveller:
        first = client.get("/api/me", headers=user.headers)
        decodes = _counting_token_decodes(monkeypatch)
        again = client.get("/api/me", headers=user.headers)
        assert (first.status_code, again.status_code, decodes) == (200, 200, [])

        traveller.shift(timedelta(minutes=15, seconds=1))  # JWT_ACCESS_TOKEN_EXPIRES is 15 minutes
        expired = client.get("/api/me", headers=user.headers)

    assert expired.status_code == 401 and expired.get_json()["error"] == "token_expired"


def test_a_verified_token_is_checked_again_under_a_new_signing_key(client, app, make_user):
    user = make_user()
    assert client.get("/api/me", headers=user.headers).status_code == 200

    app.config["JWT_SECRET_KEY"] = "another-signing-key-that-is-long-enough-for-hs256"

    refused = client.get("/api/me", headers=user.headers)
    assert refused.status_code == 401 and refused.get_json()["error"] == "unauthorized"


def test_a_verified_token_is_refused_once_its_session_is_signed_out(client, make_user):
    user = make_user()
    assert client.get("/api/me", headers=user.headers).status_code == 200

    assert client.post("/api/auth/logout", headers=user.headers).status_code in (200, 204)

    assert client.get("/api/me", headers=user.headers).status_code == 401


def test_tampered_token_is_401(client, make_user):
    user = make_user()
    header, payload, signature = user.access_token.split(".")
    tampered = f"{header}.{payload}.{signature[:-4]}AAAA"
    other_key = pyjwt.encode({"sub": str(user.id), "type": "access", "jti": "x"}, "another-key" * 4, algorithm="HS256")

    for token in (tampered, other_key, "not-a-jwt"):
        response = client.get("/api/me", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401
        assert response.get_json()["error"] == "unauthorized"


def test_missing_token_is_401_json(client):
    response = client.get("/api/me")

    assert response.status_code == 401
    assert response.get_json()["error"] == "unauthorized"


def test_refresh_token_cannot_be_used_as_access_token(client, make_user):
    user = make_user()

    response = client.get("/api/me", headers={"Authorization": f"Bearer {user.refresh_token}"})

    assert response.status_code == 401


def test_refresh_with_bearer_refresh_token(client, app, make_user):
    user = make_user()

    response = client.post("/api/auth/refresh", headers={"Authorization": f"Bearer {user.refresh_token}"})

    assert response.status_code == 200
    new_access = response.get_json()["access_token"]
    assert client.get("/api/me", headers={"Authorization": f"Bearer {new_access}"}).get_json()["id"] == user.id
    access_as_refresh = client.post("/api/auth/refresh", headers={"Authorization": f"Bearer {user.access_token}"})
    assert access_as_refresh.status_code == 401


def test_refresh_through_cookie_needs_the_csrf_header(client, app):
    signup(client, username="cookie_user")
    csrf = client.get_cookie("csrf_refresh_token", path="/")
    assert client.get_cookie("refresh_token_cookie", path="/api/auth") is not None

    without_header = client.post("/api/auth/refresh")
    with_wrong_header = client.post("/api/auth/refresh", headers={"X-CSRF-TOKEN": "wrong"})
    with_header = client.post("/api/auth/refresh", headers={"X-CSRF-TOKEN": csrf.value})

    assert without_header.status_code == 401
    assert without_header.get_json()["error"] == "unauthorized"
    assert with_wrong_header.status_code == 401
    assert with_header.status_code == 200
    access = with_header.get_json()["access_token"]
    assert client.get("/api/me", headers={"Authorization": f"Bearer {access}"}).status_code == 200


def test_refresh_by_cookie_works_when_the_client_also_sends_its_access_token(client, app):
    # Clients that put their (expired) access token on every call must still refresh by the cookie.
    body = signup(client, username="bearer_everywhere").get_json()
    csrf = client.get_cookie("csrf_refresh_token", path="/").value
    expired = create_access_token(identity=str(body["user"]["id"]), expires_delta=timedelta(seconds=-1))

    for token in (expired, body["access_token"]):
        response = client.post("/api/auth/refresh", headers={"Authorization": f"Bearer {token}", "X-CSRF-TOKEN": csrf})
        assert response.status_code == 200, response.get_json()

    no_csrf = client.post("/api/auth/refresh", headers={"Authorization": f"Bearer {expired}"})
    assert no_csrf.status_code == 401


def test_logout_revokes_access_and_refresh_tokens(client, make_user):
    user = make_user()

    response = client.post("/api/auth/logout", headers=user.headers, json={"refresh_token": user.refresh_token})

    assert response.status_code == 204
    me = client.get("/api/me", headers=user.headers)
    assert me.status_code == 401
    assert me.get_json()["error"] == "token_revoked"
    refreshed = client.post("/api/auth/refresh", headers={"Authorization": f"Bearer {user.refresh_token}"})
    assert refreshed.status_code == 401
    assert refreshed.get_json()["error"] == "token_revoked"


def test_logout_revokes_the_refresh_cookie_and_clears_it(client):
    body = signup(client, username="cookie_logout").get_json()
    csrf = client.get_cookie("csrf_refresh_token", path="/").value

    response = client.post("/api/auth/logout", headers={"Authorization": f"Bearer {body['access_token']}"})

    assert response.status_code == 204
    assert any(c.startswith("refresh_token_cookie=;") for c in response.headers.getlist("Set-Cookie"))
    replay = client.post(
        "/api/auth/refresh",
        headers={"Authorization": f"Bearer {body['refresh_token']}", "X-CSRF-TOKEN": csrf},
    )
    assert replay.status_code == 401
    assert replay.get_json()["error"] == "token_revoked"


def test_logout_cannot_revoke_another_users_refresh_token(client, make_user):
    alice, bob = make_user(), make_user()

    client.post("/api/auth/logout", headers=alice.headers, json={"refresh_token": bob.refresh_token})

    assert client.post("/api/auth/refresh", headers={"Authorization": f"Bearer {bob.refresh_token}"}).status_code == 200


@pytest.mark.parametrize("path", ["/api/auth/login", "/api/auth/signup"])
def test_a_nul_character_is_422_not_a_database_error(client, path):
    body = {"username": "nul\x00name", "email": "nul@example.com", "password": PASSWORD}

    response = client.post(path, json=body)

    assert response.status_code == 422
    assert "username" in response.get_json()["fields"]


def test_a_burst_of_signups_hashes_in_a_bounded_pool_holding_no_connection_while_others_are_answered(
    app, database_url, tmp_path, make_user
):
    """20 signups at bcrypt's production cost in a gevent worker with BLOCKING_POOL_THREADS=2.

    The worker counts its hashing (``hashing_probe``): never more than two hashes run at once, and
    no signup holds a database connection while it waits for one (it hashes before its first
    query), so a burst cannot drain the connection pool. Meanwhile ping, health (the database)
    and a signed-in request are answered before the burst is through.
    """
    existing = make_user()
    server = AppProcess(
        {
            "FRIENDER_ENV": "production",  # bcrypt cost 12, as deployed
            "JWT_SECRET_KEY": app.config["JWT_SECRET_KEY"],
            "DATABASE_URL": database_url,
            "SIGNUP_RATE_LIMIT": "1000 per hour",
            "BLOCKING_POOL_THREADS": "2",
            "MAIL_OUTBOX_DIR": str(tmp_path / "outbox"),
            "LOCAL_STORAGE_DIR": str(tmp_path / "uploads"),
        },
        app="tests.backend.hashing_probe:create_app()",
    )

    def signup_over_http(number):
        body = {"username": f"burst{number}", "email": f"burst{number}@example.com", "password": PASSWORD}
        return requests.post(f"{server.base_url}/api/auth/signup", json={**body, "birthdate": BIRTHDATE}, timeout=120)

    try:
        server.wait_until_serving()
        with concurrent.futures.ThreadPoolExecutor(20) as pool:
            signups = [pool.submit(signup_over_http, number) for number in range(20)]
            concurrent.futures.wait(signups, return_when=concurrent.futures.FIRST_COMPLETED)
            answers = [
                requests.get(f"{server.base_url}{path}", headers=existing.headers, timeout=30)
                for path in ("/api/ping", "/api/health", "/api/me")
            ]
            still_queued = sum(not signup.done() for signup in signups)
            statuses = [signup.result().status_code for signup in signups]
        hashing = requests.get(f"{server.base_url}/_probe/hashing", timeout=30).json()
    finally:
        server.stop()

    assert statuses == [201] * 20
    assert hashing["hashes"] == 20
    assert hashing["most_at_once"] <= 2  # BLOCKING_POOL_THREADS, not the hub's pool of 10
    assert hashing["queued_holding_a_connection"] == 0
    assert [answer.status_code for answer in answers] == [200, 200, 200]
    assert answers[2].json()["id"] == existing.id
    assert still_queued > 0  # all three were answered before the burst had been hashed
