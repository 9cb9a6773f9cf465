"""Start action server, Rasa server and chat page; wait until all answer; restart a service that
dies (with back-off); stop all on Ctrl-C.

With RASA_SERVERS/ACTION_SERVERS/WEB_SERVERS (or --rasa-servers … ) above one, or BALANCER=on, the
same command starts the scale-out topology of one machine (bot.balancer): N Rasa, M action and K web
servers on loopback ports and HAProxy in front of them, the only public door. Every server gets the
same secret key from here, so action tokens and signed chat sessions agree across all of them."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from bot import balancer
from bot.channels import active_channels, write_effective_credentials
from bot.config import PROJECT_ROOT, Settings, environment, load_settings, settings
from bot.storage import migrate

READY_TIMEOUT_S = 300
EFFECTIVE_CREDENTIALS = "credentials.effective.yml"  # in var/, written on every start
STATE_FILE = "serve.json"  # in var/: which service runs as which process
STOP_TIMEOUT_S = 15
# Restarts after a crash: 1 s, 2 s, 4 s … at most a minute; a service that ran this long is stable
# again and starts over at 1 s.
BACKOFF_FIRST_S = 1.0
BACKOFF_MAX_S = 60.0
STABLE_AFTER_S = 60.0


@dataclass
class Service:
    name: str
    command: List[str]
    health_url: str
    process: Optional[subprocess.Popen] = None
    log_path: Optional[Path] = None
    env: Dict[str, str] = field(default_factory=dict)  # what makes this instance (its port, its name)
    # Supervision: restarts so far, failures in a row, when it was started, when to start it again.
    restarts: int = 0
    failures: int = 0
    started_at: float = 0.0
    restart_at: Optional[float] = None
    recovering: bool = False

    def start(self, log_dir: Path, env: dict) -> None:
        env = {**env, **self.env}
        self.started_at = time.monotonic()
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


def services(
    model: str,
    credentials: Optional[Path] = None,
    balancer_config: Optional[Path] = None,
    config: Optional[Settings] = None,
) -> List[Service]:
    """`credentials`: the file for the Rasa server's channels (default: credentials.yml as it is).
    `balancer_config`: HAProxy's file, when the settings ask for the balancer (serve writes it).

    No secret appears on a command line: the services read them from the environment or derive
    them from the secret key (rasa_ext/server.py, actions/server.py)."""
    config = config or settings()
    python = sys.executable
    layout = balancer.topology(config)
    commands = {
        "actions": ([python, "-m", "actions.server"], config.actions_host, "/health"),
        "rasa": (
            [
                python,
                "-m",
                "rasa_ext.server",
                "--model",
                model,
                "--credentials",
                str(credentials or PROJECT_ROOT / "credentials.yml"),
            ],
            config.rasa_host,
            "/",
        ),
        "web": ([python, "-m", "bot", "web"], config.web_host, "/health/live"),
    }
    result = []
    for instance in layout.instances:
        command, host, path = commands[instance.kind]
        result.append(
            Service(instance.name, command, f"http://{_local(host)}:{instance.port}{path}", env=dict(instance.env))
        )
    if layout.balancer:
        config_file = balancer_config or config.var_dir / balancer.CONFIG_FILE
        result.append(
            Service("balancer", balancer.command(config_file), f"{config.balancer_internal_url}{balancer.HEALTH_PATH}")
        )
    return result


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
    active = active_channels(
        write_effective_credentials(
            PROJECT_ROOT / "credentials.yml", path, config.messenger_env, config.rest_channel, config.rest_token
        )
    )
    lines = [f"  Messenger aktiv: {c.label} (Webhook {c.webhook_path})" for c in active]
    return path, lines or [
        "  Messenger: keine aktiv (Telegram, Slack, Microsoft Teams lassen sich per "
        "Umgebungsvariablen einschalten, siehe README)"
    ]


class Supervisor:
    """Keeps the services running: a service that exits is started again after a back-off, and
    every step is reported in German on the console and in var/log/serve.log."""

    def __init__(self, running: List[Service], log_dir: Path, env: dict, state_file: Optional[Path] = None) -> None:
        self.running = running
        self.log_dir = log_dir
        self.env = env
        self.state_file = state_file

    def report(self, message: str, error: bool = False) -> None:
        line = f"{datetime.now().strftime('%H:%M:%S')} {message}"
        print(line, file=sys.stderr if error else sys.stdout, flush=True)
        descriptor = os.open(self.log_dir / "serve.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(descriptor, "a", encoding="utf-8") as log:
            log.write(line + "\n")

    def start_all(self) -> None:
        for service in self.running:
            service.start(self.log_dir, self.env)
        self.write_state()

    def write_state(self) -> None:
        """var/serve.json: name, process id, health address and restarts of every service."""
        if self.state_file is None:
            return
        state = {
            "supervisor": os.getpid(),
            "services": [
                {
                    "name": s.name,
                    "pid": s.process.pid if s.process else None,
                    "health_url": s.health_url,
                    "restarts": s.restarts,
                }
                for s in self.running
            ],
        }
        temporary = self.state_file.with_name(f".{self.state_file.name}.{os.getpid()}")
        temporary.write_text(json.dumps(state, indent=1), "utf-8")
        os.replace(temporary, self.state_file)

    @staticmethod
    def backoff(service: Service) -> float:
        return min(BACKOFF_FIRST_S * 2 ** max(service.failures - 1, 0), BACKOFF_MAX_S)

    def step(self, now: Optional[float] = None) -> None:
        """One round: notice exits, restart when their back-off is over, report recoveries."""
        now = time.monotonic() if now is None else now
        for service in self.running:
            if service.exited():
                if service.restart_at is None:
                    stable = now - service.started_at >= STABLE_AFTER_S
                    service.failures = 1 if stable else service.failures + 1
                    delay = self.backoff(service)
                    service.restart_at = now + delay
                    code = service.process.returncode if service.process else None
                    self.report(
                        f"Dienst '{service.name}' ist ausgefallen (Exit-Code {code}); "
                        f"Neustart in {delay:.0f} s (Fehlschlag {service.failures} in Folge). "
                        f"Letzte Logzeilen:\n{service.log_tail(10)}",
                        error=True,
                    )
                elif now >= service.restart_at:
                    service.restart_at = None
                    service.restarts += 1
                    service.start(self.log_dir, self.env)
                    service.recovering = True
                    self.write_state()
                    self.report(f"Dienst '{service.name}' neu gestartet (Neustart Nr. {service.restarts}).")
            elif service.recovering and service.healthy():
                service.recovering = False
                self.report(
                    f"Dienst '{service.name}' ist wieder bereit "
                    f"({time.monotonic() - service.started_at:.0f} s nach dem Neustart)."
                )

    def stop_all(self) -> None:
        for service in reversed(self.running):
            service.stop()


def _cluster_problem(config: Settings) -> Optional[str]:
    """Why the configured topology cannot start (German), or None."""
    if not config.balancer:
        return None
    several = max(config.rasa_servers, config.action_servers, config.web_servers) > 1
    sqlite = [
        name
        for name, url in (("DATABASE_URL", config.database_url), ("TRACKER_DATABASE_URL", config.tracker_database_url))
        if url.startswith("sqlite")
    ]
    if several and sqlite:
        return (
            f"Mehrere Server teilen sich ihre Daten: {' und '.join(sqlite)} auf PostgreSQL setzen "
            "(z. B. postgresql://benutzer@127.0.0.1:5432/gocluster)."
        )
    if balancer.haproxy_binary() is None:
        return "HAProxy fehlt (Lastverteiler): `apt-get install haproxy` oder `make cluster`, das es installiert."
    return None


def serve(model: str, config: Optional[Settings] = None, environ: Optional[Dict[str, str]] = None) -> int:
    """Starts and supervises the servers. `environ` (default: this process's) is what they inherit;
    `config` the settings built from it."""
    environ = environment() if environ is None else environ
    config = config or load_settings(environ)
    # Databases, logs and generated credentials are for this user only (files 0600, folders 0700).
    os.umask(0o077)
    config.var_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(config.var_dir, 0o700)
    log_dir = config.var_dir / "log"
    log_dir.mkdir(parents=True, exist_ok=True)
    problem = _cluster_problem(config)
    if problem:
        print(problem, file=sys.stderr)
        return 1
    from bot.security import secret_key

    # One key for every server of this machine, handed over in the environment (never on argv):
    # the action servers' token and the signed chat sessions are derived from it.
    env = dict(
        environ, PYTHONUNBUFFERED="1", TF_CPP_MIN_LOG_LEVEL="2", GOCLUSTER_SECRET_KEY=secret_key(config).decode("utf-8")
    )
    try:
        credentials, messenger_lines = _messenger_credentials(config)
    except ValueError as error:
        print(f"Messenger-Konfiguration fehlerhaft: {error}", file=sys.stderr)
        return 1
    layout = balancer.topology(config)
    balancer_file = balancer.write_config(config, layout) if layout.balancer else None
    running = services(model, credentials, balancer_file, config)
    supervisor = Supervisor(running, log_dir, env, config.var_dir / STATE_FILE)
    stopping = False

    def request_stop(_signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    started = time.monotonic()
    print("Starte go-cluster-Assistent (Logs in var/log/) ...", flush=True)
    if layout.balancer:
        print(
            f"  Verbund: {len(layout.rasa)} Rasa-, {len(layout.actions)} Action-, {len(layout.web)} Webserver "
            f"hinter HAProxy (öffentlich {config.balancer_host}:{config.balancer_port}, intern "
            f"127.0.0.1:{config.balancer_internal_port}); Sperrspeicher: "
            f"{'Redis' if config.lock_store_url else 'im Prozess'}",
            flush=True,
        )
    print("\n".join(messenger_lines), flush=True)
    try:
        migrate.upgrade(config.database_url)  # schema changes are applied before anything uses the database
    except Exception as error:  # noqa: BLE001 - any failure must stop the start with a clear message
        print(f"Datenbank-Migration fehlgeschlagen: {error}", file=sys.stderr)
        return 1
    supervisor.start_all()
    try:
        failed = _wait_until_ready(running)
        if failed is not None and not stopping:
            print(f"Dienst '{failed.name}' startet nicht. Letzte Logzeilen:\n{failed.log_tail()}", file=sys.stderr)
            return 1
        if not stopping:
            address = (
                f"http://localhost:{config.balancer_port}/"
                if layout.balancer
                else f"http://localhost:{config.web_port}/"
            )
            print(
                f"Bereit nach {time.monotonic() - started:.0f} s: Chat unter {address} (Beenden mit Strg+C)", flush=True
            )
        while not stopping:
            supervisor.step()
            time.sleep(0.5)
        return 0
    finally:
        print("Beende Dienste ...", flush=True)
        supervisor.stop_all()
