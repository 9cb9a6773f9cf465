"""Start action server, Rasa server and chat page; wait until all answer; stop all on Ctrl-C."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Tuple

from bot.channels import active_channels, write_effective_credentials
from bot.config import PROJECT_ROOT, Settings, settings
from bot.storage import migrate

READY_TIMEOUT_S = 300
EFFECTIVE_CREDENTIALS = "credentials.effective.yml"   # in var/, written on every start
STOP_TIMEOUT_S = 15


@dataclass
class Service:
    name: str
    command: List[str]
    health_url: str
    process: Optional[subprocess.Popen] = None
    log_path: Optional[Path] = None

    def start(self, log_dir: Path, env: dict) -> None:
        self.log_path = log_dir / f"{self.name}.log"
        # Owner only, whatever the umask of whoever starts the services.
        log = os.fdopen(os.open(self.log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600), "ab")
        # A session of its own: Ctrl-C reaches only the supervisor, which stops the services
        # in order instead of having them all die at once mid-write.
        self.process = subprocess.Popen(
            self.command, cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
        log.close()

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(self.health_url, timeout=2) as response:
                return response.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def exited(self) -> bool:
        return self.process is not None and self.process.poll() is not None

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def log_tail(self, lines: int = 25) -> str:
        if not self.log_path or not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text("utf-8", errors="replace").splitlines()[-lines:])


def _local(host: str) -> str:
    """The address to reach a server bound to `host` from this machine."""
    return "127.0.0.1" if host in ("0.0.0.0", "::", "") else host


def services(model: str, credentials: Optional[Path] = None) -> List[Service]:
    """`credentials`: the file for the Rasa server's channels (default: credentials.yml as it is).

    No secret appears on a command line: the services read them from the environment or derive
    them from the secret key (rasa_ext/server.py, actions/server.py)."""
    config = settings()
    python = sys.executable
    return [
        Service("actions", [python, "-m", "actions.server"],
                f"http://{_local(config.actions_host)}:{config.actions_port}/health"),
        Service("rasa", [python, "-m", "rasa_ext.server", "--model", model,
                         "--credentials", str(credentials or PROJECT_ROOT / "credentials.yml")],
                f"http://{_local(config.rasa_host)}:{config.rasa_port}/"),
        Service("web", [python, "-m", "bot", "web"], f"http://{_local(config.web_host)}:{config.web_port}/health/live"),
    ]


def _wait_until_ready(running: List[Service]) -> Optional[Service]:
    """Returns the service that failed, or None when all answer."""
    deadline = time.monotonic() + READY_TIMEOUT_S
    pending = list(running)
    while pending and time.monotonic() < deadline:
        for service in list(pending):
            if service.exited():
                return service
            if service.healthy():
                print(f"  {service.name} bereit ({service.health_url})", flush=True)
                pending.remove(service)
        time.sleep(0.5)
    return pending[0] if pending else None


def _messenger_credentials(config: Settings) -> Tuple[Path, List[str]]:
    """credentials.yml plus the messengers switched on in the environment, as a file for Rasa;
    and one German line per messenger for the start-up output. Raises ValueError."""
    path = config.var_dir / EFFECTIVE_CREDENTIALS
    active = active_channels(write_effective_credentials(PROJECT_ROOT / "credentials.yml", path, config.messenger_env,
                                                         config.rest_channel, config.rest_token))
    lines = [f"  Messenger aktiv: {c.label} (Webhook {c.webhook_path})" for c in active]
    return path, lines or ["  Messenger: keine aktiv (Telegram, Slack, Microsoft Teams lassen sich per "
                           "Umgebungsvariablen einschalten, siehe README)"]


def serve(model: str, config: Optional[Settings] = None) -> int:
    config = config or settings()
    # Databases, logs and generated credentials are for this user only (files 0600, folders 0700).
    os.umask(0o077)
    config.var_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(config.var_dir, 0o700)
    log_dir = config.var_dir / "log"
    log_dir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, PYTHONUNBUFFERED="1", TF_CPP_MIN_LOG_LEVEL="2")
    try:
        credentials, messenger_lines = _messenger_credentials(config)
    except ValueError as error:
        print(f"Messenger-Konfiguration fehlerhaft: {error}", file=sys.stderr)
        return 1
    running = services(model, credentials)
    stopping = False

    def request_stop(_signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    started = time.monotonic()
    print("Starte go-cluster-Assistent (Logs in var/log/) ...", flush=True)
    print("\n".join(messenger_lines), flush=True)
    try:
        migrate.upgrade(config.database_url)   # schema changes are applied before anything uses the database
    except Exception as error:  # noqa: BLE001 - any failure must stop the start with a clear message
        print(f"Datenbank-Migration fehlgeschlagen: {error}", file=sys.stderr)
        return 1
    for service in running:
        service.start(log_dir, env)
    try:
        failed = _wait_until_ready(running)
        if failed is not None and not stopping:
            print(f"Dienst '{failed.name}' startet nicht. Letzte Logzeilen:\n{failed.log_tail()}", file=sys.stderr)
            return 1
        if not stopping:
            print(
                f"Bereit nach {time.monotonic() - started:.0f} s: Chat unter http://localhost:{config.web_port}/ "
                "(Beenden mit Strg+C)",
                flush=True,
            )
        while not stopping:
            dead = next((s for s in running if s.exited()), None)
            if dead is not None:
                print(f"Dienst '{dead.name}' wurde beendet. Letzte Logzeilen:\n{dead.log_tail()}", file=sys.stderr)
                return 1
            time.sleep(0.5)
        return 0
    finally:
        print("Beende Dienste ...", flush=True)
        for service in reversed(running):
            service.stop()
