"""Limits on failed dashboard logins, counted in the shared rate limiter (bot/ratelimit.py).

Three counters per failure, so that nobody can lock a colleague out from somewhere else:
- per client address: one address guessing many names;
- per (account name, client address): the usual lock-out, which only locks the attacker's address;
- per account name from all addresses: a distributed attack; high enough that only a big one
  locks the account for everybody (lifted with `python -m bot staff-account unlock NAME`).

The counters are keyed by the name typed in, whether or not an account has it, so an unknown
name is counted and refused exactly like an existing one. Attempts refused by a limit are not
counted: otherwise one address could push the per-account counter up and lock everybody out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Optional

from bot.config import Settings, load_settings
from bot.ratelimit import Limit, RateLimited, RateLimiter
from bot.web.client import address_group

UNKNOWN_CLIENT = "unknown"  # no address (Unix socket): such requests share one counter


@dataclass(frozen=True)
class LoginLimits:
    per_client: Limit
    per_account_and_client: Limit
    per_account: Limit

    @classmethod
    def configured(cls, settings: Settings) -> "LoginLimits":
        return cls(
            Limit.configured(settings, "login_failures_per_client"),
            Limit.configured(settings, "login_failures_per_account_and_client"),
            Limit.configured(settings, "login_failures_per_account"),
        )

    @classmethod
    def defaults(cls) -> "LoginLimits":
        return cls.configured(load_settings({}))


@dataclass(frozen=True)
class LoginAttempt:
    """Who tries to log in: the normalised name typed in and the client address.

    `generation` changes when the account is unlocked (empty for names without an account and
    for accounts never unlocked), so an unlock also ends the per-address locks on that account."""

    name: str
    client: Optional[str]
    generation: str = ""

    @property
    def client_key(self) -> str:
        return address_group(self.client) or UNKNOWN_CLIENT

    @property
    def account_and_client_key(self) -> str:
        return f"{self.name}\x00{self.generation}\x00{self.client_key}"


class LoginGuard:
    def __init__(self, limiter: RateLimiter, limits: LoginLimits) -> None:
        self._limiter = limiter
        self.limits = limits

    def _counters(self, attempt: LoginAttempt):
        return (
            (self.limits.per_client, attempt.client_key),
            (self.limits.per_account_and_client, attempt.account_and_client_key),
            (self.limits.per_account, attempt.name),
        )

    def _wait(self, counters) -> Optional[timedelta]:
        """How long until every used-up limit among `counters` opens again; None if none is."""
        waits = []
        for limit, key in counters:
            try:
                self._limiter.check(limit, key)
            except RateLimited as refused:
                waits.append(refused.retry_after)
        return max(waits) if waits else None

    def refused_for(self, attempt: LoginAttempt) -> Optional[timedelta]:
        """Whether a limit refuses this attempt (and for how long); counts nothing."""
        return self._wait(self._counters(attempt))

    def failed(self, attempt: LoginAttempt) -> Optional[timedelta]:
        """Counts a failed attempt; the wait if that used up a limit (the 5th failure locks)."""
        for limit, key in self._counters(attempt):
            try:
                self._limiter.hit(limit, key)
            except RateLimited:
                pass  # reported below, with the wait of every limit now used up
        return self.refused_for(attempt)

    def succeeded(self, attempt: LoginAttempt) -> None:
        """A correct password ends the failure series of this name at this address only."""
        self._limiter.reset(self.limits.per_account_and_client, attempt.account_and_client_key)

    def account_locked_for(self, name: str) -> Optional[timedelta]:
        """The remaining lock of an account by its per-account limit (for `staff-account list`)."""
        return self._wait([(self.limits.per_account, name)])

    def unlock(self, name: str) -> None:
        self._limiter.reset(self.limits.per_account, name)
