"""iCalendar (RFC 5545) file for a booked consultation."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import List

PRODID = "-//go-cluster//Assistent//DE"


def _escape(text: str) -> str:
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def _fold(line: str) -> List[str]:
    """Lines longer than 75 octets continue on the next line after a space (RFC 5545 3.1)."""
    parts, current = [], b""
    for char in line:
        piece = char.encode("utf-8")
        if len(current) + len(piece) > (75 if not parts else 74):
            parts.append(current.decode("utf-8"))
            current = b""
        current += piece
    parts.append(current.decode("utf-8"))
    return [parts[0]] + [" " + p for p in parts[1:]]


def _utc(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def consultation_event(*, reference: str, start: datetime, end: datetime, format_label: str,
                       description: str, stamp: datetime, status: str = "CONFIRMED") -> str:
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{reference}@go-cluster-assistent",
        f"DTSTAMP:{_utc(stamp)}",
        f"DTSTART:{_utc(start)}",
        f"DTEND:{_utc(end)}",
        f"SUMMARY:{_escape(f'Beratungsgespräch go-cluster ({format_label})')}",
        f"DESCRIPTION:{_escape(description)}",
        f"STATUS:{status}",
        "END:VEVENT", "END:VCALENDAR",
    ]
    return "\r\n".join(folded for line in lines for folded in _fold(line)) + "\r\n"


def calendar_for_booking(booking, format_label: str) -> str:
    """The .ics of a booking (a BookingView); a cancelled booking yields a cancelled event."""
    description = (f"Buchungsnummer {booking.reference}. Verpflichtendes Beratungsgespräch vor dem "
                   f"Aufnahmeantrag im Programm go-cluster (Projektträger VDI/VDE-IT). "
                   f"Kontakt: +49 30 310078-387, info@go-cluster.de")
    return consultation_event(reference=booking.reference, start=booking.slot_start, end=booking.slot_end,
                              format_label=format_label, description=description, stamp=booking.created_at,
                              status="CANCELLED" if booking.status == "cancelled" else "CONFIRMED")
