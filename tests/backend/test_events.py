"""The live event stream: delivery to both members and to nobody else, catch-up, heartbeats, tokens,
cleanup when the client goes away, and fan-out across processes through Redis.
"""

import threading
import time
import uuid
from datetime import timedelta

import pytest
import redis
import requests
import sqlalchemy as sa
from flask_jwt_extended import create_access_token, decode_token
from werkzeug.serving import make_server

from friender import create_app
from friender.auth import service as auth_service
from friender.events import broker
from friender.events.broker import BrokerUnavailable, RedisBroker
from friender.events.subscriptions import SubscriptionEnded
from friender.extensions import db
from friender.models import Message
from tests.security.tcp_proxy import TcpProxy

from .matching import create_block, create_match
from .processes import AppProcess
from .sse import ClientStream, LiveStream
from .support import NYC_PROFILE

REDIS_TEST_URL = "redis://127.0.0.1:6379/11"
FAST_HEARTBEAT = 0.2

# Reads from a test-client stream wait at most one heartbeat; keep it short so no read can hang.
pytestmark = pytest.mark.app_config(EVENTS_HEARTBEAT_SECONDS=FAST_HEARTBEAT)


@pytest.fixture
def trio(make_user):
    """Ana and Ben are matched; Cleo is matched with Ana only."""
    ana, ben, cleo = (make_user(profile=NYC_PROFILE) for _ in range(3))
    return ana, ben, cleo, create_match(ana, ben), create_match(ana, cleo)


def open_stream(client, user, last_event_id=None):
    headers = dict(user.headers)
    if last_event_id is not None:
        headers["Last-Event-ID"] = str(last_event_id)
    return ClientStream(client.get("/api/events", headers=headers, buffered=False))


