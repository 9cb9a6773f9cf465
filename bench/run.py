"""`make bench`: the stock `rasa init` bot against this assistant, in the same run, as ratios.

Each bot is started alone (d: start to first answer) and then loaded alone in turn on the same
load generator (REST webhook), while the others sit idle: (a) one user, a new conversation every 15
messages; (b) 20 users back-to-back; (c) one conversation of 200 messages; (e) peak resident memory
of the Rasa process. This assistant also runs in the cluster topology for (b) (PostgreSQL and Redis
from bin/test-services). The machine is shared and its load drifts, so the scenarios alternate
between the bots in ROUNDS rounds and every figure is the median over the rounds. Last, where one
message's time goes inside this assistant's Rasa server (bench.breakdown). Prints two tables and
writes var/results/bench.json.

    python -m bench [--skip-cluster] [--booking]
"""

from __future__ import annotations

import json
import math
import os
import statistics
import subprocess
import sys
from datetime import datetime, timezone
from typing import Any, Callable, Dict, List, Optional, Tuple

from bench import load, servers
from bench.breakdown import STAGES
from bot.config import PROJECT_ROOT

RESULTS = PROJECT_ROOT / "var" / "results" / "bench.json"


ROUNDS = 3


def _median(results: List[Dict[str, Any]]) -> Dict[str, Any]:
    """Field by field median of the rounds' results (numbers only)."""
    return {key: statistics.median(r[key] for r in results) for key in results[0]}


def measure(bots: Dict[str, servers.Bot], messages: Dict[str, List[str]], cluster: Optional[str]) -> Dict[str, Any]:
    """All scenarios, alternating between the bots round by round (the cluster only for (b))."""
    for name, bot in bots.items():
        load.conversation(bot.url, messages[name], "warmup")  # caches warm, as after a real first user
    scenarios = [
        ("one_user", load.one_user),
        ("many_users", load.many_users),
        ("long_conversation", load.long_conversation),
    ]
    rounds: Dict[str, Dict[str, List[Dict[str, Any]]]] = {name: {} for name in bots}
    for number in range(1, ROUNDS + 1):
        for scenario, run in scenarios:
            for name, bot in bots.items():
                if name == cluster and scenario != "many_users":
                    continue
                print(f"  round {number}/{ROUNDS}: {scenario} on {bot.name} ...", flush=True)
                rounds[name].setdefault(scenario, []).append(run(bot.url, messages[name]))
    return {
        name: {
            "ready_to_first_answer_s": round(bots[name].ready_s, 1),
            **{scenario: _median(results) for scenario, results in rounds[name].items()},
            "rasa_peak_rss_mb": max(servers.peak_rss_mb(pid) for pid in bots[name].rasa_pids()),
        }
        for name in bots
    }


