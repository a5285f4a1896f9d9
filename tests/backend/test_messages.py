"""Messages between the two members of a match: sending, paging, read receipts, limits, privacy."""

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
import sqlalchemy as sa

from friender.extensions import db, limiter
from friender.models import Match, Message

from .matching import create_block, create_match, remove_match
from .support import NYC_PROFILE
from .test_events import REDIS_TEST_URL, needs_redis


@pytest.fixture
def pair(make_user):
    """Two matched users and their match id."""
    first, second = make_user(profile=NYC_PROFILE), make_user(profile=NYC_PROFILE)
    return first, second, create_match(first, second)


def send(client, user, match_id, body):
    return client.post(f"/api/matches/{match_id}/messages", json={"body": body}, headers=user.headers)


def page(client, user, match_id, **query):
    return client.get(f"/api/matches/{match_id}/messages", query_string=query, headers=user.headers)


def message_count():
    return db.session.execute(sa.select(sa.func.count()).select_from(Message)).scalar()


def test_members_send_and_read_a_conversation(client, pair):
    ana, ben, match_id = pair

    sent = send(client, ana, match_id, "  Hi Ben! <b>climbing</b> & chess?\n ")

    assert sent.status_code == 201
    message = sent.get_json()
    assert message["body"] == "Hi Ben! <b>climbing</b> & chess?"
    assert message["match_id"] == match_id and message["sender_id"] == ana.id
    assert message["read_at"] is None
    assert message["created_at"].endswith("Z")
    reply = send(client, ben, match_id, "Sure").get_json()
    for user in (ana, ben):
        listed = page(client, user, match_id)
        assert listed.status_code == 200
        assert [m["id"] for m in listed.get_json()["messages"]] == [message["id"], reply["id"]]
        assert listed.get_json()["messages"][0] == message


def test_pages_go_back_in_time_oldest_first_and_ignore_new_messages(client, pair):
    ana, ben, match_id = pair
    ids = [send(client, ana if i % 2 else ben, match_id, f"message {i}").get_json()["id"] for i in range(5)]

    first = page(client, ana, match_id, limit=2).get_json()["messages"]
    send(client, ben, match_id, "arrives while paging")
    second = page(client, ana, match_id, limit=2, before=first[0]["id"]).get_json()["messages"]
    third = page(client, ana, match_id, limit=2, before=second[0]["id"]).get_json()["messages"]
    end = page(client, ana, match_id, limit=2, before=third[0]["id"]).get_json()["messages"]

    assert [m["id"] for m in first] == ids[3:5]
    assert [m["id"] for m in second] == ids[1:3]
    assert [m["id"] for m in third] == ids[0:1]
    assert end == []
    assert [m["body"] for m in second] == ["message 1", "message 2"]


@pytest.mark.parametrize(
    "query",
    [{"limit": 0}, {"limit": 101}, {"limit": "many"}, {"before": 0}, {"before": "last"}],
)
def test_bad_paging_parameters_are_422(client, pair, query):
    ana, _ben, match_id = pair

    response = page(client, ana, match_id, **query)

    assert response.status_code == 422
    assert response.get_json()["error"] == "validation_error"
    assert set(response.get_json()["fields"]) <= {"limit", "before"}


@pytest.mark.parametrize(
    "body",
    [
        {"body": ""},
        {"body": "   \n\t "},
        {"body": "x" * 2001},
        {"body": "  " + "x" * 2001 + "  "},
        {"body": 42},
        {"body": None},
        {"body": "nul \x00 inside"},
        {},
        {"body": "ok", "sender_id": 1},
    ],
)
def test_invalid_bodies_are_422_and_store_nothing(client, pair, body):
    ana, _ben, match_id = pair

    response = client.post(f"/api/matches/{match_id}/messages", json=body, headers=ana.headers)

    assert response.status_code == 422
    assert response.get_json()["error"] == "validation_error"
    assert response.get_json()["fields"]
    assert message_count() == 0


def test_a_body_of_2000_characters_after_trimming_is_accepted(client, pair):
    ana, _ben, match_id = pair

    response = send(client, ana, match_id, "\n  " + "é" * 2000 + "  ")

    assert response.status_code == 201
    assert response.get_json()["body"] == "é" * 2000


