"""Database timeouts: a database that stops answering (without refusing connections) is a quick
503, never a request that hangs for ever.

PostgreSQL gets a ``connect_timeout`` and a server-side ``statement_timeout`` for slow queries,
and the pool a checkout ``pool_timeout``. A server that accepts but never answers is not caught
by any of those (its TCP stack, or a proxy's, acknowledges everything), so psycopg2 waits for the
socket through :func:`wait_with_timeout`: after ``DATABASE_WAIT_TIMEOUT_SECONDS`` of silence the
connection's socket is shut down (the pool then discards it) and the query fails as an ``OperationalError``,
which the error handlers answer with 503.
"""

import os
import select
import socket

import orjson
import psycopg2
import psycopg2.extensions
from flask import has_request_context

TIMED_OUT = "the database did not answer in time"
_READY = {psycopg2.extensions.POLL_READ: select.POLLIN, psycopg2.extensions.POLL_WRITE: select.POLLOUT}


def engine_options(config):
    """The SQLAlchemy engine options for ``config``'s database URL (timeouts on PostgreSQL, JSON read by orjson).

    A ``DATABASE_STATEMENT_TIMEOUT_SECONDS`` of 0 turns the statement timeout off (bulk loads in
    ``bench/``); migrations turn it off for their own connection.
    """
    options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    # JSON columns (hobbies, interests) read by orjson: a page of 20 profiles parses 40 of them.
    options.setdefault("json_deserializer", orjson.loads)
    if str(config["SQLALCHEMY_DATABASE_URI"]).startswith("postgresql"):
        statement_ms = int(config["DATABASE_STATEMENT_TIMEOUT_SECONDS"] * 1000)
        options.setdefault("pool_timeout", config["DATABASE_POOL_TIMEOUT_SECONDS"])
        options.setdefault(
            "connect_args",
            {
                "connect_timeout": config["DATABASE_CONNECT_TIMEOUT_SECONDS"],
                # No JIT: the app's statements are short, and the planner's row estimates for the
                # discovery scans cross jit_above_cost, where compiling costs milliseconds a query.
                "options": f"-c statement_timeout={statement_ms} -c jit=off",
            },
        )
    return options


def wait_with_timeout(timeout):
    """A psycopg2 wait callback that gives up after ``timeout`` seconds without an answer while
    serving a request (commands such as migrations may legitimately wait longer)."""

    def wait(connection):
        poller = select.poll()
        limit = timeout * 1000 if has_request_context() else None
        while True:
            state = connection.poll()
            if state == psycopg2.extensions.POLL_OK:
                return
            poller.register(connection.fileno(), _READY[state])
            if not poller.poll(limit):
                _shut_down(connection)
                # Worded as libpq words a lost server, so SQLAlchemy treats it as a disconnect
                # and discards the pool: its other connections go to the same silent server.
                raise psycopg2.OperationalError(f"server closed the connection unexpectedly: {TIMED_OUT}")
            poller.unregister(connection.fileno())

    wait.friender_timeout = True
    return wait


def _shut_down(connection):
    """End the connection's socket (``connection.close()`` would wait for the query in progress)."""
    with socket.socket(fileno=os.dup(connection.fileno())) as sock:
        sock.shutdown(socket.SHUT_RDWR)


def init_app(app):
    """Apply the timeouts: engine options now, the wait callback for every psycopg2 connection."""
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(app.config)
    installed = psycopg2.extensions.get_wait_callback()
    # Under gunicorn's gevent workers psycogreen's cooperative callback is installed first (in
    # post_fork); a blocking poll here would stall every greenlet, so it is kept, and the
    # connect and statement timeouts still apply.
    if str(app.config["SQLALCHEMY_DATABASE_URI"]).startswith("postgresql") and (
        installed is None or getattr(installed, "friender_timeout", False)
    ):
        psycopg2.extensions.set_wait_callback(wait_with_timeout(app.config["DATABASE_WAIT_TIMEOUT_SECONDS"]))
