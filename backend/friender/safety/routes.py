"""HTTP layer of ``/api/blocks`` and ``/api/reports``."""

from flask_jwt_extended import current_user, jwt_required
from flask_smorest import Blueprint

from . import service
from .schemas import BlockRequestSchema, BlockSchema, ReportRequestSchema, ReportSchema

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


@blp.route("/reports", methods=["POST"])
@jwt_required()
@blp.arguments(ReportRequestSchema)
@blp.response(201, ReportSchema)
@blp.alt_response(401, description="Not signed in")
@blp.alt_response(404, description="Unknown user")
@blp.alt_response(409, description="Already reported by you")
@blp.alt_response(422, description="Invalid body, or yourself")
def report(data):
    """Report someone for moderation, with a reason."""
    return service.report_user(current_user, data["user_id"], data["reason"])
