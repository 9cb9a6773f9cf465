"""The bots under test, each started alone: a stock `rasa init` bot, this assistant as one process
(Rasa + action server, SQLite), and this assistant as a cluster (`python -m bot serve` with two Rasa
and two action servers behind HAProxy, PostgreSQL and Redis).

Every start is timed from the first process launched to the first answer on the REST webhook.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional

from bench.client import send
from bot.config import PROJECT_ROOT

BENCH_DIR = PROJECT_ROOT / "var" / "bench"
STOCK_DIR = BENCH_DIR / "stock"
MODEL = PROJECT_ROOT / "models" / "gocluster.tar.gz"
READY_TIMEOUT_S = 300
RASA = str(Path(sys.executable).with_name("rasa"))


def free_ports(count: int) -> int:
    """The first of `count` consecutive free loopback ports (asked from the kernel, then checked)."""
    for _attempt in range(100):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            base = probe.getsockname()[1]
        if base + count > 65000:
            continue
        try:
            for port in range(base, base + count):
                with socket.socket() as probe:
                    probe.bind(("127.0.0.1", port))
            return base
        except OSError:
            continue
    raise RuntimeError("no free ports")


@dataclass
class Bot:
    name: str
    url: str  # where the REST webhook answers
    processes: List[subprocess.Popen]
    rasa_pids: Callable[[], List[int]]
    ready_s: float = 0.0
    env: Dict[str, str] = field(default_factory=dict)  # the environment the servers run with
    cleanup: List[Callable[[], None]] = field(default_factory=list)

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        for step in self.cleanup:
            step()


def peak_rss_mb(pid: int) -> float:
    """Peak resident memory (VmHWM) of one process, in MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return float("nan")


def _base_env() -> Dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("RATE_LIMIT_", "BALANCER", "RASA_", "ACTION", "WEB_", "LOCK_", "REDIS_URL"))
    }
    env.update(
        RASA_TELEMETRY_ENABLED="false",
        TF_CPP_MIN_LOG_LEVEL="2",
        PYTHONUNBUFFERED="1",
        # All bench users come from one address and one conversation sends 200 messages.
        RATE_LIMIT_MESSAGES_PER_CLIENT="100000/min",
        RATE_LIMIT_MESSAGES_PER_CONVERSATION="100000/min",
        RATE_LIMIT_BOOKINGS_PER_CLIENT="100000/d",  # --booking: 20 users book from one address
    )
    env.pop("GOCLUSTER_SECRET_KEY", None)
    return env


def _wait_first_answer(bot: Bot, started: float, text: str) -> Bot:
    deadline = started + READY_TIMEOUT_S
    while time.perf_counter() < deadline:
        if any(p.poll() is not None for p in bot.processes):
            bot.stop()
            raise RuntimeError(f"{bot.name}: a process exited during start-up; see {BENCH_DIR}/log/")
        try:
            if send(bot.url, f"bench-ready-{secrets.token_hex(4)}", text, timeout=5):
                bot.ready_s = time.perf_counter() - started
                return bot
        except OSError:
            pass
        time.sleep(0.1)
    bot.stop()
    raise RuntimeError(f"{bot.name} did not answer within {READY_TIMEOUT_S} s")


def _log(name: str):
    (BENCH_DIR / "log").mkdir(parents=True, exist_ok=True)
    return open(BENCH_DIR / "log" / f"{name}.log", "wb")


def stock_model() -> Path:
    """A stock `rasa init --no-prompt` bot in var/bench/stock, scaffolded and trained by the same Rasa
    once (rasa init trains it); later runs reuse it."""
    models = sorted((STOCK_DIR / "models").glob("*.tar.gz")) if STOCK_DIR.exists() else []
    if not models:
        shutil.rmtree(STOCK_DIR, ignore_errors=True)
        STOCK_DIR.mkdir(parents=True)  # rasa init wants the folder to exist
        print("  scaffolding and training the stock bot (rasa init --no-prompt, once) ...", flush=True)
        with _log("stock-init") as log:
            subprocess.run(
                [RASA, "init", "--no-prompt", "--init-dir", str(STOCK_DIR)],
                cwd=STOCK_DIR.parent,
                env=_base_env(),
                stdout=log,
                stderr=subprocess.STDOUT,
                check=True,
            )
        models = sorted((STOCK_DIR / "models").glob("*.tar.gz"))
    return models[-1]


