"""Helpers the benchmarks share."""

import functools
import re
import socket
import sys

import sqlalchemy as sa

SHARED_DATABASES = ("postgres", "test", "root")


def recreate_database(url):
    """Create the PostgreSQL database at ``url`` if needed and empty its public schema.

    Benchmarks only run against loopback PostgreSQL, and never against a database others use.
    """
    target = sa.engine.make_url(url)
    if target.get_backend_name() != "postgresql" or target.host not in ("127.0.0.1", "localhost"):
        sys.exit("The bench needs a PostgreSQL database on 127.0.0.1.")
    if target.database in SHARED_DATABASES:
        sys.exit(f"Refusing to rebuild the shared database {target.database!r}; choose another name.")
    server = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        exists = connection.scalar(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": target.database}
        )
        if not exists:
            connection.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
    server.dispose()
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()


def free_port():
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


BIRTHDATE = "1990-05-15"


@functools.cache
def _engine(url):
    return sa.create_engine(url, pool_size=2)


def verification_token(database_url, email):
    """The token of the newest verification link the app mailed to ``email``, read from its outbox
    table (what a person would click in their inbox)."""
    with _engine(database_url).connect() as connection:
        body = connection.scalar(
            sa.text("SELECT text_body FROM outbox_mails WHERE to_address = :email ORDER BY id DESC LIMIT 1"),
            {"email": email},
        )
    return re.search(r"/verify-email\?token=(\S+)", body).group(1)
