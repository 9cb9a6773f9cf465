"""The production topology on one machine, started by its one command and attacked while it works.

`python -m bot serve --rasa-servers 2 --action-servers 2 --web-servers 2` against PostgreSQL (two
databases of this run) and a Redis server of this module's own (so that it can be restarted):
2 Rasa servers, 2 action servers, 2 web servers and HAProxy in front. One topology for the module
(starting it takes about half a minute); the tests run in file order and the later ones kill parts
of it.

What is shown: the doors (only the balancer's public port beyond loopback, HAProxy unprivileged, no
secret on a command line, one key in every server), sticky socket.io through the balancer, messages
of one conversation alternating between both Rasa servers processed in order with none lost, 50
users booking the same week with no double booking, kill -9 of a Rasa and an action server and a
Redis restart under load without losing a confirmed booking or a saved draft field, dashboard logins
valid on both web servers, and every service coming back by itself after a crash.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import pytest
import sqlalchemy as sa

from bench.servers import free_ports
from tests import databases
from tests.conftest import MODEL_PATH

OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback only, never a proxy
REFERENCE = re.compile(r"GC-B-[0-9A-Z]{5}")
START_TIMEOUT_S = 300
LOCK_LIFETIME_S = 20
SECRET_IN_TEST = "cluster-test-secret-never-on-argv"


def http(
    url: str, body: Optional[bytes] = None, headers: Optional[Dict[str, str]] = None, timeout: float = 90
) -> Tuple[int, bytes, Dict[str, str]]:
    request = urllib.request.Request(url, data=body, headers=headers or {})
    try:
        with OPENER.open(request, timeout=timeout) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)


def rest(base: str, sender: str, text: str, timeout: float = 90) -> list:
    body = json.dumps({"sender": sender, "message": text}).encode("utf-8")
    status, raw, _headers = http(f"{base}/webhooks/rest/webhook", body, {"Content-Type": "application/json"}, timeout)
    if status != 200:
        raise OSError(f"HTTP {status}")
    return json.loads(raw)


def text_of(replies: list) -> str:
    return "\n".join(r.get("text") or "" for r in replies)


class RedisServer:
    """A Redis of the module's own on a free port, without persistence: restartable at will."""

    def __init__(self, folder: Path) -> None:
        self.port = free_ports(1)
        self.folder = folder
        self.process: Optional[subprocess.Popen] = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                databases.redis_server_binary(),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],
            stdout=subprocess.DEVNULL,
        )
        import redis

        deadline = time.monotonic() + 20
        while True:
            try:
                redis.Redis.from_url(self.url, socket_connect_timeout=1).ping()
                return
            except redis.exceptions.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@dataclass
