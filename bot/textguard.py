"""Checks and cleans raw user text before it reaches the language understanding.

Pure functions: the Rasa NLU components in `rasa_ext/` and the actions both call them, so the
bot judges a message the same way wherever it looks at it.

Every function here takes time linear in its input, whatever the input: patterns have bounded
repetitions only, and a message is cut to what can still be read before any pattern sees it
(`cut`). The channels cut at the door already; cutting again here protects every other caller.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from typing import List, Optional

# Longer messages are not interpreted: users get a request to shorten them. The chat widget
# enforces the same limit in the input field.
MAX_MESSAGE_CHARS = 1000

EMPTY = "empty"
NO_LETTERS = "no_letters"
TOO_LONG = "too_long"
JSON_DATA = "json"
MARKUP_ONLY = "markup_only"
PROBLEMS = (EMPTY, NO_LETTERS, TOO_LONG, JSON_DATA, MARKUP_ONLY)

# Bounded repetitions only: an unbounded `\s*` next to another one, or `[^>]*` before a `>` that
# never comes, makes the engine re-scan the rest of the text from every `<` (quadratic time).
_TAG = re.compile(r"<\s{0,20}/?\s{0,20}[a-zA-Z!][^<>]{0,500}>")
# Script and style blocks are removed with their content: it is code, not a question.
_CODE_OPEN = re.compile(r"<\s{0,20}(script|style)\b[^<>]{0,500}>", re.I)
_CODE_CLOSE = {name: re.compile(rf"<\s{{0,20}}/\s{{0,20}}{name}\s{{0,20}}>", re.I) for name in ("script", "style")}
_WHITESPACE = re.compile(r"\s+")
# Terminal escape sequences ("\x1b[31m") as pasted from consoles: drop them whole.
_ANSI_ESCAPE = re.compile(r"\x1b(?:\[[0-?]{0,32}[ -/]{0,16}[@-~]|[@-Z\\-_])")
_CONTROL_CATEGORIES = frozenset(("Cc", "Cf", "Cs", "Co"))
_KEPT_FORMAT_CHARS = frozenset("\u200d")  # zero-width joiner: part of emoji sequences


def cut(text: Optional[str], limit: int = MAX_MESSAGE_CHARS) -> str:
    """The text as far as it can matter: one character beyond the limit still shows it was too long."""
    return (text or "")[: limit + 1]


def strip_control_chars(text: str) -> str:
    """Replace control and format characters (NUL, escape, zero-width, bidi overrides) by spaces."""
    text = _ANSI_ESCAPE.sub(" ", text)
    return "".join(
        " " if unicodedata.category(ch) in _CONTROL_CATEGORIES and ch not in _KEPT_FORMAT_CHARS else ch for ch in text
    )


def _without_code_blocks(text: str) -> str:
    """Drops <script>…</script> and <style>…</style>; an unclosed block runs to the end.

    One pass: after an opening tag only its closing tag is searched for, from there on, so no
    character is looked at more than a bounded number of times.
    """
    parts: List[str] = []
    position = 0
    while True:
        opening = _CODE_OPEN.search(text, position)
        if opening is None:
            parts.append(text[position:])
            break
        parts.append(text[position : opening.start()])
        closing = _CODE_CLOSE[opening.group(1).lower()].search(text, opening.end())
        if closing is None:
            break
        parts.append(" ")
        position = closing.end()
    return " ".join(parts) if len(parts) > 1 else parts[0]


def strip_markup(text: str) -> str:
    """Remove HTML/XML tags and script/style blocks; decode entities like &amp;."""
    return html.unescape(_TAG.sub(" ", _without_code_blocks(text)))


def clean_text(text: Optional[str], limit: int = MAX_MESSAGE_CHARS) -> str:
    """The text the language understanding sees: readable characters only, at most `limit`."""
    if not text:
        return ""
    cleaned = unicodedata.normalize("NFC", cut(text, limit))
    cleaned = strip_control_chars(strip_markup(cleaned))
    # Entities may decode to control characters or new tags: run the cleaners once more.
    cleaned = strip_control_chars(strip_markup(cleaned))
    cleaned = _WHITESPACE.sub(" ", cleaned).strip()
    return cleaned[:limit].rstrip()


def looks_like_json(text: str) -> bool:
    # No copy of the text unless it can be JSON: lstrip returns the text itself when nothing
    # leads, and json.loads skips surrounding whitespace on its own.
    if text.lstrip()[:1] not in ("{", "["):
        return False
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):  # "[[[[…" nested deeper than the parser's stack
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
