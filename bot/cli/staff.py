"""Staff commands for consultations: list, export, block, cancel, mark as held."""

from __future__ import annotations

import csv
import functools
import sys
from datetime import date, datetime, timedelta
from typing import Iterable, List, Optional, TextIO, Tuple

from bot.booking.format import format_slot
from bot.booking.service import BookingView, NotStartedYet
from bot.cli.output import export
from bot.errors import DomainError
from bot.labels import BOOKING_STATUS, Labels, load_labels
from bot.spreadsheet import safe_cell

# What staff read when a command is refused (error codes of bot/booking/service.py and calendar.py).
REFUSALS = {
    "not_found": "Eine Buchung mit dieser Nummer gibt es nicht.",
    "cancelled": "Der Termin ist abgesagt.",
    "held": "Der Termin ist bereits als durchgeführt markiert.",
    "not_started": "Das Gespräch hat noch nicht begonnen (Termin: {slot}). Als durchgeführt markieren "
    "lässt es sich erst ab Beginn des Termins.",
    "not_a_slot": "Zu dieser Uhrzeit beginnt kein Termin (Sprechzeiten und Terminlänge: content/calendar.yml).",
}


def refusal(error: DomainError) -> str:
    """German text for a refused staff command; unknown codes are named as they are."""
    if isinstance(error, NotStartedYet):
        return REFUSALS["not_started"].format(slot=format_slot(error.slot_start))
    return REFUSALS.get(error.code, f"Vorgang abgelehnt ({error.code}).")


# The status as its code (for programs) and as its German label (for people).
CSV_COLUMNS = (
    "reference",
    "status",
    "status_label",
    "start",
    "end",
    "format",
    "name",
    "organisation",
    "cluster_name",
    "email",
    "phone",
    "created_at",
    "held_at",
)


def parse_day(text: str) -> date:
    return date.fromisoformat(text)


def parse_week(text: str) -> Tuple[date, date]:
    """ "2026-W49" -> Monday and Sunday of that ISO week."""
    year, week = text.upper().split("-W")
    monday = date.fromisocalendar(int(year), int(week), 1)
    return monday, monday + timedelta(days=6)


def parse_slot(text: str, tz) -> datetime:
    """ "2026-12-03 10:00" (local time) or an ISO timestamp with offset."""
    moment = datetime.fromisoformat(text.replace(" ", "T"))
    return moment if moment.tzinfo else moment.replace(tzinfo=tz)


def print_table(bookings: Iterable[BookingView], labels: Labels, out: Optional[TextIO] = None, scope: str = "") -> int:
    out = out or sys.stdout
    rows = list(bookings)
    for b in rows:
        phone = f", Tel. {b.phone}" if b.phone else ""
        status = labels.label(BOOKING_STATUS, b.status)
        out.write(
            f"{b.reference}  {format_slot(b.slot_start)}  {b.format:7}  {status:12}  "
            f"{b.name} ({b.organisation}, {b.cluster_name}) <{b.email}>{phone}\n"
        )
    out.write(f"{len(rows)} Termin(e){' ' + scope if scope else ''}\n")
    return len(rows)


def write_csv(bookings: Iterable[BookingView], out: TextIO, labels: Optional[Labels] = None) -> int:
    labels = labels or load_labels()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    count = 0
    for b in bookings:
        cells = (
            b.reference,
            b.status,
            labels.label(BOOKING_STATUS, b.status),
            b.slot_start.isoformat(),
            b.slot_end.isoformat(),
            b.format,
            b.name,
            b.organisation,
            b.cluster_name,
            b.email,
            b.phone or "",
            b.created_at.isoformat(),
            b.held_at.isoformat() if b.held_at else "",
        )
        writer.writerow([safe_cell(cell) for cell in cells])
        count += 1
    return count


def _range(args, today: date) -> Tuple[date, date]:
    if getattr(args, "week", None):
        return parse_week(args.week)
    first = parse_day(args.day) if getattr(args, "day", None) else today
    last = parse_day(args.to) if getattr(args, "to", None) else first
    return first, last


