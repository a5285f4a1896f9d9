"""Profile rules: editing one's own profile, showing a public profile."""

from dataclasses import dataclass

from ..errors import NotFound
from ..extensions import db
from ..geo import distance_miles, lookup_zip, whole_miles
from ..models import User
from ..relationships import blocked_between


@dataclass(frozen=True)
class ProfileView:
    """A user as another viewer sees them: the user's public fields plus viewer-relative ones.

    ``distance_miles`` is None when either side has no location; the schema then leaves it out.
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
    shared_interests: list
    distance_miles: int | None = None


def update_profile(user, changes):
    """Apply validated changes; a new ZIP also sets city, state and the centroid's coordinates."""
    if "zip_code" in changes:
        place = lookup_zip(changes["zip_code"])
        user.city, user.state = place.city, place.state
        user.latitude, user.longitude = place.latitude, place.longitude
    for name, value in changes.items():
        setattr(user, name, value)
    db.session.commit()
    return user


def shared_tags(viewer, other):
    """The other person's hobbies and interests that the viewer also has, compared case-insensitively."""
    mine = {tag.lower() for tag in [*viewer.hobbies, *viewer.interests]}
    shared, seen = [], set()
    for tag in [*other.hobbies, *other.interests]:
        if tag.lower() in mine and tag.lower() not in seen:
            seen.add(tag.lower())
            shared.append(tag)
    return shared


def public_profile(viewer, user_id):
    """Another user's profile as the viewer may see it, with distance and shared tags when known.

    Unknown users and users with a block either way are both 404, so a block reveals nothing.
    """
    user = db.session.get(User, user_id)
    if user is None or blocked_between(viewer.id, user_id):
        raise NotFound("No such user.")
    return profile_view(viewer, user)


def profile_view(viewer, user):
    """``user`` as ``viewer`` sees them: shared tags, and the distance when both have a location."""
    distance = None
    if None not in (viewer.latitude, user.latitude):
        distance = whole_miles(distance_miles(viewer.latitude, viewer.longitude, user.latitude, user.longitude))
    return ProfileView(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        bio=user.bio,
        hobbies=user.hobbies,
        interests=user.interests,
        city=user.city,
        state=user.state,
        photos=user.photos,
        shared_interests=shared_tags(viewer, user),
        distance_miles=distance,
    )
