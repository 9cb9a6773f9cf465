"""The Redis lock store of several Rasa servers (rasa_ext/lock_store.py), against a real Redis.

Keys carry a prefix unique to this run and are deleted afterwards; nothing else in the Redis is
touched. Several store objects stand for several Rasa servers.
"""

from __future__ import annotations

import asyncio
import secrets
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.config import load_settings
from rasa_ext.lock_store import ClusterLockStore
from rasa_ext.server import LOCK_STORE, effective_endpoints
from tests import databases


@pytest.fixture(scope="module")
def redis_url():
    problem = databases.redis_problem()
    if problem:
        pytest.fail(f"{problem}. {databases.HINT}")
    return databases.REDIS_URL


@pytest.fixture
def prefix(redis_url):
    import redis

    prefix = f"gocluster-test:{secrets.token_hex(6)}:"
    yield prefix
    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)


def servers(redis_url, prefix, count=4, lifetime=30):
    return [ClusterLockStore(url=redis_url, key_prefix=prefix, lifetime=lifetime) for _ in range(count)]


def test_tickets_drawn_at_once_by_several_servers_are_all_different(redis_url, prefix):
    stores = servers(redis_url, prefix)
    barrier = threading.Barrier(40)

    def draw(number: int) -> int:
        barrier.wait()
        return stores[number % len(stores)].issue_ticket("conversation")

    with ThreadPoolExecutor(40) as pool:
        tickets = list(pool.map(draw, range(40)))
    # Rasa's own RedisLockStore reads, changes and writes back the queue: tickets get lost or drawn twice.
    assert sorted(tickets) == list(range(40))
    assert len(stores[0].get_lock("conversation").tickets) == 40


def test_messages_of_one_conversation_take_turns_across_servers(redis_url, prefix):
    stores = servers(redis_url, prefix)
    inside, entered, overlaps = [0], [], []
    guard = threading.Lock()

    async def handle(store: ClusterLockStore, number: int) -> None:
        async with store.lock("conversation"):
            with guard:
                inside[0] += 1
                if inside[0] > 1:
                    overlaps.append(number)
                entered.append(number)
            await asyncio.sleep(0.01)
            with guard:
                inside[0] -= 1

    def server(index: int) -> None:
        async def run():
            await asyncio.gather(*(handle(stores[index], index * 10 + n) for n in range(5)))

        asyncio.run(run())

    threads = [threading.Thread(target=server, args=(i,)) for i in range(len(stores))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert overlaps == [] and len(entered) == 20
    assert stores[0].get_lock("conversation") is None  # the last one out removed the queue


def test_a_queue_redis_forgot_is_joined_again(redis_url, prefix):
    """After a Redis restart (here: the key deleted) a waiting message draws a new ticket instead of
    failing, and still waits for the one now being served."""
    first, second = servers(redis_url, prefix, 2)
    order = []

    async def scenario():
        holding = asyncio.Event()
        release = asyncio.Event()

        async def holder():
            async with first.lock("c"):
                holding.set()
                await release.wait()
                order.append("first")

        async def waiter():
            await holding.wait()
            async with second.lock("c"):
                order.append("second")

        tasks = [asyncio.create_task(holder()), asyncio.create_task(waiter())]
        await holding.wait()
        await asyncio.sleep(0.1)
        first.red.delete(f"{prefix}c")  # Redis lost the queue
        first.issue_ticket("c")  # someone else is served now (ticket 0)
        await asyncio.sleep(0.3)
        assert order == []  # the waiter queued behind it, it did not barge in
        first.finish_serving("c", 0)
        release.set()
        await asyncio.gather(*tasks)

    asyncio.run(scenario())
    assert order == ["first", "second"]


def test_a_dead_servers_ticket_expires(redis_url, prefix):
    (store,) = servers(redis_url, prefix, 1, lifetime=1)
    store.issue_ticket("c")  # drawn by a server that then died

    async def scenario():
        started = time.monotonic()
        async with store.lock("c"):
            return time.monotonic() - started

    waited = asyncio.run(scenario())
    assert 0.5 < waited < 5


def test_endpoints_name_the_lock_store_only_when_configured():
    plain = effective_endpoints({}, load_settings({"GOCLUSTER_SECRET_KEY": "k" * 32}))
    assert "lock_store" not in plain
    clustered = effective_endpoints(
        {}, load_settings({"GOCLUSTER_SECRET_KEY": "k" * 32, "LOCK_STORE_URL": "redis://127.0.0.1:6379/0"})
    )
    assert clustered["lock_store"] == {"type": LOCK_STORE}
    assert "redis://" not in str(clustered)  # the URL (and any password) stays in the environment