class Cluster:
    process: subprocess.Popen
    var: Path
    env: Dict[str, str]
    public: str  # the balancer's public door
    internal: str  # the balancer's private door (loopback)
    rasa: List[str]  # each Rasa server directly
    web: List[str]
    database_url: str
    tracker_url: str
    redis: RedisServer
    output: Path

    def state(self) -> dict:
        return json.loads((self.var / "serve.json").read_text("utf-8"))

    def service(self, name: str) -> dict:
        return next(s for s in self.state()["services"] if s["name"] == name)

    def pids(self) -> Dict[str, int]:
        return {s["name"]: s["pid"] for s in self.state()["services"]}

    def serve_log(self) -> str:
        return (self.var / "log" / "serve.log").read_text("utf-8") if (self.var / "log" / "serve.log").exists() else ""

    def healthy(self) -> bool:
        for service in self.state()["services"]:
            try:
                status, _body, _headers = http(service["health_url"], timeout=3)
            except OSError:
                return False
            if status != 200:
                return False
        return True

    def wait_healthy(self, timeout: float = START_TIMEOUT_S) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail("bot serve ended:\n" + self.output.read_text("utf-8", errors="replace")[-3000:])
            try:
                if self.healthy():
                    return
            except (OSError, ValueError, KeyError):
                pass
            time.sleep(0.5)
        pytest.fail("the cluster did not become healthy:\n" + self.output.read_text("utf-8", errors="replace")[-3000:])


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, postgres_admin_url):
    if not MODEL_PATH.exists():
        pytest.fail(f"{MODEL_PATH} is missing: run the tests with `make test`, which trains it first")
    base = tmp_path_factory.mktemp("cluster")
    var = base / "var"
    redis_server = RedisServer(base)
    redis_server.start()
    app_db = databases.create_database(postgres_admin_url)
    tracker_db = databases.create_database(postgres_admin_url)
    rasa, actions, web, front = free_ports(2), free_ports(2), free_ports(2), free_ports(2)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("RATE_LIMIT_", "BALANCER", "RASA_", "ACTION", "WEB_", "LOCK_", "REDIS_URL"))
    }
    env.pop("GOCLUSTER_SECRET_KEY", None)  # the command must hand one key to every server itself
    env.update(
        {
            "GOCLUSTER_VAR_DIR": str(var),
            "DATABASE_URL": app_db,
            "TRACKER_DATABASE_URL": tracker_db,
            "LOCK_STORE_URL": redis_server.url,
            "LOCK_LIFETIME_SECONDS": str(LOCK_LIFETIME_S),
            "RASA_PORT": str(rasa),
            "ACTIONS_PORT": str(actions),
            "WEB_PORT": str(web),
            "BALANCER_PORT": str(front),
            "BALANCER_INTERNAL_PORT": str(front + 1),
            "RASA_TELEMETRY_ENABLED": "false",
            "PYTHONUNBUFFERED": "1",
            # All test users come from one address; the per-conversation door stays as configured.
            "RATE_LIMIT_MESSAGES_PER_CLIENT": "100000/min",
            "RATE_LIMIT_BOOKINGS_PER_CLIENT": "10000/d",
            "RATE_LIMIT_SLOT_HOLDS_PER_CLIENT": "10000/h",
            "RATE_LIMIT_MESSAGES_PER_CONVERSATION": "600/min",
        }
    )
    output = base / "serve.out"
    with open(output, "wb") as sink:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bot",
                "serve",
                "--model",
                str(MODEL_PATH),
                "--rasa-servers",
                "2",
                "--action-servers",
                "2",
                "--web-servers",
                "2",
            ],
            cwd=Path(__file__).resolve().parent.parent,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    running = Cluster(
        process,
        var,
        env,
        f"http://127.0.0.1:{front}",
        f"http://127.0.0.1:{front + 1}",
        [f"http://127.0.0.1:{rasa}", f"http://127.0.0.1:{rasa + 1}"],
        [f"http://127.0.0.1:{web}", f"http://127.0.0.1:{web + 1}"],
        app_db,
        tracker_db,
        redis_server,
        output,
    )
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not (var / "serve.json").exists() and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.2)
        running.wait_healthy(max(1.0, deadline - time.monotonic()))
        time.sleep(2)  # the balancer's next health check sees every server
        yield running
    finally:
        pids = []
        try:
            pids = list(running.pids().values())
        except (OSError, ValueError):
            pass
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(60)
            except subprocess.TimeoutExpired:
                process.kill()
        for pid in pids:  # nothing of ours outlives the module, whatever happened
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, TypeError):
                pass
        redis_server.kill()
        databases.drop_database(app_db, postgres_admin_url)
        databases.drop_database(tracker_db, postgres_admin_url)


