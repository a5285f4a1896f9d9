"""Swagger UI's own files, served by the app so that ``/api/docs`` works offline.

flask-smorest renders the page; its scripts and stylesheet come from the ``swagger-ui-bundle``
package instead of a CDN, so the docs need no network and the CSP names no other origin.
"""

from flask import Blueprint, send_from_directory
from swagger_ui_bundle import swagger_ui_path

ASSETS_URL = "/api/docs/assets/"

bp = Blueprint("api_docs", __name__)


@bp.route(ASSETS_URL + "<path:filename>")
def swagger_ui_asset(filename):
    """One file of the bundled Swagger UI (a versioned package: cache it for a day)."""
    return send_from_directory(swagger_ui_path, filename, max_age=86400)
