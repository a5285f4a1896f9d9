"""Account rules: deleting an account and everything that hangs off it.

The top of the layers: deletion reaches into every domain (photos' storage objects, matches
whose other members must hear that they ended), so it lives above all of them.
"""

import sqlalchemy as sa

from ..auth.passwords import check_password
from ..errors import Forbidden
from ..events import end_streams
from ..extensions import db
from ..matches.service import announce_unmatch, ended_matches_of
from ..models import Photo
from ..photos.service import retire_upload_form
from ..storage import remove_objects


def delete_account(user, password):
    """Delete the account and everything that cascades from it, once the password is confirmed.

    The photos' storage objects go after the rows; any that cannot be deleted now are logged
    and removed by ``flask storage sweep``.
    """
    if not check_password(user, password):
        raise Forbidden("That password is not correct.")
    photos = db.session.scalars(sa.select(Photo).where(Photo.user_id == user.id)).all()
    keys = [key for photo in photos for key in photo.object_keys]
    ended = ended_matches_of(user.id)
    user_id = user.id
    db.session.delete(user)
    for photo in photos:  # the cascade ends its pending photos: their upload forms are retired
        retire_upload_form(photo)
    db.session.commit()
    end_streams(user_id)
    remove_objects(keys)
    for match in ended:  # the other people's open chats learn at once that the match is gone
        announce_unmatch(match)
