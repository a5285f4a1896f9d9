"""HTTP layer of ``/api/moderation/…`` (moderators only), of ``/api/me/moderation`` and
``/api/me/appeals``, and of ``/api/appeals/{token}`` (the appeal link of a decision mail)."""

import functools

from flask import current_app
from flask_jwt_extended import current_user, get_current_user, jwt_required, verify_jwt_in_request
from flask_smorest import Blueprint

from ..errors import NotFound
from ..extensions import limiter
from . import notices, service
from .schemas import (
    ActionRequestSchema,
    ActionSchema,
    AppealRequestSchema,
    AppealSchema,
    AppealTextSchema,
    AuditQuerySchema,
    AuditSchema,
    CaseListSchema,
    CaseQuerySchema,
    CaseSchema,
    MyModerationSchema,
    NoticeSchema,
)

blp = Blueprint("moderation", __name__, url_prefix="/api", description="Moderation, notices and appeals")

NOT_A_MODERATOR = "Not a moderator (the route does not exist for anyone else)"


def moderator_required(view):
    """Moderators only; for anyone else, signed in or not, the route does not exist (404).

    A token that is present but expired or revoked is still a 401, so a moderator's browser
    refreshes it as on any other route.
    """

    @functools.wraps(view)
    def guarded(*args, **kwargs):
        verify_jwt_in_request(optional=True)
        user = get_current_user()
        if user is None or not user.is_moderator:
            raise NotFound()
        return view(*args, **kwargs)

    return guarded


@blp.route("/moderation/cases", methods=["GET"])
@moderator_required
@blp.arguments(CaseQuerySchema, location="query")
@blp.response(200, CaseListSchema)
@blp.alt_response(404, description=NOT_A_MODERATOR)
def list_cases(query):
    """The queue: one case per reported person, oldest first."""
    return {"cases": service.list_cases(query.get("category"), query["status"])}


@blp.route("/moderation/cases/<int:user_id>", methods=["GET"])
@moderator_required
@blp.response(200, CaseSchema)
@blp.alt_response(404, description=f"{NOT_A_MODERATOR}, or no such user")
def get_case(user_id):
    """One case: profile, photos, reports with their reporters, actions, appeals and relevant messages."""
    return service.get_case(user_id)


@blp.route("/moderation/cases/<int:user_id>/actions", methods=["POST"])
@moderator_required
@blp.arguments(ActionRequestSchema)
@blp.response(201, ActionSchema)
@blp.alt_response(404, description=f"{NOT_A_MODERATOR}, or no such user")
@blp.alt_response(422, description="Invalid body: a suspension without a future `until`, a photo not theirs")
def take_action(data, user_id):
    """Decide the case; its effects apply at once and the decision is added to the audit log."""
    return service.take_action(current_user, user_id, **data)


@blp.route("/moderation/audit", methods=["GET"])
@moderator_required
@blp.arguments(AuditQuerySchema, location="query")
@blp.response(200, AuditSchema)
@blp.alt_response(404, description=NOT_A_MODERATOR)
def audit(query):
    """Every moderation action, newest first; ``before`` is the oldest id already shown."""
    return {"actions": service.audit_log(query["limit"], query.get("before"))}


@blp.route("/me/moderation", methods=["GET"])
@jwt_required()
@blp.response(200, MyModerationSchema)
@blp.alt_response(401, description="Not signed in")
def my_moderation():
    """The decisions taken on your account (with your appeals), and whether your reports were handled."""
    return notices.my_moderation(current_user)


@blp.route("/me/appeals", methods=["POST"])
@jwt_required()
@blp.arguments(AppealRequestSchema)
@blp.response(201, AppealSchema)
@blp.alt_response(401, description="Not signed in")
@blp.alt_response(404, description="No such decision on your account")
@blp.alt_response(409, description="Already appealed")
def appeal(data):
    """Appeal a decision on your account, once; it goes back to the moderators."""
    return notices.appeal(current_user, data["action_id"], data["text"])


def _appeal_link_limit():
    return current_app.config["APPEAL_LINK_RATE_LIMIT"]


@blp.route("/appeals/<string:token>", methods=["GET"])
@blp.doc(security=[{}])
@limiter.limit(_appeal_link_limit)
@blp.response(200, NoticeSchema)
@blp.alt_response(400, description="`invalid_token`: tampered, expired or used, or the decision was appealed")
@blp.alt_response(429, description="Too many appeal-link requests from this address")
def appeal_link(token):
    """The decision an appeal link (from a decision mail) lets you appeal; no sign-in needed."""
    return notices.decision_of_appeal_link(token)


@blp.route("/appeals/<string:token>", methods=["POST"])
@blp.doc(security=[{}])
@limiter.limit(_appeal_link_limit)
@blp.arguments(AppealTextSchema)
@blp.response(201, AppealSchema)
@blp.alt_response(400, description="`invalid_token`: tampered, expired or used, or the decision was appealed")
@blp.alt_response(429, description="Too many appeal-link requests from this address")
def appeal_by_link(data, token):
    """Appeal the decision of an appeal link, once, without signing in; it goes back to the moderators."""
    return notices.appeal_by_link(token, data["text"])