def start_stock() -> Bot:
    """`rasa run` in the stock project: in-memory tracker store, no action server (its actions.py
    defines none)."""
    model = stock_model()
    port = free_ports(1)
    started = time.perf_counter()
    with _log("stock") as log:
        process = subprocess.Popen(
            [RASA, "run", "--model", str(model), "--port", str(port), "--interface", "127.0.0.1"],
            cwd=STOCK_DIR,
            env=_base_env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    bot = Bot("stock", f"http://127.0.0.1:{port}", [process], lambda: [process.pid])
    return _wait_first_answer(bot, started, "hello")


def assistant_env(folder: Path) -> Dict[str, str]:
    """One Rasa and one action server on free ports, SQLite under `folder` (as `make run`)."""
    rasa, actions = free_ports(1), free_ports(1)
    env = _base_env()
    env.update(
        GOCLUSTER_VAR_DIR=str(folder),
        GOCLUSTER_SECRET_KEY=secrets.token_urlsafe(32),
        TRACKER_DATABASE_URL=f"sqlite:///{folder / 'tracker.db'}",
        DATABASE_URL=f"sqlite:///{folder / 'gocluster.db'}",
        RASA_PORT=str(rasa),
        ACTIONS_PORT=str(actions),
        WEB_PORT=str(free_ports(1)),
    )
    return env


def start_assistant() -> Bot:
    from bot.cli.serve import services
    from bot.config import load_settings
    from bot.storage.migrate import upgrade

    folder = BENCH_DIR / "assistant"
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "log").mkdir(parents=True)
    env = assistant_env(folder)
    upgrade(env["DATABASE_URL"])
    stack = [s for s in services(str(MODEL), config=load_settings(env)) if s.name in ("actions", "rasa")]
    started = time.perf_counter()
    for service in stack:
        service.start(folder / "log", env)
    processes = [s.process for s in stack if s.process]
    rasa = next(s for s in stack if s.name == "rasa")
    bot = Bot("assistant", f"http://127.0.0.1:{env['RASA_PORT']}", processes, lambda: [rasa.process.pid], env=env)
    return _wait_first_answer(bot, started, "Hallo")


def start_cluster(postgres_admin_url: str, redis_url: str, rasa_servers: int = 2, action_servers: int = 2) -> Bot:
    """`python -m bot serve` with N Rasa and M action servers (and one web server) behind HAProxy, on
    two fresh PostgreSQL databases and Redis; the REST webhook through the balancer's private door."""
    from tests import databases

    folder = BENCH_DIR / "cluster"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    app_db = databases.create_database(postgres_admin_url)
    tracker_db = databases.create_database(postgres_admin_url)
    front = free_ports(2)
    env = _base_env()
    env.update(
        GOCLUSTER_VAR_DIR=str(folder / "var"),
        DATABASE_URL=app_db,
        TRACKER_DATABASE_URL=tracker_db,
        LOCK_STORE_URL=redis_url,
        RASA_PORT=str(free_ports(rasa_servers)),
        ACTIONS_PORT=str(free_ports(action_servers)),
        WEB_PORT=str(free_ports(1)),
        BALANCER_PORT=str(front),
        BALANCER_INTERNAL_PORT=str(front + 1),
    )
    started = time.perf_counter()
    with _log("cluster") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bot",
                "serve",
                "--model",
                str(MODEL),
                "--rasa-servers",
                str(rasa_servers),
                "--action-servers",
                str(action_servers),
                "--web-servers",
                "1",
            ],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def rasa_pids() -> List[int]:
        state = json.loads((folder / "var" / "serve.json").read_text("utf-8"))
        return [s["pid"] for s in state["services"] if s["name"].startswith("rasa")]

    def drop() -> None:
        for url in (app_db, tracker_db):
            try:
                databases.drop_database(url, postgres_admin_url)
            except Exception as error:  # noqa: BLE001 - a leftover test database is dropped next run
                print(f"  could not drop a bench database: {error}", file=sys.stderr)

    bot = Bot(f"cluster {rasa_servers}+{action_servers}", f"http://127.0.0.1:{front + 1}", [process], rasa_pids)
    bot.cleanup.append(drop)
    return _wait_first_answer(bot, started, "Hallo")


def postgres_and_redis() -> Optional[Dict[str, str]]:
    """PostgreSQL and Redis from bin/test-services (`make bench` runs under it), or None."""
    admin, redis_url = os.environ.get("TEST_POSTGRES_URL"), os.environ.get("TEST_REDIS_URL")
    if not admin or not redis_url:
        return None
    from tests import databases

    if databases.postgres_problem(admin) or databases.redis_problem(redis_url):
        return None
    return {"postgres": admin, "redis": redis_url}
