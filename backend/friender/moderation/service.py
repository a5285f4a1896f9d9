"""Moderation rules: cases, decisions and their effects, and the audit log (``notices``: what the
person hears, and appeals).

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
from sqlalchemy.orm import selectinload

from .. import events
from ..auth.accounts import revoke_sessions
from ..errors import NotFound, ValidationFailed
from ..extensions import db
from ..models import (
    CONVERSATION_CATEGORIES,
    REPORT_CATEGORIES,
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
from .notices import SILENT_ACTIONS, notice_of, queue_notice_mail
from .schemas import NoticeSchema

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


def _case_rule(user_id):
    """The rule a decision without one applies: the most frequent category among the person's
    undecided reports; with none left (a ban after a suspension, a restore after an appeal), the
    rule of the person's latest decision; "other" for a first decision nobody reported."""
    counts = db.session.execute(
        sa.select(Report.category, sa.func.count())
        .where(Report.reported_id == user_id, Report.handled_at.is_(None))
        .group_by(Report.category)
    ).all()
    if counts:
        return max(counts, key=lambda row: (row[1], -REPORT_CATEGORIES.index(row[0])))[0]
    latest = db.session.scalar(
        sa.select(ModerationAction.rule)
        .where(ModerationAction.user_id == user_id)
        .order_by(ModerationAction.created_at.desc(), ModerationAction.id.desc())
        .limit(1)
    )
    return latest or "other"


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
        rule=rule or _case_rule(user.id),
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
        queue_notice_mail(user, record)
    db.session.commit()

    remove_objects(keys)
    _announce(record, handled)
    return record


def _announce(record, handled_reports):
    """Tell the person about the decision and each reporter that their report was handled."""
    if record.action not in SILENT_ACTIONS:
        events.publish(record.user_id, "moderation", NoticeSchema().dump(notice_of(record)))
    if record.action in LOCKING_ACTIONS:
        # On the same channel after the notice, so every open tab reads the notice, then ends.
        events.end_streams(record.user_id)
    for report in handled_reports:
        events.publish(report.reporter_id, "report_handled", {"report_id": report.id, "user_id": report.reported_id})


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
