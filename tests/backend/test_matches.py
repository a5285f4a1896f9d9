"""POST /api/swipes, GET /api/matches, DELETE /api/matches/{id}."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from friender.extensions import db
from friender.models import Match, Message, Swipe

from .support import NYC_PROFILE


def swipe(client, user, target_id, liked=True):
    return client.post("/api/swipes", json={"user_id": target_id, "liked": liked}, headers=user.headers)


def matches_of(client, user):
    response = client.get("/api/matches", headers=user.headers)
    assert response.status_code == 200
    return response.get_json()["matches"]


def count(model, *where):
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def test_swipe_statuses(client, make_user):
    me = make_user(profile=NYC_PROFILE)
    other = make_user(profile=NYC_PROFILE)

    first = swipe(client, me, other.id, liked=False)
    assert first.status_code == 201 and first.get_json() == {"match": None}

    again = swipe(client, me, other.id, liked=True)
    assert again.status_code == 409 and again.get_json()["error"] == "conflict"

    myself = swipe(client, me, me.id)
    assert myself.status_code == 422 and "user_id" in myself.get_json()["fields"]

    unknown = swipe(client, me, 987654)
    assert unknown.status_code == 404 and unknown.get_json()["error"] == "not_found"

    assert count(Swipe) == 1
    assert count(Swipe, Swipe.swiper_id == me.id, Swipe.liked.is_(False)) == 1


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"user_id": 2},
        {"liked": True},
        {"user_id": "2", "liked": True},
        {"user_id": 2, "liked": "yes"},
        {"user_id": 2, "liked": 1},
        {"user_id": 2, "liked": True, "extra": 1},
    ],
)
def test_bad_swipe_bodies_are_422_and_store_nothing(client, make_user, body):
    me = make_user()

    response = client.post("/api/swipes", json=body, headers=me.headers)

    assert response.status_code == 422
    assert response.get_json()["error"] == "validation_error"
    assert count(Swipe) == 0


def test_swipes_and_matches_need_a_token(client):
    assert client.post("/api/swipes", json={"user_id": 1, "liked": True}).status_code == 401
    assert client.get("/api/matches").status_code == 401
    assert client.delete("/api/matches/1").status_code == 401


def test_one_sided_yes_makes_no_match_and_the_second_yes_does(client, make_user):
    alice = make_user(profile=NYC_PROFILE)
    bob = make_user(profile={**NYC_PROFILE, "hobbies": ["chess", "Running"], "zip_code": "11201"})

    assert swipe(client, alice, bob.id).get_json() == {"match": None}
    assert matches_of(client, alice) == [] and matches_of(client, bob) == []

    response = swipe(client, bob, alice.id)

    assert response.status_code == 201
    match = response.get_json()["match"]
    assert match["user"]["id"] == alice.id and match["user"]["username"] == alice.username
    assert match["user"]["shared_interests"] == ["Chess", "Jazz"] and match["user"]["distance_miles"] == 5
    assert match["matched_at"].endswith("Z")
    assert match["last_message"] is None and match["unread_count"] == 0
    assert "email" not in match["user"] and "zip_code" not in match["user"]
    [seen_by_alice] = matches_of(client, alice)
    [seen_by_bob] = matches_of(client, bob)
    assert seen_by_alice["id"] == seen_by_bob["id"] == match["id"]
    assert seen_by_alice["user"]["id"] == bob.id and seen_by_bob["user"]["id"] == alice.id
    assert count(Match) == 1


def test_a_no_on_either_side_makes_no_match(client, make_user):
    alice, bob, carol = make_user(), make_user(), make_user()
    swipe(client, alice, bob.id, liked=False)
    swipe(client, carol, alice.id, liked=True)

    assert swipe(client, bob, alice.id).get_json() == {"match": None}
    assert swipe(client, alice, carol.id, liked=False).get_json() == {"match": None}
    assert count(Match) == 0


def test_matches_are_newest_activity_first_in_one_query(app, client, make_user):
    me = make_user(profile=NYC_PROFILE)
    friends = [make_user(profile=NYC_PROFILE) for _ in range(4)]
    for friend in friends[:1]:
        swipe(client, friend, me.id)
        swipe(client, me, friend.id)
    statements = []

    def record(*_args):
        statements.append(1)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    matches_of(client, me)
    with_one = len(statements)
    for friend in friends[1:]:
        swipe(client, friend, me.id)
        swipe(client, me, friend.id)
    statements.clear()
    listed = matches_of(client, me)
    sa.event.remove(db.engine, "before_cursor_execute", record)

    assert len(statements) == with_one  # no query per match
    assert [match["user"]["id"] for match in listed] == [friend.id for friend in reversed(friends)]

    # A message bumps a match's activity (the messaging service does this); it moves to the top.
    oldest = db.session.get(Match, listed[-1]["id"])
    oldest.last_activity_at = datetime.now(UTC) + timedelta(minutes=1)
    db.session.commit()
    assert [match["user"]["id"] for match in matches_of(client, me)][0] == friends[0].id


def test_unmatch_removes_the_match_and_conversation_for_both(client, make_user):
    alice, bob, carol, dave = (make_user(profile=NYC_PROFILE) for _ in range(4))
    for first, second in ((alice, bob), (carol, dave)):
        swipe(client, first, second.id)
        swipe(client, second, first.id)
    alice_bob = matches_of(client, alice)[0]["id"]
    carol_dave = matches_of(client, carol)[0]["id"]
    db.session.add(Message(match_id=alice_bob, sender_id=alice.id, body="hi"))
    db.session.commit()

    assert client.delete(f"/api/matches/{carol_dave}", headers=alice.headers).status_code == 404
    assert client.delete("/api/matches/987654", headers=alice.headers).status_code == 404
    assert len(matches_of(client, carol)) == 1

    response = client.delete(f"/api/matches/{alice_bob}", headers=bob.headers)

    assert response.status_code == 204
    assert matches_of(client, alice) == [] and matches_of(client, bob) == []
    assert count(Message) == 0
    assert client.delete(f"/api/matches/{alice_bob}", headers=alice.headers).status_code == 404
    assert swipe(client, alice, bob.id).status_code == 409  # decisions stand: no second chance by re-swiping


def test_a_database_failure_while_matching_leaves_neither_the_swipe_nor_the_match(client, make_user):
    me = make_user(profile=NYC_PROFILE)
    other = make_user(profile=NYC_PROFILE)
    assert swipe(client, other, me.id).status_code == 201

    def fail_the_match_insert(_conn, _cursor, statement, *_args):
        if statement.startswith("INSERT INTO matches"):
            raise sa.exc.OperationalError(statement, {}, Exception("server closed the connection unexpectedly"))

    sa.event.listen(db.engine, "before_cursor_execute", fail_the_match_insert)
    try:
        failed = swipe(client, me, other.id)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", fail_the_match_insert)

    assert failed.status_code == 503 and failed.get_json()["error"] == "service_unavailable"
    db.session.rollback()  # this test shares the request's session; a real request's ends with it
    assert count(Swipe, Swipe.swiper_id == me.id) == 0 and count(Match) == 0
    retried = swipe(client, me, other.id)  # the Yes was not half-recorded, so it can be said again
    assert retried.status_code == 201 and retried.get_json()["match"]["user"]["id"] == other.id
    assert count(Match) == 1


@pytest.mark.postgres
def test_only_a_match_waits_for_the_disk_and_setting_it_costs_no_round_trip(client, make_user):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("synchronous_commit is PostgreSQL's")
    me, other, third, fourth = (make_user(profile=NYC_PROFILE) for _ in range(4))
    swipe(client, other, me.id)  # other already said Yes to me
    at_commit, statements = [], []

    def setting_at_commit(connection):
        cursor = connection.connection.dbapi_connection.cursor()
        cursor.execute("SHOW synchronous_commit")
        at_commit.append(cursor.fetchone()[0])
        cursor.close()

    def record(_connection, _cursor, statement, *_args):
        statements.append(statement)

    def statements_of(response):
        assert response.status_code == 201
        made = list(statements)
        statements.clear()
        return made

    sa.event.listen(db.engine, "commit", setting_at_commit)
    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        no = statements_of(swipe(client, me, third.id, liked=False))
        yes = statements_of(swipe(client, me, fourth.id, liked=True))
        statements_of(swipe(client, me, other.id, liked=True))
    finally:
        sa.event.remove(db.engine, "commit", setting_at_commit)
        sa.event.remove(db.engine, "before_cursor_execute", record)
    # A No and a Yes without a match skip the wait; the Yes that made the match waits.
    assert at_commit == ["off", "off", "on"]
    # The No: the token's query and the insert, which also sets synchronous_commit.
    assert len(no) == 2 and no[1].startswith("INSERT INTO swipes") and "set_config" in no[1]
    # The Yes: the token's query, the pair's lock, the insert, and the read of the other's Yes,
    # which also sets synchronous_commit.
    assert len(yes) == 4 and yes[2].startswith("INSERT INTO swipes") and "set_config" in yes[3]


@pytest.mark.postgres
def test_simultaneous_yeses_make_exactly_one_match_per_pair(app, make_user):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the race needs PostgreSQL's concurrent transactions")
    pairs = [(make_user(), make_user()) for _ in range(100)]
    barriers = [threading.Barrier(2, timeout=30) for _ in pairs]

    def say_yes(index, me, other):
        client = app.test_client()
        barriers[index].wait()
        response = swipe(client, me, other.id)
        return index, response.status_code, response.get_json()

    with ThreadPoolExecutor(max_workers=16) as pool:
        futures = [
            pool.submit(say_yes, index, *order) for index, (a, b) in enumerate(pairs) for order in ((a, b), (b, a))
        ]
        results = [future.result() for future in futures]

    assert [status for _, status, _ in results] == [201] * 200
    assert count(Match) == 100
    for index, (a, b) in enumerate(pairs):
        match_id = db.session.scalar(
            sa.select(Match.id).where(Match.user_low_id == min(a.id, b.id), Match.user_high_id == max(a.id, b.id))
        )
        answers = [body["match"] for i, _, body in results if i == index]
        assert any(answers)
        assert {answer["id"] for answer in answers if answer} == {match_id}
