"""Running CPU-bound work without stalling the other requests of a gevent worker.

gunicorn serves Friender with gevent workers (see ``gunicorn_config``): every request and every
open event stream is a greenlet on one thread, so a 250 ms bcrypt hash run on that thread would
pause them all. bcrypt releases the GIL, so it runs in a pool of ``BLOCKING_POOL_THREADS``
native threads of its own, one pool per worker process: a burst of signups queues there, and
neither the event loop nor gevent's own thread pool (which resolves host names) waits for it.
Outside gevent (tests, ``flask run``) the work runs in the calling thread.
"""

import sys

from flask import current_app

_POOL = "friender_blocking_pool"


def run_blocking(function, *args):
    """Call ``function(*args)`` in the bounded pool when gevent has patched this process."""
    monkey = sys.modules.get("gevent.monkey")
    if monkey is not None and monkey.is_module_patched("threading"):
        return _pool().apply(function, args)
    return function(*args)


def _pool():
    """This process's pool, created at first use: in the worker, after gunicorn forked it."""
    pool = current_app.extensions.get(_POOL)
    if pool is None:
        from gevent.threadpool import ThreadPool

        pool = current_app.extensions[_POOL] = ThreadPool(current_app.config["BLOCKING_POOL_THREADS"])
    return pool
