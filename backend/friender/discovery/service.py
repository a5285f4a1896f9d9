"""Who the viewer is shown: the rules of ``GET /api/discover`` and the queries that apply them.

Everyone shown has a complete profile and a verified address, is within the viewer's radius while
the viewer is within theirs, has an age in the viewer's age range while the viewer's age is in
theirs, has not been swiped by the viewer, and has no block with the viewer either way. They are
ranked by the number of shared hobbies and interests, then by distance, then by id.

PostgreSQL answers with index-only scans of ``search_tags`` (see :mod:`.index`), one of the
viewer's tags at a time from the least popular: anyone sharing at least ``k`` of the viewer's
``T`` tags carries one of any ``T - k + 1`` of them, so once ``limit`` people sharing
``T - j + 1`` or more are known after ``j`` tags, nobody unscanned can be shown. A row's tag mask
gives the person's full shared count and says whether they were met under an earlier tag.
Only when too few people share any tag does it read ``search_profiles``, in widening rings, for
the nearest people who share none. Other databases (the embedded SQLite default) rank every
searchable profile within the viewer's reach in one query.
"""

import math
from datetime import UTC, date, datetime
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ..errors import ProfileIncomplete
from ..extensions import db
from ..models import Block, Swipe, User, age_on, latest_birthdate_for_age
from ..profiles.service import profile_view
from . import index

# When even the viewer's least popular tag is among this many most popular ones, first look only
# for people who share every tag: for such a viewer there are usually enough of them.
POPULAR_BITS = 16
# Radii (fractions of the viewer's) of the rings searched for people who share no tag.
RING_FRACTIONS = (1 / 64, 1 / 16, 1 / 4, 1)

MISSING_FIELD_MESSAGE = "Complete your profile to discover people."


class Reach:
    """Where the viewer can reach: the dot-product threshold and the index window that covers it."""

    def __init__(self, viewer, radius_miles):
        self.vector = index.unit_vector(viewer.latitude, viewer.longitude)
        self.cos_radius = index.cos_of_radius(radius_miles)
        # A small margin keeps points exactly on the circle inside the window despite rounding.
        half_height = math.degrees(radius_miles / index.EARTH_RADIUS_MILES) * 1.001 + 1e-6
        low, high = max(-90.0, viewer.latitude - half_height), min(90.0, viewer.latitude + half_height)
        self.bands = list(range(index.lat_band(low), index.lat_band(high) + 1))
        widest = max(abs(low), abs(high))
        half_width = half_height / math.cos(math.radians(widest)) if widest < 89.0 else 360.0
        if half_width >= 180.0 or abs(viewer.longitude) + half_width > 180.0:
            self.longitudes = (-180.0, 180.0)
        else:
            self.longitudes = (viewer.longitude - half_width, viewer.longitude + half_width)

    def params(self, viewer):
        vx, vy, vz = self.vector
        return {
            "viewer_id": viewer.id,
            **age_params(viewer, datetime.now(UTC).date()),
            "vx": vx,
            "vy": vy,
            "vz": vz,
            "reach": self.cos_radius,
            "bands": self.bands,
            "lon_low": self.longitudes[0],
            "lon_high": self.longitudes[1],
        }


