"""Short booking references like GC-B-7K3Q9: easy to read out, hard to guess."""

from __future__ import annotations

import re
import secrets

# No 0/O, 1/I/L: references are read out on the phone.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 5


def new_reference(prefix: str) -> str:
    return f"GC-{prefix}-" + "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise_reference(text: str, prefix: str) -> str:
    """Accept "gc-b-7k3q9", "GC B 7K3Q9" or "7K3Q9"; returns "" if it cannot be a reference."""
    compact = re.sub(r"[^A-Za-z0-9]", "", text or "").upper()
    if compact.startswith(f"GC{prefix}"):
        compact = compact[2 + len(prefix) :]
    if len(compact) != LENGTH or any(ch not in ALPHABET for ch in compact):
        return ""
    return f"GC-{prefix}-{compact}"
