"""The search tables discovery reads, and how they are kept in step with profiles.

Each complete profile has one ``search_profiles`` row and one ``search_tags`` row per distinct
(lower-cased) hobby or interest. Every row carries the ZIP centroid as a unit vector and the
cosine of the user's own radius, so "within the viewer's radius and within their own" is two
comparisons of one dot product, with no trigonometry at query time.

Any flush that changes a user's profile fields re-indexes that user in the same transaction (a
session hook, so the API, ``seed.py`` and scripts that use the ORM all stay in step); deleting
a user deletes their rows through the foreign keys. Bulk loads that bypass the ORM run
``flask discovery reindex`` (:func:`rebuild_search_index`), which also gives the 63 most
popular tags their mask bits.
"""

import math
from collections import Counter

import sqlalchemy as sa
from geopy import units
from geopy.distance import EARTH_RADIUS
from sqlalchemy.dialects import postgresql, sqlite

from ..models import SearchProfile, SearchTag, Tag, User

# geopy's radius, so "within r miles" here agrees with friender.geo.distance_miles.
EARTH_RADIUS_MILES = units.miles(kilometers=EARTH_RADIUS)
BANDS_PER_DEGREE = 10
MASK_BITS = 63
INDEXED_FIELDS = (
    "display_name",
    "hobbies",
    "interests",
    "zip_code",
    "latitude",
    "longitude",
    "friend_radius_miles",
    "birthdate",
    "age_min",
    "age_max",
    "email_verified_at",
)
REBUILD_BATCH = 5000

profiles_table = SearchProfile.__table__
tags_table = SearchTag.__table__
vocabulary_table = Tag.__table__


def lat_band(latitude):
    """The 0.1°-high latitude band a point lies in (monotonic, so a latitude range maps to a band range)."""
    return math.floor(latitude * BANDS_PER_DEGREE)


def unit_vector(latitude, longitude):
    """The point on the unit sphere; the dot product of two is the cosine of their central angle."""
    phi, lam = math.radians(latitude), math.radians(longitude)
    return math.cos(phi) * math.cos(lam), math.cos(phi) * math.sin(lam), math.sin(phi)


def cos_of_radius(miles):
    """Cosine of the central angle of ``miles``: a point is within reach when its dot product is at least this."""
    return math.cos(min(miles / EARTH_RADIUS_MILES, math.pi))


def geometry(latitude, longitude, radius_miles, birthdate, age_min, age_max):
    """The search columns every row of one user carries: where they are and reach, and their ages."""
    x, y, z = unit_vector(latitude, longitude)
    return {
        "lat_band": lat_band(latitude),
        "longitude": longitude,
        "x": x,
        "y": y,
        "z": z,
        "cos_radius": cos_of_radius(radius_miles),
        "birth_day": birthdate.toordinal() if birthdate else None,
        "age_min": age_min,
        "age_max": age_max,
    }


def tag_names(hobbies, interests):
    """The distinct hobbies and interests, lower-cased, in first-seen order (what "shared" compares)."""
    return list(dict.fromkeys(tag.lower() for tag in [*hobbies, *interests]))


def mask_of(bits):
    """The tag mask of a user whose tags have these bits (``None`` for tags without one)."""
    return sum(1 << bit for bit in set(bits) if bit is not None)


def choose_bits(counts):
    """Bits for the ``MASK_BITS`` most popular tags: ``{name: bit}``, most popular first."""
    ranked = sorted(counts, key=lambda name: (-counts[name], name))
    return {name: bit for bit, name in enumerate(ranked[:MASK_BITS])}


def is_searchable(user):
    """Complete profiles with a located ZIP and a verified address are searchable; nobody else
    appears in discovery."""
    return user.profile_complete and user.email_verified and user.latitude is not None and user.longitude is not None


def ensure_tags(connection, names):
    """``{name: (id, bit)}`` for lower-cased tag names, creating the missing ones (safe under concurrency)."""
    if not names:
        return {}
    names = sorted(set(names))
    dialect = {"postgresql": postgresql, "sqlite": sqlite}[connection.dialect.name]
    for start in range(0, len(names), REBUILD_BATCH):
        chunk = names[start : start + REBUILD_BATCH]
        insert = dialect.insert(vocabulary_table).values([{"name": name} for name in chunk])
        connection.execute(insert.on_conflict_do_nothing(index_elements=["name"]))
    found = {}
    for start in range(0, len(names), REBUILD_BATCH):
        chunk = names[start : start + REBUILD_BATCH]
        query = sa.select(vocabulary_table.c.name, vocabulary_table.c.id, vocabulary_table.c.bit).where(
            vocabulary_table.c.name.in_(chunk)
        )
        found.update({name: (tag_id, bit) for name, tag_id, bit in connection.execute(query)})
    return found


