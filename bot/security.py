"""Secret key, signed values (calendar links, chat session ids) and pseudonyms."""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Optional

from bot.config import Settings, settings

SECRET_FILE = "secret_key"


def _read_key(path: Path) -> bytes:
    key = path.read_bytes().strip()
    if not key:
        raise RuntimeError(f"{path} ist leer: Datei löschen, damit ein neuer Schlüssel entsteht")
    return key


def create_key_file(path: Path) -> bytes:
    """The key in `path`, created once with mode 0600 if it does not exist.

    The key is written to a temporary file first and linked into place only when complete:
    a second process starting at the same time either links first or reads the complete file,
    never an empty or half-written one.
    """
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if path.exists():
        return _read_key(path)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".secret-")  # mode 0600
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(secrets.token_hex(32).encode("ascii"))
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)  # atomic, and fails if another process was first
        except FileExistsError:
            pass
    finally:
        os.unlink(temporary)
    return _read_key(path)


def secret_key(config: Optional[Settings] = None) -> bytes:
    """GOCLUSTER_SECRET_KEY, or a random key created once under var/ (readable by the owner only)."""
    config = config or settings()
    return _secret_key(config.secret_key, config.var_dir)


@lru_cache(maxsize=16)
def _secret_key(configured: str, var_dir: Path) -> bytes:
    if configured:
        return configured.encode("utf-8")
    return create_key_file(var_dir / SECRET_FILE)


def sign(value: str, purpose: str) -> str:
    message = f"{purpose}:{value}".encode("utf-8")
    return hmac.new(secret_key(), message, hashlib.sha256).hexdigest()[:32]


def verify(value: str, purpose: str, signature: str) -> bool:
    return hmac.compare_digest(sign(value, purpose), signature or "")


def derived_secret(purpose: str) -> str:
    """A secret for one purpose (the action server's token, Telegram's webhook secret), derived from
    the secret key, so that every process of a deployment agrees on it without configuration."""
    return hmac.new(secret_key(), f"derived:{purpose}".encode("utf-8"), hashlib.sha256).hexdigest()


ACTION_TOKEN_HEADER = "X-Gocluster-Action-Token"


def action_token() -> str:
    """What the Rasa servers send to the action servers, and the action servers require."""
    return derived_secret("action-server")


def pseudonym(value: str, purpose: str) -> str:
    """A stable keyed hash of `value` (a network address): it can be compared, not read back."""
    return hmac.new(secret_key(), f"pseudonym:{purpose}:{value}".encode("utf-8"), hashlib.sha256).hexdigest()[:24]


# --- chat sessions of the website widget and the chat page ----------------------------------
SESSION_PURPOSE = "web-session"
_SESSION_TOKEN = re.compile(r"^([0-9a-f]{32})\.([0-9a-f]{32})$")


def issue_session_token() -> str:
    """A new chat session: a random id and the server's signature, "<id>.<signature>"."""
    session = secrets.token_hex(16)
    return f"{session}.{sign(session, SESSION_PURPOSE)}"


def session_from_token(token: object) -> Optional[str]:
    """The session id of a token this server issued; None for anything else."""
    match = _SESSION_TOKEN.match(token) if isinstance(token, str) else None
    if match is None or not verify(match.group(1), SESSION_PURPOSE, match.group(2)):
        return None
    return match.group(1)
