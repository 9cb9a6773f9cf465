"""Attacks on the running servers: oversized and malformed bodies, missing and forged senders,
forged trackers at the action server, secrets on command lines, file permissions."""

from __future__ import annotations

import json
import stat
import threading
import time
import zlib

import pytest

from tests.adversarial.test_hostile_input import ADVERSARIAL_UNITS, _text
from tests.stack import http

KB = 1024
GREETING = "Guten Tag"


def _timed(function):
    started = time.perf_counter()
    result = function()
    return result, time.perf_counter() - started


@pytest.mark.parametrize("pattern", sorted(ADVERSARIAL_UNITS))
def test_a_megabyte_of_attack_text_is_answered_in_linear_time_while_others_are_served(running_bot, pattern):
    """The stack accepts bodies up to 8 MB here, so 1 MB goes through the door and the whole
    pipeline; a quadratic step anywhere would make the second answer 100x slower than the first."""
    unit = ADVERSARIAL_UNITS[pattern]
    greetings = []

    def another_user() -> None:
        greetings.append(running_bot.text(f"bystander-{pattern}", "Hallo"))

    def attack(size: int):
        return running_bot.say(f"attacker-{pattern}", _text(unit, size))

    (small_status, small_replies), small = _timed(lambda: attack(100 * KB))
    bystander = threading.Thread(target=another_user)
    bystander.start()
    (large_status, large_replies), large = _timed(lambda: attack(1000 * KB))
    bystander.join(60)
    assert small_status == large_status == 200
    for replies in (small_replies, large_replies):  # too long, or empty once whitespace is stripped
        assert "zu lang" in replies[0]["text"] or "war leer" in replies[0]["text"], replies
    assert large / small < 30, f"{small:.3f}s -> {large:.3f}s"
    assert greetings and GREETING in greetings[0]


def _status_for_announced_body(url: str, path: str, length: int) -> int:
    """Announces a body of `length` bytes, sends the first KB, and reads the status: the server
    must refuse from the announced size, without reading (or waiting for) the rest."""
    import socket
    from urllib.parse import urlsplit

    host, port = urlsplit(url).hostname, urlsplit(url).port
    with socket.create_connection((host, port), timeout=30) as connection:
        connection.sendall(
            f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {length}\r\n\r\n".encode()
            + b"x" * 1024
        )
        status_line = connection.makefile("rb").readline().decode("latin-1")
    return int(status_line.split()[1])


def test_bodies_over_the_limit_are_refused_by_rasa_from_their_announced_size(running_bot):
    assert _status_for_announced_body(running_bot.rasa_url, "/webhooks/rest/webhook", 9 * 1024 * KB) == 413


def test_the_web_server_refuses_bodies_over_the_default_limit(configure):
    import asyncio

    from aiohttp.test_utils import TestClient, TestServer

    from bot.web.app import create_app
    from bot.web.dashboard.views import LOGIN_PATH

    configure(MAX_REQUEST_BYTES=None)  # the default, not this module's 8 MB

    async def post() -> int:
        async with TestClient(TestServer(create_app(rasa_url="http://localhost:5005"))) as client:
            response = await client.post(LOGIN_PATH, data={"username": "x" * (100 * KB)})
            return response.status

    assert asyncio.run(post()) == 413


@pytest.mark.parametrize(
    "body, reason",
    [
        (b"", "Leerer Anfragekörper"),
        (b"   ", "Leerer Anfragekörper"),
        (b"[1, 2]", "JSON-Objekt"),
        (b'"Hallo"', "JSON-Objekt"),
        (b"42", "JSON-Objekt"),
        (b"null", "JSON-Objekt"),
        (b"{kaputt", "kein gültiges JSON"),
        (b"[" * 5000, "kein gültiges JSON"),
        (b'{"message": "Hallo"}', '"sender"'),
        (b'{"sender": null, "message": "Hallo"}', '"sender"'),
        (b'{"sender": "", "message": "Hallo"}', '"sender"'),
        (b'{"sender": 17, "message": "Hallo"}', '"sender"'),
        (b'{"sender": ["a"], "message": "Hallo"}', '"sender"'),
        (b'{"sender": "a b", "message": "Hallo"}', '"sender"'),
        (b'{"sender": "telegram:48151623", "message": "Hallo"}', '"sender"'),
        (b'{"sender": "' + b"x" * 81 + b'", "message": "Hallo"}', '"sender"'),
        (b'{"sender": "a"}', '"message" fehlt'),
        (b'{"sender": "a", "message": null}', '"message" fehlt'),
        (b'{"sender": "a", "message": 5}', '"message" muss Text'),
        (b'{"sender": "a", "message": ["Hallo"]}', '"message" muss Text'),
        (b'{"sender": "a", "message": {"text": "Hallo"}}', '"message" muss Text'),
    ],
)
def test_malformed_bodies_get_400_with_a_reason(running_bot, body, reason):
    status, raw = http(f"{running_bot.rasa_url}/webhooks/rest/webhook", body, {"Content-Type": "application/json"})
    assert status == 400
    assert reason in json.loads(raw)["error"]


