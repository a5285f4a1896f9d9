"""``GET /api/discover``: the viewer's next cards, from the ranker the app chose for its database.

Who may be shown and in what order is described in :mod:`.ranking`.
"""

from datetime import date
from typing import NamedTuple

import sqlalchemy as sa
from flask import current_app

from ..errors import ProfileIncomplete
from ..extensions import execute_rows
from ..models import User
from ..profiles.service import PROFILE_COLUMNS, profile_views
from . import wider
from .ranker_postgresql import TieredIndexRanker
from .ranker_sqlite import OneQueryRanker

MISSING_FIELD_MESSAGE = "Complete your profile to discover people."


def init_discovery(app, dialect_name):
    """Choose the ranker once, for the database the app runs on."""
    app.extensions["friender_discovery_ranker"] = (
        TieredIndexRanker() if dialect_name == "postgresql" else OneQueryRanker()
    )


def ranker():
    """The current app's ranker."""
    return current_app.extensions["friender_discovery_ranker"]


def discover_page(viewer, limit):
    """``{users}``: the next people to show; an empty page adds ``wider``, the counts a wider radius would bring."""
    # Read before ranking: on PostgreSQL ranking may end the transaction, which expires the viewer.
    zip_code, fields = viewer.zip_code, _viewer_fields(viewer)
    users = discover_candidates(viewer, limit)
    if users:
        return {"users": users}
    return {"users": [], "wider": wider.wider_counts(fields, zip_code)}


def _viewer_fields(viewer):
    return ViewerFields(
        viewer.id,
        viewer.latitude,
        viewer.longitude,
        viewer.friend_radius_miles,
        viewer.hobbies,
        viewer.interests,
        viewer.birthdate,
        viewer.age_min,
        viewer.age_max,
    )


class ViewerFields(NamedTuple):
    """What discovery needs to know about the viewer."""

    id: int
    latitude: float
    longitude: float
    friend_radius_miles: int
    hobbies: list
    interests: list
    birthdate: date
    age_min: int
    age_max: int


def discover_candidates(viewer, limit):
    """The next ``limit`` people the viewer may be shown, best first, as :class:`ProfileView` objects."""
    if viewer.missing_fields:
        raise ProfileIncomplete(
            "Complete your profile before discovering people.",
            fields={name: [MISSING_FIELD_MESSAGE] for name in viewer.missing_fields},
        )
    # The fields ranking reads, copied: the PostgreSQL path may start a new transaction, and reloading
    # the viewer there would cost a query.
    viewer = _viewer_fields(viewer)
    ranked = ranker().rank(viewer, limit)
    users = {row.id: row for row in execute_rows(_PROFILES, {"user_ids": ranked})}
    return profile_views(viewer, [users[user_id] for user_id in ranked])


# Built once, like the match list's statements: every discovery page runs it.
_PROFILES = sa.select(*PROFILE_COLUMNS).where(User.id.in_(sa.bindparam("user_ids", expanding=True)))
