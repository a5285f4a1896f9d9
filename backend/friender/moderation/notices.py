"""What the person hears of moderation: the notice of each decision (its rule in plain words, by
mail with a single-use appeal link, and on the event stream), the decisions on their own account
and the reports they made, and their one appeal per decision, signed in or by the mailed link."""

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from .. import mail
from ..auth import account_tokens
from ..errors import Conflict, InvalidToken, NotFound, ValidationFailed
from ..extensions import db
from ..models import AccountToken, Appeal, ModerationAction, Report, as_utc

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
# Actions the person is told of but cannot appeal (they undo a measure).
UNAPPEALABLE_ACTIONS = ("restore",)


def queue_notice_mail(user, record):
    """The decision by mail, in the action's transaction: the outbox sends it once committed.

    A decision that can be appealed carries a single-use appeal link, which works without signing
    in: a suspended or banned person cannot sign in.
    """
    until = as_utc(record.until).strftime("%Y-%m-%d %H:%M UTC") if record.until else None
    title = NOTICE_TITLES[record.action]
    appeal_url = None
    if record.action not in UNAPPEALABLE_ACTIONS:
        token = account_tokens.issue(user, AccountToken.APPEAL, action_id=record.id)
        appeal_url = mail.link("/appeal", token)
    mail.queue_mail(
        user.email,
        title,
        "moderation_notice",
        name=user.display_name or user.username,
        title=title,
        until=until,
        rule_text=RULES.get(record.rule, RULES["other"]),
        appeal_url=appeal_url,
        url=f"{current_app.config['APP_BASE_URL']}/profile",
    )


def notice_of(record, appeal=None):
    """What the person is told about an action: the action, the rule and its text, never the reporter."""
    return {
        "id": record.id,
        "action": record.action,
        "rule": record.rule,
        "rule_text": RULES.get(record.rule, RULES["other"]),
        "until": record.until,
        "created_at": record.created_at,
        "appeal": appeal,
        "can_appeal": appeal is None and record.action not in UNAPPEALABLE_ACTIONS,
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
    if action.action in UNAPPEALABLE_ACTIONS:
        raise ValidationFailed("A restore cannot be appealed.", fields={"action_id": ["Nothing to appeal."]})
    record = Appeal(action_id=action.id, user_id=user.id, text=text)
    db.session.add(record)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict("You have already appealed this decision.") from None
    return record


def _still_appealable(_user, row):
    """An appeal link whose decision is gone or already appealed (from the app, say) is spent."""
    if row.action_id is None or db.session.scalar(sa.select(Appeal.id).where(Appeal.action_id == row.action_id)):
        raise InvalidToken(account_tokens.INVALID)


def decision_of_appeal_link(token):
    """The decision an appeal link (from a decision mail) lets its person appeal, as their notice.

    A tampered, expired or used link, or one whose decision was appealed already → 400 ``invalid_token``.
    """
    row, user = account_tokens.peek(token, AccountToken.APPEAL)
    _still_appealable(user, row)
    return notice_of(db.session.get(ModerationAction, row.action_id))


def appeal_by_link(token, text):
    """Appeal the decision of an appeal link without signing in; the link is spent, and the appeal is
    :func:`appeal`'s (one per action, reopening the case)."""
    row, user = account_tokens.redeem(token, AccountToken.APPEAL, check=_still_appealable)
    return appeal(user, row.action_id, text)
