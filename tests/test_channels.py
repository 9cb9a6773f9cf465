"""Messenger channels (Telegram, Slack, Microsoft Teams via Bot Framework), offline.

The pure part: which channels the environment switches on (bot/channels.py).

The live part builds the Rasa server the way `rasa run --credentials` does (effective credentials
file → `create_http_input_channels` → `configure_app` → agent loaded before the server starts),
with the trained model and a real action server, and posts recorded channel payloads to the
webhooks. Every outgoing API (Telegram Bot API, Slack Web API, Microsoft login, JWT keys and the
Bot Connector) is a local fake server, so the replies are checked as the messengers would receive
them, through the real HTTP clients (aiogram/aiohttp, slack_sdk, requests).
"""

from __future__ import annotations

import asyncio
import datetime
import hashlib
import hmac
import json
import os
import socket
import stat
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

import pytest
import yaml

from bot.channels import CHANNELS, active_channels, effective_credentials, write_effective_credentials
from bot.config import PROJECT_ROOT, settings
from bot.security import derived_secret

BASE = {"rest": None, "socketio": {"user_message_evt": "user_uttered", "bot_message_evt": "bot_uttered"}}
TELEGRAM_ENV = {
    "TELEGRAM_ACCESS_TOKEN": "123456789:AAH-test_token",
    "TELEGRAM_VERIFY": "gocluster_test_bot",
    "TELEGRAM_WEBHOOK_URL": "https://bot.example.org/webhooks/telegram/webhook",
}
TELEGRAM_CREDENTIALS = {
    "access_token": "123456789:AAH-test_token",
    "verify": "gocluster_test_bot",
    "webhook_url": "https://bot.example.org/webhooks/telegram/webhook",
}
SLACK_ENV = {"SLACK_TOKEN": "xoxb-test-token", "SLACK_SIGNING_SECRET": "test-signing-secret"}
SLACK_CREDENTIALS = {"slack_token": "xoxb-test-token", "slack_signing_secret": "test-signing-secret"}
BOTFRAMEWORK_ENV = {
    "BOTFRAMEWORK_APP_ID": "00000000-1111-2222-3333-444444444444",
    "BOTFRAMEWORK_APP_PASSWORD": "test~app.password",
}
BOTFRAMEWORK_CREDENTIALS = {"app_id": "00000000-1111-2222-3333-444444444444", "app_password": "test~app.password"}
TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
TELEGRAM_KEY, SLACK_KEY, BOTFRAMEWORK_KEY = (c.key for c in CHANNELS)


# --- which channels the environment switches on ----------------------------------------------
CASES = [
    ("nothing set: only the channels of credentials.yml", {}, BASE),
    ("blank values count as unset", {"SLACK_TOKEN": " ", "TELEGRAM_VERIFY": ""}, BASE),
    ("telegram", TELEGRAM_ENV, {**BASE, TELEGRAM_KEY: TELEGRAM_CREDENTIALS}),
    (
        "telegram user name with @",
        {**TELEGRAM_ENV, "TELEGRAM_VERIFY": "@gocluster_test_bot"},
        {**BASE, TELEGRAM_KEY: TELEGRAM_CREDENTIALS},
    ),
    ("slack without channel", SLACK_ENV, {**BASE, SLACK_KEY: SLACK_CREDENTIALS}),
    (
        "slack with channel",
        {**SLACK_ENV, "SLACK_CHANNEL": "#go-cluster"},
        {**BASE, SLACK_KEY: {**SLACK_CREDENTIALS, "slack_channel": "#go-cluster"}},
    ),
    ("bot framework", BOTFRAMEWORK_ENV, {**BASE, BOTFRAMEWORK_KEY: BOTFRAMEWORK_CREDENTIALS}),
    (
        "bot framework, single tenant",
        {**BOTFRAMEWORK_ENV, "BOTFRAMEWORK_TENANT_ID": TENANT},
        {**BASE, BOTFRAMEWORK_KEY: {**BOTFRAMEWORK_CREDENTIALS, "tenant_id": TENANT}},
    ),
    (
        "values are trimmed",
        {k: f" {v}\n" for k, v in BOTFRAMEWORK_ENV.items()},
        {**BASE, BOTFRAMEWORK_KEY: BOTFRAMEWORK_CREDENTIALS},
    ),
    (
        "all three",
        {**TELEGRAM_ENV, **SLACK_ENV, **BOTFRAMEWORK_ENV, "PATH": "/usr/bin"},
        {
            **BASE,
            TELEGRAM_KEY: TELEGRAM_CREDENTIALS,
            SLACK_KEY: SLACK_CREDENTIALS,
            BOTFRAMEWORK_KEY: BOTFRAMEWORK_CREDENTIALS,
        },
    ),
]


