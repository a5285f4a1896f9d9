"""Helpers the benchmarks share."""

import contextlib
import functools
import re
import sys
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
# The benchmarks start gunicorn the way the multi-process tests do, with their AppProcess.
sys.path.insert(0, str(ROOT))

from tests.backend.processes import AppProcess  # noqa: E402

SHARED_DATABASES = ("postgres", "test", "root")
SERVER_START_SECONDS = 60


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


class SqlClock:
    """Adds up the time spent in the database: statements (cursor execute to result), counted, and
    the COMMITs and ROLLBACKs, which are round trips too (a commit waits for the disk)."""

    def __init__(self, engine):
        self.seconds = 0.0
        self.statements = 0
        sa.event.listen(engine, "before_cursor_execute", self._before)
        sa.event.listen(engine, "after_cursor_execute", self._after)
        dialect = engine.dialect
        dialect.do_commit = self._timed(dialect.do_commit)
        dialect.do_rollback = self._timed(dialect.do_rollback)

    def _timed(self, call):
        def timed(dbapi_connection):
            started = time.perf_counter()
            try:
                return call(dbapi_connection)
            finally:
                self.seconds += time.perf_counter() - started

        return timed

    def _before(self, conn, _cursor, _statement, _parameters, _context, _executemany):
        conn.info["bench_started"] = time.perf_counter()

    def _after(self, conn, _cursor, _statement, _parameters, _context, _executemany):
        self.seconds += time.perf_counter() - conn.info.pop("bench_started")
        self.statements += 1

    def reset(self):
        self.seconds, self.statements = 0.0, 0


@contextlib.contextmanager
def serving(env, workers, threads):
    """gunicorn serving the production configuration (``env`` over this environment) on a free
    loopback port, answering by the time the block starts and stopped when it ends."""
    server = AppProcess(env, workers=workers, threads=threads)
    try:
        yield server.wait_until_serving(timeout=SERVER_START_SECONDS)
    finally:
        server.stop()


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
