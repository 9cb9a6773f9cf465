"""Password hashes for staff accounts: scrypt with a random salt, stored as
"scrypt$n$r$p$salt$hash" (salt and hash in base64), compared in constant time."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional, Tuple

SCHEME = "scrypt"
MIN_LENGTH = 12
MAX_LENGTH = 1024  # longer input is refused before hashing (no CPU exhaustion)
SALT_BYTES = 16
KEY_BYTES = 32


@dataclass(frozen=True)
class Cost:
    n: int
    r: int
    p: int

    @property
    def maxmem(self) -> int:
        # scrypt needs about 128 * r * (n + p + 2) bytes; allow twice that.
        return 256 * self.r * (self.n + self.p + 2)

    def plausible(self) -> bool:
        """Guards against a damaged or hostile hash that would make a login take forever."""
        return 2 <= self.n <= 2**20 and self.n & (self.n - 1) == 0 and 1 <= self.r <= 32 and 1 <= self.p <= 16


# OWASP's recommended minimum (n=2^17, r=8, p=1) in its lower-memory equivalent form:
# about 32 MiB and well under a second per hash. Tests lower it for speed.
DEFAULT_COST = Cost(n=2**15, r=8, p=3)


class PasswordPolicyError(ValueError):
    """The password does not meet the policy; the message is German, for the person choosing it."""


def _encode(password: str) -> bytes:
    # The same password typed on another keyboard (composed vs. decomposed umlauts) must match.
    return unicodedata.normalize("NFKC", password).encode("utf-8")


def _derive(password: str, salt: bytes, cost: Cost, length: int) -> bytes:
    return hashlib.scrypt(_encode(password), salt=salt, n=cost.n, r=cost.r, p=cost.p, dklen=length, maxmem=cost.maxmem)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def check_policy(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise PasswordPolicyError(f"Das Passwort muss mindestens {MIN_LENGTH} Zeichen lang sein.")
    if len(password) > MAX_LENGTH:
        raise PasswordPolicyError(f"Das Passwort darf höchstens {MAX_LENGTH} Zeichen lang sein.")
    if not password.strip():
        raise PasswordPolicyError("Das Passwort darf nicht nur aus Leerzeichen bestehen.")


def hash_password(password: str, cost: Cost | None = None) -> str:
    cost = cost or DEFAULT_COST
    salt = secrets.token_bytes(SALT_BYTES)
    key = _derive(password, salt, cost, KEY_BYTES)
    return f"{SCHEME}${cost.n}${cost.r}${cost.p}${_b64(salt)}${_b64(key)}"


def _parse(stored: Optional[str]) -> Optional[Tuple[Cost, bytes, bytes]]:
    """(cost, salt, key) of a stored hash; None for a malformed or implausible one."""
    try:
        scheme, n, r, p, salt, key = (stored or "").split("$")
        cost = Cost(int(n), int(r), int(p))
        salt_bytes = base64.b64decode(salt, validate=True)
        expected = base64.b64decode(key, validate=True)
    except (ValueError, TypeError):
        return None
    if scheme != SCHEME or not cost.plausible() or not 16 <= len(expected) <= 64:
        return None
    return cost, salt_bytes, expected


def verify_password(password: str, stored: str) -> bool:
    """True if `password` matches the stored hash; False for any malformed hash."""
    parsed = _parse(stored)
    if parsed is None or len(password) > MAX_LENGTH:
        return False
    cost, salt, expected = parsed
    return hmac.compare_digest(_derive(password, salt, cost, len(expected)), expected)


@lru_cache(maxsize=4)
def _dummy_hash(cost: Cost) -> str:
    # Random salt and key: nothing matches it, and making it costs no scrypt run.
    salt, key = _b64(secrets.token_bytes(SALT_BYTES)), _b64(secrets.token_bytes(KEY_BYTES))
    return f"{SCHEME}${cost.n}${cost.r}${cost.p}${salt}${key}"


def check_password(password: str, stored: Optional[str]) -> bool:
    """The login check: True if `password` matches `stored` (None: no such account).

    Costs exactly one scrypt run whatever the reason for failing (no account, damaged hash,
    empty or over-long password), so neither the answer's time nor its path tells a wrong
    password from a user name that does not exist."""
    parsed = _parse(stored)
    usable = parsed is not None and 0 < len(password) <= MAX_LENGTH
    if not usable:
        parsed = _parse(_dummy_hash(DEFAULT_COST))
        password = "not the password"
    assert parsed is not None  # the dummy hash is always well-formed
    cost, salt, expected = parsed
    matches = hmac.compare_digest(_derive(password, salt, cost, len(expected)), expected)
    return usable and matches
