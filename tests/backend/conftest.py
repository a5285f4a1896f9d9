"""Fixtures for the backend suite.

The schema is built once per run by the Alembic migrations (never ``create_all``), on SQLite by
default or on PostgreSQL when ``TEST_DATABASE_URL`` points at it. Only that variable is read:
the suite drops the schema of the database it names, so it never touches ``DATABASE_URL``'s
database (the one a developer runs the app against). Each test gets a fresh app and every
table is emptied after it, which (unlike a rolled-back transaction) also holds for tests that
use threads or a live server.
"""

import itertools
import os

import marshmallow
import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from friender import create_app
from friender.extensions import db
from friender.schemas import Schema

from .mail import SmtpSink, outbox_link, token_of
from .support import BIRTHDATE, PASSWORD, SignedInUser


@pytest.fixture(autouse=True)
def compiled_dumps_are_marshmallows(monkeypatch):
    """Every response the suite receives is also dumped by marshmallow itself, and must be the same
    (values and key order): the app's compiled dump is a speed-up, never a different answer."""
    compiled = Schema.dump

    def checked(self, obj, *, many=None):
        result = compiled(self, obj, many=many)
        expected = marshmallow.Schema.dump(self, obj, many=many)
        assert (result, repr(result)) == (expected, repr(expected)), f"{type(self).__name__} dumps differently"
        return result

    monkeypatch.setattr(Schema, "dump", checked)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """The database under test, migrated to the latest revision once per run."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    engine = sa.create_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    app = create_app({"FRIENDER_ENV": "testing", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
    return url


@pytest.fixture
def app(request, database_url, tmp_path):
    """A fresh app on the migrated database; all rows are deleted after the test.

    ``@pytest.mark.app_config(NAME=value, ...)`` on a test overrides settings. A test that uses
    ``smtp_server`` gets an app that sends its mail there; others write it to ``tmp_path/outbox``.
    """
    marker = request.node.get_closest_marker("app_config")
    mail = {"MAIL_OUTBOX_DIR": str(tmp_path / "outbox")}
    if "smtp_server" in request.fixturenames:
        mail = {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": request.getfixturevalue("smtp_server").port, "MAIL_TIMEOUT": 5}
    app = create_app(
        {
            "FRIENDER_ENV": "testing",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "LOCAL_STORAGE_DIR": str(tmp_path / "uploads"),
            **mail,
            **(marker.kwargs if marker else {}),
        }
    )
    with app.app_context():
        yield app
        db.session.remove()
    # Mail still being delivered must not write into the next test's rows.
    app.extensions["friender_mail"].drain(timeout=10)
    # Nor may a remover of retired upload forms, waiting for a form to expire, wake up in a later test.
    assert app.extensions["friender_retired_forms"].stop(timeout=10)
    # Each test's app has its own pool: closed here, not whenever it is garbage-collected, or a
    # PostgreSQL run piles up idle connections towards the server's limit.
    with app.app_context():
        db.engine.dispose()
    _empty_all_tables(database_url)


def _empty_all_tables(database_url):
    """Delete every row (on the test database, whatever the test configured the app with)."""
    engine = sa.create_engine(database_url, poolclass=sa.pool.NullPool)
    tables = list(reversed(db.metadata.sorted_tables))
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            names = ", ".join(table.name for table in tables)
            connection.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(table.delete())


@pytest.fixture
def smtp_server():
    """A running SMTP server (aiosmtpd) in the test process that keeps every message it receives."""
    sink = SmtpSink()
    sink.start()
    yield sink
    sink.stop()


@pytest.fixture
def client(app):
    """Flask test client (keeps cookies, like a browser)."""
    return app.test_client()


_counter = itertools.count(1)


@pytest.fixture
def make_user(app):
    """Sign up a user through ``POST /api/auth/signup``; ``profile`` (a dict) is then PATCHed in.

    The address is verified by following the mailed link (``verified=False`` leaves it unverified).
    Uses its own test client so the caller's ``client`` cookie jar stays clean.
    """
    signup_client = app.test_client()

    def make(username=None, password=PASSWORD, profile=None, verified=True, **signup_fields):
        username = username or f"user{next(_counter)}"
        body = {"username": username, "email": f"{username}@example.com", "password": password, "birthdate": BIRTHDATE}
        response = signup_client.post("/api/auth/signup", json={**body, **signup_fields})
        assert response.status_code == 201, response.get_json()
        user = SignedInUser(response.get_json(), password)
        if verified:
            token = token_of(outbox_link(user.email, "/verify-email"))
            verified_response = signup_client.post("/api/auth/verify-email", json={"token": token})
            assert verified_response.status_code == 200, verified_response.get_json()
            user.me = verified_response.get_json()
        if profile:
            patched = signup_client.patch("/api/me", json=profile, headers=user.headers)
            assert patched.status_code == 200, patched.get_json()
            user.me = patched.get_json()
        return user

    return make
