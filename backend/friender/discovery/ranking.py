"""What both rankers share: the interface, where the viewer can reach, and the SQL of who may be shown.

Everyone shown has a complete profile and a verified address, is within the viewer's radius while
the viewer is within theirs, has an age in the viewer's age range while the viewer's age is in
theirs, has not been swiped by the viewer, has no block with the viewer either way, and is neither
suspended, banned nor hidden by automatic protection until a moderator decides. They are ranked
by the number of shared hobbies and interests, then by distance, then by id. Each database has
its own ranker (:mod:`.ranker_postgresql`, :mod:`.ranker_sqlite`); the app picks
one at start-up (:func:`friender.discovery.service.init_discovery`).
"""

import math
from abc import ABC, abstractmethod
from datetime import UTC, datetime

from ..models import OUT_OF_DISCOVERY_SQL, Swipe, age_on, latest_birthdate_for_age
from ..relationships import not_blocked_with_viewer
from . import index


class Ranker(ABC):
    """Finds the people a viewer may be shown, best first."""

    @abstractmethod
    def rank(self, viewer, limit):
        """The ids of the best ``limit`` people ``viewer`` (a ``ViewerFields``) may be shown, best first."""

    def begin_request(self):  # noqa: B027 -- optional: only a ranker with a transaction of its own needs it
        """Prepare a discovery request's transaction before anything (the token check) reads in it."""


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


def excluded(column):
    """Not the viewer, not swiped by the viewer, no block either way, under no moderation measure
    (hashed ``NOT IN`` subqueries)."""
    return f"""
        {column} <> :viewer_id
        AND {column} NOT IN ({OUT_OF_DISCOVERY_SQL})
        AND {column} NOT IN (SELECT swipee_id FROM {Swipe.__tablename__} WHERE swiper_id = :viewer_id)
        AND {not_blocked_with_viewer(column)}
    """


def within(alias, bands_condition):
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
