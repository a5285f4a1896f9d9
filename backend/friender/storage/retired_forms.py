"""Retired direct-upload forms: their upload object is removed once more when the form expires.

A direct-upload form (``Storage.presigned_post``) lets its holder write one key under
``uploads/`` until it expires. When the form's photo is confirmed, refused, deleted or given up,
the object is removed at once; the local backend also refuses any later post of that form, but
S3 cannot refuse a form it signed, so a re-post lands the key again. Each retirement therefore
records the key and the form's expiry (:class:`~friender.models.RetiredUploadForm`) in the
transaction that retires it. Once the form has expired nothing new can arrive, so one removal
after that time (plus :data:`MARGIN`) is final; the row goes with it.

This process's :class:`RetiredFormRemover` does that removal: a daemon thread that the commit of
a retirement starts, that sleeps until the next row is due and ends when no row is left. A
storage or database failure keeps the rows, and it tries again after :data:`RETRY_SECONDS`.
``flask storage sweep`` removes whatever is due too, so rows a stopped process left are not lost.
"""

import logging
import threading
import time
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, has_app_context

from ..extensions import db
from ..models import RetiredUploadForm, as_utc, utcnow
from . import remove_objects

log = logging.getLogger(__name__)

# After a form's expiry, how long a post may still land: our clock may be behind storage's, and a
# large post that S3 accepted just before the expiry is written when its last byte has arrived.
MARGIN = timedelta(minutes=5)
RETRY_SECONDS = 30.0
# While rows wait, the thread looks again at least this often (wall-clock jumps, other processes' rows).
MAX_WAIT_SECONDS = MARGIN.total_seconds()
BATCH = 500
_RETIRED = "friender_retired_upload_forms"


def init_app(app):
    """This app's remover thread (started by the first retirement committed)."""
    app.extensions["friender_retired_forms"] = RetiredFormRemover(app)


def retire_form(upload_key, form_expires_at):
    """Record, in the current transaction, that ``upload_key``'s form is done with but valid until
    ``form_expires_at``; after the commit this process removes the key again once that time has passed."""
    db.session.add(RetiredUploadForm(upload_key=upload_key, form_expires_at=form_expires_at))


@sa.event.listens_for(sa.orm.Session, "after_flush")
def _remember_retired_forms(session, _flush_context):
    if any(isinstance(item, RetiredUploadForm) for item in session.new):
        session.info[_RETIRED] = True


@sa.event.listens_for(sa.orm.Session, "after_commit")
def _wake_the_remover(session):
    if session.info.pop(_RETIRED, False) and has_app_context() and "friender_retired_forms" in current_app.extensions:
        current_app.extensions["friender_retired_forms"].wake()


@sa.event.listens_for(sa.orm.Session, "after_rollback")
def _forget_retired_forms(session):
    session.info.pop(_RETIRED, None)


def due_cutoff(now):
    """Forms that expired before this can no longer write anything."""
    return now - MARGIN


def remove_due(now=None):
    """Remove the key of every form expired by ``now`` (less :data:`MARGIN`), then its row.

    Returns ``(removed, failed)``; rows whose objects could not be deleted stay for the next try.
    """
    now = now or utcnow()
    removed = 0
    while True:
        keys = list(
            db.session.scalars(
                sa.select(RetiredUploadForm.upload_key)
                .where(RetiredUploadForm.form_expires_at <= due_cutoff(now))
                .order_by(RetiredUploadForm.form_expires_at, RetiredUploadForm.upload_key)
                .limit(BATCH)
            )
        )
        db.session.commit()
        if not keys:
            return removed, 0
        if not remove_objects(keys):
            return removed, len(keys)
        db.session.execute(sa.delete(RetiredUploadForm).where(RetiredUploadForm.upload_key.in_(keys)))
        db.session.commit()
        removed += len(keys)


def next_due():
    """When the earliest recorded form can be removed for good, or ``None`` when there is none."""
    earliest = db.session.scalar(sa.select(sa.func.min(RetiredUploadForm.form_expires_at)))
    db.session.commit()
    return None if earliest is None else as_utc(earliest) + MARGIN


class RetiredFormRemover:
    """This process's removal thread for retired upload forms (in the spirit of the mail ``Dispatcher``).

    ``wake()`` (called after each commit that retires a form) starts the thread or makes it look
    again. It removes what is due, sleeps until the next row is due, and ends when no row is left,
    so a process that retires nothing runs no thread. ``clock`` is the wall clock it compares
    expiries with and ``retry_seconds`` its pause after a failure (tests change both).
    """

    def __init__(self, app, clock=utcnow):
        self.app = app
        self.clock = clock
        self.retry_seconds = RETRY_SECONDS
        self.lock = threading.Lock()
        self.looked = threading.Condition(self.lock)
        self.wakeup = threading.Event()
        self.thread = None
        self.stopped = False
        self.requested = 0  # wake() calls so far
        self.handled = 0  # of those, how many a finished pass has answered

    def wake(self):
        """Look at the recorded forms now, starting the thread if it is not running."""
        with self.lock:
            if self.stopped:
                return
            self.requested += 1
            self.wakeup.set()
            if self.thread is None:
                self.thread = threading.Thread(target=self._run, name="friender-retired-forms", daemon=True)
                self.thread.start()

    def settle(self, timeout):
        """Wait until a pass begun after the latest ``wake()`` has finished; False on timeout."""
        deadline = time.monotonic() + timeout
        with self.looked:
            target = self.requested
            while self.handled < target and not self.stopped:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self.looked.wait(remaining)
        return True

    def stop(self, timeout):
        """End the thread (tests, before their rows are emptied); False if it did not end in time."""
        with self.lock:
            self.stopped = True
            self.wakeup.set()
            self.looked.notify_all()
            thread = self.thread
        if thread is not None:
            thread.join(timeout)
            return not thread.is_alive()
        return True

    def _run(self):
        while True:
            with self.lock:
                if self.stopped:
                    self.thread = None
                    return
                taken = self.requested
                self.wakeup.clear()  # a wake() from here on is seen by the wait or the exit check below
            with self.app.app_context():
                try:
                    _removed, failed = remove_due(self.clock())
                    due = next_due()
                except Exception:  # the database may be down too: keep the thread, try again later
                    log.exception("removing retired upload forms failed")
                    failed, due = 1, None
                finally:
                    db.session.remove()
            with self.looked:
                self.handled = taken
                self.looked.notify_all()
                if not failed and due is None and not self.wakeup.is_set():
                    self.thread = None
                    return
            if failed:
                wait = self.retry_seconds
            elif due is None:
                continue
            else:
                wait = min(MAX_WAIT_SECONDS, max(0.0, (due - self.clock()).total_seconds()))
            self.wakeup.wait(wait)