def send(client, user, match_id, body):
    response = client.post(f"/api/matches/{match_id}/messages", json={"body": body}, headers=user.headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def wait_until(condition, timeout):
    """Poll ``condition`` until it holds or ``timeout`` seconds pass; returns its last value."""
    deadline = time.monotonic() + timeout
    while not (result := condition()) and time.monotonic() < deadline:
        time.sleep(0.01)
    return result


def redis_reachable(url):
    try:
        return redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping()
    except redis.RedisError:
        return False


needs_redis = pytest.mark.skipif(not redis_reachable(REDIS_TEST_URL), reason="Redis at 127.0.0.1:6379 unreachable")


def test_the_stream_is_unbuffered_event_stream_that_starts_with_a_cursor(client, trio):
    ana, _ben, _cleo, match_id, _ = trio
    sent = send(client, ana, match_id, "before the stream")

    stream = open_stream(client, ana)

    assert stream.response.mimetype == "text/event-stream"
    assert stream.response.headers["X-Accel-Buffering"] == "no"
    assert stream.response.headers["Cache-Control"] == "no-cache"
    assert stream.next_frame().retry == 3000
    ready = stream.next_event()
    assert ready.event == "ready" and ready.id == str(sent["id"])
    assert ready.data["user_id"] == ana.id
    stream.close()


def test_a_message_reaches_both_members_streams_and_nobody_elses(client, trio):
    ana, ben, cleo, match_id, _ = trio
    streams = {user.id: open_stream(client, user) for user in (ana, ben, cleo)}
    for stream in streams.values():
        stream.next_event()

    sent = send(client, ana, match_id, "Hello <Ben>")

    for user in (ana, ben):
        event = streams[user.id].next_event()
        assert event.event == "message" and event.id == str(sent["id"])
        assert event.data == sent
    assert_only_heartbeat(streams[cleo.id])
    for stream in streams.values():
        stream.close()
    assert broker().subscriber_count() == 0


def assert_only_heartbeat(stream):
    """Everything published so far is already in the inbox, so the next frame shows what it holds."""
    frame = stream.next_frame()
    assert frame.event is None and frame.comment == "heartbeat", frame


def test_read_receipts_reach_both_members_only(client, trio):
    ana, ben, cleo, match_id, _ = trio
    sent = send(client, ana, match_id, "read me")
    streams = {user.id: open_stream(client, user) for user in (ana, ben, cleo)}
    for stream in streams.values():
        stream.next_event()

    client.post(f"/api/matches/{match_id}/read", headers=ben.headers)

    for user in (ana, ben):
        receipt = streams[user.id].next_event()
        assert receipt.event == "read" and receipt.id is None
        assert receipt.data["match_id"] == match_id and receipt.data["reader_id"] == ben.id
        assert receipt.data["last_read_id"] == sent["id"] and receipt.data["read_at"].endswith("Z")
    assert_only_heartbeat(streams[cleo.id])
    for stream in streams.values():
        stream.close()


def test_a_quiet_stream_sends_heartbeat_comments(client, trio):
    ana = trio[0]
    stream = open_stream(client, ana)
    stream.next_event()

    started = time.monotonic()
    assert_only_heartbeat(stream)
    assert_only_heartbeat(stream)

    assert time.monotonic() - started < 10 * FAST_HEARTBEAT
    stream.close()


def test_the_heartbeat_is_at_most_15_seconds():
    app = create_app({"FRIENDER_ENV": "testing", "SQLALCHEMY_DATABASE_URI": "sqlite://"})

    assert app.config["EVENTS_HEARTBEAT_SECONDS"] == 15


def test_reconnecting_with_last_event_id_replays_only_what_was_missed(client, trio, make_user):
    ana, ben, cleo, match_id, cleo_match = trio
    seen = send(client, ana, match_id, "seen live")
    stream = open_stream(client, ben)
    cursor = stream.next_event().id
    assert cursor == str(seen["id"])
    stream.close()
    missed = [send(client, user, match_id, f"missed {i}") for i, user in enumerate((ana, ben, ana))]
    send(client, ana, cleo_match, "not for Ben")

    stream = open_stream(client, ben, last_event_id=cursor)

    assert stream.next_event().event == "ready"
    replayed = [stream.next_event() for _ in missed]
    assert [event.data for event in replayed] == missed
    assert [event.id for event in replayed] == [str(m["id"]) for m in missed]
    live = send(client, ana, match_id, "live again")
    assert stream.next_event().data == live
    stream.close()


def test_a_reconnect_also_replays_an_earlier_message_that_may_have_committed_late(client, trio):
    ana, ben, _cleo, match_id, _ = trio
    long_ago = send(client, ana, match_id, "long ago")
    earlier = send(client, ben, match_id, "drawn first, perhaps committed last")
    cursor = send(client, ana, match_id, "heard live before the connection dropped")
    written = db.session.get(Message, cursor["id"]).created_at
    db.session.execute(
        sa.update(Message).where(Message.id == long_ago["id"]).values(created_at=written - timedelta(minutes=1))
    )
    db.session.commit()

    stream = open_stream(client, ben, last_event_id=cursor["id"])

    assert stream.next_event().event == "ready"
    # Ids are drawn at insert, commits land in any order: the overlap is replayed and clients
    # de-duplicate by id. Neither the cursor itself nor anything older than the window comes back.
    assert stream.next_event().data == earlier
    live = send(client, ana, match_id, "live again")
    assert stream.next_event().data == live
    stream.close()


def test_replay_skips_conversations_that_were_closed(client, trio, make_user):
    ana, ben, cleo, match_id, cleo_match = trio
    send(client, cleo, cleo_match, "to Ana before the block")
    create_block(cleo, ana)
    kept = send(client, ben, match_id, "to Ana")

    stream = open_stream(client, ana, last_event_id=0)

    assert stream.next_event().event == "ready"
    assert stream.next_event().data == kept
    stream.close()


@pytest.mark.app_config(EVENTS_REPLAY_LIMIT=2, EVENTS_HEARTBEAT_SECONDS=FAST_HEARTBEAT)
def test_too_many_missed_messages_ask_the_client_to_resync(client, trio):
    ana, ben, _cleo, match_id, _ = trio
    sent = [send(client, ana, match_id, f"#{i}") for i in range(3)]

    stream = open_stream(client, ben, last_event_id=0)

    assert stream.next_event().event == "ready"
    assert [stream.next_event().data for _ in range(2)] == sent[:2]
    resync = stream.next_event()
    assert resync.event == "resync" and resync.id == str(sent[2]["id"])
    stream.close()


@pytest.mark.parametrize("header", ["garbage", "-5", ""])
def test_an_unusable_last_event_id_starts_fresh(client, trio, header):
    ana, ben, _cleo, match_id, _ = trio
    sent = send(client, ana, match_id, "already here")

    stream = open_stream(client, ben, last_event_id=header)

    ready = stream.next_event()
    assert ready.event == "ready" and ready.id == str(sent["id"])
    stream.close()


def test_an_expiring_token_ends_the_stream_with_an_event(client, trio):
    ben = trio[1]
    token = create_access_token(identity=str(ben.id), expires_delta=timedelta(seconds=1))
    response = client.get("/api/events", headers={"Authorization": f"Bearer {token}"}, buffered=False)
    stream = ClientStream(response)
    stream.next_event()

    expired = stream.next_event()

    assert expired.event == "token_expired"
    assert expired.data == {"error": "token_expired", "message": "Token has expired"}
    with pytest.raises(StopIteration):
        stream.next_frame()
    assert broker().subscriber_count() == 0


def test_logging_out_ends_the_stream_at_the_next_heartbeat(client, trio):
    ben = trio[1]
    stream = open_stream(client, ben)
    stream.next_event()

    assert client.post("/api/auth/logout", headers=ben.headers).status_code == 204

    assert stream.next_event().event == "token_revoked"
    with pytest.raises(StopIteration):
        stream.next_frame()


@pytest.mark.app_config(
    EVENTS_HEARTBEAT_SECONDS=FAST_HEARTBEAT,
    SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 2, "max_overflow": 0, "pool_timeout": 0.05},
)
def test_a_recheck_that_cannot_reach_the_database_keeps_the_stream_and_tries_again(app, client, trio, monkeypatch):
    monkeypatch.setattr("friender.events.stream.REVOCATION_CHECK_SECONDS", 0)  # re-check at every heartbeat
    ben = trio[1]
    stream = open_stream(client, ben)
    stream.next_event()

    held = []  # every free connection of the pool: each re-check times out
    with pytest.raises(sa.exc.TimeoutError):
        while len(held) < 3:
            held.append(db.engine.connect())
    try:
        assert_only_heartbeat(stream)
        assert_only_heartbeat(stream)
    finally:
        for connection in held:
            connection.close()
    assert_only_heartbeat(stream)

    # The checks resumed: a revocation that no end event announced is found at the next one.
    with app.app_context():
        auth_service.revoke_token(decode_token(ben.access_token))
        db.session.commit()
    assert stream.next_event().event == "token_revoked"


