"""Serves the built React app (``FRONTEND_DIST``) with a history fallback for client routes.

The built files themselves are answered by WhiteNoise in front of Flask: it picks the ``.br`` or
``.gz`` copy the build wrote next to each file when the browser accepts it (with
``Vary: Accept-Encoding``), and answers conditional requests, without entering the app.
Fingerprinted ``/assets/`` never change, so browsers keep them a year without asking again;
``index.html`` is revalidated on every load so a deploy is picked up at once; the other files
(``favicon.svg``, ``robots.txt``) are kept a day.
"""

from pathlib import Path

from flask import Blueprint, abort, current_app, send_from_directory
from werkzeug.routing import PathConverter
from whitenoise import WhiteNoise

from .security import static_file_headers

ASSETS_CACHE_CONTROL = "public, max-age=31536000, immutable"
INDEX_CACHE_CONTROL = "no-cache"
OTHER_FILES_MAX_AGE = 86400

bp = Blueprint("web", __name__)


class ClientPathConverter(PathConverter):
    """Any path except ``/api…``, so unknown API URLs stay JSON 404s and wrong methods stay 405s."""

    regex = r"(?!api(?:/|$))[^/].*?"


@bp.record_once
def _register_converter(state):
    state.app.url_map.converters["client_path"] = ClientPathConverter


class BuiltFiles(WhiteNoise):
    """WhiteNoise with Friender's cache lifetimes and security headers on every built file."""

    def __init__(self, application, root, extra_headers, autorefresh=False):
        self.extra_headers = extra_headers
        super().__init__(
            application, root=root, autorefresh=autorefresh, max_age=OTHER_FILES_MAX_AGE, allow_all_origins=False
        )

    def add_cache_headers(self, headers, path, url):
        """A year and ``immutable`` for fingerprinted assets, ``no-cache`` for pages, a day otherwise."""
        if url.startswith("/assets/"):
            headers["Cache-Control"] = ASSETS_CACHE_CONTROL
        elif url.endswith(".html"):
            headers["Cache-Control"] = INDEX_CACHE_CONTROL
        else:
            super().add_cache_headers(headers, path, url)
        for name, value in self.extra_headers(url).items():
            headers[name] = value


def serve_built_files(app):
    """Put WhiteNoise in front of the app when the browser app is built."""
    dist = Path(app.config["FRONTEND_DIST"])
    if not dist.is_dir():
        return
    app.wsgi_app = BuiltFiles(
        app.wsgi_app, root=str(dist), extra_headers=static_file_headers(app.config), autorefresh=app.debug
    )


@bp.route("/", defaults={"path": ""})
@bp.route("/<client_path:path>")
def spa(path):
    """A built file if it exists, otherwise ``index.html`` so the client router takes over."""
    dist = Path(current_app.config["FRONTEND_DIST"])
    if not (dist / "index.html").is_file():
        abort(404, "The browser app is not built. Run `make run` (or `npm run build` in frontend/).")
    if path and (dist / path).is_file():  # built after the app started: WhiteNoise has not seen it
        response = send_from_directory(dist, path)
        if path.startswith("assets/"):
            response.headers["Cache-Control"] = ASSETS_CACHE_CONTROL
        return response
    if path.startswith("assets/"):  # an asset of an older build: HTML in its place would be cached as code
        abort(404)
    response = send_from_directory(dist, "index.html")
    response.headers["Cache-Control"] = INDEX_CACHE_CONTROL
    return response
