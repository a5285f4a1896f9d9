"""Profile rules: editing one's own profile, deleting the account, showing a public profile."""

import sqlalchemy as sa

from ..auth.service import check_password
from ..errors import Forbidden, NotFound, ValidationFailed
from ..extensions import db
from ..geo import distance_miles, lookup_zip, whole_miles
from ..models import Photo, User
from ..storage import remove_objects


class ProfileView:
    """A user as another viewer sees them: the user's public fields plus viewer-relative ones.

    ``distance_miles`` and ``shared_interests`` exist only when known, so the schema leaves
    them out otherwise.
    """

    def __init__(self, user, **viewer_relative):
        self.user = user
        self.__dict__.update(viewer_relative)

    def __getattr__(self, name):
        return getattr(self.user, name)


AGE_RANGE_ORDER = "The lowest age cannot be above the highest."


def update_profile(user, changes):
    """Apply validated changes; a new ZIP also sets city, state and the centroid's coordinates."""
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


def delete_account(user, password):
    """Delete the account and everything that cascades from it, once the password is confirmed.

    The photos' storage objects go after the rows; any that cannot be deleted now are logged
    and removed by ``flask storage sweep``.
    """
    from ..matches.service import announce_unmatch, ended_matches_of  # matches builds on this module

    if not check_password(user, password):
        raise Forbidden("That password is not correct.")
    photos = db.session.scalars(sa.select(Photo).where(Photo.user_id == user.id)).all()
    keys = [key for photo in photos for key in photo.object_keys]
    ended = ended_matches_of(user.id)
    db.session.delete(user)
    db.session.commit()
    remove_objects(keys)
    for match in ended:  # the other people's open chats learn at once that the match is gone
        announce_unmatch(match)


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
    from ..safety.service import blocked_between  # safety builds on this module, so import at call time

    user = db.session.get(User, user_id)
    if user is None or blocked_between(viewer.id, user_id):
        raise NotFound("No such user.")
    return profile_view(viewer, user)


def profile_view(viewer, user):
    """``user`` as ``viewer`` sees them: shared tags, and the distance when both have a location."""
    relative = {"shared_interests": shared_tags(viewer, user)}
    if None not in (viewer.latitude, user.latitude):
        relative["distance_miles"] = whole_miles(
            distance_miles(viewer.latitude, viewer.longitude, user.latitude, user.longitude)
        )
    return ProfileView(user, **relative)