def test_deleting_the_account_ends_its_streams_at_the_next_heartbeat(client, trio):
    ben = trio[1]
    stream = open_stream(client, ben)
    stream.next_event()

    assert client.delete("/api/me", json={"password": ben.password}, headers=ben.headers).status_code == 204

    assert stream.next_event().event == "token_revoked"
    with pytest.raises(StopIteration):
        stream.next_frame()
    assert broker().subscriber_count() == 0


def test_deleting_an_account_tells_its_matches_streams_that_the_match_is_gone(client, trio):
    ana, ben, _cleo, ana_ben, _ana_cleo = trio
    stream = open_stream(client, ben)
    stream.next_event()

    assert client.delete("/api/me", json={"password": ana.password}, headers=ana.headers).status_code == 204

    event = stream.next_event()
    assert event.event == "unmatch"
    assert event.data["match_id"] == ana_ben


def test_the_stream_needs_a_valid_access_token(client, trio):
    ben = trio[1]
    missing = client.get("/api/events")
    bad = client.get("/api/events", headers={"Authorization": "Bearer not-a-token"})
    refresh = client.get("/api/events", headers={"Authorization": f"Bearer {ben.refresh_token}"})

    for response in (missing, bad, refresh):
        assert response.status_code == 401
        assert response.get_json()["error"] == "unauthorized"
    assert broker().subscriber_count() == 0


