"""Event streams at scale: many streams never hold up ordinary requests, caps per account and per
address, and streams that end the moment access is taken away.
"""

import concurrent.futures
import uuid

import pytest
import requests
from flask_jwt_extended import create_access_token, decode_token

from friender.auth.service import revoke_token
from friender.events import broker
from friender.extensions import db

from .matching import create_match
from .processes import AppProcess
from .sse import ClientStream, LiveStream
from .support import NYC_PROFILE
from .test_events import FAST_HEARTBEAT, REDIS_TEST_URL, needs_redis, open_stream, send

REDIS_CONFIG = {
    "REDIS_URL": REDIS_TEST_URL,
    "EVENTS_CHANNEL_PREFIX": f"friender-test-{uuid.uuid4().hex}:",
    "EVENTS_HEARTBEAT_SECONDS": FAST_HEARTBEAT,
}
BROKERS = [
    pytest.param("in-process", id="in-process"),
    pytest.param("redis", id="redis", marks=[needs_redis, pytest.mark.app_config(**REDIS_CONFIG)]),
]

pytestmark = pytest.mark.app_config(EVENTS_HEARTBEAT_SECONDS=FAST_HEARTBEAT)


def open_with(client, token, address="127.0.0.1"):
    return client.get(
        "/api/events",
        headers={"Authorization": f"Bearer {token}"},
        environ_base={"REMOTE_ADDR": address},
        buffered=False,
    )


def assert_too_many(response, words):
    assert response.status_code == 429
    body = response.get_json()
    assert body["error"] == "rate_limited" and words in body["message"]


def test_the_11th_stream_of_one_account_is_429_and_leaves_the_others_open(client, make_user):
    ben = make_user()
    streams = [ClientStream(open_with(client, create_access_token(identity=str(ben.id)))) for _ in range(10)]
    for stream in streams:
        assert stream.next_event().event == "ready"

    eleventh = open_with(client, create_access_token(identity=str(ben.id)))

    assert_too_many(eleventh, "for this account")
    assert broker().subscriber_count(ben.id) == 10
    assert streams[0].next_frame().comment == "heartbeat"  # the first one was not pushed out
    for stream in streams:
        stream.close()
    assert broker().subscriber_count() == 0


def test_the_101st_stream_of_one_address_is_429_and_other_addresses_still_connect(client, make_user):
    users = [make_user() for _ in range(11)]
    streams = [
        ClientStream(open_with(client, create_access_token(identity=str(user.id)), address="203.0.113.9"))
        for user in users[:10]
        for _ in range(10)
    ]
    assert broker().subscriber_count() == 100

    refused = open_with(client, users[10].access_token, address="203.0.113.9")
    elsewhere = ClientStream(open_with(client, users[10].access_token, address="198.51.100.4"))

    assert_too_many(refused, "from this address")
    assert elsewhere.next_event().event == "ready"
    for stream in [*streams, elsewhere]:
        stream.close()
    assert broker().subscriber_count() == 0


@pytest.mark.parametrize("broker_kind", BROKERS)
def test_logging_out_ends_a_busy_stream_before_any_later_message(app, client, make_user, broker_kind):
    # A heartbeat longer than the test: only a check before each delivery can end the stream.
    app.config.update(EVENTS_HEARTBEAT_SECONDS=10)
    ana, ben = make_user(profile=NYC_PROFILE), make_user(profile=NYC_PROFILE)
    match_id = create_match(ana, ben)
    stream = open_stream(client, ben)
    assert stream.next_event().event == "ready"
    for i in range(3):  # a busy conversation: each message is read as it arrives
        sent = send(client, ana, match_id, f"before {i}")
        assert stream.next_event().data["id"] == sent["id"]

    assert client.post("/api/auth/logout", headers=ben.headers).status_code == 204
    for i in range(3):
        send(client, ana, match_id, f"after {i}")

    assert stream.next_event().event == "token_revoked"
    with pytest.raises(StopIteration):
        stream.next_frame()
    assert broker().subscriber_count() == 0


def test_more_streams_than_the_old_thread_count_leave_ping_login_and_matches_prompt(database_url, make_user):
    # gthread with 8 threads answered nothing once 8 streams were open; a stream is now a greenlet.
    users = [make_user(profile=NYC_PROFILE) for _ in range(8)]
    create_match(users[0], users[1])
    server = AppProcess({"FRIENDER_ENV": "testing", "DATABASE_URL": database_url}, threads=8)
    streams = []
    try:
        server.wait_until_serving()
        streams = [LiveStream(server.port, user.access_token, timeout=10) for user in users for _ in range(8)]
        assert [stream.next_event().event for stream in streams] == ["ready"] * 64

        def call(method, path, **kwargs):
            return requests.request(method, f"{server.base_url}{path}", timeout=5, **kwargs)

        login = {"username": users[2].username, "password": users[2].password}
        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            answers = [
                pool.submit(call, "GET", "/api/ping"),
                pool.submit(call, "POST", "/api/auth/login", json=login),
                pool.submit(call, "GET", "/api/matches", headers=users[0].headers),
            ]
            ping, logged_in, matches = (answer.result() for answer in answers)

        assert ping.status_code == 200
        assert logged_in.status_code == 200 and logged_in.json()["user"]["id"] == users[2].id
        assert matches.status_code == 200 and len(matches.json()["matches"]) == 1
    finally:
        for stream in streams:
            stream.close()
        server.stop()


def test_a_revocation_that_sent_no_end_event_still_ends_the_stream_on_a_quiet_check(client, make_user, monkeypatch):
    # E.g. Redis was unreachable when the token was revoked: the periodic check is the backstop.
    monkeypatch.setattr("friender.events.stream.REVOCATION_CHECK_SECONDS", 0)
    ben = make_user()
    stream = open_stream(client, ben)
    assert stream.next_event().event == "ready"

    revoke_token(decode_token(ben.access_token))
    db.session.commit()

    assert stream.next_event().event == "token_revoked"
    with pytest.raises(StopIteration):
        stream.next_frame()
