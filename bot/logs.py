"""No personal data in log files, whatever a library decides to log.

Our own code never logs message text, addresses or numbers. Libraries do: Rasa warns with the
whole line of a malformed "/intent{…}" message ("Failed to parse arguments in line '…'"), Sanic
and rasa-sdk log exceptions whose messages can carry slot values. `install()` replaces the
process's log-record factory, so every record of every logger is redacted when it is created,
before any handler or formatter sees it:

* e-mail addresses and phone-number-like digit runs are replaced by placeholders;
* the quoted user text of the library messages known to carry it is dropped;
* exception texts are reduced to the exception type (the traceback's frames stay).

Pure functions plus one installer; table-driven tests in tests/test_logs.py.
"""

from __future__ import annotations

import logging
import re
import traceback
from typing import Any, Optional

EMAIL = re.compile(r"[A-Za-z0-9._%+\-]{1,64}@[A-Za-z0-9.\-]{1,253}\.[A-Za-z]{2,24}")
# Phone numbers as people write them: a leading + or 0, then at least six more digits, possibly
# grouped by spaces, dots, slashes or dashes ("0171 5550199", "+49 30 310078-387"). Dates, times
# and decimal numbers do not start that way.
PHONE = re.compile(r"(?<![\w:.+])(?:\+\d|0\d)(?:[ ./\-]{0,2}\d){4,24}(?![\w:])")
# Library messages built around the user's message, in several places: kept only up to the marker.
MESSAGE_ABOUT_USER_TEXT = (
    "Failed to parse arguments in line",  # Rasa: a malformed "/intent{…}" message (YAMLStoryReader)
)
# Library messages that quote the user's message: (kept prefix)(user text)(kept suffix).
QUOTED_USER_TEXT = (
    re.compile(r"(user message ')([^\n]*?)(')"),
    re.compile(r"(\b(?:text|user_text|message|parse_data_text)=')([^'\n]*)(')"),
    re.compile(r'(\b(?:text|user_text|message|parse_data_text)=")([^"\n]*)(")'),
    re.compile(r'("(?:text|user_text|message|parse_data_text)": ")((?:[^"\\\n]|\\.)*)(")'),
)
REDACTED = "[entfernt]"
MAX_LINE = 2000


def redact(text: str) -> str:
    """A log message without e-mail addresses, phone numbers or quoted user messages."""
    for marker in MESSAGE_ABOUT_USER_TEXT:
        position = text.find(marker)
        if position >= 0:
            return text[: position + len(marker)] + " " + REDACTED
    for pattern in QUOTED_USER_TEXT:
        text = pattern.sub(lambda match: match.group(1) + REDACTED + match.group(3), text)
    text = EMAIL.sub("[E-Mail]", text)
    text = PHONE.sub("[Nummer]", text)
    return text if len(text) <= MAX_LINE else text[:MAX_LINE] + " …"


def _exception_summary(exc_info: Any) -> Optional[str]:
    """The traceback with each exception's message replaced by its type."""
    if not exc_info or exc_info is True:
        return None
    _type, error, trace = exc_info
    lines = traceback.format_tb(trace) if trace is not None else []
    return "Traceback (most recent call last):\n" + "".join(lines) + (type(error).__name__ if error else "")


_installed = False


def install() -> None:
    """Redact every log record created in this process from now on (idempotent)."""
    global _installed
    if _installed:
        return
    _installed = True
    create = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = create(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string must not break logging
            message = str(record.msg)
        record.msg, record.args = redact(message), None
        if record.exc_info:
            record.exc_text = _exception_summary(record.exc_info)
            record.exc_info = None
        return record

    logging.setLogRecordFactory(factory)
    logging.captureWarnings(True)  # warnings.warn() goes through logging, and so through redaction
