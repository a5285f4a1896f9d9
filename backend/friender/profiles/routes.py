"""HTTP layer of ``/api/me`` and ``/api/users``."""

from flask import Response, stream_with_context
from flask_jwt_extended import current_user, jwt_required
from flask_smorest import Blueprint

from . import export, service
from .schemas import DeleteAccountSchema, MeSchema, ProfileSchema, ProfileUpdateSchema

blp = Blueprint("profiles", __name__, url_prefix="/api", description="Your profile and other people's")


@blp.route("/me", methods=["GET"])
@jwt_required()
@blp.response(200, MeSchema)
@blp.alt_response(401, description="Not signed in")
def get_me():
    """The signed-in user's own profile, with completeness."""
    return current_user


@blp.route("/me", methods=["PATCH"])
@jwt_required()
@blp.arguments(ProfileUpdateSchema)
@blp.response(200, MeSchema)
@blp.alt_response(401, description="Not signed in")
def update_me(changes):
    """Change any of display name, bio, hobbies, interests, ZIP code and friend radius."""
    return service.update_profile(current_user, changes)


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


@blp.route("/users/<int:user_id>", methods=["GET"])
@jwt_required()
@blp.response(200, ProfileSchema)
@blp.alt_response(401, description="Not signed in")
@blp.alt_response(404, description="Unknown user, or one side blocked the other")
def get_user(user_id):
    """Another person's public profile."""
    return service.public_profile(current_user, user_id)
