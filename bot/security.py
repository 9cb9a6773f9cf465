"""Secret key and signed links (e.g. the calendar file of a booking)."""
from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from functools import lru_cache

from bot.config import settings


@lru_cache(maxsize=1)
def secret_key() -> bytes:
    """GOCLUSTER_SECRET_KEY, or a random key created once under var/ (readable by the owner only)."""
    configured = os.environ.get("GOCLUSTER_SECRET_KEY", "").strip()
    if configured:
        return configured.encode("utf-8")
    path = settings().var_dir / "secret_key"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes().strip()
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(secrets.token_hex(32).encode("ascii"))
    return path.read_bytes().strip()


def sign(value: str, purpose: str) -> str:
    message = f"{purpose}:{value}".encode("utf-8")
    return hmac.new(secret_key(), message, hashlib.sha256).hexdigest()[:32]


def verify(value: str, purpose: str, signature: str) -> bool:
    return hmac.compare_digest(sign(value, purpose), signature or "")