def _selected(service, args, include_cancelled: bool) -> Tuple[List[BookingView], str]:
    """The bookings and, in German, which ones they are. `--all`: every booking of every day;
    otherwise the day (default: today), the days up to `--to`, or the week."""
    if args.all:
        if args.to:
            raise ValueError("--to gilt nur mit --day, nicht mit --all")
        scope = "insgesamt (alle Tage)" + ("" if include_cancelled else ", ohne abgesagte")
        return service.all_bookings(include_cancelled), scope
    first, last = _range(args, datetime.now(service.config.tz).date())
    days = f"am {first:%d.%m.%Y}" if first == last else f"vom {first:%d.%m.%Y} bis zum {last:%d.%m.%Y}"
    scope = days + ("" if include_cancelled else " (ohne abgesagte; alle mit --cancelled, alle Tage mit --all)")
    return service.bookings_between(first, last, include_cancelled=include_cancelled), scope


def run(args) -> int:
    from bot.config import settings
    from bot.services import build_services

    services = build_services(settings())
    service, labels = services.bookings, services.labels
    try:
        if args.action == "list":
            found, scope = _selected(service, args, include_cancelled=args.all or args.cancelled)
            print_table(found, labels, scope=scope)
        elif args.action == "export":
            found = _selected(service, args, include_cancelled=True)[0]
            export(functools.partial(write_csv, labels=labels), found, args.out, "Termin(e)")
        elif args.action == "cancel":
            booking = service.staff_cancel(args.reference)
            print(
                f"{booking.reference} abgesagt ({format_slot(booking.slot_start)}); "
                f"bitte informieren Sie {booking.email}."
            )
        elif args.action == "held":
            booking = service.mark_held(args.reference)
            print(f"{booking.reference} als durchgeführt markiert.")
        elif args.action == "block-day":
            affected = service.block_day(parse_day(args.day), args.reason or "")
            print(f"{args.day} gesperrt.")
            if affected:
                print("Achtung, an diesem Tag sind bereits Termine gebucht:")
                print_table(affected, labels)
        elif args.action == "unblock-day":
            print("freigegeben" if service.unblock_day(parse_day(args.day)) else "war nicht gesperrt")
        elif args.action == "block-slot":
            service.block_slot(parse_slot(args.slot, service.config.tz), args.reason or "")
            print(f"{args.slot} gesperrt.")
        elif args.action == "unblock-slot":
            freed = service.unblock_slot(parse_slot(args.slot, service.config.tz))
            print("freigegeben" if freed else "war nicht gesperrt")
    except DomainError as error:
        print(f"Nicht möglich: {refusal(error)}", file=sys.stderr)
        return 1
    except ValueError as error:
        print(f"Ungültige Eingabe: {error}", file=sys.stderr)
        return 2
    return 0


def add_parsers(commands) -> List:
    bookings = commands.add_parser("bookings", help="Beratungstermine (Mitarbeitende)")
    actions = bookings.add_subparsers(dest="action", required=True)
    listing = actions.add_parser("list", help="Termine eines Tages oder einer Woche anzeigen")
    export = actions.add_parser("export", help="Termine als CSV exportieren")
    for sub in (listing, export):
        group = sub.add_mutually_exclusive_group()
        group.add_argument("--day", help="Tag, z. B. 2026-12-03 (Standard: heute)")
        group.add_argument("--week", help="ISO-Woche, z. B. 2026-W49")
        group.add_argument(
            "--all",
            action="store_true",
            help="alle Termine aller Tage" + (" in jedem Status" if sub is listing else ""),
        )
        sub.add_argument("--to", help="letzter Tag (mit --day)")
    listing.add_argument(
        "--cancelled", action="store_true", help="auch abgesagte Termine (mit --day, --week oder ohne Angabe: heute)"
    )
    export.add_argument("--out", help="Datei (Standard: Ausgabe auf dem Terminal)")
    for name, text in (("cancel", "Termin absagen"), ("held", "Termin als durchgeführt markieren")):
        actions.add_parser(name, help=text).add_argument("reference")

    calendar = commands.add_parser("calendar", help="Tage oder Zeitfenster sperren (Mitarbeitende)")
    calendar_actions = calendar.add_subparsers(dest="action", required=True)
    for name, arg, text in (
        ("block-day", "day", "Tag sperren"),
        ("unblock-day", "day", "Tag freigeben"),
        ("block-slot", "slot", "Zeitfenster sperren, z. B. '2026-12-03 10:00'"),
        ("unblock-slot", "slot", "Zeitfenster freigeben"),
    ):
        sub = calendar_actions.add_parser(name, help=text)
        sub.add_argument(arg)
        if name.startswith("block"):
            sub.add_argument("--reason", default="")
    return [bookings, calendar]