def age_params(viewer, today):
    """The mutual age rule as bounds: the birth day numbers of the ages in the viewer's range, and
    the viewer's age (which the other person's range must hold)."""
    return {
        "born_from": latest_birthdate_for_age(viewer.age_max + 1, today).toordinal() + 1,
        "born_until": latest_birthdate_for_age(viewer.age_min, today).toordinal(),
        "viewer_age": age_on(viewer.birthdate, today),
    }


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
    # The fields ranking reads, copied: the PostgreSQL path starts a new transaction, and reloading
    # the viewer there would cost a query.
    viewer = ViewerFields(
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
    if db.engine.dialect.name == "postgresql":
        ranked = _ranked_on_postgresql(viewer, limit)
    else:
        ranked = _ranked_in_one_query(viewer, limit)
    users = {
        user.id: user
        for user in db.session.scalars(sa.select(User).where(User.id.in_(ranked)).options(selectinload(User.photos)))
    }
    return [profile_view(viewer, users[user_id]) for user_id in ranked]


def _excluded(column):
    """Not the viewer, not swiped by the viewer, no block either way (hashed ``NOT IN`` subqueries)."""
    return f"""
        {column} <> :viewer_id
        AND {column} NOT IN (SELECT swipee_id FROM {Swipe.__tablename__} WHERE swiper_id = :viewer_id)
        AND {column} NOT IN (SELECT blocked_id FROM {Block.__tablename__} WHERE blocker_id = :viewer_id)
        AND {column} NOT IN (SELECT blocker_id FROM {Block.__tablename__} WHERE blocked_id = :viewer_id)
    """


def _within(alias, bands_condition):
    """In the viewer's window, within the viewer's radius and the viewer within theirs; of an age in
    the viewer's range, and the viewer's age in theirs (all read from the covering index)."""
    dot = f"({alias}.x * :vx + {alias}.y * :vy + {alias}.z * :vz)"
    return f"""
        {alias}.lat_band {bands_condition}
        AND {alias}.longitude BETWEEN :lon_low AND :lon_high
        AND {dot} >= :reach
        AND {dot} >= {alias}.cos_radius
        AND {alias}.birth_day BETWEEN :born_from AND :born_until
        AND {alias}.age_min <= :viewer_age AND {alias}.age_max >= :viewer_age
    """


def _ranked_in_one_query(viewer, limit):
    """Rank every searchable profile within reach in one statement (the embedded SQLite path)."""
    reach = Reach(viewer, viewer.friend_radius_miles)
    tag_ids = index.known_tag_ids(db.session.connection(), index.tag_names(viewer.hobbies, viewer.interests))
    query = sa.text(f"""
        SELECT p.user_id,
               (SELECT count(*) FROM search_tags t WHERE t.user_id = p.user_id AND t.tag_id IN :tag_ids) AS shared,
               (p.x * :vx + p.y * :vy + p.z * :vz) AS dot
        FROM search_profiles p
        WHERE {_within("p", "IN :bands")} AND {_excluded("p.user_id")}
        ORDER BY shared DESC, dot DESC, p.user_id
        LIMIT :limit
    """).bindparams(sa.bindparam("tag_ids", expanding=True), sa.bindparam("bands", expanding=True))
    params = {**reach.params(viewer), "tag_ids": tag_ids or [-1], "limit": limit}
    return [row.user_id for row in db.session.execute(query, params)]


# Each band is one index range on (tag, band, longitude): PostgreSQL scans every (tag, band) pair.
PG_BANDS = "= ANY(CAST(:bands AS smallint[]))"


DOT = "(t.x * :vx + t.y * :vy + t.z * :vz)"

# One tag with a bit: each person once (unless they carry a tag scanned earlier, as their mask
# says), with the number of the viewer's tags their mask shares; the best ``:limit`` of them.
BIT_TAG_SCAN = sa.text(f"""
    SELECT t.user_id, bit_count(CAST(t.mask & :viewer_bits AS bit(64))) AS shared, {DOT} AS dot
    FROM search_tags t
    WHERE t.tag_id = :tag_id AND {_within("t", PG_BANDS)}
      AND (t.mask & :scanned_bits) = 0
      AND (:floor = 0 OR bit_count(CAST(t.mask & :viewer_bits AS bit(64))) >= :floor)
      AND {_excluded("t.user_id")}
    ORDER BY shared DESC, dot DESC, t.user_id
    LIMIT :limit
""")

# The viewer's tags without a bit (rare ones), grouped per person; the best ``:limit`` of them.
RARE_TAGS_SCAN = sa.text(f"""
    SELECT user_id, shared, dot FROM (
        SELECT t.user_id, count(*) + bit_count(CAST(min(t.mask) & :viewer_bits AS bit(64))) AS shared,
               min({DOT}) AS dot
        FROM search_tags t
        WHERE t.tag_id = ANY(:rare_tags) AND {_within("t", PG_BANDS)} AND {_excluded("t.user_id")}
        GROUP BY t.user_id
    ) people
    WHERE shared >= :floor
    ORDER BY shared DESC, dot DESC, user_id
    LIMIT :limit
""")

VIEWER_TAGS_QUERY = sa.text("SELECT id, bit FROM tags WHERE name = ANY(:names)")

RING_QUERY = sa.text(f"""
    SELECT p.user_id
    FROM search_profiles p
    WHERE {_within("p", PG_BANDS)}
      AND {_excluded("p.user_id")} AND p.user_id <> ALL(:found)
    ORDER BY (p.x * :vx + p.y * :vy + p.z * :vz) DESC, p.user_id
    LIMIT :limit
""")


def _ranked_on_postgresql(viewer, limit):
    """Tiered index-only search; see the module docstring. Returns user ids, best first."""
    # One snapshot for every statement, so a concurrent reindex cannot mix old masks with new bits.
    db.session.commit()
    connection = db.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    connection.execute(sa.text("SET LOCAL jit = off"))
    reach = Reach(viewer, viewer.friend_radius_miles)
    params = reach.params(viewer)
    tags = connection.execute(VIEWER_TAGS_QUERY, {"names": index.tag_names(viewer.hobbies, viewer.interests)}).all()
    rare = [tag.id for tag in tags if tag.bit is None]
    # Bits go to tags in order of popularity, so the highest bits are the rarest of the rest.
    by_rarity = sorted((tag for tag in tags if tag.bit is not None), key=lambda tag: -tag.bit)
    params.update(viewer_bits=index.mask_of(tag.bit for tag in by_rarity), limit=limit)

    if by_rarity and not rare and by_rarity[0].bit < POPULAR_BITS:
        everything = {"tag_id": by_rarity[0].id, "scanned_bits": 0, "floor": len(tags)}
        sharing_all = list(connection.scalars(BIT_TAG_SCAN, {**params, **everything}))
        if len(sharing_all) == limit:
            return sharing_all

    # Scan the rare tags together, then one tag at a time from the rarest. The best of the union
    # of every scan's best is the answer once enough people are known to share at least
    # T - scanned + 1 tags (nobody unscanned can share that many).
    best = {}
    scans = [(RARE_TAGS_SCAN, {"rare_tags": rare}, len(rare))] if rare else []
    scans += [
        (BIT_TAG_SCAN, {"tag_id": tag.id, "scanned_bits": index.mask_of(t.bit for t in by_rarity[:n])}, 1)
        for n, tag in enumerate(by_rarity)
    ]
    scanned = 0
    for query, scan_params, tag_count in scans:
        # Once ``limit`` people share at least ``floor`` tags, nobody who shares fewer can be shown.
        counts = sorted((shared for shared, _ in best.values()), reverse=True)
        floor = counts[limit - 1] if len(counts) >= limit else 0
        for user_id, shared, dot in connection.execute(query, {**params, **scan_params, "floor": floor}):
            # Someone found under a rare tag and again under a bit tag has their full count from the first.
            best[user_id] = max(best.get(user_id, (0, dot)), (shared, dot))
        scanned += tag_count
        if sum(1 for shared, _ in best.values() if shared >= len(tags) - scanned + 1) >= limit:
            break
    ranked = sorted(best, key=lambda user_id: (-best[user_id][0], -best[user_id][1], user_id))
    if len(ranked) >= limit:
        return ranked[:limit]
    # Every scan ended short of its limit, so ``ranked`` is everyone who shares a tag.
    return ranked + _nearest_sharing_nothing(connection, viewer, ranked, limit - len(ranked))


def _nearest_sharing_nothing(connection, viewer, found, wanted):
    """The nearest ``wanted`` people within reach other than ``found`` (everyone who shares a tag).

    Rings of growing radius stop as soon as one holds enough people: everyone outside a ring is
    farther than everyone inside it.
    """
    rows = []
    for fraction in RING_FRACTIONS:
        ring = Reach(viewer, viewer.friend_radius_miles * fraction)
        params = {**ring.params(viewer), "found": found, "limit": wanted}
        rows = [row.user_id for row in connection.execute(RING_QUERY, params)]
        if len(rows) == wanted:
            break
    return rows
