"""HTTP layer of ``/api/me`` and ``/api/users``."""

from flask_jwt_extended import current_user, get_current_user, jwt_required
from flask_smorest import Blueprint

from . import service
from .schemas import MeSchema, ProfileSchema, ProfileUpdateSchema

blp = Blueprint("profiles", __name__, url_prefix="/api", description="Your profile and other people's")


@blp.route("/me", methods=["GET"])
@jwt_required()
@blp.response(200, MeSchema)
@blp.alt_response(401, description="Not signed in")
def get_me():
    """The signed-in user's own profile, with completeness."""
    # The user object, not the ``current_user`` proxy: serialising reads some twenty attributes.
    return get_current_user()


@blp.route("/me", methods=["PATCH"])
@jwt_required()
@blp.arguments(ProfileUpdateSchema)
@blp.response(200, MeSchema)
@blp.alt_response(401, description="Not signed in")
@blp.alt_response(429, description="ZIP code or friend radius changed too often (LOCATION_CHANGE_LIMIT per 24 hours)")
def update_me(changes):
    """Change any of display name, bio, hobbies, interests, ZIP code and friend radius."""
    return service.update_profile(current_user, changes)


@blp.route("/users/<int:user_id>", methods=["GET"])
@jwt_required()
@blp.response(200, ProfileSchema)
@blp.alt_response(401, description="Not signed in")
@blp.alt_response(404, description="Unknown user, or one side blocked the other")
def get_user(user_id):
    """Another person's public profile."""
    return service.public_profile(current_user, user_id)
