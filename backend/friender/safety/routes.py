"""HTTP layer of ``/api/blocks`` and ``/api/reports``."""

from flask import current_app
from flask_jwt_extended import current_user, get_jwt_identity, jwt_required
from flask_smorest import Blueprint

from ..extensions import limiter
from . import service
from .schemas import BlockListSchema, BlockRequestSchema, BlockSchema, ReportRequestSchema, ReportSchema

blp = Blueprint("safety", __name__, url_prefix="/api", description="Blocking and reporting people")


@blp.route("/blocks", methods=["POST"])
@jwt_required()
@blp.arguments(BlockRequestSchema)
@blp.response(201, BlockSchema)
@blp.alt_response(401, description="Not signed in")
@blp.alt_response(404, description="Unknown user")
@blp.alt_response(409, description="Already blocked")
@blp.alt_response(422, description="Invalid body, or yourself")
def block(data):
    """Block someone: any match goes, and neither sees the other again anywhere."""
    return service.block_user(current_user, data["user_id"])


@blp.route("/blocks", methods=["GET"])
@jwt_required()
@blp.response(200, BlockListSchema)
@blp.alt_response(401, description="Not signed in")
def list_blocks():
    """The people you blocked, newest first."""
    return {"blocks": service.list_blocks(current_user)}


@blp.route("/blocks/<int:user_id>", methods=["DELETE"])
@jwt_required()
@blp.response(204)
@blp.alt_response(401, description="Not signed in")
@blp.alt_response(404, description="You have not blocked this person")
def unblock(user_id):
    """Unblock someone; they reappear in discovery only if neither of you had swiped."""
    service.unblock_user(current_user, user_id)


def _reporter_key():
    """Reports are limited per reporter, wherever the requests come from."""
    return f"reports:{get_jwt_identity()}"


@blp.route("/reports", methods=["POST"])
@jwt_required()
@limiter.limit(lambda: current_app.config["REPORT_RATE_LIMIT"], key_func=_reporter_key)
@blp.arguments(ReportRequestSchema)
@blp.response(201, ReportSchema)
@blp.alt_response(401, description="Not signed in")
@blp.alt_response(404, description="Unknown user")
@blp.alt_response(409, description="Already reported by you")
@blp.alt_response(422, description="Invalid body, or yourself")
@blp.alt_response(429, description="Too many reports in the last hour")
def report(data):
    """Report someone for moderation: a category (default `other`) and what happened."""
    return service.report_user(current_user, data["user_id"], data["reason"], data.get("category", "other"))
