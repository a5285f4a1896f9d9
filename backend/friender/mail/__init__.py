"""Mail: recorded in the transaction that causes it, delivered after the commit, retried.

``queue_mail`` adds an :class:`~friender.models.OutboxMail` row to the session; nothing is sent
if the transaction rolls back. When it commits, the ids go to this process's delivery thread,
which sends each mail through Flask-Mailman (SMTP when ``MAIL_SERVER`` is set, else the
``.eml`` outbox folder of :mod:`.outbox_dir`) and marks it sent. A failed delivery never fails the
request that caused it: the mail stays in the table, is retried with a growing delay while the
process runs, and ``flask mail send-pending`` delivers whatever an outage left.
"""

import logging
import queue
import smtplib
import threading
import time
from datetime import timedelta

import click
import sqlalchemy as sa
from flask import current_app, has_app_context
from flask.cli import AppGroup
from flask_mailman import EmailMultiAlternatives, Mail
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from ..extensions import db
from ..models import OutboxMail, utcnow

log = logging.getLogger(__name__)

mailman = Mail()
templates = Environment(
    loader=PackageLoader("friender.mail"),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    keep_trailing_newline=True,
)

# While a process delivers a mail, no other process may take it for this long.
CLAIM_SECONDS = 120
MAX_RETRY_SECONDS = 3600
# The delivery thread ends after this long with nothing to send (it starts again with the next mail).
IDLE_SECONDS = 5.0
_NEW_MAIL_IDS = "friender_new_mail_ids"


def init_app(app):
    """Configure Flask-Mailman and this app's delivery thread."""
    mailman.init_app(app)
    app.extensions["friender_mail"] = Dispatcher(app)
    app.cli.add_command(mail_cli)


def link(path, token):
    """An absolute link into the browser app (``APP_BASE_URL``) carrying ``token=…``."""
    return f"{current_app.config['APP_BASE_URL']}{path}?token={token}"


def queue_mail(to_address, subject, template, **context):
    """Record a mail in the current transaction; it is delivered once that transaction commits.

    ``template`` names ``templates/<template>.txt`` and ``.html``, rendered with ``context``.
    """
    mail = OutboxMail(
        to_address=to_address,
        subject=subject,
        text_body=templates.get_template(f"{template}.txt").render(**context),
        html_body=templates.get_template(f"{template}.html").render(subject=subject, **context),
    )
    db.session.add(mail)
    return mail


@sa.event.listens_for(sa.orm.Session, "after_flush")
def _remember_new_mail(session, _flush_context):
    ids = [item.id for item in session.new if isinstance(item, OutboxMail)]
    if ids:
        session.info.setdefault(_NEW_MAIL_IDS, []).extend(ids)


@sa.event.listens_for(sa.orm.Session, "after_commit")
def _deliver_committed_mail(session):
    ids = session.info.pop(_NEW_MAIL_IDS, None)
    if ids and has_app_context() and "friender_mail" in current_app.extensions:
        current_app.extensions["friender_mail"].submit(ids)


@sa.event.listens_for(sa.orm.Session, "after_rollback")
def _forget_rolled_back_mail(session):
    session.info.pop(_NEW_MAIL_IDS, None)


def deliver(ids, due_only=False):
    """Send each of these mails that is still unsent and not being sent elsewhere.

    With ``due_only``, a mail whose retry time has not come is left alone. Returns the number of
    mails that failed (they keep their row, with the next attempt's time).
    """
    failed = 0
    for mail_id in ids:
        if not _claim(mail_id, due_only):
            continue
        mail = db.session.get(OutboxMail, mail_id)
        try:
            _message(mail).send()
        except (smtplib.SMTPException, OSError) as error:
            failed += 1
            mail.attempts += 1
            delay = min(MAX_RETRY_SECONDS, current_app.config["MAIL_RETRY_SECONDS"] * 2 ** (mail.attempts - 1))
            mail.next_attempt_at = utcnow() + timedelta(seconds=delay)
            mail.last_error = f"{type(error).__name__}: {error}"[:200]
            log.warning("mail %s not delivered (attempt %s): %s", mail.id, mail.attempts, type(error).__name__)
        else:
            mail.sent_at = utcnow()
        mail.claimed_until = None
        db.session.commit()
    return failed


