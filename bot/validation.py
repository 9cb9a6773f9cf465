"""Validation of what users type into forms. Pure functions: (normalised value, problem code)."""

from __future__ import annotations

import re
from typing import Collection, Optional, Tuple

from bot.language import NAME_REJECTED_KINDS, answer_kind
from bot.textguard import clean_text

Result = Tuple[Optional[str], Optional[str]]

_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
)
_PHONE_CHARS = re.compile(r"^[+0-9 ()/.-]+$")
_LETTER = re.compile(r"[^\W\d_]")


def email(text: str) -> Result:
    """A syntactically valid address, lower case. Problems: "empty", "invalid"."""
    value = clean_text(text).strip().strip("<>").strip()
    if not value:
        return None, "empty"
    # "meine Mail ist x@y.de": take the one word that looks like an address.
    candidates = [w.strip(".,;:()<>\"'") for w in value.split() if "@" in w]
    value = candidates[0] if len(candidates) == 1 else value
    if len(value) > 254 or "@" not in value:
        return None, "invalid"
    local, _, domain = value.rpartition("@")
    if not local or len(local) > 64 or ".." in value or not _EMAIL.match(value):
        return None, "invalid"
    return f"{local}@{domain.lower()}".lower(), None


def phone(text: str) -> Result:
    """Digits with optional +, spaces, slashes, dashes, brackets; 6-20 digits.
    Problems: "empty", "invalid", "too_short", "too_long"."""
    value = clean_text(text).strip()
    if not value:
        return None, "empty"
    if not _PHONE_CHARS.match(value):
        return None, "invalid"
    digits = re.sub(r"\D", "", value)
    if len(digits) < 6:
        return None, "too_short"
    if len(digits) > 20:
        return None, "too_long"
    normalised = ("+" if value.lstrip().startswith("+") else "") + digits
    if value.lstrip().startswith("00"):
        normalised = "+" + digits[2:]
    return normalised, None


def free_text(
    text: str, min_length: int = 2, max_length: int = 200, reject: Collection[str] = NAME_REJECTED_KINDS
) -> Result:
    """Names of people, organisations, clusters and other short free texts.
    Problems: "empty", "too_short", "too_long", "no_letters", and, when the whole text is only such
    words (see bot.language.answer_kind) and the kind is in `reject` (by default all of them):
    "yes_no" ("Ja", "nein danke", "okay"), "greeting" ("Hallo", "Danke"), "dont_know" ("weiß ich
    nicht", "k. A."), "command" ("abbrechen", "zurück", "/restart") or "question" ("Was ist ESCA?").
    A text where a question or "Ja" is a fine answer passes reject=()."""
    value = " ".join(clean_text(text, limit=10_000).split())
    if not value:
        return None, "empty"
    if len(value) > max_length:
        return None, "too_long"
    if len(value) < min_length:
        return None, "too_short"
    if not _LETTER.search(value):
        return None, "no_letters"
    kind = answer_kind(value) if reject else None
    if kind in reject:
        return None, kind
    return value, None


def contact(value: str) -> Optional[Tuple[Optional[str], Optional[str]]]:
    """(e-mail, phone) from one answer that is either; None if it is neither."""
    address, _ = email(value)
    if address:
        return address, None
    number, _ = phone(value)
    return (None, number) if number else None