def test_a_page_with_messages_costs_one_statement_after_the_token_check(client, pair, make_user):
    ana, ben, match_id = pair
    send(client, ben, match_id, "hello")
    empty_match = create_match(ana, make_user(profile=NYC_PROFILE))
    statements = []

    def on_statement(_conn, _cursor, statement, *_args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", on_statement)
    try:
        with_messages = page(client, ana, match_id)
        counted = len(statements)
        empty = page(client, ana, empty_match)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", on_statement)

    assert with_messages.status_code == 200
    assert [message["body"] for message in with_messages.get_json()["messages"]] == ["hello"]
    assert counted == 2  # the token check, then the page that checks the membership itself
    # An empty page asks whether the match is the user's: it is, so the answer is an empty page.
    assert empty.status_code == 200 and empty.get_json() == {"messages": []}
    assert len(statements) - counted == 3


def test_someone_outside_the_match_gets_404_everywhere(client, pair, make_user):
    ana, _ben, match_id = pair
    send(client, ana, match_id, "private")
    outsider = make_user(profile=NYC_PROFILE)
    # Not a 403 first: that would tell an unverified outsider the match exists.
    unverified = make_user(profile=NYC_PROFILE, verified=False)

    responses = [
        page(client, outsider, match_id),
        send(client, outsider, match_id, "let me in"),
        send(client, unverified, match_id, "let me in too"),
        client.post(f"/api/matches/{match_id}/read", headers=outsider.headers),
        page(client, ana, match_id + 1000),
        send(client, ana, match_id + 1000, "nobody there"),
        client.post(f"/api/matches/{match_id + 1000}/read", headers=ana.headers),
    ]

    for response in responses:
        assert response.status_code == 404
        assert response.get_json()["error"] == "not_found"
        assert "private" not in response.get_data(as_text=True)
    assert message_count() == 1
    assert db.session.execute(sa.select(Message.read_at)).scalar() is None


def test_without_a_token_it_is_401(client, pair):
    _ana, _ben, match_id = pair

    assert client.get(f"/api/matches/{match_id}/messages").status_code == 401
    response = client.post(f"/api/matches/{match_id}/messages", json={"body": "hi"})
    assert response.status_code == 401 and response.get_json()["error"] == "unauthorized"


def test_after_unmatching_the_conversation_is_gone_for_both(client, pair):
    ana, ben, match_id = pair
    send(client, ana, match_id, "bye soon")

    remove_match(ben, match_id)

    for user in (ana, ben):
        assert page(client, user, match_id).status_code == 404
        assert send(client, user, match_id, "still there?").status_code == 404
        assert client.post(f"/api/matches/{match_id}/read", headers=user.headers).status_code == 404
    assert message_count() == 0


@pytest.mark.parametrize("blocker_index", [0, 1])
def test_a_block_either_way_closes_the_conversation_for_both(client, pair, blocker_index):
    ana, ben, match_id = pair
    send(client, ana, match_id, "before the block")
    blocker, blocked = (ana, ben) if blocker_index == 0 else (ben, ana)

    create_block(blocker, blocked)

    for user in (ana, ben):
        assert page(client, user, match_id).status_code == 404
        assert send(client, user, match_id, "after the block").status_code == 404
        assert client.post(f"/api/matches/{match_id}/read", headers=user.headers).status_code == 404
    assert message_count() == 0


@pytest.mark.parametrize("removal", ["unmatch", "block"])
def test_a_message_racing_the_matchs_removal_is_201_or_404_never_500(app, make_user, removal):
    """A member sends while the other unmatches or blocks, at the same instant, many times over.

    Whichever commits first, the send is 201 (and the removal takes the message with it) or 404.
    """
    rounds = 30
    pairs = [(ana, ben, create_match(ana, ben)) for ana, ben in ((make_user(), make_user()) for _ in range(rounds))]
    barriers = [threading.Barrier(2, timeout=30) for _ in pairs]

    def at_once(index, request):
        client = app.test_client()
        barriers[index].wait()
        return request(client)

    def ana_sends(ana, match_id):
        return lambda client: send(client, ana, match_id, "are you still there?")

    def ben_removes(ana, ben, match_id):
        if removal == "unmatch":
            return lambda client: client.delete(f"/api/matches/{match_id}", headers=ben.headers)
        return lambda client: client.post("/api/blocks", json={"user_id": ana.id}, headers=ben.headers)

    with ThreadPoolExecutor(max_workers=8) as pool:
        futures = [
            (
                pool.submit(at_once, index, ana_sends(ana, match_id)),
                pool.submit(at_once, index, ben_removes(ana, ben, match_id)),
            )
            for index, (ana, ben, match_id) in enumerate(pairs)
        ]
        answers = [(sent.result(), removed.result()) for sent, removed in futures]

    unexpected = [
        (sent.status_code, sent.get_json(), removed.status_code)
        for sent, removed in answers
        if sent.status_code not in (201, 404) or removed.status_code not in (201, 204)
    ]
    assert unexpected == []
    for sent, _removed in answers:
        if sent.status_code == 404:
            assert sent.get_json()["error"] == "not_found"
        else:
            assert sent.get_json()["body"] == "are you still there?"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Match)) == 0
    assert message_count() == 0


