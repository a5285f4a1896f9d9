"""HTTP layer of ``/api/matches/{id}/hangouts``."""

from flask import Response
from flask_jwt_extended import current_user, jwt_required
from flask_smorest import Blueprint

from . import service
from .schemas import AcceptSchema, HangoutCreateSchema, HangoutListSchema, HangoutSchema

blp = Blueprint("hangouts", __name__, url_prefix="/api/matches", description="Plans to meet up")

NOT_MEMBER = "No such match or hangout, or not one of its members, or a block between them"


@blp.route("/<int:match_id>/hangouts", methods=["GET"])
@jwt_required()
@blp.response(200, HangoutListSchema)
@blp.alt_response(401, description="Not signed in")
@blp.alt_response(404, description=NOT_MEMBER)
def list_hangouts(match_id):
    """The plans of this match, newest first."""
    return {"hangouts": service.list_hangouts(current_user.id, match_id)}


@blp.route("/<int:match_id>/hangouts", methods=["POST"])
@jwt_required()
@blp.arguments(HangoutCreateSchema)
@blp.response(201, HangoutSchema)
@blp.alt_response(401, description="Not signed in")
@blp.alt_response(404, description=NOT_MEMBER)
@blp.alt_response(409, description="Too many open plans in this match")
@blp.alt_response(422, description="Invalid body: times in the past, over 90 days ahead, or ending before they start")
def propose(data, match_id):
    """Propose a plan: an activity, 1–3 time options and a kind of public place."""
    return service.propose_hangout(current_user.id, match_id, data)


@blp.route("/<int:match_id>/hangouts/<int:hangout_id>/accept", methods=["POST"])
@jwt_required()
@blp.arguments(AcceptSchema)
@blp.response(200, HangoutSchema)
@blp.alt_response(401, description="Not signed in")
@blp.alt_response(403, description="You proposed it")
@blp.alt_response(404, description=NOT_MEMBER)
@blp.alt_response(409, description="No longer open, or that time has begun")
@blp.alt_response(422, description="No such option")
def accept(data, match_id, hangout_id):
    """Accept one of the proposed times (0-based ``option_index``)."""
    return service.accept_hangout(current_user.id, match_id, hangout_id, data["option_index"])


@blp.route("/<int:match_id>/hangouts/<int:hangout_id>/decline", methods=["POST"])
@jwt_required()
@blp.response(200, HangoutSchema)
@blp.alt_response(401, description="Not signed in")
@blp.alt_response(403, description="You proposed it")
@blp.alt_response(404, description=NOT_MEMBER)
@blp.alt_response(409, description="No longer open")
def decline(match_id, hangout_id):
    """Say no to every proposed time."""
    return service.decline_hangout(current_user.id, match_id, hangout_id)


@blp.route("/<int:match_id>/hangouts/<int:hangout_id>/cancel", methods=["POST"])
@jwt_required()
@blp.response(200, HangoutSchema)
@blp.alt_response(401, description="Not signed in")
@blp.alt_response(404, description=NOT_MEMBER)
@blp.alt_response(409, description="Already declined, cancelled or over")
def cancel(match_id, hangout_id):
    """Call the plan off (either member)."""
    return service.cancel_hangout(current_user.id, match_id, hangout_id)


@blp.route("/<int:match_id>/hangouts/<int:hangout_id>/we-met", methods=["POST"])
@jwt_required()
@blp.response(200, HangoutSchema)
@blp.alt_response(401, description="Not signed in")
@blp.alt_response(404, description=NOT_MEMBER)
@blp.alt_response(409, description="Not accepted, not over yet, or already confirmed")
def we_met(match_id, hangout_id):
    """Confirm that you met, once, after the hangout's end; when both confirm, both profiles' met_count grows."""
    return service.confirm_met(current_user.id, match_id, hangout_id)


@blp.route("/<int:match_id>/hangouts/<int:hangout_id>.ics", methods=["GET"])
@jwt_required()
@blp.response(200, description="An iCalendar file of the agreed time", content_type="text/calendar")
@blp.alt_response(401, description="Not signed in")
@blp.alt_response(404, description=NOT_MEMBER + ", or no time agreed yet")
def calendar_file(match_id, hangout_id):
    """The accepted hangout as an iCalendar (.ics) file, for the two members only."""
    body = service.calendar_file(current_user.id, match_id, hangout_id)
    return Response(
        body,
        mimetype="text/calendar",
        headers={
            "Content-Disposition": f'attachment; filename="friender-hangout-{hangout_id}.ics"',
            "Cache-Control": "no-store",
        },
    )
