"""ZIP code lookup and distances, from the `zipcodes` package's bundled US table (offline).

The table is read once per process into a dict keyed by ZIP; nothing scans it per request.
"""

import bisect
import functools
from typing import NamedTuple

import zipcodes
from geopy.distance import great_circle


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
    """Great-circle distance between two points, in miles."""
    return great_circle((lat1, lon1), (lat2, lon2)).miles


# Distances are shown only as "within N miles" for these N: with exact miles, two changes of
# one's own ZIP and the other person's public city were enough to pin their private ZIP.
DISTANCE_BUCKETS = (2, 5, 10, 15, 25, 50, 100, 250)


def shown_miles(miles):
    """The distance as others may see it: the smallest bucket in :data:`DISTANCE_BUCKETS` it is under."""
    index = bisect.bisect_right(DISTANCE_BUCKETS, miles)
    return DISTANCE_BUCKETS[min(index, len(DISTANCE_BUCKETS) - 1)]
