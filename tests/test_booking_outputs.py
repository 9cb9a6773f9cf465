"""What a booking produces outside the chat: calendar file, signed link, e-mail, staff commands."""

from __future__ import annotations

import asyncio
import email
import io
import os
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.booking.calendar import load_calendar_config
from bot.booking.format import format_slot
from bot.booking.ics import consultation_event
from bot.booking.service import BookingRequest, BookingService
from bot.cli import main as cli
from bot.cli.staff import parse_week, write_csv
from bot.notify.mail import SmtpSettings, send_mail
from bot.security import sign, verify
from bot.storage.db import session_factory

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 28, 10, tzinfo=BERLIN)
SLOT = datetime(2026, 12, 3, 10, tzinfo=BERLIN)


@pytest.fixture
def service(database_url):
    return BookingService(session_factory(database_url), load_calendar_config(), clock=lambda: NOW)


def book(service, slot=SLOT, email_address="anna@example.org"):
    return service.book(
        BookingRequest(slot, "video", "Anna Muster", "Cluster GmbH", "Cluster Nord", email_address, None, NOW)
    )


def test_calendar_file_is_valid_icalendar(database_url, make_services):
    from icalendar import Calendar

    consultations = make_services(database_url, clock=lambda: NOW).consultations
    booking = book(consultations.bookings)
    text = consultations.calendar_file(booking)
    lines = text.split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR" and text.endswith("\r\n")
    assert "DTSTART:20261203T090000Z" in lines and "DTEND:20261203T100000Z" in lines  # 10:00 Berlin = 09:00 UTC
    assert "SUMMARY:Beratungsgespräch go-cluster (Video)" in lines
    assert all(len(line.encode("utf-8")) <= 75 for line in lines)
    event = Calendar.from_ical(text).walk("VEVENT")[0]
    assert booking.reference in str(event["DESCRIPTION"]) and "310078-387" in str(event["DESCRIPTION"])
    cancelled = consultations.bookings.staff_cancel(booking.reference)
    assert "STATUS:CANCELLED" in consultations.calendar_file(cancelled)


def test_calendar_text_is_escaped_and_folded():
    from icalendar import Calendar

    description = "a, b; c\nd " + "ä" * 80
    text = consultation_event(
        reference="GC-B-22222",
        start=SLOT,
        end=SLOT + timedelta(hours=1),
        summary="Beratung",
        description=description,
        stamp=NOW,
    )
    unfolded = text.replace("\r\n ", "")
    assert "DESCRIPTION:a\\, b\\; c\\nd " in unfolded
    assert all(len(line.encode("utf-8")) <= 75 for line in text.split("\r\n"))
    assert str(Calendar.from_ical(text).walk("VEVENT")[0]["DESCRIPTION"]) == description  # round trip


def test_signatures(tmp_path, monkeypatch):
    monkeypatch.setenv("GOCLUSTER_SECRET_KEY", "test-key")
    signature = sign("GC-B-22222", "ics")
    assert verify("GC-B-22222", "ics", signature)
    assert not verify("GC-B-33333", "ics", signature)
    assert not verify("GC-B-22222", "other", signature)
    assert not verify("GC-B-22222", "ics", "")


def test_calendar_download_needs_the_signed_link(service, database_url):
    from bot.config import load_settings
    from bot.web.app import create_app

    booking = book(service)
    config = load_settings({**os.environ, "DATABASE_URL": database_url})

    async def fetch(path):
        async with TestClient(TestServer(create_app(config, rasa_url="http://localhost:5005"))) as client:
            response = await client.get(path)
            return response.status, response.headers.get("Content-Type", ""), await response.text()

    good = asyncio.run(fetch(f"/termin/{booking.reference}.ics?sig={sign(booking.reference, 'ics')}"))
    assert good[0] == 200 and good[1].startswith("text/calendar") and booking.reference in good[2]
    assert asyncio.run(fetch(f"/termin/{booking.reference}.ics?sig=falsch"))[0] == 404
    assert asyncio.run(fetch(f"/termin/{booking.reference}.ics"))[0] == 404
    unknown = "GC-B-22222"
    assert asyncio.run(fetch(f"/termin/{unknown}.ics?sig={sign(unknown, 'ics')}"))[0] == 404