def test_a_head_request_leaves_no_subscription_behind(client, trio):
    response = client.head("/api/events", headers=trio[1].headers)
    body = response.get_data()
    response.close()  # what a WSGI server does once the (empty) body is sent

    assert response.status_code == 200 and body == b""
    assert broker().subscriber_count() == 0


@pytest.mark.app_config(EVENTS_MAX_STREAMS_PER_USER=2, EVENTS_HEARTBEAT_SECONDS=FAST_HEARTBEAT)
def test_a_stream_over_the_limit_replaces_the_users_oldest(client, trio):
    ana, ben, _cleo, ana_ben, _ana_cleo = trio
    oldest, middle = open_stream(client, ana), open_stream(client, ana)
    for stream in (oldest, middle):
        assert stream.next_event().event == "ready"
    bens = open_stream(client, ben)

    newest = open_stream(client, ana)  # e.g. a reloaded tab whose old connection is not yet noticed gone

    assert newest.next_event().event == "ready"
    ended = oldest.next_event()
    assert ended.event == "reconnect" and ended.data == {"reason": "replaced"}
    with pytest.raises(StopIteration):
        oldest.next_frame()
    assert broker().subscriber_count(ana.id) == 2 and broker().subscriber_count(ben.id) == 1
    sent = send(client, ben, ana_ben, "still live?")
    for stream in (middle, newest):
        frame = stream.next_event()
        assert frame.event == "message" and frame.data["id"] == sent["id"]
    for stream in (oldest, middle, newest, bens):
        stream.close()
    assert broker().subscriber_count() == 0


def test_a_new_match_reaches_both_streams_and_nobody_elses(client, trio, make_user):
    ana = trio[0]
    dan, eve = make_user(profile=NYC_PROFILE), make_user(profile=NYC_PROFILE)
    streams = {user.id: open_stream(client, user) for user in (ana, dan, eve)}
    for stream in streams.values():
        stream.next_event()

    client.post("/api/swipes", json={"user_id": eve.id, "liked": True}, headers=dan.headers)
    made = client.post("/api/swipes", json={"user_id": dan.id, "liked": True}, headers=eve.headers).get_json()

    for user, other in ((dan, eve), (eve, dan)):
        event = streams[user.id].next_event()
        assert event.event == "match" and event.id is None
        assert event.data["id"] == made["match"]["id"]
        assert event.data["user"]["id"] == other.id and "email" not in event.data["user"]
        assert event.data["last_message"] is None and event.data["unread_count"] == 0
    for user in (ana, dan, eve):  # exactly one match event each, and none for anybody else
        assert_only_heartbeat(streams[user.id])
    for stream in streams.values():
        stream.close()


def test_unmatching_and_blocking_reach_both_streams_and_nobody_elses(client, trio, make_user):
    ana, ben, cleo, match_id, cleo_match = trio
    dan = make_user(profile=NYC_PROFILE)
    streams = {user.id: open_stream(client, user) for user in (ana, ben, cleo, dan)}
    for stream in streams.values():
        stream.next_event()

    assert client.delete(f"/api/matches/{match_id}", headers=ben.headers).status_code == 204
    assert client.post("/api/blocks", json={"user_id": ana.id}, headers=cleo.headers).status_code == 201

    assert [streams[ana.id].next_event().data for _ in range(2)] == [{"match_id": match_id}, {"match_id": cleo_match}]
    assert streams[ben.id].next_event().event == "unmatch"
    assert streams[cleo.id].next_event().data == {"match_id": cleo_match}
    for user in (ben, cleo, dan):
        assert_only_heartbeat(streams[user.id])
    for stream in streams.values():
        stream.close()


