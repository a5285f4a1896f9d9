"""Swipe and match rules.

One decision per person and pair (a unique constraint); a match when both said yes, stored as
the ordered pair (another unique constraint). A swipe and the match it makes are one
transaction, so a failure leaves neither. Two simultaneous Yeses between the same pair must not
both miss each other, and a block racing the matching Yes must not leave a match: a Yes takes
the pair's lock (``friender.relationships.lock_pair``, which blocks take too) and reads the other's Yes
and any block only after its own INSERT, so it sees whatever the racing request committed.

Both members' event streams hear of a new match (``match``) and of an ended one (``unmatch``,
after an unmatch or a block), once the change is committed.
"""

from datetime import UTC, datetime, timedelta
from typing import NamedTuple

import sqlalchemy as sa

from .. import events
from ..errors import Conflict, NotFound, ValidationFailed, conflict_on_duplicate
from ..extensions import db, execute_rows
from ..messages.service import conversation_summary, with_conversation_summaries
from ..models import Match, Swipe, User, is_locked, utcnow
from ..profiles.service import PROFILE_COLUMNS, ProfileView, profile_view, profile_views
from ..relationships import (
    block_either_way,
    can_see_condition,
    lock_pair,
    match_of_pair,
    member_of,
    ordered_pair,
    other_member,
)
from .schemas import MatchSchema

# Built once: it builds and compiles its dump (and its nested profile's) on first use.
_MATCH_EVENT = MatchSchema()


class MatchView(NamedTuple):
    """A match as one member sees it: the other person's profile and the conversation summary."""

    id: int
    matched_at: datetime
    user: ProfileView
    last_message: object = None
    unread_count: int = 0


class EndedMatch(NamedTuple):
    """What is left to say about a match once its row is deleted."""

    match_id: int
    user_ids: tuple[int, ...]


def record_swipe(swiper, user_id, liked):
    """Record the swiper's one decision about ``user_id``; return the :class:`MatchView` it made, or None.

    Yourself → 422; unknown, or a block either way → 404; a second decision → 409.
    """
    swiper_id = swiper.id
    if user_id == swiper_id:
        raise ValidationFailed("You cannot swipe on yourself.", fields={"user_id": ["You cannot swipe on yourself."]})
    on_postgresql = db.session.get_bind().dialect.name == "postgresql"
    if liked:
        lock_pair(swiper_id, user_id)
        insert = _INSERT_SWIPE_IF_VISIBLE
    else:
        # A No never makes a match: its insert also tells the commit not to wait for the disk.
        insert = _INSERT_NO_WITHOUT_WAITING_FOR_THE_DISK if on_postgresql else _INSERT_SWIPE_IF_VISIBLE
    with conflict_on_duplicate("You have already decided about this person."):
        inserted = execute_rows(
            insert, {"swiper_id": swiper_id, "swipee_id": user_id, "liked": liked, "created_at": utcnow()}
        ).rowcount
    if not inserted:  # unknown, or a block either way
        db.session.rollback()
        raise NotFound("No such user.")
    match = _match_if_mutual(swiper_id, user_id, on_postgresql) if liked else None
    if match is None:
        db.session.commit()
        return None
    db.session.flush()
    # Built before the commit: a block committed right after this one may delete the match at
    # once, and the answer must still describe the match this request made.
    other = db.session.get(User, user_id)
    mine = MatchView(match.id, match.matched_at, profile_view(swiper, other))
    theirs = MatchView(match.id, match.matched_at, profile_view(other, swiper))
    announcements = [(swiper.id, _MATCH_EVENT.dump(mine)), (other.id, _MATCH_EVENT.dump(theirs))]
    db.session.commit()
    for viewer_id, data in announcements:
        events.publish(viewer_id, "match", data)
    return mine


# A swipe that made no match commits without waiting for its WAL to reach the disk (PostgreSQL).
# Waiting cost 3–10 ms per swipe, most of a swipe's time. Such a swipe lost in a database crash
# within the next fraction of a second only means the person is shown once more; a match is
# always committed durably. Nothing can be corrupted. ``set_config(..., true)`` is ``SET LOCAL``.
_SKIP_WAITING_FOR_THE_DISK = sa.func.set_config("synchronous_commit", "off", True)

# Swipes are the hottest write: their statements are built once (building one per request cost
# about as much CPU as running it) and the insert skips the ORM's unit of work. It inserts only
# when the swiper may see the person, so the visibility check costs no round trip of its own.
_SWIPER = sa.bindparam("swiper_id", type_=sa.Integer)
_SWIPEE = sa.bindparam("swipee_id", type_=sa.Integer)


def _insert_swipe_if_visible(*conditions):
    return sa.insert(Swipe.__table__).from_select(
        ["swiper_id", "swipee_id", "liked", "created_at"],
        sa.select(
            _SWIPER,
            _SWIPEE,
            sa.bindparam("liked", type_=sa.Boolean),
            sa.bindparam("created_at", type_=Swipe.created_at.type),
        ).where(can_see_condition(_SWIPER, _SWIPEE), *conditions),
    )


_INSERT_SWIPE_IF_VISIBLE = _insert_swipe_if_visible()
# The same insert for a No on PostgreSQL, with the setting above folded in: one round trip fewer.
_INSERT_NO_WITHOUT_WAITING_FOR_THE_DISK = _insert_swipe_if_visible(_SKIP_WAITING_FOR_THE_DISK.is_not(None))