def test_requests_without_a_sender_never_share_a_conversation(running_bot):
    """Seen before: one client began a booking without a sender; another's "Hallo" sent with
    sender null became the first client's organisation."""
    assert running_bot.say(None, "Ich möchte einen Beratungstermin vereinbaren")[0] == 400
    assert running_bot.say(None, "Hallo")[0] == 400
    status, raw = http(
        f"{running_bot.rasa_url}/webhooks/rest/webhook",
        json.dumps({"message": "Hallo"}).encode(),
        {"Content-Type": "application/json"},
    )
    assert status == 400


def test_rest_senders_live_in_their_own_namespace(running_bot):
    import sqlalchemy as sa

    running_bot.text("namespace-probe", "Hallo")
    engine = sa.create_engine(f"sqlite:///{running_bot.var / 'tracker.db'}")
    with engine.connect() as connection:
        senders = {row[0] for row in connection.execute(sa.text("select distinct sender_id from events"))}
    assert "rest:namespace-probe" in senders and "namespace-probe" not in senders


def _forged_tracker(action: str, slots: dict) -> dict:
    return {
        "next_action": action,
        "sender_id": "web:victim",
        "version": "3.6.21",
        "domain": {},
        "tracker": {
            "sender_id": "web:victim",
            "slots": slots,
            "latest_message": {"text": "x", "intent": {}},
            "events": [],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        },
    }


@pytest.mark.parametrize("headers", [{}, {"X-Gocluster-Action-Token": "guessed"}, {"X-Gocluster-Action-Token": ""}])
def test_the_action_server_refuses_forged_trackers(running_bot, headers):
    body = json.dumps(_forged_tracker("action_draft_summary", {"draft_reference": "GC-A-22222"})).encode()
    status, raw = http(f"{running_bot.actions_url}/webhook", body, {"Content-Type": "application/json", **headers})
    assert status == 401 and b"GC-A" not in raw


def test_the_action_server_limits_bodies_and_inflation(running_bot):
    from bot.security import ACTION_TOKEN_HEADER as TOKEN_HEADER
    from bot.security import action_token

    headers = {TOKEN_HEADER: action_token(), "Content-Type": "application/json"}
    bomb = zlib.compress(b"{" + b" " * (64 * 1024 * 1024) + b"}", 9)  # 64 MB inflated, 64 KB sent
    status, _ = http(f"{running_bot.actions_url}/webhook", bomb, {**headers, "Content-Encoding": "deflate"})
    assert status == 413
    status, raw = http(f"{running_bot.actions_url}/webhook", b"[" * 10_000, headers)
    assert status == 400 and b"[[" not in raw


def test_a_failing_action_answers_without_the_request(running_bot):
    from bot.security import ACTION_TOKEN_HEADER as TOKEN_HEADER
    from bot.security import action_token

    forged = _forged_tracker("action_confirm_booking", {"consultation_slot": "kein Datum, Erika Muster"})
    status, raw = http(
        f"{running_bot.actions_url}/webhook",
        json.dumps(forged).encode(),
        {TOKEN_HEADER: action_token(), "Content-Type": "application/json"},
    )
    assert status == 500 and b"Erika" not in raw and b"tracker" not in raw
    assert "Erika" not in running_bot.logs()


def listening_sockets():
    """(address, port) of every listening TCP socket on this machine, from /proc (Linux)."""
    found = set()
    for table, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        with open(table, encoding="ascii") as rows:
            for row in list(rows)[1:]:
                local, state = row.split()[1], row.split()[3]
                if state != "0A":  # LISTEN
                    continue
                address, port = local.split(":")
                raw = bytes.fromhex(address)
                if width == 8:
                    ip = ".".join(str(b) for b in reversed(raw))
                else:  # four little-endian 32-bit words
                    words = [raw[i : i + 4][::-1] for i in range(0, 16, 4)]
                    ip = ":".join(b"".join(words).hex()[i : i + 4] for i in range(0, 32, 4))
                found.add((ip, int(port, 16)))
    return found


LOOPBACK = ("127.0.0.1", "0000:0000:0000:0000:0000:0000:0000:0001")


def test_private_services_listen_on_loopback_only(running_bot):
    ports = {int(url.rsplit(":", 1)[1]) for url in (running_bot.rasa_url, running_bot.actions_url, running_bot.web_url)}
    listening = [(ip, port) for ip, port in listening_sockets() if port in ports]
    assert {port for _ip, port in listening} == ports
    assert all(ip in LOOPBACK for ip, _port in listening), listening


def test_no_secret_on_any_command_line(running_bot, configure):
    from bot.cli.serve import services

    configure(RASA_API_TOKEN="api-token-that-must-stay-hidden", REST_CHANNEL_TOKEN="rest-token-hidden")
    commands = [" ".join(s.command) for s in services("models/gocluster.tar.gz")]
    running = [
        open(f"/proc/{s.process.pid}/cmdline", "rb").read().replace(b"\0", b" ").decode() for s in running_bot.services
    ]
    for command in commands + running:
        assert "hidden" not in command and "--auth-token" not in command
        assert "test-secret-key" not in command


def test_runtime_files_are_private(running_bot):
    """Databases, logs, the secret and the generated credentials: owner only, however started."""
    files = [p for p in running_bot.var.rglob("*") if p.is_file()]
    expected = {"gocluster.db", "tracker.db", "credentials.effective.yml", "endpoints.effective.yml"}
    assert expected <= {p.name for p in files}
    for path in files:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode & 0o077 == 0, f"{path} has mode {oct(mode)}"
