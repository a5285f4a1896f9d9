"""``flask storage sweep``: remove what no photo row owns any more.

Deleting a row removes its objects after the commit; when storage fails then, or a direct upload
is never confirmed, objects are left behind. The sweep deletes expired pending uploads and every
object older than an hour whose key names no row in the state that would own it.
"""

import re
from dataclasses import dataclass
from datetime import timedelta
from itertools import chain

import sqlalchemy as sa

from ..extensions import db
from ..models import Photo, utcnow
from ..storage import get_storage, remove_objects
from .service import as_utc, pending_cutoff

ORPHAN_AGE = timedelta(hours=1)
OBJECT_KEY = re.compile(r"photos/([0-9a-f-]{36})(?:-thumb)?\.jpg|uploads/([0-9a-f-]{36})")
LOOKUP_CHUNK = 500


@dataclass
class SweepReport:
    """What ``storage sweep`` did."""

    expired_uploads: int = 0
    orphans_removed: int = 0
    failed: int = 0
    unknown_kept: int = 0


def sweep_storage(now=None, orphan_age=ORPHAN_AGE):
    """Remove expired direct uploads, then objects older than ``orphan_age`` that no row owns."""
    now = now or utcnow()
    report = SweepReport()
    storage = get_storage()

    expired = db.session.scalars(
        sa.select(Photo).where(Photo.status == Photo.PENDING, Photo.created_at < pending_cutoff(now))
    ).all()
    keys = [photo.upload_key for photo in expired]
    for photo in expired:
        db.session.delete(photo)
    db.session.commit()
    report.expired_uploads = len(expired)
    if not remove_objects(keys):
        report.failed += len(keys)

    owners = {}
    for info in chain(storage.list("photos/"), storage.list("uploads/")):
        if as_utc(info.last_modified) > now - orphan_age:
            continue
        match = OBJECT_KEY.fullmatch(info.key)
        if match is None:
            report.unknown_kept += 1
            continue
        owners[info.key] = (match.group(1), Photo.READY) if match.group(1) else (match.group(2), Photo.PENDING)

    statuses = {}
    storage_keys = sorted({storage_key for storage_key, _ in owners.values()})
    for start in range(0, len(storage_keys), LOOKUP_CHUNK):
        chunk = storage_keys[start : start + LOOKUP_CHUNK]
        statuses.update(
            db.session.execute(sa.select(Photo.storage_key, Photo.status).where(Photo.storage_key.in_(chunk))).all()
        )
    orphans = [key for key, (storage_key, needed) in owners.items() if statuses.get(storage_key) != needed]
    if remove_objects(orphans):
        report.orphans_removed = len(orphans)
    else:
        report.failed += len(orphans)
    return report
