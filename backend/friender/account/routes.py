"""HTTP layer of the account as a whole: ``DELETE /api/me`` and ``GET /api/me/export``."""

from flask import Response, stream_with_context
from flask_jwt_extended import current_user, jwt_required
from flask_smorest import Blueprint

from . import export, service
from .schemas import DeleteAccountSchema

blp = Blueprint("account", __name__, url_prefix="/api", description="Deleting your account and exporting its data")


@blp.route("/me", methods=["DELETE"])
@jwt_required()
@blp.arguments(DeleteAccountSchema)
@blp.response(204)
@blp.alt_response(401, description="Not signed in")
@blp.alt_response(403, description="Wrong password")
def delete_me(data):
    """Delete the account and all of its data, after confirming the password."""
    service.delete_account(current_user, data["password"])


@blp.route("/me/export", methods=["GET"])
@jwt_required()
@blp.response(200, description="A ZIP: me.json and photos/", content_type="application/zip")
@blp.alt_response(401, description="Not signed in")
@blp.alt_response(503, description="Photo storage is unavailable")
def export_me():
    """Download everything Friender holds about you: profile, swipes, matches, messages, blocks, reports, photos."""
    archive = export.export_archive(current_user)
    return Response(
        stream_with_context(archive),
        mimetype="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{export.ARCHIVE_NAME}"', "Cache-Control": "no-store"},
    )