@pytest.mark.parametrize("env, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_effective_credentials(env, expected):
    before = json.dumps(BASE)
    assert effective_credentials(BASE, env) == expected
    assert json.dumps(BASE) == before  # the base is not changed


PARTIAL = [
    ({"TELEGRAM_ACCESS_TOKEN": "123:abc"}, ["TELEGRAM_VERIFY", "TELEGRAM_WEBHOOK_URL"]),
    ({**TELEGRAM_ENV, "TELEGRAM_WEBHOOK_URL": ""}, ["TELEGRAM_WEBHOOK_URL"]),
    ({"SLACK_TOKEN": "xoxb-1"}, ["SLACK_SIGNING_SECRET"]),
    ({"SLACK_CHANNEL": "#go-cluster"}, ["SLACK_TOKEN", "SLACK_SIGNING_SECRET"]),
    ({"BOTFRAMEWORK_APP_PASSWORD": "pw"}, ["BOTFRAMEWORK_APP_ID"]),
    ({"BOTFRAMEWORK_TENANT_ID": TENANT}, ["BOTFRAMEWORK_APP_ID", "BOTFRAMEWORK_APP_PASSWORD"]),
    ({**SLACK_ENV, "BOTFRAMEWORK_APP_ID": "id"}, ["BOTFRAMEWORK_APP_PASSWORD"]),
]


@pytest.mark.parametrize("env, missing", PARTIAL)
def test_partly_configured_channel_names_the_missing_variables(env, missing):
    with pytest.raises(ValueError) as error:
        effective_credentials(BASE, env)
    for name in missing:
        assert name in str(error.value)


def test_telegram_webhook_must_be_https():
    with pytest.raises(ValueError, match="TELEGRAM_WEBHOOK_URL muss mit https://"):
        effective_credentials(BASE, {**TELEGRAM_ENV, "TELEGRAM_WEBHOOK_URL": "http://bot.example.org/x"})


def test_environment_replaces_a_channel_written_into_credentials_yml():
    base = {**BASE, "slack": {"slack_token": "old", "slack_signing_secret": "old"}}
    result = effective_credentials(base, SLACK_ENV)
    assert "slack" not in result and result[SLACK_KEY] == SLACK_CREDENTIALS
    assert effective_credentials(base, {})["slack"]["slack_token"] == "old"  # kept without environment


def test_messengers_are_off_by_default(tmp_path):
    out = tmp_path / "var" / "credentials.effective.yml"
    credentials = write_effective_credentials(PROJECT_ROOT / "credentials.yml", out, {"PATH": "/usr/bin"})
    assert active_channels(credentials) == []
    assert set(credentials) == {"rasa_ext.rest.RestInput", "rasa_ext.webchat.WebChatInput"}  # both stay on
    assert yaml.safe_load(out.read_text("utf-8")) == credentials


def test_rest_channel_can_be_switched_off_or_protected(tmp_path):
    out = tmp_path / "credentials.effective.yml"
    off = write_effective_credentials(PROJECT_ROOT / "credentials.yml", out, {}, rest_channel="off")
    assert "rasa_ext.rest.RestInput" not in off and "rasa_ext.webchat.WebChatInput" in off
    protected = write_effective_credentials(PROJECT_ROOT / "credentials.yml", out, {}, rest_token="s3cret")
    assert protected["rasa_ext.rest.RestInput"] == {"token": "s3cret"}


def test_effective_file_is_private_and_read_back(tmp_path):
    out = tmp_path / "credentials.effective.yml"
    out.write_text("old", "utf-8")
    os.chmod(out, 0o644)
    env = {**TELEGRAM_ENV, **SLACK_ENV, "SLACK_CHANNEL": "#go-cluster", **BOTFRAMEWORK_ENV}
    credentials = write_effective_credentials(PROJECT_ROOT / "credentials.yml", out, env)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600  # it holds the secrets
    assert [c.name for c in active_channels(credentials)] == ["telegram", "slack", "botframework"]
    from rasa.shared.utils.io import read_config_file

    assert read_config_file(str(out)) == credentials  # what `rasa run --credentials` reads


@pytest.fixture
def serve_env(tmp_path):
    """The environment of `python -m bot serve`, without any messenger variable."""
    messenger = {name for channel in CHANNELS for name in channel.variables}
    return {**{k: v for k, v in os.environ.items() if k not in messenger}, "GOCLUSTER_VAR_DIR": str(tmp_path)}


def test_serve_starts_rasa_with_the_effective_credentials(serve_env, tmp_path):
    from bot.cli import serve as serve_cli
    from bot.config import load_settings

    path, lines = serve_cli._messenger_credentials(load_settings(serve_env))
    assert lines[0].startswith("  Messenger: keine aktiv")
    path, lines = serve_cli._messenger_credentials(load_settings({**serve_env, **SLACK_ENV}))
    assert path == tmp_path / "credentials.effective.yml"
    assert yaml.safe_load(path.read_text("utf-8"))[SLACK_KEY] == SLACK_CREDENTIALS
    assert lines == ["  Messenger aktiv: Slack (Webhook /webhooks/slack/webhook)"]
    rasa = next(s for s in serve_cli.services("models/gocluster.tar.gz", path) if s.name == "rasa")
    assert rasa.command[rasa.command.index("--credentials") + 1] == str(path)


def test_serve_stops_on_a_partly_configured_messenger(serve_env, capsys, monkeypatch):
    from bot.cli import serve as serve_cli
    from bot.config import load_settings

    started = []
    monkeypatch.setattr(serve_cli.Service, "start", lambda *args: started.append(args))
    config = load_settings({**serve_env, "TELEGRAM_ACCESS_TOKEN": "123456789:AAH-test_token"})
    assert serve_cli.serve("models/gocluster.tar.gz", config) == 1
    error = capsys.readouterr().err
    assert "Messenger-Konfiguration fehlerhaft" in error and "TELEGRAM_VERIFY" in error and not started


def _all_button_payloads() -> List[str]:
    from bot.knowledge.answers import faq_payload, term_payload
    from bot.knowledge.content import load_knowledge

    knowledge = load_knowledge()
    payloads = [term_payload(t) for t in knowledge.terms.values()]
    payloads += [faq_payload(e) for e in knowledge.faq.values()] + ["/" + t for t in knowledge.topics]
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text("utf-8"))
    for variants in (domain.get("responses") or {}).values():
        payloads += [b["payload"] for v in variants for b in v.get("buttons") or []]
    return payloads