def unsent_ids(due_only=True):
    """The ids of unsent mails, oldest first (with ``due_only``, those whose retry time has come)."""
    query = sa.select(OutboxMail.id).where(OutboxMail.sent_at.is_(None)).order_by(OutboxMail.id)
    if due_only:
        query = query.where(OutboxMail.next_attempt_at <= utcnow())
    return list(db.session.scalars(query))


def send_pending():
    """Deliver every unsent mail now, due or not; returns ``(sent, failed)``."""
    ids = unsent_ids(due_only=False)
    failed = deliver(ids)
    return len(ids) - failed, failed


def _claim(mail_id, due_only):
    """Take the mail for this process for a while; False when it is sent or someone else has it."""
    now = utcnow()
    conditions = [
        OutboxMail.id == mail_id,
        OutboxMail.sent_at.is_(None),
        sa.or_(OutboxMail.claimed_until.is_(None), OutboxMail.claimed_until < now),
    ]
    if due_only:
        conditions.append(OutboxMail.next_attempt_at <= now)
    claimed = db.session.execute(
        sa.update(OutboxMail).where(*conditions).values(claimed_until=now + timedelta(seconds=CLAIM_SECONDS))
    )
    db.session.commit()
    return claimed.rowcount == 1


def _message(mail):
    message = EmailMultiAlternatives(
        subject=mail.subject,
        body=mail.text_body,
        from_email=current_app.config["MAIL_DEFAULT_SENDER"],
        to=[mail.to_address],
        headers={"X-Friender-Mail-Id": str(mail.id)},
    )
    message.attach_alternative(mail.html_body, "text/html")
    return message


class Dispatcher:
    """This process's delivery thread: it sends committed mails, then retries the failures when due.

    The thread starts with the first mail and ends when it has been idle for a while, so an app
    that sends nothing runs no thread.
    """

    def __init__(self, app):
        self.app = app
        self.queue = queue.Queue()
        self.lock = threading.Lock()
        self.thread = None
        self.retry_at = None

    def submit(self, ids):
        """Hand committed mail ids to the thread, starting it if needed."""
        self.queue.put(list(ids))
        with self.lock:
            if self.thread is None:
                self.thread = threading.Thread(target=self._run, name="friender-mail", daemon=True)
                self.thread.start()

    def drain(self, timeout):
        """Wait until every submitted mail was handled (sent or rescheduled); False on timeout."""
        deadline = time.monotonic() + timeout
        with self.queue.all_tasks_done:
            while self.queue.unfinished_tasks:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self.queue.all_tasks_done.wait(remaining)
        return True

    def _run(self):
        while True:
            wait = IDLE_SECONDS if self.retry_at is None else max(0.0, self.retry_at - time.monotonic())
            try:
                ids, due_only = self.queue.get(timeout=wait), False
            except queue.Empty:
                if self.retry_at is None:
                    with self.lock:
                        if self.queue.empty():
                            self.thread = None
                            return
                    continue
                ids, due_only = None, True
            with self.app.app_context():
                try:
                    failed = deliver(unsent_ids() if ids is None else ids, due_only=due_only)
                except Exception:  # the database may be down too: keep the thread, try again later
                    log.exception("mail delivery failed")
                    failed = 1
                finally:
                    db.session.remove()
                    if ids is not None:
                        self.queue.task_done()
            if failed:
                self.retry_at = time.monotonic() + self.app.config["MAIL_RETRY_SECONDS"]
            elif due_only:
                self.retry_at = None


mail_cli = AppGroup("mail", help="The mail outbox.")


@mail_cli.command("send-pending")
def send_pending_command():
    """Deliver every mail that is not sent yet (for example after an SMTP outage)."""
    sent, failed = send_pending()
    click.echo(f"{sent} sent, {failed} failed")
    if failed:
        raise SystemExit(1)
