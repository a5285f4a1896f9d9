"""A Friender app that counts its password hashing, for gunicorn to serve in test_auth's burst test.

``gunicorn … 'tests.backend.hashing_probe:create_app()'`` builds the real app in the gevent worker
and wraps ``gevent.threadpool.ThreadPool.apply``, through which every bcrypt call is handed to
native threads (the app's own bounded pool now, the hub's pool of 10 before it had one). It
counts, per worker: the hashes, the most that ran at once, and the hashes whose request held a
database connection while it queued for one. ``GET /_probe/hashing`` answers the counts.
"""

from gevent import getcurrent
from gevent.monkey import get_original
from gevent.threadpool import ThreadPool
from sqlalchemy import event

from friender import create_app as create_friender_app
from friender.extensions import db

BCRYPT_CALLS = {"generate_password_hash", "check_password_hash"}


def create_app():
    app = create_friender_app()
    counts = {"hashes": 0, "most_at_once": 0, "queued_holding_a_connection": 0}
    running = [0]
    lock = get_original("threading", "Lock")()  # the counting runs in native threads too
    holders = {}  # a checked-out connection's pool record → the greenlet holding it

    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "checkout")
    def _checked_out(_dbapi_connection, record, _proxy):
        holders[id(record)] = getcurrent()

    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_connection, record):
        holders.pop(id(record), None)

    real_apply = ThreadPool.apply

    def counted_apply(pool, function, args=None, kwds=None):
        if getattr(function, "__name__", "") not in BCRYPT_CALLS:
            return real_apply(pool, function, args, kwds)
        if any(holder is getcurrent() for holder in list(holders.values())):
            counts["queued_holding_a_connection"] += 1

        def counted(*call_args, **call_kwargs):
            with lock:
                counts["hashes"] += 1
                running[0] += 1
                counts["most_at_once"] = max(counts["most_at_once"], running[0])
            try:
                return function(*call_args, **call_kwargs)
            finally:
                with lock:
                    running[0] -= 1

        return real_apply(pool, counted, args, kwds)

    ThreadPool.apply = counted_apply
    app.add_url_rule("/_probe/hashing", "hashing_probe", lambda: dict(counts))
    return app
