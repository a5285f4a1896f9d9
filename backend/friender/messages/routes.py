"""HTTP layer of ``/api/matches/{id}/messages`` and ``/api/matches/{id}/read``."""

from flask import current_app
from flask_jwt_extended import current_user, get_current_user, get_jwt_identity, jwt_required
from flask_smorest import Blueprint

from ..extensions import limiter
from . import service
from .schemas import MessageCreateSchema, MessageListSchema, MessagePageQuerySchema, MessageSchema

blp = Blueprint("messages", __name__, url_prefix="/api/matches", description="Messages between matches")


def _sender_key():
    """Sending is limited per user, wherever the requests come from."""
    return f"messages:{get_jwt_identity()}"


def _typist_key():
    """Typing signals are limited per user, across all of their chats."""
    return f"typing:{get_jwt_identity()}"


@blp.route("/<int:match_id>/messages", methods=["GET"])
@jwt_required()
@blp.arguments(MessagePageQuerySchema, location="query")
@blp.response(200, MessageListSchema)
@blp.alt_response(401, description="Not signed in")
@blp.alt_response(404, description="No such match, or not one of its members, or a block between them")
def list_messages(query, match_id):
    """A page of the conversation, oldest first; ``before`` is the oldest message id already shown."""
    return {"messages": service.list_messages(current_user.id, match_id, **query)}


@blp.route("/<int:match_id>/messages", methods=["POST"])
@jwt_required()
@limiter.limit(lambda: current_app.config["MESSAGE_RATE_LIMIT"], key_func=_sender_key)
@blp.arguments(MessageCreateSchema)
@blp.response(201, MessageSchema)
@blp.alt_response(401, description="Not signed in")
@blp.alt_response(403, description="The sender has not verified their email address (`email_unverified`)")
@blp.alt_response(404, description="No such match, or not one of its members, or a block between them")
@blp.alt_response(429, description="Too many messages sent in the last minute")
def send_message(data, match_id):
    """Send a message; both members' open event streams receive it."""
    return service.send_message(get_current_user(), match_id, data["body"])


@blp.route("/<int:match_id>/read", methods=["POST"])
@jwt_required()
@blp.response(204)
@blp.alt_response(401, description="Not signed in")
@blp.alt_response(404, description="No such match, or not one of its members, or a block between them")
def mark_read(match_id):
    """Mark the other member's messages sent up to now as read; both members get a ``read`` event."""
    service.mark_read(current_user.id, match_id)


@blp.route("/<int:match_id>/typing", methods=["POST"])
@jwt_required()
@limiter.limit(lambda: current_app.config["TYPING_RATE_LIMIT"], key_func=_typist_key)
@blp.response(204)
@blp.alt_response(401, description="Not signed in")
@blp.alt_response(404, description="No such match, or not one of its members, or a block between them")
@blp.alt_response(429, description="Too many typing signals")
def typing(match_id):
    """Tell the other member you are typing (a ``typing`` event on their streams); nothing is stored."""
    service.announce_typing(current_user.id, match_id)