@pytest.fixture
def live_server(app):
    """The test's app served by a threaded Werkzeug server on a free loopback port."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.port
    server.shutdown()
    thread.join(timeout=5)


@pytest.mark.app_config(EVENTS_HEARTBEAT_SECONDS=0.1)
def test_a_client_that_goes_away_releases_its_subscription(live_server, trio):
    ben = trio[1]
    hub = broker()
    threads_before = threading.active_count()
    stream = LiveStream(live_server, ben.access_token, timeout=5)
    assert stream.status == 200 and stream.next_event().event == "ready"
    assert hub.subscriber_count(ben.id) == 1

    stream.close()

    assert wait_until(lambda: hub.subscriber_count() == 0, timeout=5)
    assert wait_until(lambda: threading.active_count() <= threads_before, timeout=5)


def test_a_redis_broker_that_cannot_connect_refuses_quickly():
    unreachable = RedisBroker(redis.Redis.from_url("redis://127.0.0.1:1/0"), "friender-test:", subscribe_timeout=2)
    started = time.monotonic()

    with pytest.raises(BrokerUnavailable):
        unreachable.subscribe(1)

    assert time.monotonic() - started < 2
    assert unreachable.subscriber_count() == 0
    assert wait_until(lambda: unreachable._listener is None, timeout=5)


@needs_redis
@pytest.mark.app_config(
    REDIS_URL=REDIS_TEST_URL,
    EVENTS_CHANNEL_PREFIX=f"friender-test-{uuid.uuid4().hex}:",
    EVENTS_HEARTBEAT_SECONDS=FAST_HEARTBEAT,
)
def test_the_redis_broker_delivers_in_process_and_stops_its_listener(client, trio):
    ana, ben, cleo, match_id, _ = trio
    hub = broker()
    assert isinstance(hub, RedisBroker)
    streams = {user.id: open_stream(client, user) for user in (ben, cleo)}
    for stream in streams.values():
        stream.next_event()

    sent = send(client, ana, match_id, "through Redis")

    assert streams[ben.id].next_event().data == sent
    for stream in streams.values():
        stream.close()
    assert hub.subscriber_count() == 0
    assert wait_until(lambda: hub._listener is None, timeout=5)


@needs_redis
def test_a_stream_opened_while_the_listener_loses_its_connection_waits_for_the_next_one(monkeypatch):
    client = redis.Redis.from_url(REDIS_TEST_URL)
    hub = RedisBroker(client, f"friender-test-{uuid.uuid4().hex}:", subscribe_timeout=5)
    carried = hub.subscribe(1)
    # The listener's next read of Redis fails, once the second stream has asked to subscribe.
    failing, asked = threading.Event(), threading.Event()
    read = redis.client.PubSub.get_message

    def get_message(pubsub, *args, **kwargs):
        if not failing.is_set():
            failing.set()
            asked.wait(timeout=10)
            raise redis.ConnectionError("the connection dropped")
        return read(pubsub, *args, **kwargs)

    monkeypatch.setattr(redis.client.PubSub, "get_message", get_message)
    client.publish(hub._control, b"")  # wake the listener into that read
    assert failing.wait(timeout=5)
    opened = {}
    opener = threading.Thread(target=lambda: opened.update(stream=hub.subscribe(2)))
    opener.start()
    assert wait_until(lambda: hub.subscriber_count(2) == 1, timeout=5)
    asked.set()
    opener.join(timeout=10)

    # The stream the lost connection carried ends; the one opened meanwhile is served by the next.
    with pytest.raises(SubscriptionEnded) as ended:
        carried.get(timeout=5)
    assert ended.value.reason == "broker_lost"
    assert "stream" in opened, "the new stream was refused for the connection lost before it"
    hub.publish(2, {"event": "ping"})
    assert opened["stream"].get(timeout=5) == {"event": "ping"}
    opened["stream"].close()
    assert wait_until(lambda: hub._listener is None, timeout=5)


@needs_redis
def test_a_redis_outage_ends_streams_to_reconnect_and_loses_no_message(database_url, trio):
    ana, ben, _cleo, match_id, _ = trio
    proxy = TcpProxy("127.0.0.1", 6379).start()
    app = create_app(
        {
            "FRIENDER_ENV": "testing",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "REDIS_URL": f"redis://127.0.0.1:{proxy.port}/11",
            "EVENTS_CHANNEL_PREFIX": f"friender-test-{uuid.uuid4().hex}:",
            "EVENTS_HEARTBEAT_SECONDS": FAST_HEARTBEAT,
        }
    )
    client = app.test_client()
    try:
        stream = open_stream(client, ben)
        cursor = stream.next_event().id

        proxy.cut()
        assert stream.next_event().data == {"reason": "broker_lost"}
        with pytest.raises(StopIteration):
            stream.next_frame()
        during = client.post(
            f"/api/matches/{match_id}/messages", json={"body": "while Redis is down"}, headers=ana.headers
        )
        refused = client.get("/api/events", headers=ben.headers, buffered=False)

        assert during.status_code == 201
        assert refused.status_code == 503 and refused.get_json()["error"] == "service_unavailable"
        proxy.start()
        again = open_stream(client, ben, last_event_id=cursor)
        assert again.next_event().event == "ready"
        assert again.next_event().data == during.get_json()
        again.close()
    finally:
        proxy.cut()
    assert app.extensions["friender_events"].subscriber_count() == 0


@pytest.fixture
def two_processes(database_url):
    """Two gunicorn processes sharing the test database and a Redis channel prefix of their own."""
    if not redis_reachable(REDIS_TEST_URL):
        pytest.skip("Redis at 127.0.0.1:6379 unreachable")
    env = {
        "FRIENDER_ENV": "testing",
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_TEST_URL,
        "EVENTS_CHANNEL_PREFIX": f"friender-test-{uuid.uuid4().hex}:",
        "EVENTS_HEARTBEAT_SECONDS": "1",
    }
    processes = [AppProcess(env), AppProcess(env)]
    try:
        yield [process.wait_until_serving() for process in processes]
    finally:
        for process in processes:
            process.stop()


def test_a_message_sent_through_one_process_reaches_a_stream_held_on_another(two_processes, trio):
    first, second = two_processes
    ana, ben, cleo, match_id, _ = trio
    ben_stream = LiveStream(second.port, ben.access_token, timeout=5)
    cleo_stream = LiveStream(second.port, cleo.access_token, timeout=5)
    assert ben_stream.status == 200 and ben_stream.next_event().event == "ready"
    assert cleo_stream.next_event().event == "ready"

    started = time.monotonic()
    sent = requests.post(
        f"{first.base_url}/api/matches/{match_id}/messages", json={"body": "across processes"}, headers=ana.headers
    )
    ben_stream.set_timeout(1.0)
    delivered = ben_stream.next_event(timeout=1.0)

    assert sent.status_code == 201
    assert time.monotonic() - started < 1.0
    assert delivered.event == "message" and delivered.data == sent.json()
    cleo_stream.set_timeout(2.0)
    frame = cleo_stream.next_frame()
    assert frame.comment == "heartbeat", frame

    ben_stream.close()
    missed = [
        requests.post(
            f"{first.base_url}/api/matches/{match_id}/messages", json={"body": f"missed {i}"}, headers=ana.headers
        ).json()
        for i in range(2)
    ]
    again = LiveStream(second.port, ben.access_token, last_event_id=delivered.id, timeout=2)

    assert again.next_event().event == "ready"
    assert [again.next_event().data for _ in missed] == missed
    again.close()
    cleo_stream.close()


def test_stopping_the_server_ends_its_streams_at_once_instead_of_waiting_for_them(database_url, trio):
    # Without the hook in friender.gunicorn_config, SIGTERM waits out the graceful timeout (30 s
    # here) for streams that never end by themselves, and new requests hang meanwhile.
    _ana, ben, *_ = trio
    server = AppProcess({"FRIENDER_ENV": "testing", "DATABASE_URL": database_url}, graceful_timeout=30)
    try:
        server.wait_until_serving()
        stream = LiveStream(server.port, ben.access_token, timeout=5)
        assert stream.next_event().event == "ready"

        server.process.terminate()

        ended = stream.next_event()
        assert (ended.event, ended.data) == ("reconnect", {"reason": "shutdown"})
        with pytest.raises(EOFError):
            stream.next_frame()
        assert server.process.wait(timeout=10) == 0, server.read_log()
    finally:
        server.stop()
