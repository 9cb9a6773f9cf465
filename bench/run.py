"""`make bench`: training time, start-up time, latency and throughput over the REST webhook.

Starts its own action server and Rasa server on the trained model, with a fresh tracker
database under var/bench/, so the figures do not depend on earlier conversations.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List

from bench.client import Timing, run_users, send, summary, timed_send
from bot.config import PROJECT_ROOT

BENCH_DIR = PROJECT_ROOT / "var" / "bench"
RESULTS = PROJECT_ROOT / "var" / "results" / "bench.json"
RASA_URL = "http://localhost:5005"

# A realistic mix: programme questions, glossary questions, small talk, a misunderstanding.
CONVERSATION = [
    "Hallo",
    "Was ist go-cluster?",
    "Wie werde ich Mitglied?",
    "Was ist ESCA?",
    "welche unterlagen brauche ich",
    "Wie hoch ist die Kostenbeteiligung am Gold-Label?",
    "ecei bedeutung",
    "Wer entscheidet über die Aufnahme?",
    "gibt es eine frist",
    "Was bedeutet Clustermanagement?",
    "Welche Pflichten haben Mitglieder?",
    "danke",
]
CONVERSATIONS_ONE_USER = 20
USERS = 20
CONVERSATIONS_PER_USER = 2


def _environment() -> Dict[str, str]:
    env = dict(os.environ)
    env.update(
        GOCLUSTER_VAR_DIR=str(BENCH_DIR),
        TRACKER_DATABASE_URL=f"sqlite:///{BENCH_DIR / 'tracker.db'}",
        DATABASE_URL=f"sqlite:///{BENCH_DIR / 'gocluster.db'}",
        RASA_TELEMETRY_ENABLED="false",
        TF_CPP_MIN_LOG_LEVEL="2",
    )
    return env


def measure_training() -> float:
    out = BENCH_DIR / "models"
    cache = BENCH_DIR / "train-cache"  # an empty cache: Rasa must train every component
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(cache, ignore_errors=True)
    rasa = str(Path(sys.executable).with_name("rasa"))
    started = time.perf_counter()
    subprocess.run(
        [rasa, "train", "--out", str(out), "--fixed-model-name", "bench"],
        cwd=PROJECT_ROOT,
        env=dict(_environment(), RASA_CACHE_DIRECTORY=str(cache)),
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def peak_rss_mb(pid: int) -> float:
    """Peak resident memory (VmHWM) of a process and its children, in MB."""
    total = 0
    for task in [pid, *_children(pid)]:
        try:
            for line in Path(f"/proc/{task}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return round(total / 1024, 1)


def _children(pid: int) -> List[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def start_stack(model: str):
    from bot.cli.serve import services

    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    (BENCH_DIR / "log").mkdir(exist_ok=True)
    for name in ("tracker.db", "gocluster.db"):
        (BENCH_DIR / name).unlink(missing_ok=True)
    env = _environment()
    from bot.storage.migrate import upgrade

    upgrade(env["DATABASE_URL"])
    stack = [s for s in services(model) if s.name in ("actions", "rasa")]
    started = time.perf_counter()
    for service in stack:
        service.start(BENCH_DIR / "log", env)
    deadline = started + 300
    while time.perf_counter() < deadline:
        if any(s.exited() for s in stack):
            raise RuntimeError("a service exited during start-up; see var/bench/log/")
        try:
            if send(RASA_URL, "bench-ready", "Hallo", timeout=5):
                return stack, time.perf_counter() - started
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("the bot did not answer within 300 s")


def single_user() -> dict:
    """One user at a time, conversation after conversation (a new visitor each time)."""
    timings = [
        timed_send(RASA_URL, f"bench-single-{n}", text) for n in range(CONVERSATIONS_ONE_USER) for text in CONVERSATION
    ]
    return summary(timings)


def concurrent_users(users: int = USERS, conversations: int = CONVERSATIONS_PER_USER) -> dict:
    def user(number: int) -> List[Timing]:
        # Users start at different points of the conversation, so requests are mixed.
        return [
            timed_send(RASA_URL, f"bench-user-{number}-{n}", CONVERSATION[(number + i) % len(CONVERSATION)])
            for n in range(conversations)
            for i in range(len(CONVERSATION))
        ]

    per_user, elapsed = run_users(users, user)
    results = [timing for timings in per_user for timing in timings]
    report = summary(results)
    report["users"] = users
    report["throughput_msg_per_s"] = round(len(results) / elapsed, 1)
    return report


def main() -> int:
    model = str(PROJECT_ROOT / "models" / "gocluster.tar.gz")
    quick = "--booking-only" in sys.argv
    print("Training (fresh, into var/bench/models) ...", flush=True)
    training_s = 0.0 if quick else measure_training()
    print("Start-up ...", flush=True)
    stack, ready_s = start_stack(model)
    rasa = next(s for s in stack if s.name == "rasa")
    try:
        for text in CONVERSATION:  # warm the action server's caches like a real first user would
            send(RASA_URL, "bench-warmup", text)
        print("One user ...", flush=True)
        one = {} if quick else single_user()
        print(f"{USERS} users ...", flush=True)
        many = {} if quick else concurrent_users()
        print(f"{USERS} users booking at once ...", flush=True)
        from bench import booking

        bookings = booking.run(RASA_URL, BENCH_DIR / "gocluster.db", USERS)
        memory = peak_rss_mb(rasa.process.pid)
    finally:
        for service in reversed(stack):
            service.stop()
    results = {
        "training_s": round(training_s, 1),
        "ready_to_first_answer_s": round(ready_s, 1),
        "one_user": one,
        "concurrent": many,
        "concurrent_booking": bookings,
        "rasa_server_peak_rss_mb": memory,
        "machine": f"{os.cpu_count()} CPUs",
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2), "utf-8")
    print(json.dumps(results, indent=2))
    return 0