def search_rows(user, tags):
    """The ``search_profiles`` row and the ``search_tags`` rows of one user (an ORM object or a row
    with the same columns); ``tags`` is ``[(id, bit)]``."""
    where = geometry(
        user.latitude, user.longitude, user.friend_radius_miles, user.birthdate, user.age_min, user.age_max
    )
    mask = mask_of(bit for _, bit in tags)
    profile = {"user_id": user.id, **where}
    return profile, [{"user_id": user.id, "tag_id": tag_id, **where, "mask": mask} for tag_id, _ in tags]


def index_user(connection, user, is_new=False):
    """Replace the user's search rows with ones that match their current profile."""
    if not is_new:
        connection.execute(tags_table.delete().where(tags_table.c.user_id == user.id))
        connection.execute(profiles_table.delete().where(profiles_table.c.user_id == user.id))
    if not is_searchable(user):
        return
    tags = ensure_tags(connection, tag_names(user.hobbies, user.interests))
    profile, tag_rows = search_rows(user, tags.values())
    connection.execute(profiles_table.insert(), [profile])
    connection.execute(tags_table.insert(), tag_rows)


def _search_fields_changed(user, is_new):
    if is_new:
        return True
    state = sa.inspect(user)
    return any(state.attrs[name].history.has_changes() for name in INDEXED_FIELDS)


@sa.event.listens_for(sa.orm.Session, "after_flush")
def _reindex_changed_users(session, _flush_context):
    """Re-index every user whose profile fields this flush wrote, in the same transaction."""
    changed = [
        (user, is_new)
        for is_new, objects in ((True, session.new), (False, session.dirty))
        for user in objects
        if isinstance(user, User) and user not in session.deleted and _search_fields_changed(user, is_new)
    ]
    if changed:
        connection = session.connection()
        for user, is_new in changed:
            index_user(connection, user, is_new)


def _complete_users(connection, columns):
    """Stream the located, complete and verified profiles (the tag lists are checked by the caller) in id order."""
    last_id = 0
    users = User.__table__
    while True:
        batch = connection.execute(
            sa.select(users.c.id, *columns)
            .where(
                users.c.id > last_id,
                users.c.display_name.is_not(None),
                users.c.friend_radius_miles.is_not(None),
                users.c.latitude.is_not(None),
                users.c.longitude.is_not(None),
                users.c.birthdate.is_not(None),
                users.c.email_verified_at.is_not(None),
            )
            .order_by(users.c.id)
            .limit(REBUILD_BATCH)
        ).all()
        if not batch:
            return
        yield from (row for row in batch if row.hobbies and row.interests)
        last_id = batch[-1].id


def rebuild_search_index(connection):
    """Rebuild every search row from the users table and give the most popular tags their mask bits.

    Runs in the caller's transaction, so discovery (which reads in one snapshot) sees the old
    index or the new one, never half of each. Returns the number of searchable users.
    """
    users = User.__table__
    counts = Counter()
    for row in _complete_users(connection, [users.c.hobbies, users.c.interests]):
        counts.update(tag_names(row.hobbies, row.interests))

    connection.execute(tags_table.delete())
    connection.execute(profiles_table.delete())
    connection.execute(vocabulary_table.update().values(bit=None))
    connection.execute(vocabulary_table.delete().where(vocabulary_table.c.name.not_in(list(counts))))
    tags = ensure_tags(connection, list(counts))
    for name, bit in choose_bits(counts).items():
        connection.execute(vocabulary_table.update().where(vocabulary_table.c.name == name).values(bit=bit))
        tags[name] = (tags[name][0], bit)

    searchable, profiles, tag_rows = 0, [], []
    columns = [
        users.c.hobbies,
        users.c.interests,
        users.c.latitude,
        users.c.longitude,
        users.c.friend_radius_miles,
        users.c.birthdate,
        users.c.age_min,
        users.c.age_max,
    ]
    for row in _complete_users(connection, columns):
        user_tags = [tags[name] for name in tag_names(row.hobbies, row.interests)]
        profile, rows = search_rows(row, user_tags)
        profiles.append(profile)
        tag_rows.extend(rows)
        searchable += 1
        if len(profiles) >= REBUILD_BATCH:
            _insert_rows(connection, profiles, tag_rows)
            profiles, tag_rows = [], []
    _insert_rows(connection, profiles, tag_rows)
    return searchable


def _insert_rows(connection, profiles, tag_rows):
    if profiles:
        connection.execute(profiles_table.insert(), profiles)
    if tag_rows:
        connection.execute(tags_table.insert(), tag_rows)


def known_tag_ids(connection, names):
    """The ids of those lower-cased tag names that the index knows (nobody searchable has the others)."""
    if not names:
        return []
    return list(connection.scalars(sa.select(vocabulary_table.c.id).where(vocabulary_table.c.name.in_(names))))
