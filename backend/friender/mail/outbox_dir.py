"""The embedded default mail backend: every message becomes an ``.eml`` file in ``MAIL_OUTBOX_DIR``.

So ``make run`` works offline: the links a mail carries are also written to the log, and the
files open in any mail program (the browser tests read them too).
"""

import logging
import re
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app
from flask_mailman.backends.base import BaseEmailBackend

log = logging.getLogger(__name__)

LINK = re.compile(r"https?://\S+")


class EmailBackend(BaseEmailBackend):
    """Writes each message to ``<MAIL_OUTBOX_DIR>/<time>-<mail id>.eml`` and logs its links."""

    def send_messages(self, email_messages):
        """Write the messages; returns how many were written."""
        folder = Path(current_app.config["MAIL_OUTBOX_DIR"])
        folder.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            built = message.message()
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
            name = f"{stamp}-{built['X-Friender-Mail-Id'] or 'mail'}.eml"
            (folder / name).write_bytes(built.as_bytes())
            links = " ".join(LINK.findall(message.body))
            log.info("mail to %s written to %s: %s %s", ", ".join(message.to), name, message.subject, links)
        return len(email_messages)
