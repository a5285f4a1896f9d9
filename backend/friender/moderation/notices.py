"""What the person hears of moderation: the notice of each decision (its rule in plain words, by
mail and on the event stream), the decisions on their own account and the reports they made, and
their one appeal per decision."""

import sqlalchemy as sa
from flask import current_app

from ..errors import NotFound, ValidationFailed, conflict_on_duplicate
from ..extensions import db
from ..mail import queue_mail
from ..models import Appeal, ModerationAction, Report, as_utc

# What a notice tells the person about the rule a decision applies.
RULES = {
    "fake": "Be yourself: no fake profiles and no pretending to be someone else.",
    "harassment": "Be kind: no harassment, threats or hate.",
    "spam": "No spam, advertising or scams.",
    "underage": "Friender is for adults: you must be 18 or older.",
    "inappropriate_photo": "Photos must show you and be suitable for everyone.",
    "other": "Follow Friender's community guidelines.",
}
# What the notice (event and mail) says happened.
NOTICE_TITLES = {
    "warn": "You received a warning from Friender's moderators",
    "remove_photo": "A photo of yours was removed by Friender's moderators",
    "clear_bio": "Your bio was cleared by Friender's moderators",
    "suspend": "Your Friender account is suspended",
    "ban": "Your Friender account is banned",
    "restore": "Your Friender account was restored",
}
# Actions that change nothing for the person, so they are not told and cannot appeal.
SILENT_ACTIONS = ("dismiss",)


def rule_text(rule):
    """The plain words of the rule a decision applies (the general one when it names none)."""
    return RULES.get(rule, RULES["other"])


def queue_notice_mail(user, record):
    """The decision by mail, in the action's transaction: the outbox sends it once committed."""
    until = as_utc(record.until).strftime("%Y-%m-%d %H:%M UTC") if record.until else None
    title = NOTICE_TITLES[record.action]
    queue_mail(
        user.email,
        title,
        "moderation_notice",
        name=user.display_name or user.username,
        title=title,
        until=until,
        rule_text=rule_text(record.rule),
        url=f"{current_app.config['APP_BASE_URL']}/profile",
    )


def notice_of(record, appeal=None):
    """What the person is told about an action: the action, the rule and its text, never the reporter."""
    return {
        "id": record.id,
        "action": record.action,
        "rule": record.rule,
        "rule_text": rule_text(record.rule),
        "until": record.until,
        "created_at": record.created_at,
        "appeal": appeal,
        "can_appeal": appeal is None and record.action not in ("restore",),
    }


def my_moderation(user):
    """The decisions taken on the user's own account (each with its appeal) and the reports they made."""
    actions = db.session.scalars(
        sa.select(ModerationAction)
        .where(ModerationAction.user_id == user.id, ModerationAction.action.not_in(SILENT_ACTIONS))
        .order_by(ModerationAction.id.desc())
    ).all()
    appeals = {
        appeal.action_id: appeal for appeal in db.session.scalars(sa.select(Appeal).where(Appeal.user_id == user.id))
    }
    reports = db.session.scalars(
        sa.select(Report).where(Report.reporter_id == user.id).order_by(Report.id.desc())
    ).all()
    return {
        "actions": [notice_of(action, appeals.get(action.id)) for action in actions],
        "reports": [
            {
                "id": r.id,
                "user_id": r.reported_id,
                "category": r.category,
                "created_at": r.created_at,
                "handled": r.handled_at is not None,
            }
            for r in reports
        ],
    }


def appeal(user, action_id, text):
    """The person's one appeal against one decision on their account; it reopens their case.

    Someone else's action (or a dismissal, which the person never heard of) → 404; a second appeal → 409.
    """
    action = db.session.get(ModerationAction, action_id)
    if action is None or action.user_id != user.id or action.action in SILENT_ACTIONS:
        raise NotFound("No such decision on your account.")
    if action.action == "restore":
        raise ValidationFailed("A restore cannot be appealed.", fields={"action_id": ["Nothing to appeal."]})
    record = Appeal(action_id=action.id, user_id=user.id, text=text)
    db.session.add(record)
    with conflict_on_duplicate("You have already appealed this decision."):
        db.session.commit()
    return record
