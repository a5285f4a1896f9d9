"""HTTP layer of ``GET /api/events``: the signed-in user's live event stream."""

from flask import current_app, request
from flask_jwt_extended import current_user, get_jwt, jwt_required
from flask_smorest import Blueprint

from ..errors import ServiceUnavailable
from . import broker, stream
from .broker import BrokerUnavailable

blp = Blueprint("events", __name__, url_prefix="/api", description="Live events (Server-Sent Events)")

LAST_EVENT_ID = {
    "in": "header",
    "name": "Last-Event-ID",
    "required": False,
    "schema": {"type": "string"},
    "description": "The last message id received; the stream starts by replaying newer messages.",
}


@blp.route("/events", methods=["GET"])
@jwt_required()
@blp.doc(parameters=[LAST_EVENT_ID])
@blp.response(
    200,
    content_type="text/event-stream",
    description="`message`, `read`, `match` and `unmatch` events with JSON data; `: heartbeat` comments.",
)
@blp.alt_response(401, description="Not signed in")
@blp.alt_response(503, description="The event broker (Redis) is unavailable")
def events():
    """Open the event stream: catch up on missed messages, then receive events as they happen."""
    config = current_app.config
    user_id = current_user.id
    hub = broker()
    # The newest stream wins: a dropped connection (a reloaded tab) holds its place until a
    # heartbeat write fails, so refusing new streams would lock out the tab the person is using.
    hub.end_oldest(user_id, keep=config["EVENTS_MAX_STREAMS_PER_USER"] - 1, reason="replaced")
    try:
        subscription = hub.subscribe(user_id)
    except BrokerUnavailable:
        raise ServiceUnavailable("Live events are unavailable. Please try again shortly.") from None
    heartbeat = config["EVENTS_HEARTBEAT_SECONDS"]
    try:
        # Subscribed before reading the database, so nothing falls between catch-up and live events.
        frames, replayed = stream.catch_up_frames(
            user_id,
            stream.parse_last_event_id(request.headers.get("Last-Event-ID")),
            heartbeat,
            config["EVENTS_REPLAY_LIMIT"],
        )
    except BaseException:
        subscription.close()
        raise
    body = stream.EventStream(current_app._get_current_object(), subscription, get_jwt(), frames, replayed, heartbeat)
    return current_app.response_class(
        body,
        mimetype="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
