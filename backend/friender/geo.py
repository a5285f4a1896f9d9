"""ZIP code lookup and distances, from the `zipcodes` package's bundled US table (offline).

The table is read once per process into a dict keyed by ZIP; nothing scans it per request.
"""

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


def whole_miles(miles):
    """Distances are shown rounded to whole miles and never below 1, so they reveal no more than a ZIP."""
    return max(1, int(miles + 0.5))
