"""Redis lock store for several Rasa servers (endpoints: `lock_store: type: rasa_ext.lock_store.ClusterLockStore`).

Rasa serialises the messages of one conversation with a ticket lock: each message draws a ticket,
and a message is processed only when its ticket is the first in the queue. With several Rasa
servers that queue must be shared, hence Redis (LOCK_STORE_URL). Rasa 3.6's own RedisLockStore
changes the queue by reading it, changing it in Python and writing it back: two servers drawing a
ticket for the same conversation at the same moment can both get the same number (and then process
two messages of one conversation at once), or one can overwrite the other's ticket. Here every
change of a queue is one optimistic Redis transaction (WATCH/MULTI/EXEC, repeated on conflict).

A short Redis outage (restart) is bridged: commands are retried with back-off before a message
fails. Locks live only in Redis memory: after a restart the queues start empty, which is safe for
messages still waiting (they simply go on) and cannot reorder messages that were already answered.
A ticket of a server that died expires after LOCK_LIFETIME_SECONDS.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from contextlib import asynccontextmanager
from typing import Any, AsyncGenerator, Callable, Optional, Text, Tuple, TypeVar

import redis
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LockError, RedisLockStore
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.exceptions import WatchError
from redis.retry import Retry

from bot.config import settings

logger = logging.getLogger(__name__)

T = TypeVar("T")
KEY_PREFIX = "gocluster:lock:"
SOCKET_TIMEOUT_S = 5
# About three seconds of retries in all: a restarted Redis on the same network answers well within.
RETRIES = 10
CONFLICT_RETRIES = 50


def redis_client(url: str) -> redis.Redis:
    return redis.Redis.from_url(
        url,
        socket_timeout=SOCKET_TIMEOUT_S,
        socket_connect_timeout=SOCKET_TIMEOUT_S,
        retry=Retry(ExponentialBackoff(cap=0.5, base=0.02), RETRIES),
        retry_on_error=[RedisConnectionError, RedisTimeoutError],
        health_check_interval=30,
    )


class ClusterLockStore(RedisLockStore):
    """Rasa's ticket lock in Redis, with atomic queue changes (see module doc)."""

    def __init__(
        self,
        endpoint_config: Any = None,
        url: Optional[str] = None,
        key_prefix: str = KEY_PREFIX,
        lifetime: Optional[int] = None,
    ) -> None:
        kwargs = dict(getattr(endpoint_config, "kwargs", None) or {})
        config = settings()
        self.red = redis_client(url or getattr(endpoint_config, "url", None) or config.lock_store_url)
        self.key_prefix = str(kwargs.get("key_prefix") or key_prefix)
        self.lifetime = float(lifetime or config.lock_lifetime_seconds)
        # RedisLockStore.__init__ would build its own client from host and port; skip to LockStore's.
        super(RedisLockStore, self).__init__()

    def _key(self, conversation_id: Text) -> str:
        return self.key_prefix + conversation_id

    def _change(
        self, conversation_id: Text, change: Callable[[Optional[TicketLock]], Tuple[Optional[TicketLock], T]]
    ) -> T:
        """Applies `change` to the stored queue atomically; a returned queue without tickets is deleted."""
        key = self._key(conversation_id)
        for attempt in range(CONFLICT_RETRIES):
            with self.red.pipeline() as pipe:
                try:
                    pipe.watch(key)
                    raw = pipe.get(key)
                    lock = TicketLock.from_dict(json.loads(raw)) if raw else None
                    changed, result = change(lock)
                    pipe.multi()
                    if changed is None or not changed.is_someone_waiting():
                        pipe.delete(key)
                    else:
                        # The key outlives its last ticket a little, never forever (a server that died).
                        pipe.set(key, changed.dumps(), ex=int(self.lifetime) + 60)
                    pipe.execute()
                    return result
                except WatchError as conflict:
                    # redis-py reports a connection lost while watching as a WatchError too (Redis
                    # restarting): wait a little before the next attempt instead of using them all up.
                    if "ConnectionError" in str(conflict):
                        time.sleep(min(0.05 * 2**attempt, 0.5))
                    continue
        raise LockError(f"Too many concurrent changes of one lock ({CONFLICT_RETRIES})")

    # --- what Rasa's LockStore does with get-change-save, each as one transaction --------------
    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = 0) -> int:
        lifetime = lock_lifetime or self.lifetime

        def draw(lock: Optional[TicketLock]) -> Tuple[TicketLock, int]:
            lock = lock or self.create_lock(conversation_id)
            return lock, lock.issue_ticket(lifetime)

        try:
            return self._change(conversation_id, draw)
        except LockError:
            raise
        except Exception as error:  # noqa: BLE001 - Rasa expects a LockError, whatever Redis said
            raise LockError(f"Error while acquiring lock: {type(error).__name__}") from error

    def update_lock(self, conversation_id: Text) -> None:
        def expire(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], None]:
            if lock is not None:
                lock.remove_expired_tickets()
            return lock, None

        self._change(conversation_id, expire)

    def finish_serving(self, conversation_id: Text, ticket_number: int) -> None:
        def finish(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], None]:
            if lock is not None:
                lock.remove_ticket_for(ticket_number)
            return lock, None

        self._change(conversation_id, finish)

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        # Removing the ticket deletes the queue when it was the last one (_change), in one step.
        try:
            self.finish_serving(conversation_id, ticket_number)
        except Exception as error:  # noqa: BLE001 - the answer is out; the ticket expires by itself
            logger.warning("Could not release a conversation lock: %s", type(error).__name__)

    @asynccontextmanager
    async def lock(
        self, conversation_id: Text, lock_lifetime: float = 0, wait_time_in_seconds: float = 0.05
    ) -> AsyncGenerator[TicketLock, None]:
        """Rasa's lock, with our lifetime, a shorter poll (Rasa polls once a second) and no message
        failed because Redis forgot the queue: a ticket that is no longer in it is drawn again."""
        lifetime = lock_lifetime or self.lifetime
        ticket = self.issue_ticket(conversation_id, lifetime)
        try:
            wait = wait_time_in_seconds
            while True:
                try:
                    self.update_lock(conversation_id)
                    lock = self.get_lock(conversation_id)
                except (RedisConnectionError, RedisTimeoutError, LockError):
                    # Redis is away longer than its retries: keep waiting (the balancer's timeout
                    # ends a wait that lasts too long), the next round asks again.
                    await asyncio.sleep(0.5)
                    continue
                if lock is not None and lock.now_serving == ticket:
                    break
                if lock is None or not any(t.number == ticket for t in lock.tickets):
                    # Redis restarted, or our ticket expired while waiting: queue again.
                    ticket = self.issue_ticket(conversation_id, lifetime)
                    continue
                await asyncio.sleep(wait)
                wait = min(wait * 2, 0.5)
            yield lock
        finally:
            self.cleanup(conversation_id, ticket)
