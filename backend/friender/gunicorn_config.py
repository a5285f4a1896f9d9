"""gunicorn settings for serving Friender: ``gunicorn -c python:friender.gunicorn_config 'friender:create_app()'``.

Workers are gevent workers: each request and each open event stream is a greenlet, so an idle
``GET /api/events`` costs a socket and a few KB, not a thread, and no number of open streams can
hold up ordinary requests (docs/performance.md has the measurements behind this choice).
psycopg2 is made cooperative with psycogreen, so a query waits without blocking the others;
bcrypt runs in a bounded pool of native threads per worker (``friender.concurrency``).

An open event stream is a request that never finishes by itself, so on SIGTERM (a deploy, a
restart, ``Ctrl-C`` in ``make run``) gunicorn would wait its whole graceful timeout (30 s) for
them. The hook below ends the worker's streams as soon as it is told to stop: each client gets
``reconnect {"reason": "shutdown"}`` and resumes with ``Last-Event-ID`` on the next server, and
the worker exits once its ordinary requests are done.

Command-line options override what is set here.
"""

import gc
import os
import resource
import signal
import threading

worker_class = "gevent"
# Open connections per worker, streams included (each is one file descriptor).
worker_connections = int(os.environ.get("WORKER_CONNECTIONS", 20000))
# An idle keep-alive connection is a parked greenlet; at gunicorn's default of 2 s, a client
# that pauses about that long between calls can send on a connection the server is closing.
keepalive = 5
# For ``--access-logfile`` (``make run``, the Dockerfile): the path without its query string and
# no Referer, because mailed links carry single-use tokens in their query (``/reset-password?token=…``).
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms "%(a)s"'


def pre_request(worker, req):
    """Close the connection after an event stream instead of keeping it alive.

    A stream ends when the server stops or the client must reconnect anyway; left in keep-alive,
    its connection would hold a stopping worker for the whole keep-alive time.
    """
    if req.path == "/api/events":
        req.must_close = True


def post_fork(server, worker):
    """Make psycopg2 wait cooperatively, and allow the worker as many sockets as connections."""
    from psycogreen.gevent import patch_psycopg

    patch_psycopg()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = worker_connections + 1024  # plus the database, Redis and log descriptors
    if soft < wanted:
        ceiling = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (ceiling, hard))


def post_worker_init(worker):
    """Chain the worker's SIGTERM handler with one that ends this process's event streams, and
    freeze what the loaded app holds out of the garbage collector's reach.

    The app's modules, routes, schemas and prepared statements live as long as the worker;
    frozen, a full collection no longer walks them (15–20 % of a request's Python time in
    ``bench/overhead.py``).
    """
    gc.collect()
    gc.freeze()
    broker = worker.wsgi.extensions["friender_events"]
    stop_worker = signal.getsignal(signal.SIGTERM)

    def stop(signum, frame):
        stop_worker(signum, frame)
        # Off the signal handler: it must return at once, and this waits for the broker's lock.
        # Under gevent the handler runs in the event loop, where only spawning is allowed.
        if worker.cfg.worker_class_str == "gevent":
            import gevent

            gevent.spawn(broker.end_all, "shutdown")
        else:
            threading.Thread(target=broker.end_all, args=("shutdown",), name="end-streams", daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
