"""Accounts people can trust: adults only, verified email, password reset and change, email change.

The mails travel through a real SMTP server in the test process (aiosmtpd, ``smtp_server``), and
the tests follow the links in the received messages through the API.
"""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from friender.extensions import db
from friender.models import AccountToken, OutboxMail, User

from .mail import link_in, outbox_link, parts, token_of, wait_until
from .matching import create_match
from .sse import ClientStream
from .support import BIRTHDATE, NYC_PROFILE, PASSWORD

NEW_PASSWORD = "seven quiet lanterns drift"


def years_ago(years, days=0):
    today = datetime.now(UTC).date()
    try:
        day = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        day = today.replace(year=today.year - years, day=28)
    return (day + timedelta(days=days)).isoformat()


def signup(client, username="alice", **fields):
    body = {"username": username, "email": f"{username}@example.com", "password": PASSWORD, "birthdate": BIRTHDATE}
    return client.post("/api/auth/signup", json={**body, **fields})


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


# --- adults only -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "birthdate, message",
    [
        (years_ago(18, days=1), "18 or older"),  # 18 tomorrow
        (years_ago(-1), "future"),
        ("1899-12-31", "1900"),
        ("15/05/1990", "date"),
    ],
)
def test_signup_refuses_minors_and_impossible_birthdates(client, birthdate, message):
    response = signup(client, birthdate=birthdate)

    assert response.status_code == 422
    assert message in " ".join(response.get_json()["fields"]["birthdate"])
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMail)) == 0


def test_eighteen_today_may_join_and_me_shows_birthdate_age_and_the_default_range(client):
    response = signup(client, birthdate=years_ago(18))

    assert response.status_code == 201, response.get_json()
    me = response.get_json()["user"]
    assert me["birthdate"] == years_ago(18) and me["age"] == 18
    assert (me["age_min"], me["age_max"]) == (18, 99)
    assert me["email_verified"] is False


def test_an_account_without_a_birthdate_is_asked_for_it(client, make_user):
    user = make_user(profile=NYC_PROFILE)
    db.session.execute(sa.update(User).where(User.id == user.id).values(birthdate=None))  # as migrated accounts
    db.session.commit()

    me = client.get("/api/me", headers=user.headers).get_json()
    response = client.get("/api/discover", headers=user.headers)

    assert me["missing_fields"] == ["birthdate"] and me["age"] is None
    assert response.status_code == 409 and "birthdate" in response.get_json()["fields"]
    patched = client.patch("/api/me", json={"birthdate": "1988-02-29"}, headers=user.headers)
    assert patched.status_code == 200 and patched.get_json()["profile_complete"] is True


@pytest.mark.parametrize(
    "change, field",
    [
        ({"age_min": 17}, "age_min"),
        ({"age_max": 100}, "age_max"),
        ({"age_min": "30"}, "age_min"),
        ({"age_min": 40, "age_max": 30}, "age_min"),
        ({"age_max": 17}, "age_max"),
        ({"birthdate": years_ago(17)}, "birthdate"),
    ],
)
def test_age_range_edits_are_validated(client, make_user, change, field):
    user = make_user()

    response = client.patch("/api/me", json=change, headers=user.headers)

    assert response.status_code == 422
    assert field in response.get_json()["fields"]
    me = client.get("/api/me", headers=user.headers).get_json()
    assert (me["age_min"], me["age_max"], me["birthdate"]) == (18, 99, BIRTHDATE)


def test_age_range_is_saved_and_checked_against_the_other_end(client, make_user):
    user = make_user()

    assert client.patch("/api/me", json={"age_min": 25, "age_max": 35}, headers=user.headers).status_code == 200
    lower_max = client.patch("/api/me", json={"age_max": 24}, headers=user.headers)

    assert lower_max.status_code == 422 and "age_max" in lower_max.get_json()["fields"]
    me = client.get("/api/me", headers=user.headers).get_json()
    assert (me["age_min"], me["age_max"]) == (25, 35)


# --- passwords that are not guessable ------------------------------------------------------------


@pytest.mark.parametrize(
    "password, reason",
    [
        ("password", "common password"),
        ("friender123", "too easy to guess"),
        ("alice-the-great-2026", "username"),
        ("bea.smith rules the seas", "email"),
    ],
)
def test_weak_passwords_are_refused_at_signup_with_the_reason(client, password, reason):
    response = signup(client, password=password, email="bea.smith@example.com")

    assert response.status_code == 422
    assert reason in response.get_json()["fields"]["password"][0]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


# --- email verification --------------------------------------------------------------------------


