"""Shared rate limits: counted in the database, per key and window, keys stored only as hashes.
Every test that counts runs on SQLite and on PostgreSQL."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from bot.config import ConfigError, RateLimitSpec, load_settings, parse_rate
from bot.ratelimit import Limit, RateLimited, RateLimiter
from bot.storage.db import session_factory, unit_of_work
from bot.storage.models import RateCounter

START = datetime(2026, 12, 1, 9, 0, 30, tzinfo=timezone.utc)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def limiter(storage_url, clock):
    """On SQLite and on PostgreSQL (the upsert differs)."""
    return RateLimiter(session_factory(storage_url), b"test-secret", clock)


THREE_PER_MINUTE = Limit("test", 3, timedelta(minutes=1))


@pytest.mark.parametrize(
    "spec, count, seconds",
    [
        ("5/15min", 5, 900),
        ("10/h", 10, 3600),
        ("3/d", 3, 86400),
        (" 20 / 2h ", 20, 7200),
        ("1/30s", 1, 30),
    ],
)
def test_rate_specs(spec, count, seconds):
    assert parse_rate("X", spec) == RateLimitSpec(count, timedelta(seconds=seconds))


@pytest.mark.parametrize("spec", ["", "5", "0/h", "-1/h", "5/w", "five/h", "5/h/d"])
def test_invalid_rate_specs_name_the_variable(spec):
    with pytest.raises(ConfigError, match="RATE_LIMIT_X"):
        parse_rate("RATE_LIMIT_X", spec)


def test_limits_are_configured_from_the_environment():
    settings = load_settings({"RATE_LIMIT_BOOKINGS_PER_CLIENT": "20/d"})
    assert Limit.configured(settings, "bookings_per_client") == Limit("bookings_per_client", 20, timedelta(days=1))
    assert Limit.configured(settings, "bookings_per_conversation").count == 3  # default


def test_counts_per_key_until_the_limit(limiter):
    for _ in range(3):
        limiter.hit(THREE_PER_MINUTE, "a")
    with pytest.raises(RateLimited) as refused:
        limiter.hit(THREE_PER_MINUTE, "a")
    assert timedelta(0) < refused.value.retry_after <= timedelta(minutes=1)
    limiter.hit(THREE_PER_MINUTE, "b")  # another key is unaffected
    with pytest.raises(RateLimited):
        limiter.check(THREE_PER_MINUTE, "a")
    limiter.check(THREE_PER_MINUTE, "b")


def test_a_new_window_starts_fresh(limiter, clock):
    for _ in range(3):
        limiter.hit(THREE_PER_MINUTE, "a")
    clock.now += timedelta(minutes=1)
    limiter.hit(THREE_PER_MINUTE, "a")


def test_any_key_over_its_limit_refuses(limiter):
    for _ in range(3):
        limiter.hit(THREE_PER_MINUTE, "conversation-1", "client-1")
    with pytest.raises(RateLimited):  # a new conversation from the same client
        limiter.hit(THREE_PER_MINUTE, "conversation-2", "client-1")


def test_missing_keys_do_not_count(limiter):
    for _ in range(10):
        limiter.hit(THREE_PER_MINUTE, None, "")
    limiter.check(THREE_PER_MINUTE, None)


def test_reset_unlocks(limiter):
    for _ in range(3):
        limiter.hit(THREE_PER_MINUTE, "a")
    assert limiter.reset(THREE_PER_MINUTE, "a") == 1
    limiter.hit(THREE_PER_MINUTE, "a")


def test_keys_are_stored_only_as_hashes(limiter, storage_url):
    limiter.hit(THREE_PER_MINUTE, "anna@example.org", "192.0.2.7")
    with unit_of_work(session_factory(storage_url)) as session:
        keys = session.execute(select(RateCounter.key)).scalars().all()
    assert len(keys) == 2 and not any("anna" in k or "192.0" in k for k in keys)


def test_concurrent_hits_are_counted_exactly(limiter):
    limit = Limit("burst", 10, timedelta(minutes=1))

    def one(_):
        try:
            limiter.hit(limit, "same-key")
            return True
        except RateLimited:
            return False

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(one, range(30)))
    assert results.count(True) == 10


def test_expired_counters_are_deleted(limiter, clock):
    limiter.hit(THREE_PER_MINUTE, "a")
    clock.now += timedelta(days=3)
    assert limiter.delete_expired() == 1
