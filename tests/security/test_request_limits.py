"""Huge or malformed bodies cost the server little: per-route body caps, bounded error bodies,
and malformed requests counted against the address."""

import io
import json
import time
import uuid

import pytest
import redis

from friender.extensions import limiter
from friender.request_limits import KnownEmptyWindows
from tests.backend import photo_files as files
from tests.backend.support import NYC_PROFILE
from tests.backend.test_events import REDIS_TEST_URL, needs_redis, wait_until

MB = 1024 * 1024


def unknown_keys(count):
    return {f"unknown_key_{index:07d}": "x" for index in range(count)}


@pytest.mark.parametrize(
    ("method", "path"),
    [("post", "/api/auth/login"), ("post", "/api/auth/signup"), ("patch", "/api/me"), ("post", "/api/swipes")],
)
def test_a_json_body_over_64_kb_is_a_small_413_before_it_is_parsed(client, make_user, method, path):
    user = make_user()
    body = json.dumps(unknown_keys(120_000))  # about 3 MB
    assert len(body) > 2 * MB

    started = time.monotonic()
    response = getattr(client, method)(path, data=body, content_type="application/json", headers=user.headers)

    assert response.status_code == 413 and response.get_json()["error"] == "payload_too_large"
    assert len(response.data) < 512 and time.monotonic() - started < 2


def test_a_body_without_content_length_is_capped_too(client):
    body = json.dumps(unknown_keys(20_000)).encode()
    response = client.post(
        "/api/auth/login",
        input_stream=io.BytesIO(body),
        headers={"Content-Type": "application/json", "Transfer-Encoding": "chunked"},
        environ_base={"wsgi.input_terminated": True},  # what gunicorn sets for a chunked body
    )
    assert response.status_code == 413


def test_unknown_keys_under_the_cap_report_a_bounded_list_of_fields(client):
    body = {"username": "someone", "password": "whatever1", **{f"k{'x' * 300}{index}": 1 for index in range(150)}}
    assert len(json.dumps(body)) < 64 * 1024

    response = client.post("/api/auth/login", json=body)

    assert response.status_code == 422
    fields = response.get_json()["fields"]
    assert 1 <= len(fields) <= 20
    assert all(len(name) <= 100 and len(messages) <= 5 for name, messages in fields.items())
    assert len(response.data) < 8 * 1024