def test_confirmation_mail_through_local_smtp(database_url, make_services, smtp_sink):
    from bot.requester import Requester

    built = make_services(
        database_url,
        clock=lambda: NOW,
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=str(smtp_sink.port),
        SMTP_FROM="assistent@go-cluster.example",
    )
    booked = built.consultations.book(
        BookingRequest(SLOT, "video", "Anna Muster", "Cluster GmbH", "Cluster Nord", "anna@example.org", None, NOW),
        Requester("web:a", "client-a"),
    )
    booking = booked.booking
    assert booked.mail_sent is True
    ((sender, recipients, data),) = smtp_sink.messages
    assert sender == "assistent@go-cluster.example" and recipients == ["anna@example.org"]
    message = email.message_from_bytes(data if isinstance(data, bytes) else data.encode())
    assert booking.reference in message["Subject"]
    parts = {part.get_content_type(): part for part in message.walk()}
    body = parts["text/plain"].get_payload(decode=True).decode("utf-8")
    assert "Donnerstag, 3. Dezember 2026, 10:00 Uhr" in body and booking.reference in body
    assert "DTSTART:20261203T090000Z" in parts["text/calendar"].get_payload(decode=True).decode("utf-8")


def test_mail_is_not_sent_without_configuration(configure):
    configure(SMTP_HOST=None)
    assert send_mail("a@example.org", "Betreff", "Text") is False


def test_unreachable_smtp_server_is_reported_not_raised():
    closed_port = SmtpSettings(host="127.0.0.1", port=9, sender="x@example.org", timeout=1)
    assert send_mail("a@example.org", "Betreff", "Text", config=closed_port) is False


def test_week_parsing():
    assert parse_week("2026-W49") == (date(2026, 11, 30), date(2026, 12, 6))


def test_csv_export(service):
    booking = book(service)
    out = io.StringIO()
    assert write_csv(service.bookings_between(SLOT.date(), SLOT.date()), out) == 1
    header, row = out.getvalue().strip().split("\r\n")
    assert header.startswith("reference,status,status_label,start,end,format")
    assert row.startswith(
        f"{booking.reference},confirmed,bestätigt,2026-12-03T10:00:00+01:00,2026-12-03T11:00:00+01:00,video"
    )