def test_button_payloads_fit_into_telegram_callback_data():
    """Telegram refuses a whole message whose button data has more than 64 bytes."""
    too_long = [p for p in _all_button_payloads() if len(p.encode("utf-8")) > 64]
    assert not too_long, f"button payloads longer than Telegram's 64 bytes: {too_long}"


# --- fake messenger APIs ---------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(condition: Callable[[], Any], timeout: float = 30, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


class FakeApis:
    """One local HTTP server standing in for api.telegram.org, slack.com/api, Microsoft login
    (token, OpenID configuration, JWT keys) and the Bot Connector of the Bot Framework."""

    BOT_USER = {"id": 123456789, "is_bot": True, "first_name": "go-cluster", "username": "gocluster_test_bot"}
    BF_TOKEN = "fake-botframework-access-token"

    def __init__(self, jwk: Dict[str, Any]) -> None:
        self.jwk = jwk
        self.requests: List[Dict[str, Any]] = []
        self.lock = threading.Lock()
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._loop: Optional[asyncio.AbstractEventLoop] = None

    def calls(self, service: str, method: Optional[str] = None) -> List[Dict[str, Any]]:
        with self.lock:
            return [r for r in self.requests if r["service"] == service and (method is None or r["method"] == method)]

    def clear(self) -> None:
        with self.lock:
            self.requests.clear()

    async def _handle(self, request):
        from aiohttp import web

        path = request.path
        if request.content_type == "application/json":
            body = await request.json()
        elif request.method == "POST":
            body = dict(await request.post())
        else:
            body = None
        service, method = path.strip("/").split("/", 1)
        if service == "telegram":
            method = method.rsplit("/", 1)[1]
        with self.lock:
            self.requests.append({"service": service, "method": method, "headers": dict(request.headers), "body": body})
        if service == "telegram":
            if method == "getMe":
                result: Any = self.BOT_USER
            elif method == "sendMessage":
                result = {
                    "message_id": len(self.requests),
                    "date": int(time.time()),
                    "from": self.BOT_USER,
                    "chat": {"id": int(body["chat_id"]), "type": "private"},
                    "text": body.get("text", ""),
                }
            else:
                result = True
            return web.json_response({"ok": True, "result": result})
        if service == "slack":
            return web.json_response({"ok": True, "channel": (body or {}).get("channel"), "ts": f"{time.time():.6f}"})
        if path == "/microsoft/openid":
            return web.json_response(
                {"issuer": "https://api.botframework.com", "jwks_uri": f"{self.url}/microsoft/keys"}
            )
        if path == "/microsoft/keys":
            return web.json_response({"keys": [self.jwk]})
        if path.startswith("/microsoft/") and path.endswith("/oauth2/v2.0/token"):
            return web.json_response(
                {"token_type": "Bearer", "expires_in": 3600, "ext_expires_in": 3600, "access_token": self.BF_TOKEN}
            )
        if service == "teams":
            return web.json_response({"id": f"reply-{len(self.requests)}"}, status=201)
        return web.json_response({"error": "unknown fake endpoint"}, status=404)

    def start(self) -> None:
        from aiohttp import web

        ready = threading.Event()

        def run() -> None:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            app = web.Application()
            app.router.add_route("*", "/{tail:.*}", self._handle)
            runner = web.AppRunner(app, access_log=None)
            loop.run_until_complete(runner.setup())
            loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", self.port).start())
            self._loop = loop
            ready.set()
            loop.run_forever()
            loop.run_until_complete(runner.cleanup())
            loop.close()

        threading.Thread(target=run, name="fake-apis", daemon=True).start()
        assert ready.wait(10), "fake API server did not start"

    def stop(self) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)


