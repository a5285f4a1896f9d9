"""The rules about two people that every domain shares, each spelled once.

- A pair is stored in id order (:func:`ordered_pair`): a match exists once per pair.
- A block either way hides the two from each other everywhere (:func:`block_either_way`,
  :func:`blocked_between`, :func:`can_see`, and :func:`not_blocked_with_viewer` for
  discovery's hand-written SQL).
- A match belongs to its two members (:func:`member_of`); it is active, so they may talk in
  it, while neither blocked the other (:func:`active_matches_of`, :func:`active_match`) and
  neither is suspended or banned.
- A suspended or banned account (``models.is_locked``) is hidden from everyone: :func:`can_see`
  and the active matches leave it out while the measure lasts.
- Every change to what the pair is to each other takes the pair's lock (:func:`lock_pair`):
  a Yes that may make a match and a block that must remove it take the same lock, so one of
  them always sees the other's committed result, and a block racing the matching Yes ends
  "blocked, no match" whichever arrives first. On PostgreSQL the lock is a transaction-scoped
  advisory lock on the ordered pair. SQLite serialises write transactions, so there the rule is
  that both write first (the swipe or the block row) and read the pair's state after that
  write, inside the same transaction; nothing can commit in between.

This module imports only the models and the extensions, so every layer above may use it.
"""

import sqlalchemy as sa

from .extensions import db
from .models import Block, Match, User, is_locked


def ordered_pair(user_id, other_id):
    """The two ids as ``(low, high)``: how a pair is stored and locked."""
    return (user_id, other_id) if user_id < other_id else (other_id, user_id)


def block_either_way(user_id, other_id):
    """SQL condition: one of the two has blocked the other (ids, bind parameters or columns)."""
    return sa.exists().where(
        sa.or_(
            sa.and_(Block.blocker_id == user_id, Block.blocked_id == other_id),
            sa.and_(Block.blocker_id == other_id, Block.blocked_id == user_id),
        )
    )


def blocked_between(user_id, other_id):
    """True when either of the two has blocked the other."""
    return db.session.scalar(sa.select(block_either_way(user_id, other_id)))


def can_see_condition(viewer_id, user_id):
    """SQL condition of :func:`can_see`, for statements that fold the check into their own work."""
    return sa.exists().where(User.id == user_id, ~is_locked(), ~block_either_way(viewer_id, user_id))


# Built once: on the swipe path, constructing this expression cost more CPU than running it.
_VIEWER, _USER = sa.bindparam("viewer_id"), sa.bindparam("user_id")
_CAN_SEE = sa.select(can_see_condition(_VIEWER, _USER))


def can_see(viewer_id, user_id):
    """True when ``user_id`` exists, is not suspended or banned, and neither side blocked the other (one query)."""
    return db.session.scalar(_CAN_SEE, {"viewer_id": viewer_id, "user_id": user_id})


def not_blocked_with_viewer(column):
    """SQL text: the id in ``column`` has no block with ``:viewer_id`` either way.

    The same rule as :func:`block_either_way`, as the fragment discovery's hand-written
    queries embed: two ``NOT IN`` subqueries that PostgreSQL and SQLite hash once per statement
    instead of probing ``blocks`` for every candidate row.
    """
    return f"""
        {column} NOT IN (SELECT blocked_id FROM {Block.__tablename__} WHERE blocker_id = :viewer_id)
        AND {column} NOT IN (SELECT blocker_id FROM {Block.__tablename__} WHERE blocked_id = :viewer_id)
    """


def member_of(user_id):
    """SQL condition: ``user_id`` is one of the two members of ``Match``."""
    return sa.or_(Match.user_low_id == user_id, Match.user_high_id == user_id)


def other_member(user_id):
    """SQL expression: the member of ``Match`` who is not ``user_id``."""
    return sa.case((Match.user_low_id == user_id, Match.user_high_id), else_=Match.user_low_id)


def match_of_pair(user_id, other_id):
    """SQL condition: ``Match`` is the two users' match (stored as their ordered pair)."""
    low, high = ordered_pair(user_id, other_id)
    return sa.and_(Match.user_low_id == low, Match.user_high_id == high)


def neither_locked():
    """SQL condition: neither member of ``Match`` is suspended or banned right now."""
    return ~sa.exists().where(User.id.in_([Match.user_low_id, Match.user_high_id]), is_locked())


def active_matches_of(user_id):
    """SQL condition: ``Match`` is one of ``user_id``'s matches, neither member blocked the other, and
    neither is suspended or banned."""
    return sa.and_(member_of(user_id), ~block_either_way(Match.user_low_id, Match.user_high_id), neither_locked())


def active_match(user_id, match_id):
    """The match ``match_id`` when ``user_id`` is a member and neither blocked the other, else None."""
    return db.session.scalar(_ACTIVE_MATCH, {"user_id": user_id, "match_id": match_id})


# Built once: every message sent or read checks it, and building it cost about as much as running it.
_ACTIVE_MATCH = sa.select(Match).where(
    Match.id == sa.bindparam("match_id", type_=sa.Integer),
    active_matches_of(sa.bindparam("user_id", type_=sa.Integer)),
)


def lock_pair(user_id, other_id):
    """Hold the pair's lock until the current transaction ends (PostgreSQL; see the module docstring for SQLite)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.select(sa.func.pg_advisory_xact_lock(*ordered_pair(user_id, other_id))))
