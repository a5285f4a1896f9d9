"""A real SMTP server in the test process (aiosmtpd) and helpers to read the mails the app sent."""

import email
import email.policy
import re
import threading
import time

import sqlalchemy as sa
from aiosmtpd.controller import Controller

from friender.extensions import db
from friender.models import OutboxMail

from .support import free_port

LINK = re.compile(r"https?://\S+")
WAIT_SECONDS = 10


class SmtpSink:
    """An SMTP server that keeps every message it accepts; ``start``/``stop`` simulate an outage."""

    def __init__(self):
        self.port = free_port()
        self.messages = []
        self.condition = threading.Condition()
        self.controller = None

    async def handle_DATA(self, _server, _session, envelope):  # noqa: N802  (aiosmtpd's handler name)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.condition:
            self.messages.append(message)
            self.condition.notify_all()
        return "250 Message accepted for delivery"

    def start(self):
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def wait_for(self, address, count=1):
        """The first ``count`` messages to ``address``, waiting for the app's delivery thread."""
        deadline = time.monotonic() + WAIT_SECONDS
        with self.condition:
            while True:
                found = [message for message in self.messages if address in str(message["To"])]
                if len(found) >= count:
                    return found[:count]
                remaining = deadline - time.monotonic()
                assert remaining > 0, f"no mail to {address} within {WAIT_SECONDS} s"
                self.condition.wait(remaining)

    def to(self, address):
        """The messages received so far for ``address``."""
        with self.condition:
            return [message for message in self.messages if address in str(message["To"])]


def parts(message):
    """The plain-text and HTML bodies of a received message."""
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return text, html


def link_in(message):
    """The one link of the message's plain-text part."""
    text, _ = parts(message)
    links = LINK.findall(text)
    assert links, text
    return links[0]


def wait_until(condition, what):
    """Wait (at most a few seconds) for something the delivery thread does after the SMTP reply."""
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def outbox_link(address, path):
    """The link to ``path`` in the newest mail recorded for ``address`` (read from the outbox table)."""
    bodies = db.session.scalars(
        sa.select(OutboxMail.text_body).where(OutboxMail.to_address == address).order_by(OutboxMail.id.desc())
    )
    for body in bodies:
        for found in LINK.findall(body):
            if path in found:
                return found
    raise AssertionError(f"no mail to {address} links to {path}")


def token_of(url):
    """The ``token=…`` of a mailed link."""
    return url.split("token=", 1)[1]