# --- the Rasa server with all three channels -------------------------------------------------
class Stack:
    def __init__(self, fakes: FakeApis, private_key: Any, tmp: Path) -> None:
        self.fakes = fakes
        self.private_key = private_key
        self.tmp = tmp
        self.rasa_port = free_port()
        self.actions_port = free_port()
        self.actions: Optional[subprocess.Popen] = None
        self.app: Any = None
        self.loop: Optional[asyncio.AbstractEventLoop] = None
        self.thread: Optional[threading.Thread] = None
        self.server_error: Optional[BaseException] = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    def start_actions(self, env: Dict[str, str]) -> None:
        log = (self.tmp / "actions.log").open("wb")
        self.actions = subprocess.Popen(
            [sys.executable, "-m", "actions.server"],
            cwd=PROJECT_ROOT,
            env={**env, "ACTIONS_PORT": str(self.actions_port)},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()

    def start_rasa(self, credentials_file: Path, endpoints_file: Path, model: str) -> None:
        from rasa.core import run
        from rasa.core.utils import AvailableEndpoints
        from sanic import Sanic

        endpoints = AvailableEndpoints.read_endpoints(str(endpoints_file))
        input_channels = run.create_http_input_channels(None, str(credentials_file))
        self.input_channels = input_channels
        self.app = run.configure_app(
            input_channels, cors=None, enable_api=False, port=self.rasa_port, endpoints=endpoints
        )
        self.app.register_listener(partial(run.load_agent_on_start, model, endpoints, None), "before_server_start")

        async def remember_loop(_app: Sanic, loop: asyncio.AbstractEventLoop) -> None:
            self.loop = loop

        self.app.register_listener(remember_loop, "after_server_start")

        def serve() -> None:
            try:
                self.app.run(
                    host="127.0.0.1", port=self.rasa_port, register_sys_signals=False, motd=False, access_log=False
                )
            except BaseException as error:  # noqa: BLE001 - reported by the test that waits
                self.server_error = error

        self.thread = threading.Thread(target=serve, name="rasa", daemon=True)
        self.thread.start()

    def wait_until_ready(self) -> None:
        def ready() -> bool:
            if self.server_error is not None:
                raise AssertionError(f"Rasa server failed: {self.server_error!r}")
            if self.actions is not None and self.actions.poll() is not None:
                raise AssertionError("action server died:\n" + (self.tmp / "actions.log").read_text("utf-8", "replace"))
            return self.loop is not None and _get(f"http://127.0.0.1:{self.actions_port}/health") == 200

        wait_for(ready, timeout=120, what="Rasa server and action server")

    def stop(self) -> None:
        from sanic import Sanic

        if self.loop is not None and self.app is not None:
            self.loop.call_soon_threadsafe(self.app.stop)
        if self.thread is not None:
            self.thread.join(15)
        Sanic._app_registry.pop(getattr(self.app, "name", ""), None)
        if self.actions is not None:
            self.actions.terminate()
            try:
                self.actions.wait(15)
            except subprocess.TimeoutExpired:
                self.actions.kill()
                self.actions.wait()

    # --- posting like the messengers do ---
    def post(self, path: str, body: bytes, headers: Dict[str, str]) -> "tuple[int, str]":
        request = urllib.request.Request(self.url + path, data=body, headers=headers, method="POST")
        try:
            with _OPENER.open(request, timeout=60) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8")

    def bot_framework_token(self, audience: str, **changes: Any) -> str:
        import jwt

        now = int(time.time())
        claims = {
            "iss": "https://api.botframework.com",
            "aud": audience,
            "nbf": now - 60,
            "exp": now + 3600,
            "serviceurl": f"{self.fakes.url}/teams/",
        }
        claims.update(changes)
        return jwt.encode(claims, self.private_key, algorithm="RS256", headers={"kid": self.fakes.jwk["kid"]})


_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # localhost only, never a proxy


def _get(url: str) -> int:
    try:
        with _OPENER.open(url, timeout=2) as response:
            return response.status
    except (urllib.error.URLError, OSError):
        return 0


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    from tests.conftest import MODEL_PATH

    if not MODEL_PATH.exists():
        pytest.fail(f"{MODEL_PATH} is missing: run the tests with `make test`, which trains it first")
    from cryptography.hazmat.primitives.asymmetric import rsa
    from jwt.algorithms import RSAAlgorithm

    tmp = tmp_path_factory.mktemp("channels")
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = {**json.loads(RSAAlgorithm.to_jwk(private_key.public_key())), "kid": "test-key", "use": "sig"}
    fakes = FakeApis(jwk)
    fakes.start()
    running = Stack(fakes, private_key, tmp)
    patches = pytest.MonkeyPatch()
    try:
        # Action server: its own databases, started first (it loads while Rasa loads the model).
        var = tmp / "var"
        env = dict(
            os.environ,
            GOCLUSTER_VAR_DIR=str(var),
            DATABASE_URL=f"sqlite:///{var / 'gocluster.db'}",
            RASA_TELEMETRY_ENABLED="false",
            PYTHONUNBUFFERED="1",
        )
        from bot.storage.migrate import upgrade

        var.mkdir()
        upgrade(env["DATABASE_URL"])
        running.start_actions(env)

        # Outgoing APIs to the fake server, exactly where the real clients build their URLs.
        import rasa.core.channels.botframework as botframework
        from aiogram.bot.api import TelegramAPIServer
        from slack_sdk.web.async_client import AsyncWebClient

        patches.setattr(
            TelegramAPIServer, "api_url", lambda self, token, method: f"{fakes.url}/telegram/bot{token}/{method}"
        )
        original_init = AsyncWebClient.__init__

        def slack_init(self, token=None, **kwargs):
            original_init(self, token, **{**kwargs, "base_url": f"{fakes.url}/slack/"})

        patches.setattr(AsyncWebClient, "__init__", slack_init)
        patches.setattr(botframework, "MICROSOFT_OPEN_ID_URI", f"{fakes.url}/microsoft/openid")
        patches.setattr(botframework, "MICROSOFT_OAUTH2_URL", f"{fakes.url}/microsoft")
        patches.setattr(botframework.BotFramework, "token_expiration_date", datetime.datetime.now())
        patches.setattr(botframework.BotFramework, "headers", None)
        patches.setenv("NO_PROXY", "127.0.0.1,localhost")

        # The credentials as `python -m bot serve` writes them, and endpoints for this test.
        channel_env = {**TELEGRAM_ENV, **SLACK_ENV, **BOTFRAMEWORK_ENV, "BOTFRAMEWORK_TENANT_ID": TENANT}
        credentials = tmp / "credentials.effective.yml"
        write_effective_credentials(PROJECT_ROOT / "credentials.yml", credentials, channel_env)
        from rasa_ext.server import effective_endpoints, write_private

        endpoints = write_private(
            tmp / "endpoints.yml",
            effective_endpoints(
                {}, replace(settings(), actions_url=f"http://127.0.0.1:{running.actions_port}/webhook")
            ),
        )
        running.start_rasa(credentials, endpoints, str(MODEL_PATH))
        running.wait_until_ready()
        yield running
    finally:
        running.stop()
        fakes.stop()
        patches.undo()


# --- recorded payloads -----------------------------------------------------------------------
ANNA_TELEGRAM = {
    "id": 48151623,
    "is_bot": False,
    "first_name": "Anna",
    "last_name": "Muster",
    "username": "anna_muster",
    "language_code": "de",
}


def telegram_message(update_id: int, text: str) -> Dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": 100 + update_id,
            "date": int(time.time()),
            "text": text,
            "from": ANNA_TELEGRAM,
            "chat": {
                "id": ANNA_TELEGRAM["id"],
                "first_name": "Anna",
                "last_name": "Muster",
                "username": "anna_muster",
                "type": "private",
            },
            **(
                {"entities": [{"offset": 0, "length": len(text), "type": "bot_command"}]}
                if text.startswith("/")
                else {}
            ),
        },
    }


