"""HTTP layer of ``/api/swipes`` and ``/api/matches``."""

from flask_jwt_extended import current_user, get_current_user, jwt_required
from flask_smorest import Blueprint

from . import service
from .schemas import MatchListSchema, SwipeRequestSchema, SwipeResultSchema, UndoResultSchema

blp = Blueprint("matches", __name__, url_prefix="/api", description="Swipes and matches")


@blp.route("/swipes", methods=["POST"])
@jwt_required()
@blp.arguments(SwipeRequestSchema)
@blp.response(201, SwipeResultSchema)
@blp.alt_response(401, description="Not signed in")
@blp.alt_response(404, description="Unknown user, or one side blocked the other")
@blp.alt_response(409, description="Already swiped on this person")
@blp.alt_response(422, description="Invalid body, or yourself")
def swipe(data):
    """Say Yes or No to someone, once; a mutual Yes answers with the match."""
    return {"match": service.record_swipe(get_current_user(), data["user_id"], data["liked"])}


@blp.route("/swipes/undo", methods=["POST"])
@jwt_required()
@blp.response(200, UndoResultSchema)
@blp.alt_response(401, description="Not signed in")
@blp.alt_response(404, description="No decision to take back")
@blp.alt_response(409, description="Older than 5 minutes, or the Yes made a match")
def undo_swipe():
    """Take back your most recent decision (within 5 minutes, if it made no match); the person can be shown again."""
    return {"user_id": service.undo_last_swipe(current_user)}


@blp.route("/matches", methods=["GET"])
@jwt_required()
@blp.response(200, MatchListSchema)
@blp.alt_response(401, description="Not signed in")
def list_matches():
    """Your matches, newest activity first."""
    # The user object, not the ``current_user`` proxy: every match's profile view reads it.
    return {"matches": service.list_matches(get_current_user())}


@blp.route("/matches/<int:match_id>", methods=["DELETE"])
@jwt_required()
@blp.response(204)
@blp.alt_response(401, description="Not signed in")
@blp.alt_response(404, description="No such match of yours")
def unmatch(match_id):
    """Unmatch: the match and its conversation disappear for both people."""
    service.unmatch(current_user, match_id)
