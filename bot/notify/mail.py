"""E-mail through SMTP, only when SMTP_HOST is configured. Never logs addresses or content.

`Mailer` counts what it sends: at most `mails_per_recipient` messages per address and window, so
that nobody can use the assistant to flood a mailbox; the hotline's own notifications have a
limit of their own (`hotline_mails`).
"""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from typing import Optional, Sequence, Tuple

from bot.config import SmtpSettings
from bot.ratelimit import Limit, RateLimited, RateLimiter

logger = logging.getLogger(__name__)

Attachment = Tuple[str, str, bytes]  # file name, MIME type "text/calendar", content


def send_mail(
    to: str, subject: str, body: str, attachments: Sequence[Attachment] = (), config: Optional[SmtpSettings] = None
) -> bool:
    """Send one message; True on success, False if not configured or the server refused."""
    if config is None:
        return False
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = config.sender, to, subject
    message.set_content(body)
    for name, mime, content in attachments:
        maintype, subtype = mime.split("/", 1)
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=name)
    try:
        with smtplib.SMTP(config.host, config.port, timeout=config.timeout) as smtp:
            if config.starttls:
                smtp.starttls()
            if config.username:
                smtp.login(config.username, config.password)
            smtp.send_message(message)
        return True
    except (OSError, smtplib.SMTPException) as error:
        logger.warning("E-mail could not be sent: %s", type(error).__name__)
        return False


class Mailer:
    def __init__(
        self, config: Optional[SmtpSettings], limiter: RateLimiter, per_recipient: Limit, hotline: Limit
    ) -> None:
        self.config = config
        self._limiter = limiter
        self._per_recipient = per_recipient
        self._hotline = hotline

    @property
    def configured(self) -> bool:
        return self.config is not None

    def to_user(self, to: str, subject: str, body: str, attachments: Sequence[Attachment] = ()) -> bool:
        """A message to an address a user gave; False when not configured, limited or refused."""
        return self._send(self._per_recipient, to.strip().lower(), to, subject, body, attachments)

    def to_hotline(self, to: str, subject: str, body: str) -> bool:
        return self._send(self._hotline, "hotline", to, subject, body, ())

    def _send(
        self, limit: Limit, key: str, to: str, subject: str, body: str, attachments: Sequence[Attachment]
    ) -> bool:
        if self.config is None:
            return False
        try:
            self._limiter.hit(limit, key)
        except RateLimited:
            logger.warning("E-mail not sent: limit %s reached", limit.name)
            return False
        return send_mail(to, subject, body, attachments, self.config)
