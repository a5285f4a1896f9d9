"""The PostgreSQL ranker: a tiered search of the index, reading only what can still be shown.

PostgreSQL answers with index-only scans of ``search_tags`` (see :mod:`.index`), one of the
viewer's tags at a time from the least popular: anyone sharing at least ``k`` of the viewer's
``T`` tags carries one of any ``T - k + 1`` of them, so once ``limit`` people sharing
``T - j + 1`` or more are known after ``j`` tags, nobody unscanned can be shown. A row's tag mask
gives the person's full shared count and says whether they were met under an earlier tag.
Only when too few people share any tag does it read ``search_profiles``, in widening rings, for
the nearest people who share none.
"""

import sqlalchemy as sa

from ..extensions import db
from . import index
from .ranking import Ranker, Reach, excluded, within

# When even the viewer's least popular tag is among this many most popular ones, first look only
# for people who share every tag: for such a viewer there are usually enough of them.
POPULAR_BITS = 16
# Radii (fractions of the viewer's) of the rings searched for people who share no tag.
RING_FRACTIONS = (1 / 64, 1 / 16, 1 / 4, 1)


class TieredIndexRanker(Ranker):
    """Ranks with the tiered index-only search of the module docstring."""

    def rank(self, viewer, limit):
        """User ids, best first; see the module docstring."""
        return _ranked_on_postgresql(viewer, limit)

    def begin_request(self):
        """Begin the request's transaction in the snapshot ranking reads from: the token check
        then reads in it too, and ranking need not end that transaction to begin its own."""
        # An app context spanning requests (the tests') may have one open already: ranking then
        # ends it and begins its own, as it does outside a request.
        if not db.session().in_transaction():
            db.session.connection(execution_options=ONE_SNAPSHOT)


# One snapshot for every statement, so a concurrent reindex cannot mix old masks with new bits.
ONE_SNAPSHOT = {"isolation_level": "REPEATABLE READ"}


# Each band is one index range on (tag, band, longitude): PostgreSQL scans every (tag, band) pair.
PG_BANDS = "= ANY(CAST(:bands AS smallint[]))"


DOT = "(t.x * :vx + t.y * :vy + t.z * :vz)"

# Every scan tests what its index entries hold (window, radius, ages, tag mask) inside an
# ``OFFSET 0`` fence and the exclusions outside it. PostgreSQL orders a scan's tests by their
# cost, which put the four hashed ``NOT IN`` probes before the mask: they ran for every entry of
# the window, most of which the mask rules out (the hard case: 18,600 entries for 234 people).

# One tag with a bit: each person once (unless they carry a tag scanned earlier, as their mask
# says), with the number of the viewer's tags their mask shares; the best ``:limit`` of them.
BIT_TAG_SCAN = sa.text(f"""
    SELECT user_id, shared, dot FROM (
        SELECT t.user_id, bit_count(CAST(t.mask & :viewer_bits AS bit(64))) AS shared, {DOT} AS dot
        FROM search_tags t
        WHERE t.tag_id = :tag_id AND {within("t", PG_BANDS)}
          AND (t.mask & :scanned_bits) = 0
          AND (:floor = 0 OR bit_count(CAST(t.mask & :viewer_bits AS bit(64))) >= :floor)
        OFFSET 0
    ) people
    WHERE {excluded("user_id")}
    ORDER BY shared DESC, dot DESC, user_id
    LIMIT :limit
""")

# The viewer's tags without a bit (rare ones), grouped per person; the best ``:limit`` of them.
RARE_TAGS_SCAN = sa.text(f"""
    SELECT user_id, shared, dot FROM (
        SELECT t.user_id, count(*) + bit_count(CAST(min(t.mask) & :viewer_bits AS bit(64))) AS shared,
               min({DOT}) AS dot
        FROM search_tags t
        WHERE t.tag_id = ANY(:rare_tags) AND {within("t", PG_BANDS)}
        GROUP BY t.user_id
        OFFSET 0
    ) people
    WHERE shared >= :floor AND {excluded("user_id")}
    ORDER BY shared DESC, dot DESC, user_id
    LIMIT :limit
""")

VIEWER_TAGS_QUERY = sa.text("SELECT id, bit FROM tags WHERE name = ANY(:names)")

RING_QUERY = sa.text(f"""
    SELECT user_id FROM (
        SELECT p.user_id, (p.x * :vx + p.y * :vy + p.z * :vz) AS dot
        FROM search_profiles p
        WHERE {within("p", PG_BANDS)} AND p.user_id <> ALL(:found)
        OFFSET 0
    ) people
    WHERE {excluded("user_id")}
    ORDER BY dot DESC, user_id
    LIMIT :limit
""")


def _ranked_on_postgresql(viewer, limit):
    """Tiered index-only search; see the module docstring. Returns user ids, best first."""
    connection = db.session.connection()
    if connection.get_execution_options().get("isolation_level") != ONE_SNAPSHOT["isolation_level"]:
        db.session.commit()  # not begun by begin_request: end it, and begin one in the snapshot
        connection = db.session.connection(execution_options=ONE_SNAPSHOT)
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
