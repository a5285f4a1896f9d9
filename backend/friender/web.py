"""Serves the built React app (``FRONTEND_DIST``) with a history fallback for client routes."""

from pathlib import Path

from flask import Blueprint, abort, current_app, send_from_directory
from werkzeug.routing import PathConverter

bp = Blueprint("web", __name__)


class ClientPathConverter(PathConverter):
    """Any path except ``/api…``, so unknown API URLs stay JSON 404s and wrong methods stay 405s."""

    regex = r"(?!api(?:/|$))[^/].*?"


@bp.record_once
def _register_converter(state):
    state.app.url_map.converters["client_path"] = ClientPathConverter


@bp.route("/", defaults={"path": ""})
@bp.route("/<client_path:path>")
def spa(path):
    """A built file if it exists, otherwise ``index.html`` so the client router takes over."""
    dist = Path(current_app.config["FRONTEND_DIST"])
    if not (dist / "index.html").is_file():
        abort(404, "The browser app is not built. Run `make run` (or `npm run build` in frontend/).")
    if path and (dist / path).is_file():
        response = send_from_directory(dist, path)
        if path.startswith("assets/"):  # Vite fingerprints these names; they never change.
            response.cache_control.max_age = 31536000
            response.cache_control.immutable = True
        return response
    response = send_from_directory(dist, "index.html")
    response.cache_control.no_cache = True
    return response
