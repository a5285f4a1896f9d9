"""POST /api/blocks and POST /api/reports."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from friender.extensions import db
from friender.models import Block, Match, Message, Report

from .support import NYC_PROFILE


def count(model, *where):
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def block(client, user, target_id):
    return client.post("/api/blocks", json={"user_id": target_id}, headers=user.headers)


def test_block_removes_the_match_and_hides_both_everywhere(client, make_user):
    alice = make_user(profile=NYC_PROFILE)
    bob = make_user(profile=NYC_PROFILE)
    carol = make_user(profile=NYC_PROFILE)
    client.post("/api/swipes", json={"user_id": bob.id, "liked": True}, headers=alice.headers)
    match = client.post("/api/swipes", json={"user_id": alice.id, "liked": True}, headers=bob.headers).get_json()
    db.session.add(Message(match_id=match["match"]["id"], sender_id=bob.id, body="hello"))
    db.session.commit()

    response = block(client, alice, bob.id)

    assert response.status_code == 201
    assert response.get_json()["user_id"] == bob.id and response.get_json()["created_at"].endswith("Z")
    assert count(Match) == 0 and count(Message) == 0
    for me, them in ((alice, bob), (bob, alice)):
        assert client.get("/api/matches", headers=me.headers).get_json() == {"matches": []}
        assert client.get(f"/api/users/{them.id}", headers=me.headers).status_code == 404
        assert [user["id"] for user in client.get("/api/discover", headers=me.headers).get_json()["users"]] == [
            carol.id
        ]
    swiped = client.post("/api/swipes", json={"user_id": alice.id, "liked": False}, headers=bob.headers)
    assert swiped.status_code == 404  # a user cannot swipe someone who blocked them
    assert client.get(f"/api/users/{carol.id}", headers=alice.headers).status_code == 200


def test_block_statuses(client, make_user):
    alice, bob = make_user(), make_user()

    assert block(client, alice, alice.id).status_code == 422
    assert block(client, alice, 987654).status_code == 404
    assert client.post("/api/blocks", json={"user_id": "x"}, headers=alice.headers).status_code == 422
    assert client.post("/api/blocks", json={"user_id": bob.id}).status_code == 401
    assert block(client, bob, alice.id).status_code == 201
    assert block(client, alice, bob.id).status_code == 201  # blocking back reveals nothing
    again = block(client, alice, bob.id)
    assert again.status_code == 409 and again.get_json()["error"] == "conflict"
    assert count(Block) == 2


def report(client, user, target_id, reason="Rude messages"):
    return client.post("/api/reports", json={"user_id": target_id, "reason": reason}, headers=user.headers)


def test_report_is_stored_for_moderation_once(client, make_user):
    alice, bob = make_user(), make_user()

    response = report(client, alice, bob.id, "  Spam links  ")

    assert response.status_code == 201
    body = response.get_json()
    assert body["user_id"] == bob.id and body["reason"] == "Spam links" and body["created_at"].endswith("Z")
    db.session.expire_all()
    stored = db.session.scalars(sa.select(Report)).one()
    assert (stored.reporter_id, stored.reported_id, stored.reason) == (alice.id, bob.id, "Spam links")
    assert stored.created_at is not None
    again = report(client, alice, bob.id, "Still spamming")
    assert again.status_code == 409 and again.get_json()["error"] == "conflict"
    assert report(client, bob, alice.id).status_code == 201
    assert count(Report) == 2


@pytest.mark.parametrize(
    "body",
    [
        {"user_id": 1},
        {"reason": "x"},
        {"user_id": 1, "reason": ""},
        {"user_id": 1, "reason": "   "},
        {"user_id": 1, "reason": "x" * 1001},
        {"user_id": "1", "reason": "x"},
    ],
)
def test_bad_report_bodies_are_422(client, make_user, body):
    alice = make_user()

    response = client.post("/api/reports", json=body, headers=alice.headers)

    assert response.status_code == 422
    assert count(Report) == 0


def test_report_statuses(client, make_user):
    alice, bob = make_user(), make_user()

    assert report(client, alice, alice.id).status_code == 422
    assert report(client, alice, 987654).status_code == 404
    assert client.post("/api/reports", json={"user_id": bob.id, "reason": "x"}).status_code == 401
    block(client, bob, alice.id)
    assert report(client, alice, bob.id).status_code == 201  # blocked people can still be reported
    assert count(Report) == 0 + 1


def test_a_block_racing_the_matching_yes_always_ends_blocked_with_no_match(app, make_user):
    """A's Yes is stored; B's Yes and A's block arrive at the same instant, many times over.

    Whichever commits first, the end state must be "blocked, no match" on every database.
    """
    rounds = 30
    pairs = [(make_user(), make_user()) for _ in range(rounds)]
    setup = app.test_client()
    for alice, bob in pairs:
        assert (
            setup.post("/api/swipes", json={"user_id": bob.id, "liked": True}, headers=alice.headers).status_code == 201
        )
    barriers = [threading.Barrier(2, timeout=30) for _ in pairs]

    def at_once(index, request):
        client = app.test_client()
        barriers[index].wait()
        return request(client).status_code

    def bob_says_yes(alice, bob):
        return lambda client: client.post("/api/swipes", json={"user_id": alice.id, "liked": True}, headers=bob.headers)

    def alice_blocks(alice, bob):
        return lambda client: block(client, alice, bob.id)

    with ThreadPoolExecutor(max_workers=8) as pool:
        futures = [
            (
                pool.submit(at_once, index, bob_says_yes(alice, bob)),
                pool.submit(at_once, index, alice_blocks(alice, bob)),
            )
            for index, (alice, bob) in enumerate(pairs)
        ]
        statuses = [(yes.result(), blocked.result()) for yes, blocked in futures]

    assert [pair for pair in statuses if pair[0] not in (201, 404) or pair[1] != 201] == []
    assert count(Match) == 0
    assert count(Block) == rounds
    for alice, bob in pairs:
        for me in (alice, bob):
            assert setup.get("/api/matches", headers=me.headers).get_json() == {"matches": []}
        assert block(setup, alice, bob.id).status_code == 409
