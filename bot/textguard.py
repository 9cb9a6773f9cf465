"""Checks and cleans raw user text before it reaches the language understanding.

Pure functions: the Rasa NLU components in `rasa_ext/` and the actions both call them, so the
bot judges a message the same way wherever it looks at it.
"""
from __future__ import annotations

import html
import json
import re
import unicodedata
from typing import Optional

# Longer messages are not interpreted: users get a request to shorten them. The chat widget
# enforces the same limit in the input field.
MAX_MESSAGE_CHARS = 1000

EMPTY = "empty"
NO_LETTERS = "no_letters"
TOO_LONG = "too_long"
JSON_DATA = "json"
MARKUP_ONLY = "markup_only"
PROBLEMS = (EMPTY, NO_LETTERS, TOO_LONG, JSON_DATA, MARKUP_ONLY)

_TAG = re.compile(r"<\s*/?\s*[a-zA-Z!][^<>]{0,500}>")
# Script and style blocks are removed with their content: it is code, not a question.
_CODE_BLOCK = re.compile(r"<\s*(script|style)\b[^>]*>.*?(<\s*/\s*\1\s*>|$)", re.I | re.S)
_WHITESPACE = re.compile(r"\s+")
# Terminal escape sequences ("\x1b[31m") as pasted from consoles: drop them whole.
_ANSI_ESCAPE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|[@-Z\\-_])")


def strip_control_chars(text: str) -> str:
    """Replace control and format characters (NUL, escape, zero-width, bidi overrides) by spaces."""
    text = _ANSI_ESCAPE.sub(" ", text)
    return "".join(
        " " if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co") and ch not in "\u200d" else ch
        for ch in text
    )


def strip_markup(text: str) -> str:
    """Remove HTML/XML tags and script/style blocks; decode entities like &amp;."""
    without_code = _CODE_BLOCK.sub(" ", text)
    return html.unescape(_TAG.sub(" ", without_code))


def clean_text(text: Optional[str], limit: int = MAX_MESSAGE_CHARS) -> str:
    """The text the language understanding sees: readable characters only, at most `limit`."""
    if not text:
        return ""
    cleaned = unicodedata.normalize("NFC", text)
    cleaned = strip_control_chars(strip_markup(cleaned))
    # Entities may decode to control characters or new tags: run the cleaners once more.
    cleaned = strip_control_chars(strip_markup(cleaned))
    cleaned = _WHITESPACE.sub(" ", cleaned).strip()
    return cleaned[:limit].rstrip()


def looks_like_json(text: str) -> bool:
    stripped = text.strip()
    if not stripped or stripped[0] not in "{[":
        return False
    try:
        value = json.loads(stripped)
    except ValueError:
        return False
    return isinstance(value, (dict, list))


def has_words_or_numbers(text: str) -> bool:
    # Digits count: "10:30" or a phone number is a sensible answer inside a form.
    return any(ch.isalnum() for ch in text)


def input_problem(text: Optional[str], limit: int = MAX_MESSAGE_CHARS) -> Optional[str]:
    """Why a message cannot be interpreted, or None when it can.

    Order matters: a 10,000-character JSON document is reported as too long, because shortening
    is the first thing the user has to do.
    """
    raw = text or ""
    if len(raw) > limit:
        return TOO_LONG
    if looks_like_json(raw):
        return JSON_DATA
    cleaned = clean_text(raw, limit)
    if not cleaned:
        return MARKUP_ONLY if raw.strip() and _TAG.search(raw) else EMPTY
    if not has_words_or_numbers(cleaned):
        return NO_LETTERS
    return None
