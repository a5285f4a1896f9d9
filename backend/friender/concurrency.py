"""Running CPU-bound work without stalling the other requests of a gevent worker.

gunicorn serves Friender with gevent workers (see ``gunicorn_config``): every request and every
open event stream is a greenlet on one thread, so a 250 ms bcrypt hash run on that thread would
pause them all. bcrypt releases the GIL, so it runs in gevent's native thread pool instead.
Outside gevent (tests, ``flask run``) the work runs in the calling thread.
"""

import sys


def run_blocking(function, *args):
    """Call ``function(*args)`` off the event loop when gevent has patched this process."""
    monkey = sys.modules.get("gevent.monkey")
    if monkey is not None and monkey.is_module_patched("threading"):
        import gevent

        return gevent.get_hub().threadpool.apply(function, args)
    return function(*args)