def breakdown(bot: servers.Bot) -> Dict[str, Any]:
    """bench.breakdown in a process of its own, against the running assistant's action server."""
    env = dict(bot.env, TRACKER_DATABASE_URL=f"sqlite:///{servers.BENCH_DIR / 'assistant' / 'breakdown.db'}")
    done = subprocess.run(
        [sys.executable, "-m", "bench.breakdown", str(servers.MODEL)],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


# Measure name, how to read it from a result, target as a ratio to stock, whether lower is better.
Row = Tuple[str, Callable[[Dict[str, Any]], Optional[float]], Optional[float], bool, str]
ROWS: List[Row] = [
    ("(a) 1 user p50 [ms]", lambda r: r["one_user"]["p50_ms"], 0.5, True, "<= 0.5x"),
    ("(a) 1 user p95 [ms]", lambda r: r["one_user"]["p95_ms"], None, True, ""),
    ("(b) 20 users throughput [msg/s]", lambda r: r["many_users"]["throughput_msg_per_s"], 3.0, False, ">= 3x"),
    ("(b) 20 users p95 [ms]", lambda r: r["many_users"]["p95_ms"], 0.5, True, "<= 0.5x"),
    ("(b) 20 users errors", lambda r: r["many_users"]["errors"], None, True, ""),
    ("(c) 200 msgs: first 20 p50 [ms]", lambda r: r["long_conversation"]["first_p50_ms"], None, True, ""),
    ("(c) 200 msgs: last 20 p50 [ms]", lambda r: r["long_conversation"]["last_p50_ms"], None, True, ""),
    ("(d) start to first answer [s]", lambda r: r["ready_to_first_answer_s"], None, True, "<= 15 s"),
    ("(e) peak RSS Rasa process [MB]", lambda r: r["rasa_peak_rss_mb"], None, True, "<= 600 MB"),
]


def _get(result: Optional[Dict[str, Any]], read: Callable) -> Optional[float]:
    try:
        return read(result) if result else None
    except KeyError:
        return None


def _fmt(value: Optional[float]) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{value:g}"


def table(results: Dict[str, Any]) -> str:
    stock, assistant, cluster = results["stock"], results["assistant"], results.get("cluster")
    lines = [
        "| measure | stock | assistant | ratio | target | assistant cluster |",
        "| --- | ---: | ---: | ---: | --- | ---: |",
    ]
    for name, read, _target, _lower, target_text in ROWS:
        s, a, c = _get(stock, read), _get(assistant, read), _get(cluster, read)
        ratio = f"{a / s:.2f}x" if a is not None and s else "-"
        lines.append(f"| {name} | {_fmt(s)} | {_fmt(a)} | {ratio} | {target_text} | {_fmt(c)} |")
    long = assistant.get("long_conversation")
    if long:
        growth = long["last_p50_ms"] / long["first_p50_ms"]
        lines.append(f"| (c) assistant last 20 / first 20 | | | {growth:.2f}x | <= 1.5x | |")
    return "\n".join(lines)


def breakdown_table(parts: Dict[str, Dict[str, float]]) -> str:
    short, long = parts["short_conversations"], parts["long_conversation_last_20"]
    lines = [
        "| stage (ms per message, in-process) | short conversations | messages 181-200 |",
        "| --- | ---: | ---: |",
    ]
    for stage, label in [*STAGES.items(), ("total", "total")]:
        lines.append(f"| {label} | {short[stage]:.1f} | {long[stage]:.1f} |")
    return "\n".join(lines)


def main() -> int:
    skip_cluster = "--skip-cluster" in sys.argv
    results: Dict[str, Any] = {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": f"{os.cpu_count()} CPUs",
        "rounds": ROUNDS,
    }
    bots: Dict[str, servers.Bot] = {}
    messages = {"stock": load.STOCK_MESSAGES, "assistant": load.ASSISTANT_MESSAGES, "cluster": load.ASSISTANT_MESSAGES}
    try:
        print("Starting the stock rasa init bot ...", flush=True)
        bots["stock"] = servers.start_stock()
        print("Starting this assistant, one Rasa and one action server (SQLite) ...", flush=True)
        bots["assistant"] = servers.start_assistant()
        services = None if skip_cluster else servers.postgres_and_redis()
        if services:
            print("Starting this assistant as a cluster (2 Rasa + 2 action servers, HAProxy, PostgreSQL, Redis) ...")
            bots["cluster"] = servers.start_cluster(services["postgres"], services["redis"])
        elif not skip_cluster:
            print("  no PostgreSQL/Redis (run under bin/test-services, as `make bench` does): no cluster column")
        results.update(measure(bots, messages, "cluster"))
        print("Per-message breakdown (in-process) ...", flush=True)
        results["breakdown"] = breakdown(bots["assistant"])
        if "--booking" in sys.argv:
            from bench import booking

            results["booking"] = booking.run(
                bots["assistant"].url, servers.BENCH_DIR / "assistant" / "gocluster.db", 20
            )
    finally:
        for bot in reversed(list(bots.values())):
            bot.stop()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2), "utf-8")
    print()
    print(table(results))
    print()
    print(breakdown_table(results["breakdown"]))
    print(f"\nAll figures: {RESULTS.relative_to(PROJECT_ROOT)}")
    return 0
