"""``flask storage sweep``: remove what no photo row owns any more.

Deleting a row removes its objects after the commit; when storage fails then, or a direct upload
is never confirmed, objects are left behind. The sweep retires expired pending uploads, removes
the upload key of every retired form that has expired (``storage.retired_forms``: what this
process's remover thread does, here for rows a stopped process left), and then deletes every
object whose key names no row in the state that would own it: under ``uploads/`` at once,
whatever its age (a pending row is committed before its form is handed out, so a live upload
always has one), under ``photos/`` once it is older than an hour (a new photo's objects are
written before its row is committed).
"""

import re
from dataclasses import dataclass
from datetime import timedelta
from itertools import chain

import sqlalchemy as sa

from ..extensions import db
from ..models import Photo, utcnow
from ..storage import get_storage, remove_objects
from ..storage.retired_forms import remove_due
from .service import as_utc, pending_cutoff, retire_upload_form

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
    retired_forms_cleared: int = 0


def sweep_storage(now=None, orphan_age=ORPHAN_AGE):
    """Retire expired direct uploads, clear the expired retired forms, then remove orphans:
    under ``uploads/`` any without a pending row, under ``photos/`` those older than ``orphan_age``."""
    now = now or utcnow()
    report = SweepReport()
    storage = get_storage()

    expired = db.session.scalars(
        sa.select(Photo).where(Photo.status == Photo.PENDING, Photo.created_at < pending_cutoff(now))
    ).all()
    for photo in expired:
        db.session.delete(photo)
        retire_upload_form(photo)
    db.session.commit()
    report.expired_uploads = len(expired)
    # Their forms expired before the confirm grace did, so their keys are due with the rest.
    report.retired_forms_cleared, failed = remove_due(now)
    report.failed += failed

    owners = {}
    for info in chain(storage.list("photos/"), storage.list("uploads/")):
        if info.key.startswith("photos/") and as_utc(info.last_modified) > now - orphan_age:
            continue
        match = OBJECT_KEY.fullmatch(info.key)
        if match is None:
            report.unknown_kept += 1
            continue
        owners[info.key] = (match.group(1), Photo.READY) if match.group(1) else (match.group(2), Photo.PENDING)

    # The rows are read after the listing (a fresh transaction: SQLite keeps one snapshot per
    # transaction), so an object listed under uploads/ whose pending row is gone is really orphaned.
    db.session.commit()
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
