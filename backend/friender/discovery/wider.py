"""An honest empty deck: how many more people a wider radius would bring into reach.

Counts come from ``search_profiles`` with the same geometry and mutual age rule discovery uses (the
person within the wider radius and of an age the viewer wants, and the viewer within theirs and of
an age they want). What everyone at one ZIP with one age and age range could reach is the same
for all of them, so that total is cached per ZIP, age and range for a minute; what is particular to
the viewer (themself, the people they decided about, blocks either way) is one small query on
the table's primary key, subtracted from it. That query also subtracts whoever discovery leaves
out for moderation (suspended, banned or hidden until a decision: a few rows of a partial index),
so a measure shows in the very next count, not a minute later.
"""

import threading

import sqlalchemy as sa
from cachetools import TTLCache
from flask import current_app

from ..extensions import db
from ..models import OUT_OF_DISCOVERY_SQL, Block, Swipe
from . import index
from .ranking import Reach

# The radii an empty deck offers, when wider than the viewer's own.
WIDER_RADII = (25, 50, 100)
CACHE_SECONDS = 60

_create_lock = threading.Lock()


class _TotalsCache:
    """Per app (so each test's app starts empty): (ZIP, age bounds) → the totals for every radius, for a minute."""

    def __init__(self):
        self.lock = threading.Lock()
        self.totals = TTLCache(maxsize=4096, ttl=CACHE_SECONDS)


def _cache():
    with _create_lock:
        return current_app.extensions.setdefault("friender_wider_counts", _TotalsCache())


def _count_query(dialect, only_related):
    """One row: for each radius, the searchable people within it whose own radius reaches the viewer."""
    dot = "(p.x * :vx + p.y * :vy + p.z * :vz)"
    sums = ", ".join(
        f"coalesce(sum(CASE WHEN {dot} >= :reach_{i} THEN 1 ELSE 0 END), 0) AS r{i}" for i in range(len(WIDER_RADII))
    )
    bands = "= ANY(CAST(:bands AS smallint[]))" if dialect == "postgresql" else "IN :bands"
    related = ""
    if only_related:
        related = f"""
            AND (p.user_id = :viewer_id
                 OR p.user_id IN (SELECT swipee_id FROM {Swipe.__tablename__} WHERE swiper_id = :viewer_id)
                 OR p.user_id IN (SELECT blocked_id FROM {Block.__tablename__} WHERE blocker_id = :viewer_id)
                 OR p.user_id IN (SELECT blocker_id FROM {Block.__tablename__} WHERE blocked_id = :viewer_id)
                 OR p.user_id IN ({OUT_OF_DISCOVERY_SQL}))
        """
    query = sa.text(f"""
        SELECT {sums}
        FROM search_profiles p
        WHERE p.lat_band {bands}
          AND p.longitude BETWEEN :lon_low AND :lon_high
          AND {dot} >= p.cos_radius
          AND p.birth_day BETWEEN :born_from AND :born_until
          AND p.age_min <= :viewer_age AND p.age_max >= :viewer_age
          {related}
    """)
    if dialect != "postgresql":
        query = query.bindparams(sa.bindparam("bands", expanding=True))
    return query


def wider_counts(viewer, zip_code):
    """``[{radius_miles, count}]`` for each offered radius wider than the viewer's, nearest first.

    ``viewer`` has discovery's viewer fields; ``zip_code`` is theirs (what the cache is keyed by).
    """
    offered = [i for i, radius in enumerate(WIDER_RADII) if radius > viewer.friend_radius_miles]
    if not offered:
        return []
    dialect = db.engine.dialect.name
    window = Reach(viewer, max(WIDER_RADII)).params(viewer)
    params = {**window, **{f"reach_{i}": index.cos_of_radius(radius) for i, radius in enumerate(WIDER_RADII)}}
    # The mutual age rule narrows the count too, so people at one ZIP share a total only when
    # their age and wanted range are the same.
    key = (zip_code, window["born_from"], window["born_until"], window["viewer_age"])
    cache = _cache()
    with cache.lock:
        totals = cache.totals.get(key)
    if totals is None:
        totals = tuple(db.session.execute(_count_query(dialect, only_related=False), params).one())
        with cache.lock:
            cache.totals[key] = totals
    related = db.session.execute(_count_query(dialect, only_related=True), params).one()
    # A cached total may be up to a minute old; never offer fewer than nobody.
    return [{"radius_miles": WIDER_RADII[i], "count": max(0, totals[i] - related[i])} for i in offered]
