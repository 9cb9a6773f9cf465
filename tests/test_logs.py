"""Log records are redacted when they are created: no addresses, numbers or quoted user text."""

from __future__ import annotations

import logging

import pytest

from bot import logs


@pytest.mark.parametrize(
    "message, expected",
    [
        (
            "Failed to parse arguments in line '/affirm meine Mail ist erika.privat@example.org Tel 0171 5550199'. "
            "Expected the intent to be one of [['affirm']] but found affirm meine Mail ist erika.privat."
            "Continuing with given line as user text.",
            "Failed to parse arguments in line [entfernt]",
        ),
        (
            "/x/io.py:100: UserWarning: Failed to parse arguments in line '/greet{\"a\": 1'. Error: Expecting ',' "
            "delimiter: line 1 column 9",
            "/x/io.py:100: UserWarning: Failed to parse arguments in line [entfernt]",
        ),
        (
            "Message handling timed out for user message 'Wann ist der nächste Termin?'.",
            "Message handling timed out for user message '[entfernt]'.",
        ),
        (
            "rest.message.received.failure text='Ich heiße Erika Muster'",
            "rest.message.received.failure text='[entfernt]'",
        ),
        ('{"text": "Ich heiße \\"Erika\\"", "event": "x"}', '{"text": "[entfernt]", "event": "x"}'),
        ("mail to erika.privat@example.org failed", "mail to [E-Mail] failed"),
        ("call +49 30 310078-387 or 0171 5550199 or 0171/5550199", "call [Nummer] or [Nummer] or [Nummer]"),
        # Not personal: kept as they are.
        ("Retention: deleted 3 tickets, 12 questions, 2 conversations", None),
        ("Starting Rasa server on http://127.0.0.1:5005", None),
        ("slot 2026-12-03T10:00:00+01:00 took 0.0123456 s, port 15005", None),
        ("Action 'action_confirm_booking' took 12345678 ns", None),
    ],
)
def test_redact(message, expected):
    assert logs.redact(message) == (message if expected is None else expected)


def test_long_lines_are_cut():
    assert len(logs.redact("x" * 10_000)) < 2100


def test_every_record_is_redacted_after_install(caplog):
    logs.install()
    logger = logging.getLogger("some.library")
    with caplog.at_level(logging.INFO):
        logger.warning("user %s wrote %s", "erika.privat@example.org", "0171 5550199")
        typed = "Erika Muster, " + "0171 5550199"  # built at run time: not in the traceback's source lines
        try:
            raise ValueError(f"invalid value {typed!r}")
        except ValueError:
            logger.exception("Failed to run action")
    text = caplog.text
    assert "erika" not in text and "5550199" not in text and "Erika Muster" not in text
    assert "[E-Mail]" in text and "ValueError" in text and "Traceback" in text