_SAID_YES = sa.exists().where(Swipe.swiper_id == _SWIPEE, Swipe.swipee_id == _SWIPER, Swipe.liked)
_PAIR_STATE = sa.select(block_either_way(_SWIPER, _SWIPEE).label("blocked"), _SAID_YES.label("said_yes"))
# The same read for a Yes on PostgreSQL, which also settles the commit's wait in that round trip:
# a Yes that makes no match skips it, and one that makes a match keeps the server's setting.
_PAIR_STATE_SETTING_THE_WAIT = _PAIR_STATE.add_columns(
    sa.func.set_config(
        "synchronous_commit",
        sa.case((_SAID_YES, sa.func.current_setting("synchronous_commit")), else_="off"),
        True,
    ).label("synchronous_commit")
)


def _match_if_mutual(swiper_id, swipee_id, on_postgresql):
    """Add the pair's match to the transaction when the other side already said Yes; else None.

    A block committed while this Yes waited for the pair's lock → :class:`NotFound`, nothing stored.
    """
    pair_state = _PAIR_STATE_SETTING_THE_WAIT if on_postgresql else _PAIR_STATE
    state = execute_rows(pair_state, {"swiper_id": swiper_id, "swipee_id": swipee_id}).one()
    if state.blocked:
        db.session.rollback()
        raise NotFound("No such user.")
    if not state.said_yes:
        return None
    low, high = ordered_pair(swiper_id, swipee_id)
    match = Match(user_low_id=low, user_high_id=high)
    db.session.add(match)
    return match


# How long a decision can be taken back.
UNDO_WINDOW = timedelta(minutes=5)


def undo_last_swipe(swiper):
    """Take back the swiper's most recent decision; returns the id of the person it was about.

    Only within :data:`UNDO_WINDOW`, and only when it made no match: a No, or a Yes the other
    person has not (yet) answered with a Yes. None → 404; too old or part of a match → 409. The
    pair is locked as a Yes locks it, so the other side's Yes cannot make a match meanwhile.
    """
    latest = db.session.scalar(
        sa.select(Swipe).where(Swipe.swiper_id == swiper.id).order_by(Swipe.created_at.desc(), Swipe.id.desc()).limit(1)
    )
    if latest is None:
        raise NotFound("You have no decision to take back.")
    created_at = latest.created_at if latest.created_at.tzinfo else latest.created_at.replace(tzinfo=UTC)
    if utcnow() - created_at > UNDO_WINDOW:
        raise Conflict("Decisions can only be taken back within 5 minutes.")
    if latest.liked:
        lock_pair(swiper.id, latest.swipee_id)
        state = execute_rows(_PAIR_STATE, {"swiper_id": swiper.id, "swipee_id": latest.swipee_id}).one()
        if state.said_yes:
            db.session.rollback()
            raise Conflict("That Yes made a match; unmatch instead.")
    user_id = latest.swipee_id
    db.session.execute(sa.delete(Swipe).where(Swipe.id == latest.id))
    db.session.commit()
    return user_id


def list_matches(user):
    """The user's matches with the other person's profile, newest activity first.

    Two queries whatever the number of matches: the matches with the other people and their
    conversation summaries in one, then every photo of those people.
    """
    rows = execute_rows(_MATCHES_WITH_PROFILES, {"user_id": user.id}).all()
    matches = []
    for row, view in zip(rows, profile_views(user, rows), strict=True):
        summary = conversation_summary(row)
        matches.append(MatchView(row.match_id, row.matched_at, view, summary.last_message, summary.unread_count))
    return matches


# Built once, like the swipe statements: every load of the match list runs it.
_USER_ID = sa.bindparam("user_id", type_=sa.Integer)
_MATCHES_WITH_PROFILES = with_conversation_summaries(
    sa.select(Match.id.label("match_id"), Match.matched_at, *PROFILE_COLUMNS)
    .join(User, User.id == other_member(_USER_ID))
    .where(member_of(_USER_ID), ~is_locked(User))
    .order_by(Match.last_activity_at.desc(), Match.id.desc()),
    Match.id,
    _USER_ID,
)


def unmatch(user, match_id):
    """End one of the user's matches for both members; its messages go with it. Not theirs → 404."""
    match = db.session.scalar(sa.select(Match).where(Match.id == match_id, member_of(user.id)))
    if match is None:
        raise NotFound("No such match.")
    ended = remove_match(match)
    db.session.commit()
    announce_unmatch(ended)


def remove_match(match):
    """Delete a match (its messages cascade) in the caller's transaction; returns its :class:`EndedMatch`."""
    ended = EndedMatch(match.id, (match.user_low_id, match.user_high_id))
    db.session.delete(match)
    return ended


def remove_match_between(user_id, other_id):
    """Remove the two users' match, if any, in the caller's transaction (blocking does this).

    The caller holds the pair's lock and has written in this transaction already (see
    ``friender.relationships``), so a match committed by a racing Yes is seen and removed.

    Returns its :class:`EndedMatch`, or None when there was no match.
    """
    match = db.session.scalar(sa.select(Match).where(match_of_pair(user_id, other_id)))
    return remove_match(match) if match is not None else None


def ended_matches_of(user_id):
    """Every match of ``user_id`` as an :class:`EndedMatch` naming only the other member.

    For a deleted account: its matches are announced to the people left, once they are gone.
    """
    matches = db.session.scalars(sa.select(Match).where(member_of(user_id)))
    return [EndedMatch(match.id, (match.other_user_id(user_id),)) for match in matches]


def announce_unmatch(ended):
    """Tell both former members' streams that the match is gone; call after the commit."""
    events.publish_to(ended.user_ids, "unmatch", {"match_id": ended.match_id})
