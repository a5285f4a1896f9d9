"""Blocks and reports.

A block hides the two people from each other everywhere: discovery, swipes, public profiles
and matches (any match between them is removed, with its conversation). Unblocking removes only
the block: whoever had already swiped does not see the other again.

A report is kept for moderation; one open report per reporter and reported person (once a
moderator has decided the case, the same reporter may report again, which reopens it). A
harassment or spam report keeps a copy of the two people's conversation. Automatic protection hides the reported
person from discovery once three different people have open reports about them, or at once on
an ``underage`` report, until a moderator decides.
"""

import sqlalchemy as sa

from ..errors import NotFound, ValidationFailed, conflict_on_duplicate
from ..extensions import db
from ..matches import service as matches
from ..models import CONVERSATION_CATEGORIES, Block, Match, Message, Report, User, utcnow
from ..relationships import lock_pair, match_of_pair
from ..schemas import UtcDateTime

# Open reports from this many different people hide the reported person from discovery.
AUTO_HIDE_REPORTERS = 3
# The newest messages of the conversation a harassment or spam report keeps as evidence.
EVIDENCE_MESSAGES = 200


def _other_user(user, user_id, action):
    if user_id == user.id:
        raise ValidationFailed(f"You cannot {action} yourself.", fields={"user_id": [f"You cannot {action} yourself."]})
    other = db.session.get(User, user_id)
    if other is None:
        raise NotFound("No such user.")
    return other


def block_user(blocker, user_id):
    """Block ``user_id``: removes any match between the two; blocking the same person twice is a conflict.

    Someone who has blocked the blocker can still be blocked back, so the answer reveals nothing.
    """
    blocked = _other_user(blocker, user_id, "block")
    block = Block(blocker_id=blocker.id, blocked_id=blocked.id)
    # The pair's lock, then the block's own row, and only then the match: a matching Yes racing
    # this block either committed its match before (removed here) or sees the block (no match).
    lock_pair(blocker.id, blocked.id)
    db.session.add(block)
    with conflict_on_duplicate("You have already blocked this person."):
        db.session.flush()
    ended = matches.remove_match_between(blocker.id, blocked.id)
    db.session.commit()
    if ended is not None:
        matches.announce_unmatch(ended)
    return block


def list_blocks(blocker):
    """The people ``blocker`` blocked, newest first, with their names."""
    rows = db.session.execute(
        sa.select(Block, User)
        .join(User, User.id == Block.blocked_id)
        .where(Block.blocker_id == blocker.id)
        .order_by(Block.created_at.desc(), Block.blocked_id.desc())
    ).all()
    return [
        {
            "user_id": user.id,
            "username": user.username,
            "display_name": user.display_name,
            "blocked_at": block.created_at,
        }
        for block, user in rows
    ]


def unblock_user(blocker, user_id):
    """Remove ``blocker``'s block of ``user_id``; no such block → 404. A match removed by the block stays gone."""
    deleted = db.session.execute(
        sa.delete(Block).where(Block.blocker_id == blocker.id, Block.blocked_id == user_id)
    ).rowcount
    if not deleted:
        db.session.rollback()
        raise NotFound("You have not blocked this person.")
    db.session.commit()


def report_user(reporter, user_id, reason, category="other"):
    """Store a report for moderation, opening (or reopening) the reported person's case.

    A second report of the same person by the same reporter while the first is undecided is a
    conflict; once a moderator decided it, a new report is accepted.

    Blocks do not stop reports: people often block and report together, so the conversation is
    copied now, before a block deletes it.
    """
    reported = _other_user(reporter, user_id, "report")
    report = Report(reporter_id=reporter.id, reported_id=reported.id, reason=reason, category=category)
    if category in CONVERSATION_CATEGORIES:
        report.evidence = _conversation(reporter.id, reported.id)
    db.session.add(report)
    with conflict_on_duplicate("You have already reported this person; moderators have not decided yet."):
        db.session.flush()
    if reported.hidden_at is None and (category == "underage" or _open_reporters(reported.id) >= AUTO_HIDE_REPORTERS):
        reported.hidden_at = utcnow()
    db.session.commit()
    return report


def _open_reporters(user_id):
    return db.session.scalar(
        sa.select(sa.func.count(sa.distinct(Report.reporter_id))).where(
            Report.reported_id == user_id, Report.handled_at.is_(None)
        )
    )


def _conversation(user_id, other_id):
    """The newest messages between the two (oldest first), as plain data that outlives the match."""
    messages = db.session.scalars(
        sa.select(Message)
        .join(Match, Match.id == Message.match_id)
        .where(match_of_pair(user_id, other_id))
        .order_by(Message.id.desc())
        .limit(EVIDENCE_MESSAGES)
    ).all()
    return [
        {"id": m.id, "sender_id": m.sender_id, "body": m.body, "created_at": _iso(m.created_at)}
        for m in reversed(messages)
    ]


def _iso(moment):
    return UtcDateTime()._serialize(moment, None, None)
