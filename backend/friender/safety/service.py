"""Blocks and reports.

A block hides the two people from each other everywhere: discovery, swipes, public profiles
and matches (any match between them is removed, with its conversation). A report is kept for
moderation; one per reporter and reported person.
"""

from sqlalchemy.exc import IntegrityError

from ..errors import Conflict, NotFound, ValidationFailed
from ..extensions import db
from ..matches import service as matches
from ..models import Block, Report, User
from ..relationships import lock_pair


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
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise Conflict("You have already blocked this person.") from None
    ended = matches.remove_match_between(blocker.id, blocked.id)
    db.session.commit()
    if ended is not None:
        matches.announce_unmatch(ended)
    return block


def report_user(reporter, user_id, reason):
    """Store a report for moderation; a second report of the same person by the same reporter is a conflict.

    Blocks do not stop reports: people often block and report together.
    """
    reported = _other_user(reporter, user_id, "report")
    report = Report(reporter_id=reporter.id, reported_id=reported.id, reason=reason)
    db.session.add(report)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict("You have already reported this person.") from None
    return report
