"""A minimal REST-channel client and latency statistics."""

from __future__ import annotations

import json
import statistics
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Callable, List, Sequence, Tuple, TypeVar

T = TypeVar("T")


@dataclass
class Timing:
    seconds: float
    ok: bool


def send(base_url: str, sender: str, text: str, timeout: float = 30.0) -> list:
    body = json.dumps({"sender": sender, "message": text}).encode("utf-8")
    request = urllib.request.Request(
        f"{base_url}/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.load(response)


def timed_send(base_url: str, sender: str, text: str) -> Timing:
    started = time.perf_counter()
    try:
        replies = send(base_url, sender, text)
        ok = bool(replies)
    except OSError:
        ok = False
    return Timing(time.perf_counter() - started, ok)


def percentile(values: Sequence[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def summary(timings: List[Timing]) -> dict:
    seconds = [t.seconds for t in timings]
    return {
        "messages": len(timings),
        "errors": sum(not t.ok for t in timings),
        "p50_ms": round(percentile(seconds, 50) * 1000, 1),
        "p95_ms": round(percentile(seconds, 95) * 1000, 1),
        "mean_ms": round(statistics.fmean(seconds) * 1000, 1) if seconds else None,
    }


def run_users(users: int, user: Callable[[int], T]) -> Tuple[List[T], float]:
    """Runs `user(number)` for every user at the same time; returns the results and the seconds."""
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=users) as pool:
        results = list(pool.map(user, range(users)))
    return results, time.perf_counter() - started