def test_read_marks_only_the_other_sides_messages_sent_until_then(client, pair):
    ana, ben, match_id = pair
    from_ana = [send(client, ana, match_id, f"ana {i}").get_json()["id"] for i in range(2)]
    from_ben = send(client, ben, match_id, "ben 0").get_json()["id"]

    response = client.post(f"/api/matches/{match_id}/read", headers=ben.headers)

    assert response.status_code == 204 and response.get_data() == b""
    messages = {m["id"]: m for m in page(client, ana, match_id).get_json()["messages"]}
    assert all(messages[i]["read_at"] is not None for i in from_ana)
    assert messages[from_ben]["read_at"] is None
    later = send(client, ana, match_id, "ana 2").get_json()
    assert later["read_at"] is None
    assert client.post(f"/api/matches/{match_id}/read", headers=ben.headers).status_code == 204
    again = {m["id"]: m for m in page(client, ben, match_id).get_json()["messages"]}
    assert again[from_ana[0]]["read_at"] == messages[from_ana[0]]["read_at"]
    assert again[later["id"]]["read_at"] is not None
    assert again[from_ben]["read_at"] is None


def test_the_31st_message_in_a_minute_is_429_and_others_are_unaffected(client, pair):
    ana, ben, match_id = pair

    statuses = [send(client, ana, match_id, f"#{i}").status_code for i in range(30)]
    limited = send(client, ana, match_id, "#31")

    assert statuses == [201] * 30
    assert limited.status_code == 429
    assert limited.get_json()["error"] == "rate_limited"
    assert message_count() == 30
    assert send(client, ben, match_id, "my own limit").status_code == 201
    assert page(client, ana, match_id).status_code == 200


@pytest.mark.app_config(MESSAGE_RATE_LIMIT="2 per minute")
def test_the_limit_is_per_user_across_matches(client, pair, make_user):
    ana, _ben, match_id = pair
    other_match = create_match(ana, make_user(profile=NYC_PROFILE))

    assert send(client, ana, match_id, "one").status_code == 201
    assert send(client, ana, other_match, "two").status_code == 201
    assert send(client, ana, other_match, "three").status_code == 429


@needs_redis
@pytest.mark.app_config(
    RATELIMIT_STORAGE_URI=REDIS_TEST_URL,
    RATELIMIT_KEY_PREFIX=f"send-{uuid.uuid4().hex}",
    MESSAGE_RATE_LIMIT="3 per minute",
)
def test_on_redis_a_message_is_counted_and_its_headers_read_in_one_round_trip(client, pair, monkeypatch):
    ana, _ben, match_id = pair
    reads = []
    original = limiter.storage.get_moving_window
    monkeypatch.setattr(limiter.storage, "get_moving_window", lambda *args: reads.append(args) or original(*args))

    sent = [send(client, ana, match_id, f"#{i}") for i in range(2)]
    # A Redis that lost its scripts (restarted) still counts the message, through limits' own calls.
    redis.Redis.from_url(REDIS_TEST_URL).script_flush()
    sent += [send(client, ana, match_id, f"#{i}") for i in range(2, 4)]

    assert [response.status_code for response in sent] == [201, 201, 201, 429]
    assert [response.headers["X-RateLimit-Remaining"] for response in sent] == ["2", "1", "0", "0"]
    assert {response.headers["X-RateLimit-Limit"] for response in sent} == {"3"}
    # Only the send after the flush read its window apart from its hit.
    assert len([key for key, _amount, _expiry in reads if "send_message" in key]) == 1
    assert message_count() == 3


def test_sending_bumps_the_matchs_last_activity(client, pair):
    ana, _ben, match_id = pair
    before = db.session.get(Match, match_id).last_activity_at

    send(client, ana, match_id, "activity")

    db.session.expire_all()
    assert db.session.get(Match, match_id).last_activity_at >= before
    newest = db.session.execute(sa.select(Message.created_at)).scalar()
    assert db.session.get(Match, match_id).last_activity_at == newest