def test_uploads_still_take_large_bodies(client, make_user):
    user = make_user(profile=NYC_PROFILE)
    big = files.jpeg(size=(3000, 3000), quality=100)
    assert len(big) > 64 * 1024
    response = client.post(
        "/api/me/photos",
        data={"file": [(io.BytesIO(big), "big.jpg")]},
        headers=user.headers,
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.get_json()


@pytest.mark.app_config(MALFORMED_REQUEST_LIMIT="3 per minute")
def test_malformed_requests_count_toward_the_addresses_limit(client, make_user):
    user = make_user()
    assert client.get("/api/me", headers=user.headers).status_code == 200  # good requests are not counted
    assert client.get("/api/me", headers=user.headers).status_code == 200
    for bad in ({"username": 5}, {"nope": 1}, {}):
        assert client.post("/api/auth/login", json=bad).status_code == 422

    limited = client.get("/api/me", headers=user.headers)

    assert limited.status_code == 429 and limited.get_json()["error"] == "rate_limited"
    other_address = client.get("/api/me", headers=user.headers, environ_base={"REMOTE_ADDR": "10.9.8.7"})
    assert other_address.status_code == 200


@pytest.mark.app_config(MALFORMED_REQUEST_LIMIT="3 per minute")
def test_a_request_reads_the_addresses_window_from_storage_once(client, make_user, monkeypatch):
    user = make_user()
    reads = []
    original = limiter.storage.get_moving_window
    monkeypatch.setattr(limiter.storage, "get_moving_window", lambda *args: reads.append(args) or original(*args))

    response = client.get("/api/me", headers=user.headers)

    # The test before the view and the X-RateLimit-* headers after it share one storage read.
    assert response.status_code == 200 and len(reads) == 1
    assert response.headers["X-RateLimit-Limit"] == "3" and response.headers["X-RateLimit-Remaining"] == "3"


@pytest.mark.app_config(MALFORMED_REQUEST_LIMIT="3 per minute")
def test_the_headers_of_a_malformed_request_count_its_own_deduction(client, make_user):
    user = make_user()
    first = client.patch("/api/me", json={"nope": 1}, headers=user.headers)
    second = client.patch("/api/me", json={"nope": 1}, headers=user.headers)

    assert (first.status_code, second.status_code) == (422, 422)
    assert first.headers["X-RateLimit-Remaining"] == "2" and second.headers["X-RateLimit-Remaining"] == "1"


def _counting_reads(monkeypatch, strategy):
    reads = []
    original = strategy.storage.get_moving_window
    monkeypatch.setattr(strategy.storage, "get_moving_window", lambda *args: reads.append(args) or original(*args))
    return reads


def _redis_limits(prefix):
    return pytest.mark.app_config(
        RATELIMIT_STORAGE_URI=REDIS_TEST_URL, RATELIMIT_KEY_PREFIX=prefix, MALFORMED_REQUEST_LIMIT="3 per minute"
    )


def _listening(client, user):
    """The strategy, once this process hears the announcements (the first request starts it)."""
    client.get("/api/me", headers=user.headers)
    assert wait_until(lambda: limiter.limiter.known_empty.live, timeout=5)
    return limiter.limiter


def _from(address):
    return {"environ_base": {"REMOTE_ADDR": address}}


@pytest.fixture
def listening(client, make_user, monkeypatch):
    """A user, the strategy once this process hears the announcements, and its storage reads from then on."""
    user = make_user()
    strategy = _listening(client, user)
    return user, strategy, _counting_reads(monkeypatch, strategy)


@needs_redis
@_redis_limits(f"known-empty-{uuid.uuid4().hex}")
def test_an_empty_window_is_read_from_redis_once_until_another_process_deducts_from_it(client, listening):
    user, strategy, reads = listening

    answers = [client.get("/api/me", headers=user.headers, **_from("10.1.1.1")) for _ in range(3)]

    # Read once, then answered from memory, with the same headers.
    assert len(reads) == 1
    assert [(a.status_code, a.headers["X-RateLimit-Remaining"]) for a in answers] == [(200, "3")] * 3

    # Another process (its own connection and listener) deducts a malformed request from the window.
    key, amount, expiry = reads[0]
    elsewhere = KnownEmptyWindows(redis.Redis.from_url(REDIS_TEST_URL))
    assert strategy.storage.acquire_entry(key, amount, expiry)
    elsewhere.announce_hit(key)

    def counted():
        return client.get("/api/me", headers=user.headers, **_from("10.1.1.1")).headers["X-RateLimit-Remaining"] == "2"

    assert wait_until(counted, timeout=5)
    reads_so_far = len(reads)
    assert counted()
    assert len(reads) == reads_so_far + 1  # a window with hits in it is read every time


@needs_redis
@_redis_limits(f"own-hits-{uuid.uuid4().hex}")
def test_a_malformed_request_here_counts_at_once_and_the_address_is_refused_in_time(client, make_user):
    user = make_user()
    _listening(client, user)
    here = _from("10.2.2.2")
    before = client.get("/api/me", headers=user.headers, **here).headers["X-RateLimit-Remaining"]

    after = [client.patch("/api/me", json={"nope": 1}, headers=user.headers, **here).headers["X-RateLimit-Remaining"]]
    after.append(client.get("/api/me", headers=user.headers, **here).headers["X-RateLimit-Remaining"])
    for _ in range(2):
        client.patch("/api/me", json={"nope": 1}, headers=user.headers, **here)

    assert (before, after) == ("3", ["2", "2"])
    assert client.get("/api/me", headers=user.headers, **here).status_code == 429
    assert client.get("/api/me", headers=user.headers, **_from("10.2.2.3")).status_code == 200


@needs_redis
@_redis_limits(f"lost-{uuid.uuid4().hex}")
def test_losing_the_announcements_forgets_every_empty_window_until_they_are_heard_again(client, listening):
    user, strategy, reads = listening
    here = _from("10.3.3.3")
    for _ in range(2):
        client.get("/api/me", headers=user.headers, **here)
    assert len(reads) == 1

    # The listeners' connections are cut, as by a Redis restart or a network fault.
    redis.Redis.from_url(REDIS_TEST_URL).client_kill_filter(_type="pubsub")

    assert wait_until(lambda: not strategy.known_empty.live, timeout=5)
    client.get("/api/me", headers=user.headers, **here)
    assert len(reads) == 2  # announcements may have been missed: read from Redis again
    assert wait_until(lambda: strategy.known_empty.live, timeout=5)
    for _ in range(3):
        client.get("/api/me", headers=user.headers, **here)
    assert len(reads) == 3  # remembered again once they are heard