def test_signup_mails_a_single_use_link_that_verifies_the_address(client, smtp_server, app):
    response = signup(client, display_name="Alice")
    assert response.status_code == 201
    access = response.get_json()["access_token"]

    (message,) = smtp_server.wait_for("alice@example.com")
    text, html = parts(message)
    link = link_in(message)
    assert link.startswith(f"{app.config['APP_BASE_URL']}/verify-email?token=")
    assert "Alice" in text and link in html
    verified = client.post("/api/auth/verify-email", json={"token": token_of(link)})

    assert verified.status_code == 200, verified.get_json()
    assert verified.get_json()["email_verified"] is True
    assert client.get("/api/me", headers=bearer(access)).get_json()["email_verified"] is True
    again = client.post("/api/auth/verify-email", json={"token": token_of(link)})
    assert again.status_code == 400 and again.get_json()["error"] == "invalid_token"


@pytest.mark.parametrize("token", ["not-a-token", "x" * 500])
def test_a_tampered_verification_token_is_refused(client, make_user, token):
    make_user("bob", verified=False)

    response = client.post("/api/auth/verify-email", json={"token": token})

    assert response.status_code == 400 and response.get_json()["error"] == "invalid_token"


def test_a_reset_token_does_not_verify_an_address(client, make_user, smtp_server):
    user = make_user("bob", verified=False)
    client.post("/api/auth/password-reset", json={"email": user.email})
    response = client.post("/api/auth/verify-email", json={"token": token_of(_reset_link(smtp_server, user.email))})

    assert response.status_code == 400 and response.get_json()["error"] == "invalid_token"


