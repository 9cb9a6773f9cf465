"""Hotline dashboard: login, lock-out, sessions, CSRF, pages, chart, CSV export, search, accounts."""

from __future__ import annotations

import asyncio
import csv
import hashlib
import io
import re
from datetime import datetime, timedelta
from typing import Awaitable, Callable
from zoneinfo import ZoneInfo

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot.applications.service import DraftService
from bot.booking.calendar import load_calendar_config
from bot.booking.service import BookingRequest, BookingService
from bot.handoff.service import TicketRequest, TicketService
from bot.storage.db import session_factory, unit_of_work
from bot.storage.models import StaffSession, StaffUser, Ticket
from bot.web.app import create_app
from bot.web.dashboard import DASHBOARD, Dashboard, DashboardOptions, passwords
from bot.web.dashboard.security import LOGIN_COOKIE, SESSION_COOKIE
from tests.conftest import mark_held_after_start

BERLIN = ZoneInfo("Europe/Berlin")
# Saturday of ISO week 48/2026, 10:00 in Berlin.
START = datetime(2026, 11, 28, 10, tzinfo=BERLIN)
PASSWORD = "korrekt-pferd-batterie"
INVALID = "Benutzername oder Passwort ist falsch."
LOCKED = "Zu viele fehlgeschlagene Anmeldeversuche"
PAGES = [
    "/hotline/",
    "/hotline/anfragen/GC-T-ABCDE",
    "/hotline/termine",
    "/hotline/entwuerfe",
    "/hotline/statistik",
    "/hotline/fragen",
    "/hotline/fragen.csv",
    "/hotline/suche?q=esca",
]


class FakeClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


@pytest.fixture(autouse=True)
def cheap_hashing(monkeypatch):
    """Real scrypt, but cheap parameters: the tests hash dozens of passwords."""
    monkeypatch.setattr(passwords, "DEFAULT_COST", passwords.Cost(n=2**10, r=8, p=1))


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def dashboard(database_url, clock) -> Dashboard:
    board = Dashboard(database_url, clock, DashboardOptions())
    board.accounts.add("anna", PASSWORD)
    return board


def run(dashboard: Dashboard, scenario: Callable[[TestClient], Awaitable]):
    """Runs `scenario` against the real web application, with the dashboard on the test database."""

    async def go():
        app = create_app(rasa_url="http://localhost:5005")
        app[DASHBOARD] = dashboard
        async with TestClient(TestServer(app)) as client:
            return await scenario(client)

    return asyncio.run(go())


def hidden(body: str, name: str = "csrf_token") -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', body)
    assert match, f"no hidden field {name}"
    return match.group(1)


async def login(client: TestClient, username: str = "anna", password: str = PASSWORD, next_path: str = ""):
    page = await client.get("/hotline/anmelden")
    token = hidden(await page.text())
    return await client.post(
        "/hotline/anmelden",
        allow_redirects=False,
        data={"csrf_token": token, "username": username, "password": password, "next": next_path},
    )


async def csrf_token(client: TestClient) -> str:
    return hidden(await (await client.get("/hotline/suche")).text())


def session_rows(dashboard: Dashboard):
    with unit_of_work(dashboard.sessions) as session:
        return [(row.id, row.csrf_token) for row in session.execute(select(StaffSession)).scalars()]


def ticket(
    dashboard: Dashboard,
    created: datetime,
    topic: str = "beratungstermin",
    status: str = "new",
    summary: str = "Rückruf zum Beratungstermin gewünscht",
    **fields,
):
    service = TicketService(dashboard.sessions, clock=lambda: created)
    values = dict(
        topic=topic,
        reason="asked_for_person",
        summary=summary,
        contact_name="Berta Beispiel",
        contact_email="berta@example.org",
        contact_phone="+49 30 1234567",
        callback_time="vormittags",
        concern="Ich möchte meinen Termin besprechen.",
        transcript=[
            {"time": "2026-11-27T09:00:00+00:00", "from": "Nutzer", "text": "Ich will einen Menschen"},
            {"time": "2026-11-27T09:00:01+00:00", "from": "Assistent", "text": "Gern, Ihr Name?"},
        ],
        channel="web",
        priority="medium",
    )
    values.update(fields)
    created_ticket = service.create(TicketRequest(**values))
    if status != "new":
        service.set_status(created_ticket.reference, status)
    return created_ticket


# --- access ------------------------------------------------------------------------------------
def test_every_page_redirects_to_login_without_a_session(dashboard):
    async def scenario(client):
        results = {}
        for path in PAGES:
            response = await client.get(path, allow_redirects=False)
            results[path] = (response.status, response.headers.get("Location", ""))
        for path in ("/hotline/abmelden", "/hotline/anfragen/GC-T-ABCDE/status"):
            response = await client.post(path, data={"csrf_token": "x"}, allow_redirects=False)
            results[path] = (response.status, response.headers.get("Location", ""))
        bare = await client.get("/hotline", allow_redirects=False)
        return results, bare.status, bare.headers["Location"]

    results, bare_status, bare_location = run(dashboard, scenario)
    for path, (status, location) in results.items():
        assert status == 303, path
        assert location.startswith("/hotline/anmelden"), path
    assert results["/hotline/termine"][1] == "/hotline/anmelden?next=%2Fhotline%2Ftermine"
    assert (bare_status, bare_location) == (303, "/hotline/")