@pytest.fixture
def cli_env(database_url, monkeypatch):
    """The staff commands on the test database."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    yield BookingService(session_factory(database_url), load_calendar_config())


def weekday_slot(start: date, step: int, service: BookingService) -> datetime:
    """10:00 on the first working day from `start` (moving by `step` days) without holiday or booking."""
    from bot.booking.calendar import closed_reason

    day = start
    while closed_reason(service.config, day) or service.bookings_between(day, day, include_cancelled=True):
        day += timedelta(days=step)
    return datetime.combine(day, datetime.min.time(), tzinfo=BERLIN).replace(hour=10)


def test_staff_commands(cli_env, capsys, tmp_path):
    # A slot far enough ahead for the real clock the commands use.
    slot = weekday_slot(datetime.now(BERLIN).date() + timedelta(days=14), 1, cli_env)
    day = slot.date()
    booking = cli_env.book(
        BookingRequest(slot, "telefon", "Max", "Org", "Cl", "max@example.org", "+4930123456", datetime.now(BERLIN))
    )
    assert cli(["bookings", "list", "--day", day.isoformat()]) == 0
    out = capsys.readouterr().out
    assert booking.reference in out and "bestätigt" in out and f"1 Termin(e) am {day:%d.%m.%Y}" in out
    target = tmp_path / "export.csv"
    assert cli(["bookings", "export", "--day", day.isoformat(), "--out", str(target)]) == 0
    assert booking.reference in target.read_text("utf-8")
    assert cli(["calendar", "block-day", day.isoformat(), "--reason", "Klausur"]) == 0
    assert "bereits Termine gebucht" in capsys.readouterr().out
    assert cli(["calendar", "unblock-day", day.isoformat()]) == 0
    assert cli(["calendar", "block-slot", f"{day.isoformat()} 11:00"]) == 0
    assert cli(["calendar", "block-slot", f"{day.isoformat()} 11:30"]) == 1  # not a slot
    assert "Zu dieser Uhrzeit beginnt kein Termin" in capsys.readouterr().err
    # Two weeks ahead the consultation has not taken place: it cannot be marked as held.
    assert cli(["bookings", "held", booking.reference]) == 1
    assert capsys.readouterr().err.strip() == (
        f"Nicht möglich: Das Gespräch hat noch nicht begonnen (Termin: {format_slot(slot)}). "
        "Als durchgeführt markieren lässt es sich erst ab Beginn des Termins."
    )
    assert cli_env.get(booking.reference).status == "confirmed"
    assert cli(["bookings", "cancel", booking.reference]) == 0
    assert cli(["bookings", "cancel", booking.reference]) == 1  # already cancelled
    assert capsys.readouterr().err.strip() == "Nicht möglich: Der Termin ist abgesagt."
    assert cli(["bookings", "held", "GC-B-22222"]) == 1
    assert "Eine Buchung mit dieser Nummer gibt es nicht." in capsys.readouterr().err
    assert cli(["bookings", "list", "--day", "kein-datum"]) == 2
    assert cli(["bookings", "list", "--all", "--to", day.isoformat()]) == 2


def test_staff_mark_a_past_consultation_as_held(cli_env, capsys):
    # Booked three weeks ago for a day last week; marked as held now (the real clock).
    slot = weekday_slot(datetime.now(BERLIN).date() - timedelta(days=7), -1, cli_env)
    booked_at = slot - timedelta(days=14)
    past = BookingService(cli_env._sessions, cli_env.config, clock=lambda: booked_at)
    booking = past.book(BookingRequest(slot, "video", "Max", "Org", "Cl", "max@example.org", None, booked_at))
    assert cli(["bookings", "held", booking.reference]) == 0
    assert capsys.readouterr().out.strip() == f"{booking.reference} als durchgeführt markiert."
    assert cli_env.get(booking.reference).status == "held"
    assert cli(["bookings", "held", booking.reference]) == 1
    assert capsys.readouterr().err.strip() == "Nicht möglich: Der Termin ist bereits als durchgeführt markiert."


def test_staff_list_all_means_every_day_and_status(cli_env, capsys):
    today = datetime.now(BERLIN).date()  # the day the staff commands mean: Berlin, not UTC
    slots = [weekday_slot(today + timedelta(days=days), 1, cli_env) for days in (3, 20, 45)]
    booked = [
        cli_env.book(
            BookingRequest(s, "video", f"Person {i}", "Org", "Cl", f"p{i}@example.org", None, datetime.now(BERLIN))
        )
        for i, s in enumerate(slots)
    ]
    cli_env.cancel(booked[1].reference, booked[1].email)
    everything = len(cli_env.all_bookings())

    assert cli(["bookings", "list"]) == 0  # today only: none of them
    today_out = capsys.readouterr().out
    assert not any(b.reference in today_out for b in booked) and f"am {today:%d.%m.%Y}" in today_out
    assert cli(["bookings", "list", "--all"]) == 0
    all_out = capsys.readouterr().out
    assert all(b.reference in all_out for b in booked) and "abgesagt" in all_out
    assert f"{everything} Termin(e) insgesamt (alle Tage)" in all_out
    assert cli(["bookings", "list", "--day", slots[0].date().isoformat(), "--to", slots[2].date().isoformat()]) == 0
    ranged = capsys.readouterr().out
    assert booked[0].reference in ranged and booked[2].reference in ranged and booked[1].reference not in ranged
    assert (
        cli(
            [
                "bookings",
                "list",
                "--day",
                slots[0].date().isoformat(),
                "--to",
                slots[2].date().isoformat(),
                "--cancelled",
            ]
        )
        == 0
    )
    assert booked[1].reference in capsys.readouterr().out
    assert cli(["bookings", "export", "--all"]) == 0
    exported = capsys.readouterr().out
    assert all(b.reference in exported for b in booked)
