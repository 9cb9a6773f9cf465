"""The running assistant for tests over HTTP: action server, Rasa server and web server on spare
ports with databases and logs of their own, started exactly as `make run` starts them.

`running_bot` is a module-scoped fixture (registered in tests/conftest.py); extra environment
for one module: a module-level dict `BOT_ENVIRONMENT` in the test module."""

from __future__ import annotations

import json
import os
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import pytest

from bot.config import settings

_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback only, never a proxy


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def http(
    url: str,
    body: Optional[bytes] = None,
    headers: Optional[Dict[str, str]] = None,
    method: Optional[str] = None,
    timeout: float = 60,
) -> Tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, headers=headers or {}, method=method)
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@dataclass
class RunningBot:
    rasa_url: str
    actions_url: str
    web_url: str
    var: Path
    services: List[Any] = field(default_factory=list)

    def say(self, sender: Any, text: Any, headers: Optional[Dict[str, str]] = None) -> Tuple[int, Any]:
        body = json.dumps({"sender": sender, "message": text}, ensure_ascii=False).encode("utf-8")
        status, raw = http(
            f"{self.rasa_url}/webhooks/rest/webhook", body, {"Content-Type": "application/json", **(headers or {})}
        )
        try:
            return status, json.loads(raw)
        except ValueError:
            return status, raw.decode("utf-8", "replace")

    def text(self, sender: str, message: str) -> str:
        status, replies = self.say(sender, message)
        assert status == 200, replies
        return "\n".join(r.get("text") or "" for r in replies)

    def logs(self) -> str:
        return "\n".join(p.read_text("utf-8", errors="replace") for p in sorted((self.var / "log").glob("*.log")))

    def service(self, name: str) -> Any:
        return next(s for s in self.services if s.name == name)


@pytest.fixture(scope="module")
def running_bot(tmp_path_factory, request):
    from tests.conftest import MODEL_PATH

    if not MODEL_PATH.exists():
        pytest.fail(f"{MODEL_PATH} is missing: run the tests with `make test`, which trains it first")
    var = tmp_path_factory.mktemp("attack") / "var"
    (var / "log").mkdir(parents=True)
    rasa, actions, web = free_port(), free_port(), free_port()
    env = {
        "GOCLUSTER_VAR_DIR": str(var),
        "RASA_PORT": str(rasa),
        "ACTIONS_PORT": str(actions),
        "WEB_PORT": str(web),
        "DATABASE_URL": f"sqlite:///{var / 'gocluster.db'}",
        "TRACKER_DATABASE_URL": f"sqlite:///{var / 'tracker.db'}",
        "RASA_URL": f"http://127.0.0.1:{rasa}",
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{web}",
        "RASA_TELEMETRY_ENABLED": "false",
        # Enough messages for the floods of these modules, from one test client address, and
        # bodies up to 8 MB, so that a megabyte of attack text (4 bytes per emoji) reaches the
        # whole pipeline.
        "RATE_LIMIT_MESSAGES_PER_CLIENT": "100000/min",
        "MAX_REQUEST_BYTES": str(8 * 1024 * 1024),
        **getattr(request.module, "BOT_ENVIRONMENT", {}),
    }
    with pytest.MonkeyPatch.context() as patch:
        for key, value in env.items():
            patch.setenv(key, value)
        from bot.cli.serve import _messenger_credentials, services
        from bot.storage.migrate import upgrade

        upgrade(env["DATABASE_URL"])
        credentials, _lines = _messenger_credentials(settings())
        running = services(str(MODEL_PATH), credentials)
        for service in running:
            service.start(var / "log", dict(os.environ))
        try:
            deadline = time.monotonic() + 180
            while not all(s.healthy() for s in running):
                dead = [s for s in running if s.exited()]
                if dead or time.monotonic() > deadline:
                    pytest.fail("the bot did not start:\n" + "\n".join(s.log_tail() for s in running))
                time.sleep(0.3)
            yield RunningBot(
                f"http://127.0.0.1:{rasa}", f"http://127.0.0.1:{actions}", f"http://127.0.0.1:{web}", var, running
            )
        finally:
            for service in reversed(running):
                service.stop()
