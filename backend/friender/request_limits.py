"""How large a request body may be, per route, and how malformed requests are counted.

Every route takes small JSON except the photo uploads: a 36 MB login body of unknown keys took
41 s and answered with a 74 MB list of errors. Bodies are capped at ``MAX_JSON_BODY_BYTES``
unless the view is marked with :func:`allows_large_body` (those keep ``MAX_CONTENT_LENGTH``);
a larger body is a 413 before anything parses it, chunked bodies included.
"""

import io

from flask import current_app, has_request_context, request
from limits.strategies import STRATEGIES, MovingWindowRateLimiter
from limits.util import WindowStats
from werkzeug.exceptions import RequestEntityTooLarge

# Answers that mean "the request itself was malformed"; they count toward MALFORMED_REQUEST_LIMIT.
MALFORMED_STATUSES = frozenset({400, 413, 415, 422})


def allows_large_body(view):
    """Mark a view that receives uploads: its body may be as large as ``MAX_CONTENT_LENGTH``."""
    view.allows_large_body = True
    return view


def cap_request_body():
    """``before_request``: apply the small JSON cap unless the matched view takes uploads."""
    view = current_app.view_functions.get(request.endpoint)
    if getattr(view, "allows_large_body", False):
        return
    # MAX_CONTENT_LENGTH stays the ceiling for every route, the small cap only lowers it.
    config = current_app.config
    limit = min(config["MAX_JSON_BODY_BYTES"], config["MAX_CONTENT_LENGTH"] or config["MAX_JSON_BODY_BYTES"])
    request.max_content_length = limit
    if request.content_length is None and request.environ.get("wsgi.input_terminated"):
        # A chunked body has no length to check up front, and Werkzeug's stream would silently
        # cut it at the limit (a truncated JSON is a 400): read at most one byte past the limit.
        body = request.environ["wsgi.input"].read(limit + 1)
        if len(body) > limit:
            raise RequestEntityTooLarge()
        request.environ["wsgi.input"] = io.BytesIO(body)
        request.environ["CONTENT_LENGTH"] = str(len(body))


def malformed_request_limit():
    """The limit string for malformed requests per address (an application-wide Flask-Limiter limit)."""
    return current_app.config["MALFORMED_REQUEST_LIMIT"]


def is_malformed(response):
    """Only malformed requests are deducted from :func:`malformed_request_limit`."""
    return response.status_code in MALFORMED_STATUSES


class RequestScopedMovingWindow(MovingWindowRateLimiter):
    """Flask-Limiter's moving window, reading each window from storage once per request.

    Every request tests the app-wide malformed-request limit before the view and then reads the
    same window again for its ``X-RateLimit-*`` headers: two Redis round trips per request, more
    than some views spend in the database. Within one request the window read by the test
    answers the headers too; a hit forgets it, so the headers after a deduction are re-read.
    """

    def _cache(self):
        # The WSGI environ, not ``g``: an app context (a test's, a command's) can span requests.
        return request.environ.setdefault("friender.rate_windows", {}) if has_request_context() else None

    def _moving_window(self, item, identifiers):
        key = (item.key_for(*identifiers), item.amount, item.get_expiry())
        cache = self._cache()
        if cache is None:
            return self.storage.get_moving_window(*key)
        if key not in cache:
            cache[key] = self.storage.get_moving_window(*key)
        return cache[key]

    def _forget(self, item, identifiers):
        cache = self._cache()
        if cache:
            key = item.key_for(*identifiers)
            for cached in [cached for cached in cache if cached[0] == key]:
                del cache[cached]

    def hit(self, item, *identifiers, cost=1):
        """Consume ``cost`` from the limit (storage decides), and forget the window read before."""
        self._forget(item, identifiers)
        return super().hit(item, *identifiers, cost=cost)

    def test(self, item, *identifiers, cost=1):
        """True when ``cost`` more would still be within the limit."""
        return self._moving_window(item, identifiers)[1] <= item.amount - cost

    def get_window_stats(self, item, *identifiers):
        """(reset time, remaining) of the window, as the test of this request read it."""
        window_start, window_items = self._moving_window(item, identifiers)
        return WindowStats(window_start + item.get_expiry(), item.amount - window_items)

    def clear(self, item, *identifiers):
        """Reset the limit for these identifiers."""
        self._forget(item, identifiers)
        return super().clear(item, *identifiers)


# The name the settings choose it by (RATELIMIT_STRATEGY), beside Flask-Limiter's built-in ones.
REQUEST_SCOPED_MOVING_WINDOW = "moving-window-per-request"
STRATEGIES[REQUEST_SCOPED_MOVING_WINDOW] = RequestScopedMovingWindow


def init_app(app):
    """Register the body cap on every request."""
    app.before_request(cap_request_body)