# --- the doors ------------------------------------------------------------------------------
def _listening(pid: int) -> List[Tuple[str, int]]:
    """(address, port) of the TCP sockets process `pid` listens on."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    found = []
    for table, width in (("tcp", 8), ("tcp6", 32)):
        for line in Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]:
            parts = line.split()
            if parts[3] != "0A" or parts[9] not in inodes:  # 0A: LISTEN
                continue
            address, port = parts[1].split(":")
            raw = bytes.fromhex(address)
            if width == 8:
                host = socket.inet_ntop(socket.AF_INET, raw[::-1])
            else:
                host = socket.inet_ntop(socket.AF_INET6, b"".join(raw[i : i + 4][::-1] for i in range(0, 16, 4)))
            found.append((host, int(port, 16)))
    return found


def test_only_the_balancer_is_public_and_every_server_shares_one_key(cluster):
    pids = cluster.pids()
    assert sorted(pids) == ["actions-1", "actions-2", "balancer", "rasa-1", "rasa-2", "web-1", "web-2"]
    public_port = int(cluster.public.rsplit(":", 1)[1])
    keys = set()
    for name, pid in pids.items():
        sockets = _listening(pid)
        assert sockets, name
        for host, port in sockets:
            if name == "balancer" and port == public_port:
                assert host == "0.0.0.0"  # the one public door (BALANCER_HOST default)
            else:
                assert host in ("127.0.0.1", "::1"), (name, host, port)
        command_line = Path(f"/proc/{pid}/cmdline").read_bytes().decode("utf-8", "replace")
        for secret in ("postgresql://", "redis://", "GOCLUSTER_SECRET_KEY"):
            assert secret not in command_line, (name, secret)
        raw = Path(f"/proc/{pid}/environ").read_bytes().decode("utf-8", "replace")
        environment = dict(entry.split("=", 1) for entry in raw.split("\0") if "=" in entry)
        if name != "balancer":
            keys.add(environment.get("GOCLUSTER_SECRET_KEY"))
    assert len(keys) == 1 and None not in keys and len(keys.pop()) >= 32
    if os.geteuid() == 0:  # started by root, HAProxy gives root up after binding its ports
        status = Path(f"/proc/{pids['balancer']}/status").read_text()
        uid = next(line.split()[1] for line in status.splitlines() if line.startswith("Uid:"))
        assert uid != "0"


def test_the_public_door_serves_only_public_paths(cluster):
    assert http(f"{cluster.public}/")[0] == 200
    assert http(f"{cluster.public}/health")[0] == 200
    body = json.dumps({"sender": "x", "message": "Hallo"}).encode()
    assert http(f"{cluster.public}/webhooks/rest/webhook", body, {"Content-Type": "application/json"})[0] == 404
    assert http(f"{cluster.public}/status")[0] == 404  # Rasa's HTTP API
    assert http(f"{cluster.public}/webhook", b"{}")[0] in (404, 405)  # never an action server
    status, _body, headers = http(f"{cluster.public}/hotline/")  # from loopback: on the allow-list
    assert status in (200, 303) or "anmelden" in headers.get("Location", "")
    # The private door (loopback) reaches the REST channel.
    assert "ESCA" in text_of(rest(cluster.internal, "door-check", "Was ist ESCA?"))


# --- socket.io through the balancer -----------------------------------------------------------
async def _chat(
    url: str, transports: List[str], token: Optional[str] = None, text: str = "Was ist ESCA?"
) -> Tuple[str, str, str]:
    """Connects through the balancer, asks for a session, sends a message; returns the engine.io
    session id (naming the Rasa server), the session token and the answer."""
    import socketio

    client = socketio.AsyncClient(reconnection=False)
    confirmed: asyncio.Future = asyncio.get_running_loop().create_future()
    answers: List[str] = []
    answered = asyncio.Event()

    @client.on("session_confirm")
    async def on_session(data):
        if not confirmed.done():
            confirmed.set_result(data)

    @client.on("bot_uttered")
    async def on_answer(data):
        answers.append(data.get("text") or "")
        answered.set()

    await client.connect(
        url,
        transports=transports,
        socketio_path="/socket.io",
        headers={"Origin": url.replace("127.0.0.1", "localhost")},
        wait_timeout=20,
    )
    try:
        sid = client.eio.sid
        await client.emit("session_request", {"session_id": token})
        session = await asyncio.wait_for(confirmed, 20)
        await client.emit("user_uttered", {"message": text})
        await asyncio.wait_for(answered.wait(), 60)
        await asyncio.sleep(0.3)  # several messages may make up one answer
        return sid, session, "\n".join(answers)
    finally:
        # Without waiting for the last long poll to return (up to the 25 s ping interval).
        await client.eio.disconnect(abort=True)


def test_socketio_stays_on_the_server_that_opened_it(cluster):
    async def scenario():
        seen = []
        for transports in (
            ["polling"],
            ["polling"],
            ["polling"],
            ["polling"],
            ["polling", "websocket"],
            ["polling", "websocket"],
        ):
            sid, token, answer = await _chat(cluster.public, transports)
            assert "ESCA" in answer, (transports, answer)
            seen.append((sid.split(".", 1)[0], token))
        return seen

    seen = asyncio.run(scenario())
    # Round robin spread the sockets over both servers; each one's polls and upgrade stayed on its
    # server (elsewhere engine.io answers "Invalid session" and the chat would not have worked).
    assert {node for node, _token in seen} == {"rasa1", "rasa2"}


def test_a_chat_session_moves_to_the_other_rasa_server(cluster):
    """A session signed by one Rasa server is resumed on the other (one key), with its history."""

    async def scenario():
        first_sid, token, _answer = await _chat(
            cluster.public, ["polling"], text="Ich möchte einen Beratungstermin vereinbaren"
        )
        for _attempt in range(10):
            sid, resumed, answer = await _chat(cluster.public, ["polling"], token=token, text="Video")
            if sid.split(".")[0] != first_sid.split(".")[0]:
                return token, resumed, answer
        raise AssertionError("never reached the other server")

    token, resumed, answer = asyncio.run(scenario())
    assert resumed == token
    assert "Wann passt es Ihnen" in answer  # the booking started on the other server goes on


# --- one conversation, two Rasa servers -----------------------------------------------------
TERMS = [
    "ESCA",
    "ECEI",
    "Clustermanagement",
    "KMU",
    "Gold-Label",
    "Cluster",
    "Clusterakteure",
    "Benchmarking",
    "go-cluster",
    "Silber-Label",
    "Bronze-Label",
    "Innovationscluster",
]


def test_messages_alternating_between_rasa_servers_keep_their_order(cluster):
    """Each message goes to the other Rasa server, the next one already sent while the previous is
    still being processed (once its ticket is drawn): the lock in Redis makes them take turns."""
    import redis

    store = redis.Redis.from_url(cluster.redis.url)
    sender = f"alternating-{random.randint(0, 10**9)}"
    key = f"gocluster:lock:rest:{sender}"
    questions = [f"Was ist {term}?" for term in TERMS]
    replies: Dict[int, list] = {}
    errors: List[BaseException] = []

    def send(number: int) -> None:
        try:
            replies[number] = rest(cluster.rasa[number % 2], sender, questions[number])
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = []
    for number in range(len(questions)):
        thread = threading.Thread(target=send, args=(number,))
        thread.start()
        threads.append(thread)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and number not in replies and not errors:
            raw = store.get(key)
            waiting = len(json.loads(raw)["tickets"]) if raw else 0
            in_flight = sum(1 for n in range(number + 1) if n not in replies)
            if waiting >= in_flight:  # every message in flight, this one included, holds a ticket
                break
            time.sleep(0.002)
    for thread in threads:
        thread.join(120)
    assert not errors, errors
    engine = sa.create_engine(cluster.tracker_url)
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                "SELECT type_name, data FROM events WHERE sender_id = :s AND type_name IN ('user', 'bot') ORDER BY id"
            ),
            {"s": f"rest:{sender}"},
        ).all()
    engine.dispose()
    users = [json.loads(data)["text"] for kind, data in rows if kind == "user"]
    assert users == questions  # in order, each once, none lost
    kinds = [kind for kind, _data in rows]
    assert all(kinds[i + 1] == "bot" for i, kind in enumerate(kinds) if kind == "user")  # each answered in turn
    for number, question in enumerate(questions):
        assert replies[number], question  # and each sender got its own answer


# --- booking and drafts under load ----------------------------------------------------------
WEEKS = ["nächste Woche", "übernächste Woche", "in drei Wochen", "in vier Wochen", "in fünf Wochen"]
BOOKING_ANSWERS = {
    "Telefon oder per Video": "Video",
    "Wann passt es Ihnen": "{week}",
    "einverstanden": "ja",
    "Wie ist Ihr Name": "Nutzer {n}",
    "Clustermanagement-Organisation": "Cluster {n} GmbH",
    "Wie heißt Ihr Cluster": "Cluster {n}",
    "E-Mail-Adresse dürfen wir": "nutzer{n}@example.org",
    "Bitte prüfen Sie Ihre Angaben": "/affirm",
}


@dataclass
class User:
    """A chat user who answers what the bot asks and, when an answer does not come (a server died
    under them), sends the same message again, as a person would."""

    base: str
    name: str
    errors: int = 0
    turns: int = 0
    answered_after_error: bool = True
    log: List[str] = field(default_factory=list)

    def say(self, text: str) -> list:
        for attempt in range(8):
            self.turns += 1
            try:
                replies = rest(self.base, self.name, text)
            except OSError as error:
                replies, problem = [], str(error)
            else:
                problem = "" if replies and "technischer Fehler aufgetreten" not in text_of(replies) else "no answer"
            if not problem:
                if attempt:
                    self.answered_after_error = True
                return replies
            self.errors += 1
            self.answered_after_error = False
            self.log.append(f"{text!r}: {problem}")
            time.sleep(1 + attempt)
        return []


def book(user: User, number: int) -> str:
    """A whole booking; the reference the bot confirmed, or "" if the confirmation itself got lost."""
    replies = user.say("Ich möchte einen Beratungstermin vereinbaren")
    last = "Ich möchte einen Beratungstermin vereinbaren"
    weeks = 0  # a week that is fully booked: the bot asks again, the user names a later one
    for _turn in range(40):
        text = text_of(replies)
        reference = REFERENCE.search(text)
        if reference and "Buchungsnummer" in text:
            return reference.group(0)
        slots = [
            b["payload"]
            for r in replies
            for b in r.get("buttons") or []
            if re.match(r"\d{4}-\d{2}-\d{2}T", b.get("payload") or "")
        ]
        if slots:
            last = random.choice(slots)
        else:
            answer = next((a for question, a in BOOKING_ANSWERS.items() if question in text), None)
            if answer == "{week}":
                answer, weeks = WEEKS[min(weeks, len(WEEKS) - 1)], weeks + 1
            last = answer.format(n=number) if answer else last  # not understood what it asks: say it again
        replies = user.say(last)
        user.log.append(f"{last!r} -> {text_of(replies)[:160]!r}")
    return ""


def confirmed_bookings(url: str) -> Dict[str, str]:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT reference, slot_start FROM bookings WHERE status = 'confirmed'")
        ).all()
    engine.dispose()
    return {reference: str(slot) for reference, slot in rows}


def assert_no_double_booking(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        doubles = connection.execute(
            sa.text(
                "SELECT slot_start FROM bookings WHERE status = 'confirmed' GROUP BY slot_start HAVING COUNT(*) > 1"
            )
        ).all()
    engine.dispose()
    assert doubles == []


def test_fifty_users_book_the_same_week_without_double_booking(cluster):
    users = [User(cluster.internal, f"week-{n}") for n in range(50)]
    with ThreadPoolExecutor(50) as pool:
        references = list(pool.map(lambda pair: book(*pair), [(u, n) for n, u in enumerate(users)]))
    assert_no_double_booking(cluster.database_url)
    stored = confirmed_bookings(cluster.database_url)
    # A chosen slot is held for its chooser, so no confirmation finds it taken: everyone gets a booking.
    unfinished = ["\n".join(u.log[-6:]) for u, r in zip(users, references, strict=True) if not r]
    assert unfinished == [], "\n\n".join(unfinished)
    booked = [r for r in references if r]
    assert len(set(booked)) == len(booked) and set(booked) <= set(stored)  # every confirmation is stored
    assert len({stored[r] for r in booked}) == len(booked)  # each in a slot of its own
    assert sum(u.errors for u in users) == 0, [u.log for u in users if u.log]


DRAFT_ANSWERS = {
    "Wie heißt Ihr Cluster": ("cluster_name", "Entwurfscluster {n}"),
    "Clustermanagement-Organisation, die den Antrag": ("organisation", "Entwurf Organisation {n} GmbH"),
    "Rechtsform": ("legal_form", "GmbH"),
    "Bundesland": ("federal_state", "Berlin"),
    "Technologiefeld": ("technology_field", "Mobilität {n}"),
}


def draft(user: User, number: int, reference: str, email: str) -> Dict[str, str]:
    """Fills the first fields of a draft; returns the fields the bot accepted (it asked the next one).
    When an answer names no question (a server died under it), the user opens the draft again."""
    saved: Dict[str, str] = {}
    pending: Optional[Tuple[str, str]] = None
    for entry in range(4):
        user.say("Antrag fortsetzen" if entry % 2 else "Ich möchte einen Antrag anlegen")
        user.say(reference)
        replies = user.say(email)
        for _turn in range(30):
            text = text_of(replies)
            asked = next(((question, spec) for question, spec in DRAFT_ANSWERS.items() if question in text), None)
            if pending and (asked is None or asked[1][0] != pending[0]):
                if asked is not None:
                    saved[pending[0]] = pending[1]  # the bot asked the next field: the answer was taken
                pending = None
            if len(saved) >= 4:
                return saved
            if asked is None:
                user.log.append(f"no question in: {text[:200]!r}")
                break
            pending = (asked[1][0], asked[1][1].format(n=number))
            replies = user.say(pending[1])
    return saved


def held_consultations(url: str, count: int) -> List[Tuple[str, str]]:
    """Bookings already held (staff marked them), so that drafts can be opened for them; weeks
    ahead, out of the way of the users booking "nächste Woche"."""
    from zoneinfo import ZoneInfo

    from bot.booking.calendar import load_calendar_config
    from bot.booking.service import BookingRequest, BookingService, SlotUnavailable
    from bot.storage.db import session_factory
    from tests.conftest import mark_held_after_start

    now = datetime.now(timezone.utc)
    service = BookingService(session_factory(url), load_calendar_config(), clock=lambda: now)
    berlin = ZoneInfo("Europe/Berlin")
    results: List[Tuple[str, str]] = []
    day = (now + timedelta(days=60)).astimezone(berlin).date()
    while len(results) < count:
        for hour in (9, 10, 11, 13, 14, 15):
            if len(results) == count:
                break
            slot = datetime(day.year, day.month, day.day, hour, tzinfo=berlin)
            try:
                booking = service.book(
                    BookingRequest(
                        slot,
                        "video",
                        f"Entwurf {len(results)}",
                        "Org",
                        "Cl",
                        f"entwurf{len(results)}@example.org",
                        None,
                        now,
                    )
                )
            except SlotUnavailable:  # weekends and holidays
                continue
            mark_held_after_start(service, booking.reference)  # staff mark it once it has begun
            results.append((booking.reference, booking.email))
        day += timedelta(days=1)
    return results


def stored_draft_fields(url: str) -> Dict[str, Dict[str, str]]:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT b.reference, d.fields FROM draft_applications d JOIN bookings b ON b.id = d.booking_id")
        ).all()
    engine.dispose()
    return {reference: json.loads(fields) for reference, fields in rows}


def test_kills_and_a_redis_restart_under_load_lose_nothing(cluster):
    """30 users book and 10 fill drafts while one Rasa server and one action server are killed
    (kill -9) and Redis restarts. Whatever a user was told is booked or saved is stored; every
    conversation gets answers again."""
    consultations = held_consultations(cluster.database_url, 10)
    bookers = [User(cluster.internal, f"load-{n}") for n in range(30)]
    drafters = [User(cluster.internal, f"draft-{n}") for n in range(10)]
    results: Dict[str, object] = {}

    def run_booker(number: int) -> None:
        results[bookers[number].name] = book(bookers[number], 100 + number)

    def run_drafter(number: int) -> None:
        reference, email = consultations[number]
        results[drafters[number].name] = (reference, draft(drafters[number], number, reference, email))

    pids = cluster.pids()
    with ThreadPoolExecutor(40) as pool:
        futures = [pool.submit(run_booker, n) for n in range(30)] + [pool.submit(run_drafter, n) for n in range(10)]
        time.sleep(4)
        os.kill(pids["rasa-1"], signal.SIGKILL)
        time.sleep(3)
        os.kill(pids["actions-1"], signal.SIGKILL)
        time.sleep(3)
        cluster.redis.kill()
        time.sleep(0.5)
        cluster.redis.start()
        for future in futures:
            future.result(timeout=600)
    stored = confirmed_bookings(cluster.database_url)
    told = [results[u.name] for u in bookers]
    assert set(r for r in told if r) <= set(stored)  # no confirmed booking lost
    assert_no_double_booking(cluster.database_url)
    drafts = stored_draft_fields(cluster.database_url)
    for user in drafters:
        reference, saved = results[user.name]
        assert saved, user.log
        for field_id, value in saved.items():  # no saved draft field lost
            assert drafts.get(reference, {}).get(field_id), (
                user.name,
                field_id,
                value,
                drafts.get(reference),
                user.log,
            )
    everyone = bookers + drafters
    assert all(u.answered_after_error for u in everyone), [u.log for u in everyone if not u.answered_after_error]
    # Most were never touched by the faults and simply went through.
    assert sum(1 for r in told if r) >= 20, [u.log for u in bookers]
    # And all conversations go on: each one is answered now.
    for user in everyone:
        assert rest(cluster.internal, user.name, "Was ist ESCA?"), user.name
    log = cluster.serve_log()
    assert "Dienst 'rasa-1' ist ausgefallen" in log and "Dienst 'actions-1' ist ausgefallen" in log


# --- the hotline dashboard on two web servers -----------------------------------------------
def test_a_dashboard_login_on_one_web_server_is_valid_on_the_other(cluster):
    subprocess.run(
        [sys.executable, "-m", "bot", "staff-account", "add", "anna", "--password-stdin"],
        input=b"ein sehr langes Passwort 123\n",
        env=cluster.env,
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
        stdout=subprocess.DEVNULL,
    )
    first, second = cluster.web

    def hidden(body: bytes) -> str:
        return re.search(rb'name="csrf_token" value="([^"]*)"', body).group(1).decode()

    # The login form from web-1, sent to web-2 (its signed cookie and the session in PostgreSQL).
    status, body, headers = http(f"{first}/hotline/anmelden")
    login_cookie = headers["Set-Cookie"].split(";", 1)[0]
    form = urllib.parse.urlencode(
        {"csrf_token": hidden(body), "username": "anna", "password": "ein sehr langes Passwort 123", "next": ""}
    ).encode()

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), NoRedirect)
    try:
        opener.open(
            urllib.request.Request(f"{second}/hotline/anmelden", data=form, headers={"Cookie": login_cookie}),
            timeout=30,
        )
        raise AssertionError("no redirect after login")
    except urllib.error.HTTPError as answer:
        assert answer.code == 303, answer.read()[:500]
        session_cookie = "; ".join(c.split(";", 1)[0] for c in answer.headers.get_all("Set-Cookie"))
    for server in (first, second, cluster.public, cluster.public):  # both, and the balancer twice
        status, body, _headers = http(f"{server}/hotline/", headers={"Cookie": session_cookie})
        assert status == 200 and b"anna" in body, (server, status)


# --- services come back by themselves -------------------------------------------------------
def test_every_service_comes_back_after_a_crash(cluster):
    cluster.wait_healthy(120)
    for name in ("balancer", "web-1", "actions-2", "rasa-2"):
        before = cluster.service(name)
        back = f"Dienst '{name}' ist wieder bereit"
        reported = cluster.serve_log().count(back)
        os.kill(before["pid"], signal.SIGKILL)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            now = cluster.service(name)
            try:
                if (
                    now["pid"] != before["pid"]
                    and http(now["health_url"], timeout=3)[0] == 200
                    and cluster.serve_log().count(back) > reported
                ):  # the supervisor saw it too
                    break
            except OSError:
                pass  # started again, not listening yet
            time.sleep(0.5)
        else:
            pytest.fail(f"{name} did not come back:\n{cluster.serve_log()}")
        assert cluster.service(name)["restarts"] == before["restarts"] + 1
        # The assistant answers again, through the balancer, and the chat page is served.
        assert "ESCA" in text_of(User(cluster.internal, f"after-{name}").say("Was ist ESCA?"))
        assert http(f"{cluster.public}/health")[0] == 200
    log = cluster.serve_log()
    for name in ("balancer", "web-1", "actions-2", "rasa-2"):
        assert f"Dienst '{name}' ist ausgefallen" in log and f"Dienst '{name}' ist wieder bereit" in log
    assert cluster.process.poll() is None  # the supervisor itself stayed up throughout
