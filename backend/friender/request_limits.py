"""How large a request body may be, per route, and how malformed requests are counted.

Every route takes small JSON except the photo uploads: a 36 MB login body of unknown keys took
41 s and answered with a 74 MB list of errors. Bodies are capped at ``MAX_JSON_BODY_BYTES``
unless the view is marked with :func:`allows_large_body` (those keep ``MAX_CONTENT_LENGTH``);
a larger body is a 413 before anything parses it, chunked bodies included.
"""

import io

from flask import current_app, request
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


def init_app(app):
    """Register the body cap on every request."""
    app.before_request(cap_request_body)
