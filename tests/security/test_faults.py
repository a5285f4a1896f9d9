"""Real outages, cut and restored through a loopback TCP proxy: the database, photo storage, Redis.

While a dependency is away, requests that need it get a JSON 503 (or degrade as documented),
``/api/health`` names it, nothing half-written is left; when it returns, the same app process
recovers without a restart.
"""

import io
import time

import boto3
import pytest
import redis
import sqlalchemy as sa
from moto.server import ThreadedMotoServer

from friender import create_app
from friender.extensions import db
from friender.models import Photo, User
from tests.backend import photo_files as files
from tests.backend.support import NYC_PROFILE, PASSWORD

from .tcp_proxy import TcpProxy

BUCKET = "friender-faults"


def proxied_app(database_url, **settings):
    return create_app({"FRIENDER_ENV": "testing", "SQLALCHEMY_DATABASE_URI": database_url, **settings})


def assert_503(response):
    assert response.status_code == 503, response.get_data(as_text=True)
    assert response.get_json()["error"] == "service_unavailable"


def upload(client, headers):
    return client.post(
        "/api/me/photos",
        data={"file": [(io.BytesIO(files.jpeg()), "a.jpg")]},
        headers=headers,
        content_type="multipart/form-data",
    )


def test_database_outage_is_503_then_the_same_process_recovers(app, database_url, make_user):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("a database server to cut off needs PostgreSQL (CI runs this on it)")
    user = make_user(profile=NYC_PROFILE)
    url = sa.engine.make_url(database_url)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432).start()
    through_proxy = proxied_app(url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False))
    client = through_proxy.test_client()
    assert client.get("/api/me", headers=user.headers).status_code == 200

    proxy.cut()
    assert_503(client.get("/api/me", headers=user.headers))
    assert_503(client.post("/api/auth/login", json={"username": user.username, "password": PASSWORD}))
    assert_503(
        client.post(
            "/api/auth/signup",
            json={"username": "during", "email": "d@example.com", "password": PASSWORD, "birthdate": "1990-05-15"},
        )
    )
    health = client.get("/api/health")
    assert health.status_code == 503 and health.get_json()["database"] == "unavailable"

    proxy.start()
    assert client.get("/api/me", headers=user.headers).status_code == 200
    assert client.get("/api/health").get_json() == {"status": "ok", "database": "ok", "storage": "ok"}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User).where(User.username == "during")) == 0
    proxy.cut()


def test_a_database_that_stops_answering_is_a_quick_503_and_ping_never_waits(app, database_url, make_user):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("a database server to stall needs PostgreSQL (CI runs this on it)")
    user = make_user(profile=NYC_PROFILE)
    url = sa.engine.make_url(database_url)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432).start()
    through_proxy = proxied_app(
        url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False),
        DATABASE_WAIT_TIMEOUT_SECONDS=2,
        DATABASE_CONNECT_TIMEOUT_SECONDS=2,
    )
    client = through_proxy.test_client()
    assert client.get("/api/me", headers=user.headers).status_code == 200  # a pooled connection now exists

    proxy.stall()
    for request in (
        lambda: client.get("/api/me", headers=user.headers),  # the pooled connection hangs
        lambda: client.post("/api/auth/login", json={"username": user.username, "password": PASSWORD}),  # a new one
    ):
        started = time.monotonic()
        assert_503(request())
        assert time.monotonic() - started < 6
    started = time.monotonic()
    health = client.get("/api/health")
    assert health.status_code == 503 and health.get_json()["database"] == "unavailable"
    assert time.monotonic() - started < 6
    started = time.monotonic()
    assert client.get("/api/ping").status_code == 200
    assert time.monotonic() - started < 0.5

    proxy.resume()
    assert client.get("/api/me", headers=user.headers).status_code == 200
    proxy.cut()


