"""Profile rules: editing one's own profile, showing a public profile."""

from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app

from ..errors import NotFound, RateLimited, ValidationFailed
from ..extensions import db, execute_rows
from ..geo import distance_miles, lookup_zip, shown_miles
from ..models import LocationChange, Photo, User, age_of, utcnow
from ..relationships import blocked_between

LOCATION_FIELDS = ("zip_code", "friend_radius_miles")

# What a profile shown to someone else is made of. Pages of profiles (discovery, matches) read
# these as plain rows: building, tracking and identity-mapping ORM objects for 20 people and
# their photos cost more than the SQL that fetched them.
PROFILE_COLUMNS = (
    User.id,
    User.username,
    User.display_name,
    User.bio,
    User.hobbies,
    User.interests,
    User.city,
    User.state,
    User.latitude,
    User.longitude,
    User.friend_radius_miles,
    User.birthdate,
    User.met_count,
)
PHOTO_COLUMNS = (
    Photo.id,
    Photo.user_id,
    Photo.storage_key,
    Photo.width,
    Photo.height,
    Photo.blurhash,
    Photo.position,
    Photo.created_at,
)


@dataclass(frozen=True)
class ProfileView:
    """A user as another viewer sees them: the user's public fields plus viewer-relative ones.

    ``distance_miles`` is None unless each is within the other's radius; the schema then leaves it out.
    """

    id: int
    username: str
    display_name: str | None
    bio: str
    hobbies: list
    interests: list
    city: str | None
    state: str | None
    photos: list
    age: int | None
    shared_interests: list
    distance_miles: int | None = None
    met_count: int = 0


AGE_RANGE_ORDER = "The lowest age cannot be above the highest."


def update_profile(user, changes):
    """Apply validated changes; a new ZIP also sets city, state and the centroid's coordinates.

    A change of ZIP code or friend radius counts against ``LOCATION_CHANGE_LIMIT`` per
    ``LOCATION_CHANGE_WINDOW``; beyond it → 429 and nothing changes.
    """
    if any(name in changes and changes[name] != getattr(user, name) for name in LOCATION_FIELDS):
        _count_location_change(user)
    age_min, age_max = changes.get("age_min", user.age_min), changes.get("age_max", user.age_max)
    if age_min > age_max:
        field = "age_min" if "age_min" in changes else "age_max"
        raise ValidationFailed(AGE_RANGE_ORDER, fields={field: [AGE_RANGE_ORDER]})
    if "zip_code" in changes:
        place = lookup_zip(changes["zip_code"])
        user.city, user.state = place.city, place.state
        user.latitude, user.longitude = place.latitude, place.longitude
    for name, value in changes.items():
        setattr(user, name, value)
    db.session.commit()
    return user


def _count_location_change(user):
    """Record one location change in the caller's transaction, or raise :class:`RateLimited`.

    The user's row is locked first (PostgreSQL), and the count is read after this change's own
    INSERT (SQLite), so simultaneous requests cannot all squeeze under the limit.
    """
    config = current_app.config
    since = utcnow() - config["LOCATION_CHANGE_WINDOW"]
    db.session.execute(sa.select(User.id).where(User.id == user.id).with_for_update())
    mine = LocationChange.user_id == user.id
    db.session.execute(sa.delete(LocationChange).where(mine, LocationChange.changed_at < since))
    db.session.add(LocationChange(user_id=user.id))
    db.session.flush()
    recent = db.session.scalar(sa.select(sa.func.count()).select_from(LocationChange).where(mine))
    if recent > config["LOCATION_CHANGE_LIMIT"]:
        db.session.rollback()
        hours = int(config["LOCATION_CHANGE_WINDOW"].total_seconds() // 3600)
        raise RateLimited(
            f"You can change your ZIP code or friend radius {config['LOCATION_CHANGE_LIMIT']} times in "
            f"{hours} hours. Please try again later."
        )


def tag_keys(person):
    """A person's hobbies and interests as compared: lower-cased, as a set."""
    return {tag.lower() for tag in [*person.hobbies, *person.interests]}


def shared_tags(viewer, other, viewer_keys=None):
    """The other person's hobbies and interests that the viewer also has, compared case-insensitively.

    ``viewer_keys`` is :func:`tag_keys` of the viewer, when a page of people computes it once.
    """
    mine = tag_keys(viewer) if viewer_keys is None else viewer_keys
    shared, seen = [], set()
    for tag in [*other.hobbies, *other.interests]:
        key = tag.lower()
        if key in mine and key not in seen:
            seen.add(key)
            shared.append(tag)
    return shared


def public_profile(viewer, user_id):
    """Another user's profile as the viewer may see it, with distance and shared tags when known.

    Unknown users, users with a block either way and suspended or banned users are all 404, so
    neither a block nor a moderation measure reveals anything.
    """
    user = db.session.get(User, user_id)
    if user is None or user.locked or blocked_between(viewer.id, user_id):
        raise NotFound("No such user.")
    return profile_view(viewer, user)


def shown_photos(user_ids):
    """Each user's shown photos as rows of :data:`PHOTO_COLUMNS`, in display order, keyed by user id."""
    photos = {user_id: [] for user_id in user_ids}
    if photos:
        for photo in execute_rows(_SHOWN_PHOTOS, {"user_ids": list(photos)}):
            photos[photo.user_id].append(photo)
    return photos


# Built once: every discovery page and match list runs it.
_SHOWN_PHOTOS = (
    sa.select(*PHOTO_COLUMNS)
    .where(Photo.user_id.in_(sa.bindparam("user_ids", expanding=True)), Photo.status == Photo.READY)
    .order_by(Photo.user_id, Photo.position, Photo.id)
)


def profile_views(viewer, rows):
    """Rows holding :data:`PROFILE_COLUMNS` as ``viewer`` sees them, in their order, with their photos."""
    photos = shown_photos([row.id for row in rows])
    viewer_keys = tag_keys(viewer)
    return [profile_view(viewer, row, photos[row.id], viewer_keys) for row in rows]


def profile_view(viewer, user, photos=None, viewer_keys=None):
    """``user`` as ``viewer`` sees them: shared tags, and the coarse distance when each is within
    the other's friend radius (so moving far away to measure from elsewhere shows nothing).

    ``user`` is a :class:`User` or a row of :data:`PROFILE_COLUMNS`; a row comes with its ``photos``.
    ``viewer_keys`` is :func:`tag_keys` of the viewer, for a page of people.
    """
    distance = None
    if None not in (viewer.latitude, user.latitude, viewer.friend_radius_miles, user.friend_radius_miles):
        miles = distance_miles(viewer.latitude, viewer.longitude, user.latitude, user.longitude)
        if miles <= min(viewer.friend_radius_miles, user.friend_radius_miles):
            distance = shown_miles(miles)
    return ProfileView(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        bio=user.bio,
        hobbies=user.hobbies,
        interests=user.interests,
        city=user.city,
        state=user.state,
        photos=user.photos if photos is None else photos,
        age=age_of(user.birthdate),
        shared_interests=shared_tags(viewer, user, viewer_keys),
        distance_miles=distance,
        met_count=user.met_count or 0,
    )
