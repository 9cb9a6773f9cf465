"""E-mail through SMTP, only when SMTP_HOST is configured. Never logs addresses or content."""
from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from typing import Optional, Sequence, Tuple

from bot.config import SmtpSettings, settings

logger = logging.getLogger(__name__)


def smtp_settings() -> Optional[SmtpSettings]:
    return settings().smtp


Attachment = Tuple[str, str, bytes]   # file name, MIME type "text/calendar", content


def send_mail(to: str, subject: str, body: str, attachments: Sequence[Attachment] = (),
              config: Optional[SmtpSettings] = None) -> bool:
    """Send one message; True on success, False if not configured or the server refused."""
    config = config or smtp_settings()
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