def test_an_exhausted_connection_pool_is_a_503_to_retry_not_a_crash(database_url, make_user):
    user = make_user(profile=NYC_PROFILE)
    busy = proxied_app(
        database_url,
        SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 1, "max_overflow": 0, "pool_timeout": 0.2},
    )
    client = busy.test_client()
    assert client.get("/api/me", headers=user.headers).status_code == 200
    with busy.app_context():
        held = db.engine.connect()  # the pool's only connection, busy elsewhere
        try:
            response = client.get("/api/me", headers=user.headers)
        finally:
            held.close()
    assert_503(response)
    assert "busy" in response.get_json()["message"]
    assert client.get("/api/me", headers=user.headers).status_code == 200


@pytest.fixture
def s3_behind_proxy(monkeypatch):
    for name, value in {
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    proxy = TcpProxy(host, port).start()
    yield proxy, boto3.client("s3", endpoint_url=f"http://{host}:{port}", region_name="us-east-1")
    proxy.cut()
    server.stop()


def test_storage_outage_is_503_with_nothing_half_written_then_recovers(database_url, make_user, s3_behind_proxy):
    proxy, bucket = s3_behind_proxy
    app = proxied_app(
        database_url,
        STORAGE_BACKEND="s3",
        S3_BUCKET=BUCKET,
        S3_ENDPOINT_URL=f"http://127.0.0.1:{proxy.port}",
        S3_TIMEOUT_SECONDS=1,
    )
    with app.app_context():  # the CLI runs in the active app context, which is otherwise the fixture's
        assert app.test_cli_runner().invoke(args=["storage", "init"]).exit_code == 0
    client = app.test_client()
    user = make_user(profile=NYC_PROFILE)
    assert upload(client, user.headers).status_code == 201

    proxy.cut()
    assert_503(upload(client, user.headers))
    photos_while_down = client.get("/api/me/photos", headers=user.headers)
    assert photos_while_down.status_code == 200  # signing URLs needs no call to S3
    health = client.get("/api/health")
    assert health.status_code == 503 and health.get_json()["storage"] == "unavailable"
    assert client.get("/api/me", headers=user.headers).status_code == 200  # what needs no storage still works

    proxy.start()
    assert upload(client, user.headers).status_code == 201
    assert client.get("/api/health").status_code == 200
    with app.app_context():
        rows = db.session.scalars(sa.select(Photo).where(Photo.user_id == user.id)).all()
        keys = {item["Key"] for item in bucket.list_objects_v2(Bucket=BUCKET).get("Contents", [])}
        assert keys == {key for photo in rows for key in (photo.main_key, photo.thumb_key)}
        assert len(rows) == 2


def test_redis_outage_degrades_rate_limits_and_revocation_checks_then_recovers(database_url, make_user):
    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_timeout=1).ping()
    except redis.RedisError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    proxy = TcpProxy("127.0.0.1", 6379).start()
    app = proxied_app(database_url, REDIS_URL=f"redis://127.0.0.1:{proxy.port}/9")
    client = app.test_client()
    user = make_user(profile=NYC_PROFILE)
    login = client.post("/api/auth/login", json={"username": user.username, "password": PASSWORD}).get_json()
    headers = {"Authorization": f"Bearer {login['access_token']}"}
    assert client.post("/api/auth/logout", headers=headers).status_code == 204

    proxy.cut()
    assert client.get("/api/me", headers=user.headers).status_code == 200
    revoked = client.get("/api/me", headers=headers)
    assert revoked.status_code == 401 and revoked.get_json()["error"] == "token_revoked"
    fresh = client.post("/api/auth/login", json={"username": user.username, "password": PASSWORD})
    assert fresh.status_code == 200
    revoked_during_outage = {"Authorization": f"Bearer {fresh.get_json()['access_token']}"}
    assert client.post("/api/auth/logout", headers=revoked_during_outage).status_code == 204
    health = client.get("/api/health")
    assert health.status_code == 503 and health.get_json()["redis"] == "unavailable"

    proxy.start()
    assert client.get("/api/health").get_json()["redis"] == "ok"
    assert client.get("/api/me", headers=headers).get_json()["error"] == "token_revoked"
    assert client.get("/api/me", headers=revoked_during_outage).get_json()["error"] == "token_revoked"
    assert client.get("/api/me", headers=user.headers).status_code == 200
    proxy.cut()
