"""Rate limits shared by every process: fixed-window counters in the assistant's database.

Several Rasa, action and web servers may run side by side, so a limit cannot live in a process's
memory: each counter is one row, incremented by a single atomic upsert. Keys (a conversation, a
client address, an e-mail address, a staff name) are stored only as keyed hashes, so the table
holds no personal data and no address can be read back from it.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Callable, Iterable, Optional, Sequence, Tuple

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import sessionmaker

from bot.clock import utc_now
from bot.config import Settings
from bot.errors import DomainError
from bot.storage.db import unit_of_work
from bot.storage.models import RateCounter


@dataclass(frozen=True)
class Limit:
    """At most `count` events per `window` and key; `name` separates the counters of each limit."""

    name: str
    count: int
    window: timedelta

    @classmethod
    def configured(cls, settings: Settings, name: str) -> "Limit":
        """The limit `name` of RATE_LIMIT_DEFAULTS as configured (RATE_LIMIT_<NAME>)."""
        spec = settings.rate_limit(name)
        return cls(name, spec.count, spec.window)


class RateLimited(DomainError):
    """A limit is reached; `retry_after` says when the window ends."""

    code = "rate_limited"

    def __init__(self, limit: Limit, retry_after: timedelta) -> None:
        super().__init__(self.code)
        self.limit = limit
        self.retry_after = retry_after

    @property
    def retry_minutes(self) -> int:
        """Whole minutes to wait, at least one: for the user's message."""
        return max(1, -(-int(self.retry_after.total_seconds()) // 60))


class RateLimiter:
    def __init__(self, sessions: sessionmaker, secret: bytes, clock: Callable[[], datetime] = utc_now) -> None:
        self._sessions = sessions
        self._secret = secret
        self._clock = clock

    def _key(self, limit: Limit, key: str) -> str:
        return hmac.new(self._secret, f"{limit.name}\x00{key}".encode("utf-8"), hashlib.sha256).hexdigest()[:40]

    def _window(self, limit: Limit, now: datetime) -> Tuple[datetime, datetime]:
        seconds = int(limit.window.total_seconds())
        start = datetime.fromtimestamp(int(now.timestamp()) // seconds * seconds, timezone.utc)
        return start, start + limit.window

    @staticmethod
    def _keys(keys: Iterable[Optional[str]]) -> Sequence[str]:
        return [k for k in dict.fromkeys(keys) if k]  # unknown keys (no client address) do not count

    def check(self, limit: Limit, *keys: Optional[str]) -> None:
        """Raises RateLimited if any key has used up the limit; counts nothing."""
        now = self._clock()
        start, end = self._window(limit, now)
        hashed = [self._key(limit, k) for k in self._keys(keys)]
        if not hashed:
            return
        with unit_of_work(self._sessions) as session:
            counts = (
                session.execute(
                    select(RateCounter.count).where(
                        RateCounter.name == limit.name, RateCounter.key.in_(hashed), RateCounter.window_start == start
                    )
                )
                .scalars()
                .all()
            )
        if any(count >= limit.count for count in counts):
            raise RateLimited(limit, end - now)

    def hit(self, limit: Limit, *keys: Optional[str]) -> None:
        """Counts one event for every key; raises RateLimited if that went over the limit for any key.

        For limits on attempts call it before acting; for limits on failures call `check` before
        and `hit` after a failure."""
        now = self._clock()
        start, end = self._window(limit, now)
        over = False
        with unit_of_work(self._sessions) as session:
            insert = postgresql.insert if session.bind.dialect.name == "postgresql" else sqlite.insert
            for key in self._keys(keys):
                hashed = self._key(limit, key)
                statement = insert(RateCounter).values(name=limit.name, key=hashed, window_start=start, count=1)
                session.execute(
                    statement.on_conflict_do_update(
                        index_elements=[RateCounter.name, RateCounter.key, RateCounter.window_start],
                        set_={"count": RateCounter.count + 1},
                    )
                )
                # The upsert holds the row lock until commit, so this reads our own count.
                count = session.execute(
                    select(RateCounter.count).where(
                        RateCounter.name == limit.name, RateCounter.key == hashed, RateCounter.window_start == start
                    )
                ).scalar_one()
                over = count > limit.count or over
        if over:
            raise RateLimited(limit, end - now)

    def reset(self, limit: Limit, *keys: Optional[str]) -> int:
        """Forget the counts of these keys (the staff `unlock` command); returns the rows deleted."""
        hashed = [self._key(limit, k) for k in self._keys(keys)]
        with unit_of_work(self._sessions) as session:
            return session.execute(
                delete(RateCounter).where(RateCounter.name == limit.name, RateCounter.key.in_(hashed))
            ).rowcount

    def delete_expired(self, older_than: timedelta = timedelta(days=2)) -> int:
        with unit_of_work(self._sessions) as session:
            return session.execute(
                delete(RateCounter).where(RateCounter.window_start < self._clock() - older_than)
            ).rowcount
