"""The mail outbox: recorded with the transaction, delivered after the commit, never lost."""

import logging

import sqlalchemy as sa

from friender.extensions import db
from friender.mail import queue_mail
from friender.models import OutboxMail

from .mail import link_in, parts, wait_until

CONTEXT = {"name": "Ana", "email": "ana@example.com", "url": "http://app.test/verify-email?token=abc.def"}


def _queue(address="ana@example.com"):
    mail = queue_mail(address, "Confirm your email", "verify_email", **{**CONTEXT, "email": address})
    db.session.commit()
    return mail.id


def _row(mail_id):
    db.session.expire_all()
    return db.session.get(OutboxMail, mail_id)


def test_a_committed_mail_reaches_the_smtp_server_with_text_and_html_and_is_marked_sent(app, smtp_server):
    mail_id = _queue()

    (message,) = smtp_server.wait_for("ana@example.com")
    text, html = parts(message)
    assert message["Subject"] == "Confirm your email"
    assert message["From"] == app.config["MAIL_DEFAULT_SENDER"]
    assert "ana@example.com" in text and link_in(message) == CONTEXT["url"]
    assert f'href="{CONTEXT["url"]}"' in html
    assert "<img" not in html  # no tracking pixels
    wait_until(lambda: _row(mail_id).sent_at is not None, "the mail to be marked sent")
    assert _row(mail_id).attempts == 0


def test_a_rolled_back_mail_is_neither_stored_nor_sent(app, smtp_server):
    queue_mail("gone@example.com", "Confirm your email", "verify_email", **CONTEXT)
    db.session.flush()
    db.session.rollback()
    _queue("kept@example.com")

    smtp_server.wait_for("kept@example.com")
    assert smtp_server.to("gone@example.com") == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMail)) == 1


def test_smtp_down_keeps_the_mail_and_send_pending_delivers_it_once_smtp_is_back(app, smtp_server):
    smtp_server.stop()
    mail_id = _queue()
    wait_until(lambda: _row(mail_id).attempts == 1, "the failed attempt to be recorded")
    failed = _row(mail_id)
    assert failed.sent_at is None and failed.last_error and failed.next_attempt_at is not None

    smtp_server.start()
    result = app.test_cli_runner().invoke(args=["mail", "send-pending"])

    assert result.exit_code == 0, result.output
    assert "1 sent, 0 failed" in result.output
    assert len(smtp_server.wait_for("ana@example.com")) == 1
    assert _row(mail_id).sent_at is not None
    again = app.test_cli_runner().invoke(args=["mail", "send-pending"])
    assert "0 sent, 0 failed" in again.output and len(smtp_server.to("ana@example.com")) == 1


def test_send_pending_says_when_smtp_is_still_down(app, smtp_server):
    smtp_server.stop()
    mail_id = _queue()
    wait_until(lambda: _row(mail_id).attempts == 1, "the failed attempt to be recorded")

    result = app.test_cli_runner().invoke(args=["mail", "send-pending"])

    assert result.exit_code == 1 and "0 sent, 1 failed" in result.output
    assert _row(mail_id).attempts == 2 and _row(mail_id).sent_at is None


def test_without_mail_server_each_mail_is_an_eml_file_in_the_outbox_and_its_link_is_logged(app, caplog, tmp_path):
    caplog.set_level(logging.INFO, logger="friender.mail")
    mail_id = _queue()
    app.extensions["friender_mail"].drain(timeout=10)

    (written,) = (tmp_path / "outbox").glob("*.eml")
    content = written.read_text()
    assert written.name.endswith(f"-{mail_id}.eml")
    assert "Subject: Confirm your email" in content and "To: ana@example.com" in content
    assert "text/plain" in content and "text/html" in content
    assert CONTEXT["url"] in caplog.text
    assert _row(mail_id).sent_at is not None