def telegram_button_click(update_id: int, data: str) -> Dict[str, Any]:
    return {
        "update_id": update_id,
        "callback_query": {
            "id": "4382bfdwdsb323b2d9",
            "from": ANNA_TELEGRAM,
            "chat_instance": "-7812331470911882201",
            "data": data,
            "message": {
                "message_id": 99,
                "date": int(time.time()),
                "text": "Ich kann Ihnen zum Beispiel helfen …",
                "from": FakeApis.BOT_USER,
                "chat": {"id": ANNA_TELEGRAM["id"], "type": "private"},
            },
        },
    }


def slack_message_event(text: str, ts: str) -> Dict[str, Any]:
    return {
        "token": "Jhj5dZrVaK7ZwHHjRyZWjbDl",
        "team_id": "T061EG9R6",
        "api_app_id": "A0PNCHHK2",
        "event": {
            "type": "message",
            "user": "U061F7AUR",
            "text": text,
            "ts": ts,
            "client_msg_id": f"msg-{ts}",
            "team": "T061EG9R6",
            "channel": "D0PNCRP9N",
            "event_ts": ts,
            "channel_type": "im",
            "blocks": [
                {
                    "type": "rich_text",
                    "block_id": "b1",
                    "elements": [{"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}],
                }
            ],
        },
        "type": "event_callback",
        "event_id": f"Ev{ts.replace('.', '')}",
        "event_time": int(float(ts)),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": "T061EG9R6",
                "user_id": "U0BOTUSER",
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": "4-eyJldCI6Im1lc3NhZ2UifQ",
    }


def slack_button_click(value: str, title: str) -> Dict[str, Any]:
    return {
        "type": "block_actions",
        "user": {"id": "U061F7AUR", "username": "anna", "team_id": "T061EG9R6"},
        "api_app_id": "A0PNCHHK2",
        "token": "Jhj5dZrVaK7ZwHHjRyZWjbDl",
        "trigger_id": "1234.5678.abcd",
        "team": {"id": "T061EG9R6", "domain": "go-cluster"},
        "container": {
            "type": "message",
            "message_ts": "1764288001.000200",
            "channel_id": "D0PNCRP9N",
            "is_ephemeral": False,
        },
        "channel": {"id": "D0PNCRP9N", "name": "directmessage"},
        "message": {"type": "message", "user": "U0BOTUSER", "ts": "1764288001.000200", "text": "Ich kann Ihnen …"},
        "response_url": "https://hooks.slack.com/actions/T061EG9R6/1/abc",
        "actions": [
            {
                "type": "button",
                "action_id": "Xy1",
                "block_id": "a1",
                "value": value,
                "text": {"type": "plain_text", "text": title, "emoji": True},
                "action_ts": f"{time.time():.6f}",
            }
        ],
    }


def slack_signed_headers(
    body: bytes, content_type: str, secret: str = SLACK_ENV["SLACK_SIGNING_SECRET"]
) -> Dict[str, str]:
    timestamp = str(int(time.time()))
    digest = hmac.new(secret.encode(), f"v0:{timestamp}:".encode() + body, hashlib.sha256).hexdigest()
    return {"Content-Type": content_type, "X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": f"v0={digest}"}


def teams_activity(stack: Stack, text: str, activity_id: str, value: Any = None) -> Dict[str, Any]:
    activity = {
        "text": text,
        "textFormat": "plain",
        "type": "message",
        "timestamp": "2026-11-28T09:15:02.000Z",
        "localTimestamp": "2026-11-28T10:15:02.000+01:00",
        "id": activity_id,
        "channelId": "msteams",
        "serviceUrl": f"{stack.fakes.url}/teams/",
        "from": {
            "id": "29:1AbCdEfGhIjKlMnOpQrStUvWxYz",
            "name": "Anna Muster",
            "aadObjectId": "6c2c4a8e-1f1e-4a8b-9d41-0d5c2f8f1a11",
        },
        "conversation": {
            "conversationType": "personal",
            "tenantId": "72f988bf-86f1-41af-91ab-2d7cd011db47",
            "id": "a:1Xq2w3e4r5t6z7u8i9o0pAsDfGhJkL",
        },
        "recipient": {"id": f"28:{BOTFRAMEWORK_ENV['BOTFRAMEWORK_APP_ID']}", "name": "go-cluster"},
        "entities": [
            {"locale": "de-DE", "country": "DE", "platform": "Web", "timezone": "Europe/Berlin", "type": "clientInfo"}
        ],
        "channelData": {"tenant": {"id": "72f988bf-86f1-41af-91ab-2d7cd011db47"}},
        "locale": "de-DE",
        "localTimezone": "Europe/Berlin",
    }
    if value is not None:
        activity["value"] = value
    return activity


CAPABILITY_TITLES = [
    "Was ist go-cluster?",
    "Wie läuft die Aufnahme ab?",
    "Welche Pflichten haben Mitglieder?",
    "Kostenbeteiligung am Gold-Label",
    "Begriff erklären",
    "Kontakt",
]
HOTLINE = "310078-387"


# --- Telegram -------------------------------------------------------------------------------
TELEGRAM_HEADERS = {
    "Content-Type": "application/json",
    "X-Telegram-Bot-Api-Secret-Token": derived_secret("telegram-webhook"),
}


def test_telegram(stack):
    fakes = stack.fakes
    # At start-up the connector registered its webhook with Telegram, with the secret token that
    # Telegram then sends with every update.
    (registered,) = fakes.calls("telegram", "setWebhook")
    assert registered["body"]["url"] == TELEGRAM_ENV["TELEGRAM_WEBHOOK_URL"]
    assert registered["body"]["secret_token"] == TELEGRAM_HEADERS["X-Telegram-Bot-Api-Secret-Token"]

    def send(update: Dict[str, Any]) -> List[Dict[str, Any]]:
        fakes.clear()
        status, text = stack.post("/webhooks/telegram/webhook", json.dumps(update).encode(), TELEGRAM_HEADERS)
        assert (status, text) == (200, "success")
        return [c["body"] for c in fakes.calls("telegram", "sendMessage")]

    sent = send(telegram_message(1, "Was ist ESCA?"))
    assert sent and all(m["chat_id"] == str(ANNA_TELEGRAM["id"]) for m in sent)
    assert "ESCA" in sent[0]["text"] and "European Secretariat for Cluster Analysis" in sent[0]["text"]

    sent = send(telegram_message(2, "Was kannst du?"))
    assert len(sent) == 1 and sent[0]["text"].startswith("Ich kann Ihnen zum Beispiel helfen")
    keyboard = json.loads(sent[0]["reply_markup"])["inline_keyboard"]
    assert [[b["text"] for b in row] for row in keyboard] == [[t] for t in CAPABILITY_TITLES]  # one per row
    assert keyboard[-1][0]["callback_data"] == "/faq_kontakt"

    sent = send(telegram_button_click(3, keyboard[-1][0]["callback_data"]))  # the user taps "Kontakt"
    assert HOTLINE in " ".join(m["text"] for m in sent)
    assert [c["body"]["callback_query_id"] for c in fakes.calls("telegram", "answerCallbackQuery")] == [
        "4382bfdwdsb323b2d9"
    ]  # the tap is confirmed, the button stops showing progress

    sent = send(telegram_message(4, "/start"))  # first message of every Telegram chat
    assert sent[0]["text"].startswith("Guten Tag!") and "reply_markup" in sent[0]


def test_telegram_ignores_updates_for_another_bot(stack):
    fakes = stack.fakes
    fakes.clear()
    original = FakeApis.BOT_USER
    FakeApis.BOT_USER = {**original, "username": "some_other_bot"}
    try:
        status, text = stack.post(
            "/webhooks/telegram/webhook", json.dumps(telegram_message(9, "Hallo")).encode(), TELEGRAM_HEADERS
        )
    finally:
        FakeApis.BOT_USER = original
    assert (status, text) == (200, "failed")
    assert not fakes.calls("telegram", "sendMessage")


def test_telegram_refuses_updates_without_the_secret_token(stack):
    stack.fakes.clear()
    body = json.dumps(telegram_message(10, "Was ist ESCA?")).encode()
    for headers in (
        {"Content-Type": "application/json"},
        {**TELEGRAM_HEADERS, "X-Telegram-Bot-Api-Secret-Token": "guessed"},
    ):
        assert stack.post("/webhooks/telegram/webhook", body, headers)[0] == 403
    # Nobody can re-register the webhook (without the secret) through Rasa's set_webhook route.
    assert stack.post("/webhooks/telegram/set_webhook", b"", {})[0] == 404
    assert not stack.fakes.calls("telegram")


# --- Slack ----------------------------------------------------------------------------------
def test_slack(stack):
    fakes = stack.fakes

    def post_event(event: Dict[str, Any]) -> int:
        body = json.dumps(event).encode()
        status, _ = stack.post("/webhooks/slack/webhook", body, slack_signed_headers(body, "application/json"))
        return status

    def replies() -> List[Dict[str, Any]]:
        # Rasa answers Slack at once and sends the replies from a background task.
        wait_for(lambda: fakes.calls("slack", "chat.postMessage"), what="Slack replies")
        time.sleep(0.3)  # no further replies on their way
        calls = fakes.calls("slack", "chat.postMessage")
        assert all(c["headers"]["Authorization"] == f"Bearer {SLACK_ENV['SLACK_TOKEN']}" for c in calls)
        return [c["body"] for c in calls]

    fakes.clear()
    assert post_event(slack_message_event("Was ist ESCA?", "1764288000.000100")) == 200
    sent = replies()
    assert sent[0]["channel"] == "D0PNCRP9N" and "European Secretariat for Cluster Analysis" in sent[0]["text"]

    fakes.clear()
    assert post_event(slack_message_event("Was kannst du?", "1764288001.000100")) == 200
    sent = replies()
    assert len(sent) == 1
    blocks = sent[0]["blocks"]
    assert blocks[0]["type"] == "section" and blocks[0]["text"]["text"].startswith("Ich kann Ihnen")
    buttons = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert [b["text"]["text"] for b in buttons] == CAPABILITY_TITLES  # all six, none dropped
    assert all(b["type"] == "button" for b in buttons) and buttons[-1]["value"] == "/faq_kontakt"
    assert all(len(b["elements"]) <= 5 for b in blocks if b["type"] == "actions")

    # The user clicks "Kontakt": Slack posts the interaction form-encoded to the same URL.
    fakes.clear()
    form = urllib.parse.urlencode({"payload": json.dumps(slack_button_click("/faq_kontakt", "Kontakt"))}).encode()
    status, _ = stack.post(
        "/webhooks/slack/webhook", form, slack_signed_headers(form, "application/x-www-form-urlencoded")
    )
    assert status == 200
    assert HOTLINE in " ".join(b["text"] for b in replies())


def test_slack_request_url_check(stack):
    """Slack checks the Request URL of event subscriptions before it sends any event."""
    body = json.dumps(
        {
            "token": "Jhj5dZrVaK7ZwHHjRyZWjbDl",
            "type": "url_verification",
            "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
        }
    ).encode()
    status, text = stack.post("/webhooks/slack/webhook", body, slack_signed_headers(body, "application/json"))
    assert (status, json.loads(text)) == (200, {"challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"})
    status, _ = stack.post("/webhooks/slack/webhook", body, {"Content-Type": "application/json"})
    assert status == 400


def test_slack_refuses_unsigned_and_forged_requests(stack):
    body = json.dumps(slack_message_event("Was ist ESCA?", "1764288002.000100")).encode()
    stack.fakes.clear()
    status, _ = stack.post("/webhooks/slack/webhook", body, {"Content-Type": "application/json"})
    assert status == 400
    status, _ = stack.post("/webhooks/slack/webhook", body, slack_signed_headers(body, "application/json", "wrong"))
    assert status == 400
    time.sleep(0.3)
    assert not stack.fakes.calls("slack")


# --- Microsoft Teams (Bot Framework) --------------------------------------------------------
def _bf_text(activity: Dict[str, Any]) -> str:
    cards = [a["content"].get("text") or "" for a in activity.get("attachments") or []]
    return " ".join([activity.get("text") or ""] + cards)


def test_bot_framework(stack):
    fakes = stack.fakes
    app_id = BOTFRAMEWORK_ENV["BOTFRAMEWORK_APP_ID"]
    auth = {"Content-Type": "application/json", "Authorization": f"Bearer {stack.bot_framework_token(app_id)}"}
    conversation = "a:1Xq2w3e4r5t6z7u8i9o0pAsDfGhJkL"

    def send(activity: Dict[str, Any]) -> List[Dict[str, Any]]:
        fakes.clear()
        status, text = stack.post("/webhooks/botframework/webhook", json.dumps(activity).encode(), auth)
        assert (status, text) == (200, "success")
        calls = fakes.calls("teams")
        assert calls and all(c["method"] == f"v3/conversations/{conversation}/activities" for c in calls)
        assert all(c["headers"]["Authorization"] == f"Bearer {FakeApis.BF_TOKEN}" for c in calls)
        return [c["body"] for c in calls]

    sent = send(teams_activity(stack, "Was ist ESCA?", "1764288000001"))
    assert sent[0]["type"] == "message" and sent[0]["recipient"]["id"] == "29:1AbCdEfGhIjKlMnOpQrStUvWxYz"
    assert "European Secretariat for Cluster Analysis" in _bf_text(sent[0])

    sent = send(teams_activity(stack, "Was kannst du?", "1764288000002"))
    assert len(sent) == 1
    card = sent[0]["attachments"][0]
    assert card["contentType"] == "application/vnd.microsoft.card.hero"
    assert card["content"]["text"].startswith("Ich kann Ihnen zum Beispiel helfen")
    buttons = card["content"]["buttons"]
    assert [b["title"] for b in buttons] == CAPABILITY_TITLES
    assert all(b["type"] == "messageBack" and b["displayText"] == b["title"] for b in buttons)
    assert buttons[-1]["text"] == "/faq_kontakt"

    # The user clicks "Kontakt": Teams sends the button's text (and value) as a message activity.
    sent = send(teams_activity(stack, buttons[-1]["text"], "1764288000003", value=buttons[-1]["value"]))
    assert HOTLINE in " ".join(_bf_text(a) for a in sent)


def test_bot_framework_fetches_its_token_with_the_app_credentials(stack):
    # Other tests may have run first; make the connector fetch a fresh token now.
    import rasa.core.channels.botframework as botframework

    botframework.BotFramework.token_expiration_date = datetime.datetime.now() - datetime.timedelta(seconds=1)
    app_id = BOTFRAMEWORK_ENV["BOTFRAMEWORK_APP_ID"]
    stack.fakes.clear()
    status, _ = stack.post(
        "/webhooks/botframework/webhook",
        json.dumps(teams_activity(stack, "Danke", "1764288000004")).encode(),
        {"Content-Type": "application/json", "Authorization": f"Bearer {stack.bot_framework_token(app_id)}"},
    )
    assert status == 200
    token_calls = [r for r in stack.fakes.requests if r["method"].endswith("oauth2/v2.0/token")]
    assert [c["method"] for c in token_calls] == [f"{TENANT}/oauth2/v2.0/token"]  # the bot's own tenant
    assert token_calls[0]["body"] == {
        "client_id": app_id,
        "client_secret": BOTFRAMEWORK_ENV["BOTFRAMEWORK_APP_PASSWORD"],
        "grant_type": "client_credentials",
        "scope": "https://api.botframework.com/.default",
    }


def test_bot_framework_token_without_tenant_comes_from_botframework_com():
    import rasa.core.channels.botframework as botframework

    from rasa_ext.channels import BotFramework

    login = botframework.MICROSOFT_OAUTH2_URL  # https://login.microsoftonline.com unless faked
    args = ("app", "secret", {"id": "a:1"}, {"id": "28:app"}, "https://smba.trafficmanager.net/emea/")
    assert BotFramework(*args).token_url == f"{login}/botframework.com/oauth2/v2.0/token"  # multi-tenant
    assert BotFramework(*args, TENANT).token_url == f"{login}/{TENANT}/oauth2/v2.0/token"


@pytest.mark.parametrize("authorization", [None, "Bearer not-a-jwt", "wrong audience", "expired"])
def test_bot_framework_refuses_requests_without_a_valid_token(stack, authorization):
    app_id = BOTFRAMEWORK_ENV["BOTFRAMEWORK_APP_ID"]
    if authorization == "wrong audience":
        authorization = f"Bearer {stack.bot_framework_token('another-app')}"
    elif authorization == "expired":
        authorization = f"Bearer {stack.bot_framework_token(app_id, exp=int(time.time()) - 600)}"
    headers = {"Content-Type": "application/json", **({"Authorization": authorization} if authorization else {})}
    stack.fakes.clear()
    status, _ = stack.post(
        "/webhooks/botframework/webhook",
        json.dumps(teams_activity(stack, "Was ist ESCA?", "1764288000009")).encode(),
        headers,
    )
    assert status == 401
    assert not stack.fakes.calls("teams")
