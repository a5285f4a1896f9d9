"""Moderation rules: cases, decisions and their effects, the audit log, notices and appeals.

A *case* is one reported person. It is open while they have a report or an appeal that no
moderator has decided yet; every action decides all of them at once, clears the automatic
hiding, and is kept as an audit row that nothing changes afterwards.

Effects take hold in the action's transaction: a suspension or ban revokes every token of the
account and hides it everywhere; ``restore`` lifts either. A removed photo's storage objects are
deleted once the row is gone. After the commit the person hears of the decision on their event
stream and by mail through the outbox (naming the action and the rule, never who reported nor
the moderator's note), a suspension or ban then ends their open streams in every process (or,
if the broker is unreachable, at their next revocation check, within a heartbeat), and each
reporter learns that their report was handled.
"""

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from .. import events, mail
from ..auth import account_tokens
from ..auth.accounts import revoke_sessions
from ..errors import Conflict, InvalidToken, NotFound, ValidationFailed
from ..extensions import db
from ..models import (
    CONVERSATION_CATEGORIES,
    REPORT_CATEGORIES,
    AccountToken,
    Appeal,
    ModerationAction,
    Photo,
    Report,
    User,
    as_utc,
    utcnow,
)
from ..photos.service import discard_photo
from ..storage import remove_objects

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
LOCKING_ACTIONS = ("suspend", "ban")
MAX_CASES = 200
MAX_SUSPENSION = timedelta(days=3650)


def _case_rows(status):
    """The reports and appeals that make up the cases with ``status`` (``open``, ``closed`` or ``all``)."""
    open_reports = sa.select(Report).where(Report.handled_at.is_(None))
    open_appeals = sa.select(Appeal).where(Appeal.handled_at.is_(None))
    if status == "open":
        return db.session.scalars(open_reports).all(), db.session.scalars(open_appeals).all()
    reports = db.session.scalars(sa.select(Report)).all()
    if status == "all":
        return reports, db.session.scalars(open_appeals).all()
    still_open = {r.reported_id for r in db.session.scalars(open_reports)} | {
        a.user_id for a in db.session.scalars(open_appeals)
    }
    return [r for r in reports if r.reported_id not in still_open], []


def list_cases(category=None, status="open"):
    """One case per reported person, oldest first (at most ``MAX_CASES``).

    An open case counts its undecided reports and is as old as its oldest undecided report or
    appeal; a closed one counts every report it ever had.
    """
    reports, appeals = _case_rows(status)
    cases = {}
    for report in reports:
        case = cases.setdefault(report.reported_id, {"reports": [], "appeals": []})
        case["reports"].append(report)
    for appeal in appeals:
        cases.setdefault(appeal.user_id, {"reports": [], "appeals": []})["appeals"].append(appeal)
    users = {
        user.id: user
        for user in db.session.scalars(
            sa.select(User).where(User.id.in_(list(cases))).options(selectinload(User.photos))
        )
    }
    result = []
    for user_id, case in cases.items():
        categories = {report.category for report in case["reports"]}
        if category and category not in categories:
            continue
        opened = [row.created_at for row in case["reports"] + case["appeals"]]
        result.append(
            {
                "user_id": user_id,
                "profile": users[user_id],
                "report_count": len(case["reports"]),
                "appeal_count": len(case["appeals"]),
                "categories": [name for name in REPORT_CATEGORIES if name in categories],
                "opened_at": min(opened),
                "hidden": users[user_id].hidden_at is not None or users[user_id].locked,
                "status": "closed" if status == "closed" else "open" if _is_open(case) else "closed",
                **_standing(users[user_id]),
            }
        )
    result.sort(key=lambda case: (as_utc(case["opened_at"]), case["user_id"]))
    return result[:MAX_CASES]


def _is_open(case):
    return any(r.handled_at is None for r in case["reports"]) or any(a.handled_at is None for a in case["appeals"])


def _standing(user):
    """The measures on an account right now."""
    return {
        "suspended_until": user.suspended_until if user.locked and user.banned_at is None else None,
        "banned": user.banned_at is not None,
    }


def _person(user_id):
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("No such user.")
    return user


