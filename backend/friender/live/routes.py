"""HTTP layer of ``GET /api/events``: the signed-in user's live event stream."""

from functools import partial

from flask import current_app, request
from flask_jwt_extended import current_user, get_jwt, jwt_required
from flask_smorest import Blueprint

from ..errors import RateLimited, ServiceUnavailable
from ..events import broker
from ..events.stream import EventStream, parse_last_event_id
from ..events.subscriptions import BrokerUnavailable, Limits, TooManyStreams
from ..extensions import db
from . import service

blp = Blueprint("events", __name__, url_prefix="/api", description="Live events (Server-Sent Events)")

LAST_EVENT_ID = {
    "in": "header",
    "name": "Last-Event-ID",
    "required": False,
    "schema": {"type": "string"},
    "description": "The last message id received; the stream starts by replaying newer messages.",
}


TOO_MANY_STREAMS = {
    "account": "Too many live event streams are open for this account. Close a tab or try again shortly.",
    "address": "Too many live event streams are open from this address. Try again shortly.",
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
@blp.alt_response(429, description="Too many streams open for this account or from this address")
@blp.alt_response(503, description="The event broker (Redis) is unavailable")
def events():
    """Open the event stream: catch up on missed messages, then receive events as they happen."""
    config = current_app.config
    user_id = current_user.id
    token = get_jwt()
    # Give the database connection back while Redis confirms the subscription: thousands of
    # streams opening at once would otherwise hold the whole pool through those waits.
    db.session.close()
    limits = Limits(config["EVENTS_MAX_STREAMS_PER_USER"], config["EVENTS_MAX_STREAMS_PER_ADDRESS"])
    try:
        subscription = broker().subscribe(user_id, token["jti"], request.remote_addr, limits, token.get("sid"))
    except TooManyStreams as error:
        raise RateLimited(TOO_MANY_STREAMS[error.scope]) from None
    except BrokerUnavailable:
        raise ServiceUnavailable("Live events are unavailable. Please try again shortly.") from None
    heartbeat = config["EVENTS_HEARTBEAT_SECONDS"]
    try:
        # Subscribed before reading the database, so nothing falls between catch-up and live events.
        frames, replayed = service.catch_up_frames(
            user_id,
            parse_last_event_id(request.headers.get("Last-Event-ID")),
            heartbeat,
            config["EVENTS_REPLAY_LIMIT"],
        )
    except BaseException:
        subscription.close()
        raise
    token_refused = partial(service.stream_token_refused, current_app._get_current_object())
    body = EventStream(subscription, token, frames, replayed, heartbeat, token_refused)
    return current_app.response_class(
        body,
        mimetype="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
