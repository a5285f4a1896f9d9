"""ZIP code lookup and distances, from the `zipcodes` package's bundled US table (offline).

The table is read once per process into a dict keyed by ZIP; nothing scans it per request.
"""

import bisect
import functools
import math
from typing import NamedTuple

import zipcodes
from geopy.distance import EARTH_RADIUS

KILOMETERS_PER_MILE = 1.609344


class ZipPlace(NamedTuple):
    """Where a ZIP code's centroid is."""

    zip_code: str
    city: str
    state: str
    latitude: float
    longitude: float


@functools.cache
def _zip_table():
    return {
        row["zip_code"]: ZipPlace(row["zip_code"], row["city"], row["state"], float(row["lat"]), float(row["long"]))
        for row in zipcodes.list_all()
        if row["lat"] and row["long"]
    }


def lookup_zip(zip_code):
    """Return the :class:`ZipPlace` for a 5-digit ZIP, or None when the table does not know it."""
    return _zip_table().get(zip_code)


def all_zip_places():
    """Every known ZIP place (for seeding and benchmarks)."""
    return list(_zip_table().values())


def distance_miles(lat1, lon1, lat2, lon2):
    """Great-circle distance between two points, in miles.

    geopy's ``great_circle(...).miles``, operation for operation (so to the last bit), without
    building its Point and Distance objects: a discovery page measures twenty of these.
    """
    lat1, lon1, lat2, lon2 = map(math.radians, (lat1, lon1, lat2, lon2))
    sin_lat1, cos_lat1 = math.sin(lat1), math.cos(lat1)
    sin_lat2, cos_lat2 = math.sin(lat2), math.cos(lat2)
    delta = lon2 - lon1
    cos_delta, sin_delta = math.cos(delta), math.sin(delta)
    angle = math.atan2(
        math.sqrt((cos_lat2 * sin_delta) ** 2 + (cos_lat1 * sin_lat2 - sin_lat1 * cos_lat2 * cos_delta) ** 2),
        sin_lat1 * sin_lat2 + cos_lat1 * cos_lat2 * cos_delta,
    )
    return EARTH_RADIUS * angle / KILOMETERS_PER_MILE


# Distances are shown only as "within N miles" for these N: with exact miles, two changes of
# one's own ZIP and the other person's public city were enough to pin their private ZIP.
DISTANCE_BUCKETS = (2, 5, 10, 15, 25, 50, 100, 250)


def shown_miles(miles):
    """The distance as others may see it: the smallest bucket in :data:`DISTANCE_BUCKETS` it is under."""
    index = bisect.bisect_right(DISTANCE_BUCKETS, miles)
    return DISTANCE_BUCKETS[min(index, len(DISTANCE_BUCKETS) - 1)]
