"""``GET /api/me/export``: everything the app holds about a person, as a ZIP streamed to them.

``me.json`` holds the profile, the swipes they made, their matches, every message and hangout of
those matches (each naming its ``match_id``; a hangout says whether they confirmed meeting), the
blocks and reports they made;
``photos/`` holds their photos at stored size. The archive is written entry by entry as the
response is sent, so at most one photo is in memory.
"""

import json
import zipfile

import sqlalchemy as sa
from flask import current_app

from ..extensions import db
from ..models import Block, Hangout, HangoutConfirmation, Match, Message, Report, Swipe
from ..relationships import member_of
from ..storage import get_storage

ARCHIVE_NAME = "friender-export.zip"


def _iso(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


class _ChunkSink:
    """A write-only file for ZipFile that hands out what was written since the last ``take``."""

    def __init__(self):
        self._chunks = []

    def write(self, data):
        self._chunks.append(bytes(data))
        return len(data)

    def flush(self):
        """Nothing is buffered here."""

    def take(self):
        data, self._chunks = b"".join(self._chunks), []
        return data


def export_document(user):
    """The JSON part of the export: the person's own data and the conversations they were in."""
    swipes = db.session.scalars(sa.select(Swipe).where(Swipe.swiper_id == user.id).order_by(Swipe.id)).all()
    matches = db.session.scalars(sa.select(Match).where(member_of(user.id)).order_by(Match.id)).all()
    messages = db.session.scalars(
        sa.select(Message).where(Message.match_id.in_([m.id for m in matches])).order_by(Message.id)
    ).all()
    hangouts = db.session.scalars(
        sa.select(Hangout).where(Hangout.match_id.in_([m.id for m in matches])).order_by(Hangout.id)
    ).all()
    confirmed = set(
        db.session.scalars(sa.select(HangoutConfirmation.hangout_id).where(HangoutConfirmation.user_id == user.id))
    )
    blocks = db.session.scalars(sa.select(Block).where(Block.blocker_id == user.id)).all()
    reports = db.session.scalars(sa.select(Report).where(Report.reporter_id == user.id).order_by(Report.id)).all()
    return {
        "profile": {
            "id": user.id,
            "username": user.username,
            "email": user.email,
            "display_name": user.display_name,
            "bio": user.bio,
            "hobbies": user.hobbies,
            "interests": user.interests,
            "zip_code": user.zip_code,
            "city": user.city,
            "state": user.state,
            "friend_radius_miles": user.friend_radius_miles,
            "met_count": user.met_count,
            "created_at": _iso(user.created_at),
        },
        "photos": [
            {"file": f"photos/{index}.jpg", "width": p.width, "height": p.height, "created_at": _iso(p.created_at)}
            for index, p in enumerate(user.photos, start=1)
        ],
        "swipes": [{"user_id": s.swipee_id, "liked": s.liked, "created_at": _iso(s.created_at)} for s in swipes],
        "matches": [
            {"id": m.id, "user_id": m.other_user_id(user.id), "matched_at": _iso(m.matched_at)} for m in matches
        ],
        "messages": [
            {
                "id": message.id,
                "match_id": message.match_id,
                "sender_id": message.sender_id,
                "from_me": message.sender_id == user.id,
                "body": message.body,
                "created_at": _iso(message.created_at),
                "read_at": _iso(message.read_at),
            }
            for message in messages
        ],
        "hangouts": [
            {
                "id": h.id,
                "match_id": h.match_id,
                "proposed_by_me": h.proposer_id == user.id,
                "activity": h.activity,
                "options": h.options,
                "place_kind": h.place_kind,
                "note": h.note,
                "status": h.status,
                "accepted_option": h.accepted_option,
                "i_confirmed_we_met": h.id in confirmed,
                "created_at": _iso(h.created_at),
            }
            for h in hangouts
        ],
        "blocks": [{"user_id": b.blocked_id, "created_at": _iso(b.created_at)} for b in blocks],
        "reports": [{"user_id": r.reported_id, "reason": r.reason, "created_at": _iso(r.created_at)} for r in reports],
    }


def export_archive(user):
    """A generator of ZIP bytes: ``me.json`` first, then one photo at a time from storage."""
    document = json.dumps(export_document(user), indent=2, ensure_ascii=False).encode()
    photo_keys = [photo.main_key for photo in user.photos]
    storage = get_storage()
    if photo_keys:
        storage.check()  # An outage is a 503 now, not a truncated download later.
    max_bytes = current_app.config["MAX_PHOTO_BYTES"]

    def generate():
        sink = _ChunkSink()
        with zipfile.ZipFile(sink, "w") as archive:
            archive.writestr("me.json", document, compress_type=zipfile.ZIP_DEFLATED)
            yield sink.take()
            for index, key in enumerate(photo_keys, start=1):
                # JPEGs do not compress further; store them as they are.
                archive.writestr(f"photos/{index}.jpg", storage.get(key, max_bytes))
                yield sink.take()
        yield sink.take()

    return generate()
