"""Rules about a pair of people that several domains share: ordering, "blocked either way", and
the lock that serialises every change to what the pair is to each other.

A Yes that may make a match and a block that must remove it take the same lock, so one of them
always sees the other's committed result: the end state of a block racing the matching Yes is
"blocked, no match" whichever arrives first. On PostgreSQL the lock is a transaction-scoped
advisory lock on the ordered pair. SQLite serialises write transactions, so there the rule is
that both write first (the swipe or the block row) and read the pair's state after that write,
inside the same transaction; nothing can commit in between.
"""

import sqlalchemy as sa

from .extensions import db
from .models import Block


def ordered(user_id, other_id):
    """The pair as (lower id, higher id), the order matches are stored in."""
    return (user_id, other_id) if user_id < other_id else (other_id, user_id)


def block_either_way(user_id, other_id):
    """SQL condition: one of the two has blocked the other (ids or bind parameters)."""
    return sa.exists().where(
        sa.or_(
            sa.and_(Block.blocker_id == user_id, Block.blocked_id == other_id),
            sa.and_(Block.blocker_id == other_id, Block.blocked_id == user_id),
        )
    )


def lock_pair(user_id, other_id):
    """Hold the pair's lock until the current transaction ends (PostgreSQL; see the module docstring for SQLite)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.select(sa.func.pg_advisory_xact_lock(*ordered(user_id, other_id))))