def test_login_page_is_german_accessible_and_without_scripts(dashboard):
    async def scenario(client):
        response = await client.get("/hotline/anmelden")
        return response.status, response.headers, await response.text()

    status, headers, body = run(dashboard, scenario)
    assert status == 200
    assert '<html lang="de">' in body and '<label for="username">Benutzername</label>' in body
    assert '<label for="password">Passwort</label>' in body and "<script" not in body
    csp = headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp and "unsafe-inline" not in csp
    assert headers["Cache-Control"] == "no-store"
    cookie = headers["Set-Cookie"]
    assert cookie.startswith(f"{LOGIN_COOKIE}=") and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert "Path=/hotline" in cookie and "Secure" not in cookie


def test_login_sets_a_strict_session_cookie_whose_hash_is_stored(dashboard):
    async def scenario(client):
        response = await login(client, next_path="/hotline/termine")
        page = await client.get("/hotline/termine")
        return response, await page.text()

    response, page = run(dashboard, scenario)
    assert response.status == 303 and response.headers["Location"] == "/hotline/termine"
    cookie = response.cookies[SESSION_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Strict" and cookie["path"] == "/hotline"
    assert not cookie["secure"] and not cookie["max-age"]
    assert len(cookie.value) >= 43  # 32 random bytes
    [(stored_id, _csrf)] = session_rows(dashboard)
    assert stored_id == hashlib.sha256(cookie.value.encode()).hexdigest() and stored_id != cookie.value
    assert "Beratungstermine" in page and "Angemeldet als <strong>anna</strong>" in page


def test_secure_cookies_when_configured(database_url, clock):
    board = Dashboard(database_url, clock, DashboardOptions(secure_cookies=True))
    board.accounts.add("anna", PASSWORD)

    async def scenario(client):
        page = await client.get("/hotline/anmelden")
        form_cookie = page.cookies[LOGIN_COOKIE]
        # The browser would send the Secure cookie over HTTPS only; the test sends it by hand.
        response = await client.post(
            "/hotline/anmelden",
            allow_redirects=False,
            headers={"Cookie": f"{LOGIN_COOKIE}={form_cookie.value}"},
            data={"csrf_token": hidden(await page.text()), "username": "anna", "password": PASSWORD},
        )
        return form_cookie, response

    form_cookie, response = run(board, scenario)
    assert form_cookie["secure"]
    assert response.status == 303 and response.cookies[SESSION_COOKIE]["secure"]


def test_open_redirects_after_login_are_refused(dashboard):
    async def scenario(client):
        return await login(client, next_path="https://evil.example/hotline/")

    assert run(dashboard, scenario).headers["Location"] == "/hotline/"


# --- wrong passwords and lock-out --------------------------------------------------------------
def test_wrong_password_and_unknown_user_get_the_same_answer(dashboard):
    async def scenario(client):
        wrong = await login(client, password="falsches-passwort")
        unknown = await login(client, username="niemand")
        return (
            wrong.status,
            await wrong.text(),
            SESSION_COOKIE in wrong.cookies,
            unknown.status,
            await unknown.text(),
            SESSION_COOKIE in unknown.cookies,
        )

    wrong_status, wrong_body, wrong_cookie, unknown_status, unknown_body, unknown_cookie = run(dashboard, scenario)
    assert wrong_status == unknown_status == 200
    assert INVALID in wrong_body and INVALID in unknown_body
    assert not wrong_cookie and not unknown_cookie
    # Apart from the name typed in, the two pages are the same.
    assert wrong_body.replace('value="anna"', "") == unknown_body.replace('value="niemand"', "")
    assert session_rows(dashboard) == []


def test_five_failures_lock_the_account_until_the_lock_time_is_over(dashboard, clock):
    async def scenario(client):
        bodies = [await (await login(client, password=f"falsch-{i}-passwort")).text() for i in range(5)]
        locked = await login(client)
        clock.advance(minutes=14, seconds=59)
        still_locked = await login(client)
        clock.advance(seconds=2)
        allowed = await login(client)
        return bodies, locked.status, await locked.text(), await still_locked.text(), allowed

    bodies, locked_status, locked_body, still_locked, allowed = run(dashboard, scenario)
    assert all(INVALID in body and LOCKED not in body for body in bodies[:4])
    assert LOCKED in bodies[4] and "15 Minuten" in bodies[4]
    assert locked_status == 200 and LOCKED in locked_body and INVALID not in locked_body
    assert LOCKED in still_locked
    assert allowed.status == 303 and SESSION_COOKIE in allowed.cookies
    # Five failures from one address lock that address only, never the account for everybody.
    assert [account.locked_until for account in dashboard.accounts.list()] == [None]


def test_success_resets_the_failure_counter(dashboard):
    async def scenario(client):
        for _ in range(4):
            await login(client, password="falsches-passwort")
        assert (await login(client)).status == 303
        client.session.cookie_jar.clear()
        results = [await (await login(client, password="falsches-passwort")).text() for _ in range(4)]
        return results

    assert all(LOCKED not in body for body in run(dashboard, scenario))


def test_unknown_names_are_locked_out_too(dashboard):
    """Otherwise the lock-out notice would tell which user names exist."""

    async def scenario(client):
        return [await (await login(client, username="niemand")).text() for _ in range(6)]

    bodies = run(dashboard, scenario)
    assert INVALID in bodies[3] and LOCKED in bodies[4] and LOCKED in bodies[5]


# --- CSRF --------------------------------------------------------------------------------------
def test_login_form_needs_its_token(dashboard):
    async def scenario(client):
        without = await client.post(
            "/hotline/anmelden", allow_redirects=False, data={"username": "anna", "password": PASSWORD}
        )
        await client.get("/hotline/anmelden")  # sets the signed cookie
        wrong = await client.post(
            "/hotline/anmelden",
            allow_redirects=False,
            data={"csrf_token": "geraten", "username": "anna", "password": PASSWORD},
        )
        return without.status, wrong.status, await wrong.text(), SESSION_COOKIE in wrong.cookies

    without, wrong, body, cookie = run(dashboard, scenario)
    assert without == 403 and wrong == 403 and not cookie
    assert "Anmeldeformular war abgelaufen" in body and session_rows(dashboard) == []


def test_forged_login_cookie_is_refused(dashboard):
    async def scenario(client):
        client.session.cookie_jar.update_cookies({LOGIN_COOKIE: "abc.9999999999.0000"})
        return (
            await client.post(
                "/hotline/anmelden",
                allow_redirects=False,
                data={"csrf_token": "abc", "username": "anna", "password": PASSWORD},
            )
        ).status

    assert run(dashboard, scenario) == 403


def test_posts_without_the_session_token_are_refused(dashboard, clock):
    created = ticket(dashboard, START - timedelta(days=1))
    path = f"/hotline/anfragen/{created.reference}/status"

    async def scenario(client):
        await login(client)
        missing = await client.post(path, data={"status": "done"}, allow_redirects=False)
        wrong = await client.post(path, data={"status": "done", "csrf_token": "x" * 43}, allow_redirects=False)
        logout = await client.post("/hotline/abmelden", data={}, allow_redirects=False)
        still_in = await client.get("/hotline/", allow_redirects=False)
        return missing.status, wrong.status, await wrong.text(), logout.status, still_in.status

    missing, wrong, body, logout, still_in = run(dashboard, scenario)
    assert missing == wrong == logout == 403
    assert "Formular ist abgelaufen" in body
    assert still_in == 200
    assert dashboard.tickets.get(created.reference).status == "new"


# --- sessions ----------------------------------------------------------------------------------
def test_idle_sessions_expire(dashboard, clock):
    async def scenario(client):
        await login(client)
        clock.advance(minutes=29)
        first = await client.get("/hotline/", allow_redirects=False)
        clock.advance(minutes=29)  # activity restarted the idle timer
        second = await client.get("/hotline/", allow_redirects=False)
        clock.advance(minutes=30)
        expired = await client.get("/hotline/fragen", allow_redirects=False)
        login_page = await client.get(expired.headers["Location"])
        return first.status, second.status, expired.status, expired.headers["Location"], await login_page.text()

    first, second, expired, location, page = run(dashboard, scenario)
    assert first == second == 200
    assert expired == 303 and location.startswith("/hotline/anmelden?") and "abgelaufen=1" in location
    assert "Ihre Sitzung ist abgelaufen" in page
    assert session_rows(dashboard) == []


def test_sessions_end_after_twelve_hours_even_when_active(dashboard, clock):
    async def scenario(client):
        await login(client)
        statuses = []
        for _ in range(12 * 3):
            clock.advance(minutes=20)
            statuses.append((await client.get("/hotline/", allow_redirects=False)).status)
        return statuses

    statuses = run(dashboard, scenario)
    assert statuses[:35] == [200] * 35 and statuses[35] == 303


def test_idle_timeout_and_login_limits_are_configurable():
    from bot.config import ConfigError, load_settings
    from bot.ratelimit import Limit

    options = DashboardOptions.from_settings(
        load_settings(
            {
                "DASHBOARD_SESSION_MINUTES": "5",
                "PROXIES_COUNT": "1",
                "RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT_AND_CLIENT": "3/h",
            }
        )
    )
    assert options.idle_timeout == timedelta(minutes=5) and options.proxies_count == 1
    limits = options.login_limits
    assert limits.per_account_and_client == Limit("login_failures_per_account_and_client", 3, timedelta(hours=1))
    assert limits.per_client == Limit("login_failures_per_client", 20, timedelta(minutes=15))
    assert limits.per_account == Limit("login_failures_per_account", 100, timedelta(hours=1))
    assert DashboardOptions().login_limits == limits.__class__.configured(load_settings({}))
    assert not options.secure_cookies
    assert DashboardOptions.from_settings(load_settings({"DASHBOARD_SECURE_COOKIES": "true"})).secure_cookies
    with pytest.raises(ValueError):
        load_settings({"DASHBOARD_SECURE_COOKIES": "vielleicht"})
    # The old lock-out setting is replaced by the login limits: set, it stops the start.
    with pytest.raises(ConfigError, match="DASHBOARD_LOCKOUT_MINUTES gibt es nicht mehr.*RATE_LIMIT_LOGIN"):
        load_settings({"DASHBOARD_LOCKOUT_MINUTES": "60"})


def test_logout_deletes_the_session(dashboard):
    async def scenario(client):
        response = await login(client)
        cookie = response.cookies[SESSION_COOKIE].value
        token = await csrf_token(client)
        logout = await client.post("/hotline/abmelden", data={"csrf_token": token}, allow_redirects=False)
        after = await client.get("/hotline/", allow_redirects=False)
        client.session.cookie_jar.update_cookies({SESSION_COOKIE: cookie})  # replay the old cookie
        replay = await client.get("/hotline/", allow_redirects=False)
        page = await client.get(logout.headers["Location"])
        return logout, after.status, replay.status, await page.text()

    logout, after, replay, page = run(dashboard, scenario)
    assert logout.status == 303 and logout.headers["Location"] == "/hotline/anmelden?abgemeldet=1"
    assert logout.cookies[SESSION_COOKIE].value == "" and logout.cookies[SESSION_COOKIE]["max-age"] == "0"
    assert after == replay == 303
    assert "Sie haben sich abgemeldet." in page
    assert session_rows(dashboard) == []


def test_removed_account_loses_its_sessions(dashboard):
    async def scenario(client):
        await login(client)
        assert dashboard.accounts.remove("anna")
        return (await client.get("/hotline/", allow_redirects=False)).status

    assert run(dashboard, scenario) == 303


# --- tickets -----------------------------------------------------------------------------------
def test_ticket_list_and_filters(dashboard):
    old = ticket(dashboard, datetime(2026, 11, 2, 9, tzinfo=BERLIN), topic="antrag", summary="Frage zum Antrag")
    done = ticket(dashboard, datetime(2026, 11, 20, 9, tzinfo=BERLIN), status="done", summary="Termin verschoben")
    # 00:30 in Berlin is still the previous day in UTC: the filter uses the local day.
    night = ticket(
        dashboard,
        datetime(2026, 11, 27, 0, 30, tzinfo=BERLIN),
        topic="beschwerde",
        priority="high",
        summary="Beschwerde über <b>Wartezeit</b>",
    )

    async def scenario(client):
        await login(client)
        pages = {}
        for name, query in {
            "all": "",
            "status": "?status=done",
            "topic": "?thema=antrag",
            "days": "?von=2026-11-27&bis=2026-11-27",
            "range": "?von=2026-11-01&bis=2026-11-20",
            "combined": "?status=new&thema=beschwerde&von=2026-11-27",
            "bookmark": "?status=erledigt",
            "label": "?status=in%20Bearbeitung",
            "unknown": "?status=geloescht",
            "invalid": "?von=gestern",
        }.items():
            response = await client.get("/hotline/" + query)
            pages[name] = (response.status, await response.text())
        return pages

    pages = run(dashboard, scenario)
    status, body = pages["all"]
    assert status == 200 and "3 Anfragen" in body
    for created in (old, done, night):
        assert created.reference in body
    assert body.index(night.reference) < body.index(done.reference) < body.index(old.reference)
    assert "Antrag und Aufnahme" in body and "Beratungstermin" in body and "Beschwerde" in body
    assert "in Bearbeitung" in body and "28.11.2026" not in body and "27.11.2026, 00:30 Uhr" in body
    assert "&lt;b&gt;Wartezeit&lt;/b&gt;" in body and "<b>Wartezeit" not in body
    assert '<th scope="col" role="columnheader">Priorität</th>' in body
    assert 'class="priority priority--high">hoch</td>' in body
    assert 'class="priority priority--medium">mittel</td>' in body
    assert 'class="status status--done">erledigt</td>' in body and 'class="status status--new">neu</td>' in body

    def shown(name):
        return {t.reference for t in (old, done, night) if t.reference in pages[name][1]}

    assert shown("status") == {done.reference}
    assert shown("topic") == {old.reference}
    assert shown("days") == {night.reference}
    assert shown("range") == {old.reference, done.reference}
    assert shown("combined") == {night.reference}
    assert shown("bookmark") == {done.reference}  # an old link with the German code still works
    assert shown("label") == set()  # the German label is understood (none in progress)
    assert pages["label"][0] == 200
    assert '<option value="in_progress" selected>in Bearbeitung</option>' in pages["label"][1]
    assert pages["unknown"][0] == 400 and "Unbekannter Status." in pages["unknown"][1]
    assert pages["invalid"][0] == 400 and "kein gültiges Datum" in pages["invalid"][1]
    for page_ in ("status", "bookmark"):
        assert '<option value="done" selected>erledigt</option>' in pages[page_][1]
    assert '<option value="new">neu</option>' in pages["status"][1]


def test_ticket_detail_and_status_change(dashboard, clock):
    created = ticket(dashboard, START - timedelta(hours=2), concern="Bitte um Rückruf wegen Frist")

    async def scenario(client):
        await login(client)
        detail = await (await client.get(f"/hotline/anfragen/{created.reference}")).text()
        token = hidden(detail)
        clock.advance(minutes=5)
        saved = await client.post(
            f"/hotline/anfragen/{created.reference}/status",
            allow_redirects=False,
            data={"csrf_token": token, "status": "in_progress"},
        )
        after = await (await client.get(saved.headers["Location"])).text()
        invalid = await client.post(
            f"/hotline/anfragen/{created.reference}/status", data={"csrf_token": token, "status": "geloescht"}
        )
        missing = await client.get("/hotline/anfragen/GC-T-ZZZZZ")
        return detail, saved, after, invalid.status, missing.status

    detail, saved, after, invalid, missing = run(dashboard, scenario)
    for text in (
        "Berta Beispiel",
        "mailto:berta@example.org",
        "+49 30 1234567",
        "vormittags",
        "Bitte um Rückruf wegen Frist",
        "Rückruf zum Beratungstermin gewünscht",
        "Ich will einen Menschen",
        "Gern, Ihr Name?",
        "Bitte um persönlichen Kontakt",
        "<legend>Neuer Status</legend>",
        'value="in_progress"',
        "in Bearbeitung",
        "erledigt",
        'class="priority priority--medium">mittel</dd>',
    ):
        assert text in detail, text
    assert "27.11.2026, 10:00 Uhr" in detail  # transcript time in Berlin time
    assert saved.status == 303 and saved.headers["Location"].endswith("?gespeichert=1")
    assert "Der Status wurde gespeichert." in after
    assert 'id="status-in_progress" name="status" value="in_progress" checked' in after
    assert '<label for="status-in_progress">in Bearbeitung</label>' in after
    assert dashboard.tickets.get(created.reference).status == "in_progress"
    with unit_of_work(dashboard.sessions) as session:
        stored = session.execute(select(Ticket)).scalar_one()
        assert stored.status == "in_progress" and stored.updated_at == START + timedelta(minutes=5)
    assert invalid == 400 and missing == 404


# --- bookings and drafts -------------------------------------------------------------------------
def test_bookings_of_the_next_fourteen_days(dashboard):
    bookings = BookingService(dashboard.sessions, load_calendar_config(), clock=lambda: START)

    def book(day, hour, name):
        return bookings.book(
            BookingRequest(
                datetime(2026, 12, day, hour, tzinfo=BERLIN),
                "video",
                name,
                "Cluster GmbH",
                "Cluster Nord",
                f"{name.lower()}@example.org",
                None,
                START,
            )
        )

    soon = book(3, 10, "Anna")
    cancelled = book(4, 10, "Bruno")
    bookings.cancel(cancelled.reference, cancelled.email)
    later = book(15, 10, "Carla")  # after the 14 days

    async def scenario(client):
        await login(client)
        default = await (await client.get("/hotline/termine")).text()
        everything = await (await client.get("/hotline/termine?abgesagte=1")).text()
        return default, everything

    default, everything = run(dashboard, scenario)
    assert soon.reference in default and "Donnerstag, 3. Dezember 2026, 10:00 Uhr" in default
    assert cancelled.reference not in default and later.reference not in default
    assert "28.11.2026 bis zum 11.12.2026" in default
    assert cancelled.reference in everything and "abgesagt" in everything and later.reference not in everything
    assert 'name="abgesagte" value="1" checked' in everything


def test_draft_applications_are_listed(dashboard):
    bookings = BookingService(dashboard.sessions, load_calendar_config(), clock=lambda: START)
    booking = bookings.book(
        BookingRequest(
            datetime(2026, 12, 3, 10, tzinfo=BERLIN),
            "video",
            "Anna",
            "Org",
            "Cluster Nord",
            "anna@example.org",
            None,
            START,
        )
    )
    mark_held_after_start(bookings, booking.reference)
    drafts = DraftService(dashboard.sessions, clock=lambda: START)
    draft = drafts.open(booking.reference, booking.email)
    drafts.save_fields(draft.reference, {"cluster_name": "Cluster Nord", "website": "https://cluster-nord.de"})

    async def scenario(client):
        await login(client)
        return (
            await (await client.get("/hotline/entwuerfe")).text(),
            await (await client.get("/hotline/entwuerfe?status=submitted")).text(),
            await (await client.get("/hotline/entwuerfe?status=entwurf")).text(),
        )

    page, submitted, bookmark = run(dashboard, scenario)
    assert draft.reference in page and "Cluster Nord" in page and booking.reference in page
    assert '<td role="cell" data-label="Status">Entwurf</td>' in page
    assert "https://cluster-nord.de" in page and "Name des Clusters" in page
    assert '<option value="submitted">Eingereicht</option>' in page
    assert draft.reference not in submitted and "Keine Antragsentwürfe." in submitted
    assert '<option value="submitted" selected>Eingereicht</option>' in submitted
    assert draft.reference in bookmark and '<option value="draft" selected>Entwurf</option>' in bookmark


# --- chart ---------------------------------------------------------------------------------------
def test_chart_shows_inquiries_per_topic_and_week(dashboard):
    week48 = datetime(2026, 11, 24, 12, tzinfo=BERLIN)
    week46 = datetime(2026, 11, 10, 12, tzinfo=BERLIN)
    for created, topic in (
        (week48, "beratungstermin"),
        (week48, "beratungstermin"),
        (week48, "antrag"),
        (week46, "antrag"),
        (datetime(2026, 9, 1, 12, tzinfo=BERLIN), "beschwerde"),
    ):
        ticket(dashboard, created, topic=topic)

    async def scenario(client):
        await login(client)
        response = await client.get("/hotline/statistik")
        return response.status, await response.text()

    status, body = run(dashboard, scenario)
    assert status == 200
    svg = body[body.index("<svg") : body.index("</svg>")]
    assert 'role="img"' in svg and '<title id="chart-title">' in svg and '<desc id="chart-desc">' in svg
    assert "<title>KW 48/2026, Beratungstermin: 2</title>" in svg
    assert "<title>KW 48/2026, Antrag und Aufnahme: 1</title>" in svg
    assert "<title>KW 46/2026, Antrag und Aufnahme: 1</title>" in svg
    assert "KW 48/2026: 3" in svg and "KW 41/2026: 0" in svg and "KW 40/2026" not in svg
    assert "Beschwerde" not in body  # September is outside the last 8 weeks
    table = body[body.index('<table class="numbers">') :]
    assert '<th scope="col">KW 41/2026</th>' in table and '<th scope="col">KW 48/2026</th>' in table
    assert re.search(r'<th scope="row">Beratungstermin</th>\s*(<td>0</td>){7}<td>2</td>\s*<td>2</td>', table)
    assert re.search(
        r'<th scope="row">Antrag und Aufnahme</th>\s*(<td>0</td>){5}<td>1</td><td>0</td><td>1</td>'
        r"\s*<td>2</td>",
        table,
    )
    assert "insgesamt 4" in body and "<script" not in body


def test_chart_without_inquiries(dashboard):
    async def scenario(client):
        await login(client)
        return await (await client.get("/hotline/statistik")).text()

    body = run(dashboard, scenario)
    assert "In diesem Zeitraum gab es keine Anfragen." in body and "insgesamt 0" in body


# --- unanswered questions ------------------------------------------------------------------------
def test_unanswered_questions_page_and_csv_export(dashboard, clock):
    service = TicketService(dashboard.sessions, clock=clock)
    service.log_unanswered("Was kostet der Flux-Kompensator?", "unknown_term")
    clock.advance(hours=1)
    service.log_unanswered("was kostet der Flux Kompensator", "unknown_term")
    service.log_unanswered('=HYPERLINK("http://evil.example")', "not_understood", "faq_labels", 0.31)

    async def scenario(client):
        await login(client)
        page = await (await client.get("/hotline/fragen")).text()
        export = await client.get("/hotline/fragen.csv")
        return page, export.status, export.headers, await export.read()

    page, status, headers, raw = run(dashboard, scenario)
    assert "Was kostet der Flux-Kompensator?" in page or "was kostet der Flux Kompensator" in page
    assert '<td role="cell" data-label="Anzahl">2</td>' in page
    assert "28.11.2026, 11:00 Uhr" in page and "unbekannter Begriff" in page
    assert 'href="/hotline/fragen.csv"' in page
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    assert headers["Content-Disposition"] == 'attachment; filename="unbeantwortete-fragen-2026-11-28.csv"'
    assert headers["Cache-Control"] == "no-store"
    text = raw.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert rows[0] == ["Frage", "Anzahl", "Zuletzt gestellt", "Art", "Vermutetes Thema"]
    assert rows[1][0].lower().startswith("was kostet der flux") and rows[1][1:4] == [
        "2",
        "28.11.2026, 11:00 Uhr",
        "unbekannter Begriff",
    ]
    assert rows[2][0] == '\'=HYPERLINK("http://evil.example")'  # no formula in a spreadsheet
    assert rows[2][3] == "nicht verstanden" and rows[2][4] == "Was bedeuten Bronze-, Silber- und Gold-Label?"
    assert len(rows) == 3


# --- search --------------------------------------------------------------------------------------
def test_search_finds_esca_and_faq_entries(dashboard):
    async def scenario(client):
        await login(client)
        pages = {}
        for query in ("ESCA", "esca", "gespraech", "Goldlabel", "Clustermanagment", "xyzzy"):
            pages[query] = await (await client.get("/hotline/suche", params={"q": query})).text()
        pages[""] = await (await client.get("/hotline/suche")).text()
        return pages

    pages = run(dashboard, scenario)
    esca = pages["ESCA"]
    assert "European Secretariat for Cluster Analysis" in esca  # the glossary term
    assert "<h3>Was bedeuten Bronze-, Silber- und Gold-Label?</h3>" in esca  # a FAQ that mentions it
    assert "Die Labels vergibt die ESCA" in esca
    assert pages["esca"] == esca.replace("„ESCA“", "„esca“").replace('value="ESCA"', 'value="esca"')
    assert "Gespräch" in pages["gespraech"] and "Kein FAQ-Eintrag gefunden." not in pages["gespraech"]
    assert "Gold-Label" in pages["Goldlabel"]
    assert "<dt>Clustermanagement" in pages["Clustermanagment"]  # typo, found by the glossary index
    assert "Kein Glossarbegriff gefunden." in pages["xyzzy"] and "Kein FAQ-Eintrag gefunden." in pages["xyzzy"]
    assert '<label for="q">Suchbegriff</label>' in pages[""] and "Glossar</h2>" not in pages[""]


def test_search_escapes_the_query(dashboard):
    async def scenario(client):
        await login(client)
        return await (await client.get("/hotline/suche", params={"q": "<script>alert(1)</script>"})).text()

    body = run(dashboard, scenario)
    assert "<script>alert" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body


# --- passwords and accounts ----------------------------------------------------------------------
def test_password_hashing(monkeypatch):
    monkeypatch.undo()  # the real cost, once
    stored = passwords.hash_password(PASSWORD)
    scheme, n, r, p, salt, key = stored.split("$")
    assert (scheme, n, r, p) == ("scrypt", str(2**15), "8", "3")
    assert PASSWORD not in stored and len(salt) >= 22 and len(key) >= 43
    assert passwords.verify_password(PASSWORD, stored)
    assert not passwords.verify_password(PASSWORD + "x", stored)
    assert passwords.hash_password(PASSWORD) != stored  # random salt
    composed, decomposed = "Passwort-mit-Ä-123", "Passwort-mit-A\u0308-123"
    assert passwords.verify_password(decomposed, passwords.hash_password(composed, passwords.Cost(2**10, 8, 1)))
    for broken in (
        "",
        "scrypt$abc",
        "bcrypt$16384$8$1$AAAA$AAAA",
        "scrypt$3$8$1$AAAAAAAAAAAAAAAAAAAAAA==$" + "A" * 44,
        "scrypt$1073741824$8$1$AAAAAAAAAAAAAAAAAAAAAA==$" + "A" * 44,
    ):
        assert not passwords.verify_password(PASSWORD, broken)


@pytest.mark.parametrize(
    "stored, password, expected",
    [
        pytest.param("good", PASSWORD, True, id="right"),
        pytest.param("good", PASSWORD + "x", False, id="wrong"),
        pytest.param("good", "", False, id="empty"),
        pytest.param("good", PASSWORD + "x" * passwords.MAX_LENGTH, False, id="over-long"),
        pytest.param(None, PASSWORD, False, id="no-account"),
        pytest.param("scrypt$abc", PASSWORD, False, id="damaged-hash"),
        pytest.param("scrypt$1073741824$8$1$AAAAAAAAAAAAAAAAAAAAAA==$" + "A" * 44, PASSWORD, False, id="hostile-cost"),
    ],
)
def test_login_check_runs_scrypt_exactly_once_whatever_fails(monkeypatch, stored, password, expected):
    good = passwords.hash_password(PASSWORD)
    runs = []
    derive = passwords._derive
    monkeypatch.setattr(passwords, "_derive", lambda *args: runs.append(args) or derive(*args))
    assert passwords.check_password(password, good if stored == "good" else stored) is expected
    assert len(runs) == 1


@pytest.mark.parametrize(
    "wait, text",
    [
        (timedelta(minutes=15), "15 Minuten"),
        (timedelta(minutes=14, seconds=1), "15 Minuten"),
        (timedelta(seconds=61), "2 Minuten"),
        (timedelta(seconds=1), "1 Minute"),
        (timedelta(0), "1 Minute"),
        (None, "1 Minute"),
        (timedelta(minutes=59, seconds=30), "60 Minuten"),
    ],
)
def test_the_lock_message_rounds_the_wait_up(wait, text):
    from bot.web.dashboard.views import wait_in_words

    assert wait_in_words(wait) == text


@pytest.mark.parametrize(
    "name, client, generation, client_key, account_and_client_key",
    [
        ("anna", "192.0.2.7", "", "192.0.2.7", "anna\x00\x00192.0.2.7"),
        ("anna", "2001:db8:1:2::7", "", "2001:db8:1:2::/64", "anna\x00\x002001:db8:1:2::/64"),
        ("anna", None, "", "unknown", "anna\x00\x00unknown"),
        (
            "anna",
            "192.0.2.7",
            "2026-11-28T09:00:00+00:00",
            "192.0.2.7",
            "anna\x002026-11-28T09:00:00+00:00\x00192.0.2.7",
        ),
    ],
)
def test_login_attempt_keys(name, client, generation, client_key, account_and_client_key):
    from bot.web.dashboard.login_limits import LoginAttempt

    attempt = LoginAttempt(name, client, generation)
    assert (attempt.client_key, attempt.account_and_client_key) == (client_key, account_and_client_key)


def test_a_lock_names_the_minutes_until_the_window_ends(dashboard, clock):
    clock.advance(minutes=5)  # ten minutes left in the 15-minute window

    async def scenario(client):
        for i in range(4):
            await login(client, password=f"falsch-{i}-passwort")
        return await (await login(client, password="falsch-4-passwort")).text()

    body = run(dashboard, scenario)
    assert LOCKED in body and "bitte versuchen Sie es in 10 Minuten erneut" in body


def test_accounts_store_no_plain_password_and_enforce_the_policy(database_url):
    from bot.web.dashboard.accounts import AccountError, StaffAccounts

    accounts = StaffAccounts(session_factory(database_url))
    accounts.add("Bert", PASSWORD)
    with unit_of_work(session_factory(database_url)) as session:
        user = session.execute(select(StaffUser)).scalar_one()
        assert user.username == "bert" and PASSWORD not in user.password_hash
        assert user.password_hash.startswith("scrypt$") and passwords.verify_password(PASSWORD, user.password_hash)
    for name, password, code in (
        ("carla", "zu-kurz-123", "password"),
        ("bert", PASSWORD, "exists"),
        ("bad name", PASSWORD, "username"),
        ("x", PASSWORD, "username"),
    ):
        with pytest.raises(AccountError) as error:
            accounts.add(name, password)
        assert error.value.code == code
    assert [a.username for a in accounts.list()] == ["bert"]


@pytest.fixture
def cli_database(database_url, monkeypatch):
    """The command line uses DATABASE_URL (the settings follow the environment)."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    yield database_url


def test_staff_account_command(cli_database, monkeypatch, capsys):
    from bot.cli import main

    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["staff-account", "add", "Dora", "--password-stdin"]) == 0
    assert "Konto dora angelegt" in capsys.readouterr().out

    monkeypatch.setattr("sys.stdin", io.StringIO("kurz\n"))
    assert main(["staff-account", "add", "emil", "--password-stdin"]) == 2
    assert "mindestens 12 Zeichen" in capsys.readouterr().err

    answers = iter([PASSWORD, PASSWORD + "!"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert main(["staff-account", "add", "emil"]) == 2
    assert "stimmen nicht überein" in capsys.readouterr().err
    answers = iter([PASSWORD, PASSWORD])
    assert main(["staff-account", "add", "emil"]) == 0

    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["staff-account", "add", "dora", "--password-stdin"]) == 1
    capsys.readouterr()
    assert main(["staff-account", "list"]) == 0
    listing = capsys.readouterr().out
    assert "dora" in listing and "emil" in listing and "2 Konto/Konten" in listing and PASSWORD not in listing

    assert main(["staff-account", "remove", "dora"]) == 0
    assert main(["staff-account", "remove", "dora"]) == 1
    with unit_of_work(session_factory(cli_database)) as session:
        users = session.execute(select(StaffUser)).scalars().all()
        assert [u.username for u in users] == ["emil"]
        assert passwords.verify_password(PASSWORD, users[0].password_hash)


def test_staff_account_unlock_command(cli_database, capsys):
    from bot.cli import main
    from bot.config import settings
    from bot.web.dashboard.accounts import StaffAccounts

    accounts = StaffAccounts(session_factory(cli_database), DashboardOptions.from_settings(settings()))
    accounts.add("dora", PASSWORD)
    for _ in range(5):
        accounts.login("dora", "falsches-passwort", "192.0.2.7")
    assert accounts.login("dora", PASSWORD, "192.0.2.7").outcome.value == "locked"

    assert main(["staff-account", "unlock", "niemand"]) == 1
    assert "Ein Konto niemand gibt es nicht." in capsys.readouterr().err
    assert main(["staff-account", "unlock", "Dora"]) == 0
    assert "Konto Dora entsperrt" in capsys.readouterr().out
    assert accounts.login("dora", PASSWORD, "192.0.2.7").outcome.value == "ok"


def test_chat_page_still_works_next_to_the_dashboard(dashboard):
    async def scenario(client):
        page = await client.get("/")
        css = await client.get("/static/dashboard.css")
        return page.status, page.headers["Content-Security-Policy"], css.status

    status, csp, css = run(dashboard, scenario)
    assert status == 200 and "script-src 'self'" in csp and css == 200