def matches_of(client, user):
    response = client.get("/api/matches", headers=user.headers)
    assert response.status_code == 200
    return {match["id"]: match for match in response.get_json()["matches"]}


def test_matches_show_each_side_its_last_message_and_unread_count_before_and_after_read(client, pair):
    ana, ben, match_id = pair
    assert matches_of(client, ana)[match_id]["last_message"] is None
    assert matches_of(client, ana)[match_id]["unread_count"] == 0
    send(client, ana, match_id, "one")
    send(client, ana, match_id, "two")
    last = send(client, ben, match_id, "three").get_json()

    before = {user.id: matches_of(client, user)[match_id] for user in (ana, ben)}
    client.post(f"/api/matches/{match_id}/read", headers=ben.headers)
    after_ben = {user.id: matches_of(client, user)[match_id] for user in (ana, ben)}
    client.post(f"/api/matches/{match_id}/read", headers=ana.headers)
    after_both = {user.id: matches_of(client, user)[match_id] for user in (ana, ben)}

    assert before[ana.id]["last_message"] == before[ben.id]["last_message"] == last
    assert (before[ana.id]["unread_count"], before[ben.id]["unread_count"]) == (1, 2)
    assert (after_ben[ana.id]["unread_count"], after_ben[ben.id]["unread_count"]) == (1, 0)
    assert after_ben[ana.id]["last_message"]["read_at"] is None
    assert (after_both[ana.id]["unread_count"], after_both[ben.id]["unread_count"]) == (0, 0)
    assert after_both[ben.id]["last_message"]["read_at"] is not None
    assert after_both[ben.id]["last_message"]["id"] == last["id"]


def test_a_message_moves_its_match_to_the_top_and_the_list_costs_the_same_queries(client, make_user):
    me = make_user(profile=NYC_PROFILE)
    friends = [make_user(profile=NYC_PROFILE) for _ in range(4)]
    match_ids = [create_match(me, friend) for friend in friends]
    for match_id, friend in zip(match_ids, friends, strict=True):
        send(client, friend, match_id, f"hello from {friend.username}")
    statements = []

    def record(_connection, _cursor, statement, *_args):
        statements.append(statement)

    send(client, me, match_ids[0], "the oldest match speaks again")
    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        first_order = list(matches_of(client, me))
        with_four = len(statements)
        remove_match(me, match_ids[1])
        remove_match(me, match_ids[2])
        remove_match(me, match_ids[3])
        statements.clear()
        matches_of(client, me)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)

    assert first_order == [match_ids[0], match_ids[3], match_ids[2], match_ids[1]]
    assert len(statements) == with_four


def test_the_match_list_reads_its_conversations_in_its_own_query_whatever_their_number(app, client, make_user):
    viewer = make_user(profile=NYC_PROFILE)
    others = [make_user(profile=NYC_PROFILE) for _ in range(4)]
    match_ids = [create_match(viewer, other) for other in others]
    send(client, others[0], match_ids[0], "unread one")
    send(client, others[0], match_ids[0], "unread two")
    send(client, viewer, match_ids[1], "mine")
    last = send(client, others[2], match_ids[2], "read soon").get_json()
    client.post(f"/api/matches/{match_ids[2]}/read", headers=viewer.headers)
    statements = []

    def record(_connection, _cursor, statement, *_args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        db.session.expire_all()
        matches = matches_of(client, viewer)
        with_four = len(statements)
        statements.clear()
        matches_of(client, others[0])
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    # The token check, the matches with their conversations, their people's photos.
    assert with_four == 3 and len(statements) == 3
    assert not any("messages" in statement and "matches" not in statement for statement in statements)

    assert matches[match_ids[0]]["last_message"]["body"] == "unread two"
    assert matches[match_ids[0]]["unread_count"] == 2
    assert matches[match_ids[1]]["last_message"]["body"] == "mine"
    assert matches[match_ids[1]]["last_message"]["sender_id"] == viewer.id
    assert matches[match_ids[1]]["unread_count"] == 0
    read = matches[match_ids[2]]["last_message"]
    assert read["read_at"] is not None and read == {**last, "read_at": read["read_at"]}
    assert matches[match_ids[2]]["unread_count"] == 0
    assert matches[match_ids[3]]["last_message"] is None
    assert matches[match_ids[3]]["unread_count"] == 0
