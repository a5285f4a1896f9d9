"""Every route that takes an object id answers 404, and leaks nothing, to a user with no right to it.

The matrix is checked against the app's URL map: a new route with an id and no entry here fails
``test_every_route_with_an_id_is_in_the_matrix``.
"""

import io
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from friender.extensions import db
from friender.models import Hangout, Photo
from tests.backend import photo_files as files
from tests.backend.mail import outbox_link, token_of
from tests.backend.support import NYC_PROFILE


class World:
    """Alice and Bob matched and talking; Alice has a photo; Carol is a stranger to all of it."""

    def __init__(self, client, make_user):
        self.alice = make_user("alice", profile=NYC_PROFILE)
        self.bob = make_user("bob", profile=NYC_PROFILE)
        self.carol = make_user("carol", profile=NYC_PROFILE)
        self.blocked_by_alice = make_user("dave", profile=NYC_PROFILE)
        upload = client.post(
            "/api/me/photos",
            data={"file": [(io.BytesIO(files.jpeg()), "secret-name.jpg")]},
            headers=self.alice.headers,
            content_type="multipart/form-data",
        )
        self.photo_id = upload.get_json()["photos"][0]["id"]
        self.storage_key = db.session.get(Photo, self.photo_id).storage_key
        client.post("/api/swipes", json={"user_id": self.bob.id, "liked": True}, headers=self.alice.headers)
        swipe = client.post("/api/swipes", json={"user_id": self.alice.id, "liked": True}, headers=self.bob.headers)
        self.match_id = swipe.get_json()["match"]["id"]
        client.post(f"/api/matches/{self.match_id}/messages", json={"body": "secret-message"}, headers=self.bob.headers)
        client.post("/api/blocks", json={"user_id": self.blocked_by_alice.id}, headers=self.alice.headers)
        start = datetime.now(UTC) + timedelta(days=1)
        option = {"starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=2)).isoformat()}
        hangout = client.post(
            f"/api/matches/{self.match_id}/hangouts",
            json={"activity": "secret-plan", "options": [option, option], "place_kind": "park"},
            headers=self.bob.headers,
        )
        self.hangout_id = hangout.get_json()["id"]
        client.post(
            f"/api/matches/{self.match_id}/hangouts/{self.hangout_id}/accept",
            json={"option_index": 1},
            headers=self.alice.headers,
        )
        self.secrets = [self.alice.email, self.storage_key, "secret-name", "secret-message", "secret-plan"]


# A valid time for a hangout proposal (past or far-off times are refused before anything else).
_START = datetime.now(UTC) + timedelta(days=1)
TOMORROW = {"starts_at": _START.isoformat(), "ends_at": (_START + timedelta(hours=1)).isoformat()}

# (method, rule) → (who asks, how the request looks) for a user who must get a 404.
MATRIX = {
    ("GET", "/api/users/<int:user_id>"): ("blocked_by_alice", lambda w: f"/api/users/{w.alice.id}", None),
    ("GET", "/api/users/<int:user_id>/photos"): (
        "blocked_by_alice",
        lambda w: f"/api/users/{w.alice.id}/photos",
        None,
    ),
    ("POST", "/api/me/photos/<int:photo_id>/confirm"): (
        "carol",
        lambda w: f"/api/me/photos/{w.photo_id}/confirm",
        None,
    ),
    ("GET", "/api/me/photos/<int:photo_id>/download"): (
        "carol",
        lambda w: f"/api/me/photos/{w.photo_id}/download",
        None,
    ),
    ("DELETE", "/api/me/photos/<int:photo_id>"): ("carol", lambda w: f"/api/me/photos/{w.photo_id}", None),
    ("DELETE", "/api/matches/<int:match_id>"): ("carol", lambda w: f"/api/matches/{w.match_id}", None),
    ("GET", "/api/matches/<int:match_id>/messages"): ("carol", lambda w: f"/api/matches/{w.match_id}/messages", None),
    ("POST", "/api/matches/<int:match_id>/messages"): (
        "carol",
        lambda w: f"/api/matches/{w.match_id}/messages",
        {"body": "let me in"},
    ),
    ("POST", "/api/matches/<int:match_id>/read"): ("carol", lambda w: f"/api/matches/{w.match_id}/read", None),
    ("POST", "/api/matches/<int:match_id>/typing"): ("carol", lambda w: f"/api/matches/{w.match_id}/typing", None),
    ("GET", "/api/matches/<int:match_id>/hangouts"): ("carol", lambda w: f"/api/matches/{w.match_id}/hangouts", None),
    ("POST", "/api/matches/<int:match_id>/hangouts"): (
        "carol",
        lambda w: f"/api/matches/{w.match_id}/hangouts",
        {
            "activity": "let me in",
            "options": [TOMORROW],
            "place_kind": "cafe",
        },
    ),
    ("POST", "/api/matches/<int:match_id>/hangouts/<int:hangout_id>/accept"): (
        "carol",
        lambda w: f"/api/matches/{w.match_id}/hangouts/{w.hangout_id}/accept",
        {"option_index": 0},
    ),
    ("POST", "/api/matches/<int:match_id>/hangouts/<int:hangout_id>/decline"): (
        "carol",
        lambda w: f"/api/matches/{w.match_id}/hangouts/{w.hangout_id}/decline",
        None,
    ),
    ("POST", "/api/matches/<int:match_id>/hangouts/<int:hangout_id>/cancel"): (
        "carol",
        lambda w: f"/api/matches/{w.match_id}/hangouts/{w.hangout_id}/cancel",
        None,
    ),
    ("POST", "/api/matches/<int:match_id>/hangouts/<int:hangout_id>/we-met"): (
        "carol",
        lambda w: f"/api/matches/{w.match_id}/hangouts/{w.hangout_id}/we-met",
        None,
    ),
    ("GET", "/api/matches/<int:match_id>/hangouts/<int:hangout_id>.ics"): (
        "carol",
        lambda w: f"/api/matches/{w.match_id}/hangouts/{w.hangout_id}.ics",
        None,
    ),
    # Carol never blocked Dave; Alice did, and her block must stay.
    ("DELETE", "/api/blocks/<int:user_id>"): ("carol", lambda w: f"/api/blocks/{w.blocked_by_alice.id}", None),
    # Moderation routes do not exist for anyone but moderators, whatever the body says.
    ("GET", "/api/moderation/cases/<int:user_id>"): ("carol", lambda w: f"/api/moderation/cases/{w.alice.id}", None),
    ("POST", "/api/moderation/cases/<int:user_id>/actions"): (
        "bob",
        lambda w: f"/api/moderation/cases/{w.alice.id}/actions",
        {"action": "remove_photo", "note": "mine now", "photo_id": 1},
    ),
}


def routes_with_ids(app):
    return {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if "<int:" in rule.rule
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def test_every_route_with_an_id_is_in_the_matrix(app):
    assert routes_with_ids(app) == set(MATRIX)


@pytest.mark.parametrize("route", sorted(MATRIX), ids=lambda route: " ".join(route))
def test_someone_without_rights_gets_404_and_no_data(client, make_user, route):
    world = World(client, make_user)
    who, path, body = MATRIX[route]
    method = route[0]

    response = client.open(path(world), method=method, json=body, headers=getattr(world, who).headers)

    assert response.status_code == 404, response.get_json()
    assert response.get_json()["error"] == "not_found"
    text = response.get_data(as_text=True)
    for secret in world.secrets:
        assert secret not in text
    db.session.remove()
    assert db.session.get(Photo, world.photo_id) is not None
    assert db.session.scalar(sa.text("SELECT count(*) FROM matches")) == 1
    assert db.session.scalar(sa.text("SELECT count(*) FROM messages WHERE read_at IS NULL")) == 1
    hangouts = db.session.execute(sa.select(Hangout.id, Hangout.status, Hangout.accepted_option)).all()
    assert hangouts == [(world.hangout_id, "accepted", 1)]
    assert db.session.scalar(sa.text("SELECT count(*) FROM blocks")) == 1
    assert db.session.scalar(sa.text("SELECT count(*) FROM moderation_actions")) == 0


def test_reordering_with_someone_elses_photo_id_is_404_and_changes_nothing(client, make_user):
    world = World(client, make_user)
    own = client.post(
        "/api/me/photos",
        data={"file": [(io.BytesIO(files.jpeg()), "mine.jpg")]},
        headers=world.carol.headers,
        content_type="multipart/form-data",
    ).get_json()["photos"][0]["id"]

    response = client.put(
        "/api/me/photos/order", json={"photo_ids": [world.photo_id, own]}, headers=world.carol.headers
    )

    assert response.status_code == 404
    assert db.session.get(Photo, world.photo_id).user_id == world.alice.id


def test_account_routes_act_only_on_the_callers_own_account(client, make_user):
    """The settings routes take no id: each checks the caller's own password and changes only the
    caller; a mailed token acts on the account it was made for, whoever presents it."""
    world = World(client, make_user)
    carol, alice = world.carol, world.alice
    stranger = make_user("erin", verified=False)

    wrong_account = client.post(
        "/api/me/password",
        json={"current_password": alice.password + "!", "new_password": "seven quiet lanterns drift"},
        headers=carol.headers,
    )
    taken = client.post("/api/me/email", json={"password": carol.password, "email": alice.email}, headers=carol.headers)
    fred = make_user("fred", verified=False)
    fred_token = token_of(outbox_link(fred.email, "/verify-email"))
    used_by_stranger = client.post("/api/auth/verify-email", json={"token": fred_token}, headers=stranger.headers)
    alice_token = token_of(outbox_link(alice.email, "/verify-email"))
    replay = client.post("/api/auth/verify-email", json={"token": alice_token}, headers=stranger.headers)
    not_a_member = client.post(
        f"/api/matches/{world.match_id}/messages", json={"body": "let me in"}, headers=stranger.headers
    )

    assert wrong_account.status_code == 422 and "current_password" in wrong_account.get_json()["fields"]
    assert taken.status_code == 409
    assert used_by_stranger.status_code == 200 and used_by_stranger.get_json()["id"] == fred.id
    assert client.get("/api/me", headers=fred.headers).get_json()["email_verified"] is True
    assert replay.status_code == 400 and replay.get_json()["error"] == "invalid_token"  # already used by Alice
    assert not_a_member.status_code == 404  # membership first: an unverified stranger learns nothing
    assert client.post("/api/auth/login", json={"username": "alice", "password": alice.password}).status_code == 200
    me = client.get("/api/me", headers=stranger.headers).get_json()
    assert me["email_verified"] is False and me["email"] == stranger.email
    assert client.get("/api/me", headers=alice.headers).get_json()["email"] == alice.email
