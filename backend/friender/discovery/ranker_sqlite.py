"""The ranker of other databases (the embedded SQLite default): one statement over every candidate.

It counts the shared tags of every searchable profile within the viewer's reach and sorts them
all; PostgreSQL's ranker (:mod:`.ranker_postgresql`) avoids that with its tag index.
"""

import sqlalchemy as sa

from ..extensions import db
from . import index
from .ranking import Ranker, Reach, excluded, within


class OneQueryRanker(Ranker):
    """Ranks every searchable profile within reach in one statement."""

    def rank(self, viewer, limit):
        """User ids, best first."""
        reach = Reach(viewer, viewer.friend_radius_miles)
        tag_ids = index.known_tag_ids(db.session.connection(), index.tag_names(viewer.hobbies, viewer.interests))
        query = sa.text(f"""
            SELECT p.user_id,
                   (SELECT count(*) FROM search_tags t WHERE t.user_id = p.user_id AND t.tag_id IN :tag_ids) AS shared,
                   (p.x * :vx + p.y * :vy + p.z * :vz) AS dot
            FROM search_profiles p
            WHERE {within("p", "IN :bands")} AND {excluded("p.user_id")}
            ORDER BY shared DESC, dot DESC, p.user_id
            LIMIT :limit
        """).bindparams(sa.bindparam("tag_ids", expanding=True), sa.bindparam("bands", expanding=True))
        params = {**reach.params(viewer), "tag_ids": tag_ids or [-1], "limit": limit}
        return [row.user_id for row in db.session.execute(query, params)]
