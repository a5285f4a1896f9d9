"""gunicorn settings for serving Friender: ``gunicorn -c python:friender.gunicorn_config 'friender:create_app()'``.

An open event stream is a request that never finishes by itself, so on SIGTERM (a deploy, a
restart, ``Ctrl-C`` in ``make run``) gunicorn would wait its whole graceful timeout (30 s) for
them, while new connections sit unanswered in the listen backlog. This hook ends the worker's
streams as soon as it is told to stop: each client gets ``reconnect {"reason": "shutdown"}`` and
resumes with ``Last-Event-ID`` on the next server, and the worker exits once its ordinary
requests are done.

Command-line options override what is set here.
"""

import signal
import threading

worker_class = "gthread"
# gthread parks an idle keep-alive connection in its poller without holding a thread, so keeping
# it longer is cheap; at gunicorn's default of 2 s, a client that pauses about that long between
# calls can send on a connection the server is just closing, and gets a reset.
keepalive = 5


def post_worker_init(worker):
    """Chain the worker's SIGTERM handler with one that ends this process's event streams."""
    broker = worker.wsgi.extensions["friender_events"]
    stop_worker = signal.getsignal(signal.SIGTERM)

    def stop(signum, frame):
        stop_worker(signum, frame)
        # Off the main thread: a signal handler must return at once, and this waits for the
        # broker's lock.
        threading.Thread(target=broker.end_all, args=("shutdown",), name="end-streams", daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
