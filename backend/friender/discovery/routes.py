"""HTTP layer of ``/api/discover``."""

from flask_jwt_extended import get_current_user, jwt_required
from flask_smorest import Blueprint

from . import service
from .schemas import DiscoverQuerySchema, DiscoverResultSchema

blp = Blueprint("discovery", __name__, url_prefix="/api", description="People nearby who share your hobbies")


@blp.before_request
def begin_transaction():
    """Discovery's transaction begins before the token check reads in it (see ``Ranker.begin_request``)."""
    service.ranker().begin_request()


@blp.route("/discover", methods=["GET"])
@jwt_required()
@blp.arguments(DiscoverQuerySchema, location="query")
@blp.response(200, DiscoverResultSchema)
@blp.alt_response(401, description="Not signed in")
@blp.alt_response(409, description="Incomplete profile (profile_incomplete; fields lists what is missing)")
@blp.alt_response(422, description="Invalid limit")
def discover(query):
    """People within reach, most shared hobbies and interests first, then nearest, then by id.

    An empty page also says how many people wider radii (25, 50, 100 miles) would bring into reach.
    """
    # The user object itself rather than the ``current_user`` proxy: ranking reads it many times.
    return service.discover_page(get_current_user(), query["limit"])