def get_case(user_id):
    """Everything a moderator needs to decide about ``user_id``: profile, photos, reports (with the
    reporter), earlier actions, appeals and, for harassment and spam reports, the conversation."""
    user = _person(user_id)
    reports = db.session.scalars(
        sa.select(Report).where(Report.reported_id == user_id).order_by(Report.created_at, Report.id)
    ).all()
    actions = db.session.scalars(
        sa.select(ModerationAction).where(ModerationAction.user_id == user_id).order_by(ModerationAction.id)
    ).all()
    appeals = db.session.scalars(sa.select(Appeal).where(Appeal.user_id == user_id).order_by(Appeal.id)).all()
    conversations = [
        {"report_id": report.id, "reporter_id": report.reporter_id, "messages": report.evidence or []}
        for report in reports
        if report.category in CONVERSATION_CATEGORIES
    ]
    is_open = any(r.handled_at is None for r in reports) or any(a.handled_at is None for a in appeals)
    return {
        "user_id": user.id,
        "profile": user,
        "photos": user.photos,
        "reports": reports,
        "actions": actions,
        "appeals": appeals,
        "messages": conversations,
        "hidden": user.hidden_at is not None or user.locked,
        "status": "open" if is_open else "closed",
        **_standing(user),
    }


def _main_category(user_id):
    """The most frequent category among the person's undecided reports (the rule a decision applies)."""
    counts = db.session.execute(
        sa.select(Report.category, sa.func.count())
        .where(Report.reported_id == user_id, Report.handled_at.is_(None))
        .group_by(Report.category)
    ).all()
    if not counts:
        return "other"
    return max(counts, key=lambda row: (row[1], -REPORT_CATEGORIES.index(row[0])))[0]


def take_action(moderator, user_id, action, note, until=None, photo_id=None, rule=None):
    """Record a decision about ``user_id`` and apply its effects at once; returns the audit row."""
    user = _person(user_id)
    if user.id == moderator.id:
        raise ValidationFailed("You cannot moderate your own account.", fields={"user_id": ["That is you."]})
    now = utcnow()
    keys = []
    if action == "suspend":
        if until is None or until <= now or until > now + MAX_SUSPENSION:
            raise ValidationFailed(
                "A suspension needs an end time in the future.",
                fields={"until": ["Give a time in the future, within ten years."]},
            )
        user.suspended_until = until
        revoke_sessions(user)
    elif action == "ban":
        user.banned_at = now
        revoke_sessions(user)
    elif action == "restore":
        user.suspended_until = None
        user.banned_at = None
    elif action == "clear_bio":
        user.bio = ""
    elif action == "remove_photo":
        photo = db.session.get(Photo, photo_id) if photo_id else None
        if photo is None or photo.user_id != user.id:
            raise ValidationFailed(
                "Choose one of this person's photos.", fields={"photo_id": ["Not one of this person's photos."]}
            )
        keys = discard_photo(photo)
    if action != "suspend":
        until = None
    if action != "remove_photo":
        photo_id = None

    record = ModerationAction(
        user_id=user.id,
        moderator_id=moderator.id,
        action=action,
        rule=rule or _main_category(user.id),
        note=note,
        until=until,
        photo_id=photo_id,
        created_at=now,
    )
    db.session.add(record)
    handled = db.session.scalars(
        sa.select(Report).where(Report.reported_id == user.id, Report.handled_at.is_(None))
    ).all()
    for report in handled:
        report.handled_at = now
    db.session.execute(
        sa.update(Appeal).where(Appeal.user_id == user.id, Appeal.handled_at.is_(None)).values(handled_at=now)
    )
    user.hidden_at = None
    if action not in SILENT_ACTIONS:
        db.session.flush()  # the appeal link names the action's id
        _queue_notice_mail(user, record)
    db.session.commit()

    remove_objects(keys)
    _announce(record, handled)
    return record


def _queue_notice_mail(user, record):
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


def _announce(record, handled_reports):
    """Tell the person about the decision and each reporter that their report was handled."""
    from .schemas import NoticeSchema  # the schema module imports this one's rule texts

    if record.action not in SILENT_ACTIONS:
        events.publish(record.user_id, "moderation", NoticeSchema().dump(notice_of(record)))
    if record.action in LOCKING_ACTIONS:
        # On the same channel after the notice, so every open tab reads the notice, then ends.
        events.end_streams(record.user_id)
    for report in handled_reports:
        events.publish(report.reporter_id, "report_handled", {"report_id": report.id, "user_id": report.reported_id})


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


def audit_log(limit=50, before=None):
    """The newest actions first; ``before`` is the id of the oldest one already shown."""
    query = sa.select(ModerationAction).order_by(ModerationAction.id.desc()).limit(limit)
    if before is not None:
        query = query.where(ModerationAction.id < before)
    actions = db.session.scalars(query).all()
    names = dict(
        db.session.execute(
            sa.select(User.id, User.username).where(User.id.in_({a.moderator_id for a in actions} - {None}))
        ).all()
    )
    for action in actions:
        action.moderator_username = names.get(action.moderator_id)
    return actions


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