def test_an_expired_verification_link_is_refused(client, make_user, smtp_server):
    user = make_user("bob", verified=False)
    (message,) = smtp_server.wait_for(user.email)
    db.session.execute(sa.update(AccountToken).values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    db.session.commit()

    response = client.post("/api/auth/verify-email", json={"token": token_of(link_in(message))})

    assert response.status_code == 400 and response.get_json()["error"] == "invalid_token"
    assert client.get("/api/me", headers=user.headers).get_json()["email_verified"] is False


def test_smtp_down_signup_still_succeeds_and_send_pending_delivers_the_link(client, smtp_server, app):
    smtp_server.stop()
    response = signup(client)
    assert response.status_code == 201
    wait_until(lambda: _attempts("alice@example.com") == 1, "the failed delivery to be recorded")

    smtp_server.start()
    result = app.test_cli_runner().invoke(args=["mail", "send-pending"])

    assert result.exit_code == 0 and "1 sent" in result.output
    (message,) = smtp_server.wait_for("alice@example.com")
    assert client.post("/api/auth/verify-email", json={"token": token_of(link_in(message))}).status_code == 200


def _attempts(address):
    db.session.expire_all()
    return db.session.scalar(sa.select(OutboxMail.attempts).where(OutboxMail.to_address == address))


def test_resend_mails_a_new_link_and_is_rate_limited(client, make_user, smtp_server):
    user = make_user("bob", verified=False)
    smtp_server.wait_for(user.email)

    statuses = [client.post("/api/auth/verify-email/resend", headers=user.headers).status_code for _ in range(4)]

    assert statuses == [202, 202, 202, 429]
    messages = smtp_server.wait_for(user.email, count=4)
    newest = messages[-1]
    assert client.post("/api/auth/verify-email", json={"token": token_of(link_in(newest))}).status_code == 200
    assert client.post("/api/auth/verify-email/resend").status_code == 401


def test_unverified_people_are_not_discovered_and_cannot_send_until_they_verify(client, make_user, smtp_server):
    viewer = make_user("viewer", profile=NYC_PROFILE)
    unverified = make_user("unverified", profile=NYC_PROFILE, verified=False)
    for one, other in ((viewer, unverified), (unverified, viewer)):
        client.post("/api/swipes", json={"user_id": other.id, "liked": True}, headers=one.headers)
    match_id = client.get("/api/matches", headers=viewer.headers).get_json()["matches"][0]["id"]

    shown = client.get("/api/discover", headers=viewer.headers).get_json()["users"]
    refused = client.post(f"/api/matches/{match_id}/messages", json={"body": "hi"}, headers=unverified.headers)

    assert [user["id"] for user in shown] == []
    assert refused.status_code == 403 and refused.get_json()["error"] == "email_unverified"
    assert client.get(f"/api/matches/{match_id}/messages", headers=viewer.headers).get_json()["messages"] == []

    (message,) = smtp_server.wait_for(unverified.email)
    assert client.post("/api/auth/verify-email", json={"token": token_of(link_in(message))}).status_code == 200
    sent = client.post(f"/api/matches/{match_id}/messages", json={"body": "hi"}, headers=unverified.headers)
    assert sent.status_code == 201
    newcomer = make_user("newcomer", profile=NYC_PROFILE)
    assert [u["id"] for u in client.get("/api/discover", headers=newcomer.headers).get_json()["users"]] == [
        viewer.id,
        unverified.id,
    ]


# --- password reset ------------------------------------------------------------------------------


def _reset_link(smtp_server, address):
    """The link of the newest reset mail received for ``address``."""
    wait_until(lambda: any("reset-password" in link_in(m) for m in smtp_server.to(address)), "the reset mail")
    return [link_in(m) for m in smtp_server.to(address) if "reset-password" in link_in(m)][-1]


def test_reset_answers_alike_for_known_and_unknown_addresses(client, make_user, smtp_server):
    user = make_user("carol")

    known = client.post("/api/auth/password-reset", json={"email": user.email.upper()})
    unknown = client.post("/api/auth/password-reset", json={"email": "nobody@example.com"})

    assert known.status_code == unknown.status_code == 202
    assert known.get_data() == unknown.get_data()
    assert "reset-password?token=" in _reset_link(smtp_server, user.email)
    assert smtp_server.to("nobody@example.com") == []


def test_reset_sets_the_password_once_and_revokes_every_earlier_token(client, make_user, smtp_server, app):
    user = make_user("carol")
    other_session = client.post("/api/auth/login", json={"username": "carol", "password": PASSWORD}).get_json()
    client.post("/api/auth/password-reset", json={"email": user.email})
    link = _reset_link(smtp_server, user.email)
    assert link.startswith(f"{app.config['APP_BASE_URL']}/reset-password?token=")

    weak = client.post("/api/auth/password-reset/confirm", json={"token": token_of(link), "password": "password"})
    assert weak.status_code == 422 and "common password" in weak.get_json()["fields"]["password"][0]
    done = client.post("/api/auth/password-reset/confirm", json={"token": token_of(link), "password": NEW_PASSWORD})

    assert done.status_code == 200, done.get_json()
    reused = client.post("/api/auth/password-reset/confirm", json={"token": token_of(link), "password": NEW_PASSWORD})
    assert reused.status_code == 400 and reused.get_json()["error"] == "invalid_token"
    for access in (user.access_token, other_session["access_token"]):
        assert client.get("/api/me", headers=bearer(access)).status_code == 401
    for refresh in (user.refresh_token, other_session["refresh_token"]):
        assert client.post("/api/auth/refresh", headers=bearer(refresh)).status_code == 401
    assert client.post("/api/auth/login", json={"username": "carol", "password": PASSWORD}).status_code == 401
    fresh = client.post("/api/auth/login", json={"username": "carol", "password": NEW_PASSWORD})
    assert fresh.status_code == 200
    assert client.get("/api/me", headers=bearer(fresh.get_json()["access_token"])).status_code == 200


@pytest.mark.parametrize("password", ["password", "friender123"])
def test_reset_refuses_guessable_passwords_and_keeps_the_link_usable(client, make_user, smtp_server, password):
    user = make_user("carol")
    client.post("/api/auth/password-reset", json={"email": user.email})
    token = token_of(_reset_link(smtp_server, user.email))

    refused = client.post("/api/auth/password-reset/confirm", json={"token": token, "password": password})

    assert refused.status_code == 422 and refused.get_json()["fields"]["password"]
    assert client.get("/api/me", headers=user.headers).status_code == 200
    ok = client.post("/api/auth/password-reset/confirm", json={"token": token, "password": NEW_PASSWORD})
    assert ok.status_code == 200


def test_an_expired_or_tampered_reset_token_is_refused(client, make_user, smtp_server):
    user = make_user("carol")
    client.post("/api/auth/password-reset", json={"email": user.email})
    token = token_of(_reset_link(smtp_server, user.email))

    tampered = client.post(
        "/api/auth/password-reset/confirm", json={"token": token[:-2] + "xx", "password": NEW_PASSWORD}
    )
    db.session.execute(sa.update(AccountToken).values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    db.session.commit()
    expired = client.post("/api/auth/password-reset/confirm", json={"token": token, "password": NEW_PASSWORD})

    for response in (tampered, expired):
        assert response.status_code == 400 and response.get_json()["error"] == "invalid_token"
    assert client.post("/api/auth/login", json={"username": "carol", "password": PASSWORD}).status_code == 200


@pytest.mark.app_config(PASSWORD_RESET_EMAIL_RATE_LIMIT="2 per hour")
def test_reset_requests_are_limited_per_email_whether_or_not_it_has_an_account(client, make_user):
    make_user("carol")

    for address in ("carol@example.com", "nobody@example.com"):
        statuses = [client.post("/api/auth/password-reset", json={"email": address}).status_code for _ in range(3)]
        assert statuses == [202, 202, 429]


# --- settings: password and email ----------------------------------------------------------------


def test_changing_the_password_keeps_this_session_and_signs_out_the_others(client, make_user, smtp_server):
    user = make_user("dana")
    other = client.post("/api/auth/login", json={"username": "dana", "password": PASSWORD}).get_json()
    change = {"current_password": PASSWORD, "new_password": NEW_PASSWORD}

    wrong = client.post("/api/me/password", json={**change, "current_password": "not it"}, headers=user.headers)
    weak = client.post("/api/me/password", json={**change, "new_password": "friender123"}, headers=user.headers)
    done = client.post("/api/me/password", json=change, headers=user.headers)

    assert wrong.status_code == 422 and "current_password" in wrong.get_json()["fields"]
    assert weak.status_code == 422 and "new_password" in weak.get_json()["fields"]
    assert done.status_code == 204
    assert client.get("/api/me", headers=user.headers).status_code == 200
    refreshed = client.post("/api/auth/refresh", headers=bearer(user.refresh_token))
    assert refreshed.status_code == 200
    assert client.get("/api/me", headers=bearer(refreshed.get_json()["access_token"])).status_code == 200
    assert client.get("/api/me", headers=bearer(other["access_token"])).status_code == 401
    assert client.post("/api/auth/refresh", headers=bearer(other["refresh_token"])).status_code == 401
    assert client.post("/api/auth/login", json={"username": "dana", "password": NEW_PASSWORD}).status_code == 200
    notices = [m for m in smtp_server.wait_for(user.email, count=2) if "password was changed" in m["Subject"]]
    assert len(notices) == 1


@pytest.mark.app_config(EVENTS_HEARTBEAT_SECONDS=0.2)
def test_changing_the_password_ends_the_other_sessions_streams_at_once_and_keeps_this_ones(
    client, make_user, monkeypatch
):
    # No quiet revocation check during the test: only the change itself can end a stream.
    monkeypatch.setattr("friender.events.stream.REVOCATION_CHECK_SECONDS", 3600)
    user, friend = make_user(profile=NYC_PROFILE), make_user(profile=NYC_PROFILE)
    match_id = create_match(user, friend)
    other = client.post("/api/auth/login", json={"username": user.username, "password": PASSWORD}).get_json()
    this_stream = ClientStream(client.get("/api/events", headers=user.headers, buffered=False))
    other_stream = ClientStream(client.get("/api/events", headers=bearer(other["access_token"]), buffered=False))
    assert this_stream.next_event().event == "ready" and other_stream.next_event().event == "ready"

    change = {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    assert client.post("/api/me/password", json=change, headers=user.headers).status_code == 204

    assert other_stream.next_event(timeout=1).event == "token_revoked"
    with pytest.raises(StopIteration):
        other_stream.next_frame()
    sent = client.post(f"/api/matches/{match_id}/messages", json={"body": "still there?"}, headers=friend.headers)
    assert sent.status_code == 201
    delivered = this_stream.next_event(timeout=1)
    assert delivered.event == "message" and delivered.data["body"] == "still there?"
    this_stream.close()


def test_changing_the_email_switches_only_once_the_new_address_is_confirmed(client, make_user, smtp_server):
    user = make_user("erin")
    taken = make_user("frank")

    wrong = client.post("/api/me/email", json={"password": "nope", "email": "new@example.com"}, headers=user.headers)
    clash = client.post("/api/me/email", json={"password": PASSWORD, "email": taken.email}, headers=user.headers)
    asked = client.post("/api/me/email", json={"password": PASSWORD, "email": "New@Example.com"}, headers=user.headers)

    assert wrong.status_code == 422 and "password" in wrong.get_json()["fields"]
    assert clash.status_code == 409 and "email" in clash.get_json()["fields"]
    assert asked.status_code == 202
    me = client.get("/api/me", headers=user.headers).get_json()
    assert me["email"] == "erin@example.com" and me["pending_email"] == "New@Example.com"
    (confirm,) = smtp_server.wait_for("New@Example.com")
    notice = next(m for m in smtp_server.wait_for(user.email, count=2) if "changing" in m["Subject"])
    assert "New@Example.com" in parts(notice)[0]

    switched = client.post("/api/auth/verify-email", json={"token": token_of(link_in(confirm))})

    assert switched.status_code == 200
    body = switched.get_json()
    assert body["email"] == "New@Example.com" and body["pending_email"] is None and body["email_verified"] is True
    login = client.post("/api/auth/login", json={"username": "new@example.com", "password": PASSWORD})
    assert login.status_code == 200


def test_a_link_for_an_address_given_up_no_longer_switches(client, make_user, smtp_server):
    user = make_user("erin")
    client.post("/api/me/email", json={"password": PASSWORD, "email": "first@example.com"}, headers=user.headers)
    client.post("/api/me/email", json={"password": PASSWORD, "email": "second@example.com"}, headers=user.headers)
    (first,) = smtp_server.wait_for("first@example.com")

    response = client.post("/api/auth/verify-email", json={"token": token_of(link_in(first))})

    assert response.status_code == 400 and response.get_json()["error"] == "invalid_token"
    assert client.get("/api/me", headers=user.headers).get_json()["email"] == "erin@example.com"


# --- login lockout -------------------------------------------------------------------------------


def test_a_login_lockout_says_how_long_to_wait(client, make_user):
    make_user("gail")
    for _ in range(5):
        client.post("/api/auth/login", json={"username": "gail", "password": "wrong password"})

    response = client.post("/api/auth/login", json={"username": "gail", "password": PASSWORD})

    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 60
    assert response.get_json()["message"] == "Too many attempts. Please wait 1 minute and try again."


# The same address three ways: capitals, precomposed small letters, and a decomposed "a" + diaeresis
# (which the address check of signup and reset requests refuses, but a login may carry).
ANNE_SPELLINGS = ("ÄNNE@x.org", "änne@x.org", "a\u0308nne@x.org")


def _signup(client, username, email):
    body = {"username": username, "email": email, "password": PASSWORD, "birthdate": BIRTHDATE}
    return client.post("/api/auth/signup", json=body)


@pytest.mark.parametrize("other", ["änne@x.org", "Änne@X.ORG"])
def test_an_email_in_another_unicode_spelling_is_taken_and_logs_in_to_the_same_account(client, other):
    first = _signup(client, "anne", ANNE_SPELLINGS[0])
    assert first.status_code == 201
    anne_id = first.get_json()["user"]["id"]

    second = _signup(client, "anne2", other)

    assert second.status_code == 409 and second.get_json()["fields"] == {
        "email": ["An account with that email already exists."]
    }
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1
    for login in ANNE_SPELLINGS:
        response = client.post("/api/auth/login", json={"username": login, "password": PASSWORD})
        assert response.status_code == 200, login
        assert response.get_json()["user"]["id"] == anne_id


def test_a_reset_asked_in_another_spelling_goes_to_the_accounts_own_address(client):
    assert _signup(client, "anne", ANNE_SPELLINGS[0]).status_code == 201

    asked = client.post("/api/auth/password-reset", json={"email": ANNE_SPELLINGS[1]})

    assert asked.status_code == 202
    assert "reset-password?token=" in outbox_link(ANNE_SPELLINGS[0], "/reset-password")
    assert db.session.scalar(sa.select(sa.func.count()).where(OutboxMail.to_address == ANNE_SPELLINGS[1])) == 0


def test_an_email_change_to_another_spelling_of_a_taken_address_is_a_conflict(client, make_user):
    assert _signup(client, "anne", ANNE_SPELLINGS[0]).status_code == 201
    user = make_user("erin")

    clash = client.post("/api/me/email", json={"password": PASSWORD, "email": ANNE_SPELLINGS[1]}, headers=user.headers)
    own = client.post("/api/me/email", json={"password": PASSWORD, "email": "ERIN@Example.com"}, headers=user.headers)

    assert clash.status_code == 409 and "email" in clash.get_json()["fields"]
    assert own.status_code == 422 and own.get_json()["fields"] == {"email": ["That is already your address."]}


def test_an_address_whose_normal_form_outgrows_the_column_is_422(client):
    # U+FDFA is one character that NFKC turns into eighteen.
    response = _signup(client, "longkey", "\ufdfa" * 20 + "@x.org")

    assert response.status_code == 422 and "email" in response.get_json()["fields"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_the_database_refuses_a_second_account_with_the_same_login_key(make_user):
    make_user("anne")

    db.session.add(User(username="ANNE", email="other@example.com", password_hash="x", hobbies=[], interests=[]))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()
