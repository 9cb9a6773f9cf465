"""What the bot says while booking, looking up, rescheduling and cancelling consultations.

Pure composition of German replies from content/messages.yml (status labels: content/labels.yml);
no database, no Rasa.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Any, Dict, List, Optional

from bot.booking.calendar import CalendarConfig, Proposal, day_slots
from bot.booking.format import format_day, format_slot
from bot.booking.service import BookingView
from bot.dates import ParseResult, TimeWish
from bot.knowledge.answers import Button, Reply
from bot.knowledge.content import Messages
from bot.labels import BOOKING_STATUS, Labels
from bot.language import fold, words

FORMAT_WORDS = {
    "telefon": ("telefon", "tel", "telefonisch", "phone", "anruf", "anrufen", "handy", "festnetz"),
    "video": (
        "video",
        "videocall",
        "videokonferenz",
        "online",
        "virtuell",
        "teams",
        "zoom",
        "webex",
        "bildschirm",
        "digital",
        "videogespraech",
    ),
}
ORDINALS = {
    0: ("1", "erste", "ersten", "erster", "eins", "nummer 1", "oberste", "obersten"),
    1: ("2", "zweite", "zweiten", "zweiter", "zwei", "mittlere", "mittleren"),
    2: ("3", "dritte", "dritten", "dritter", "drei", "letzte", "letzten", "unterste"),
}


def _clock(moment: time) -> str:
    """9:00 -> "9", 9:30 -> "9:30"."""
    return str(moment.hour) if moment.minute == 0 else f"{moment.hour}:{moment.minute:02d}"


def parse_format(text: str) -> Optional[str]:
    tokens = set(re.findall(r"[a-z]+", fold(text)))
    found = [fmt for fmt, words in FORMAT_WORDS.items() if tokens & set(words)]
    return found[0] if len(found) == 1 else None


def wish_to_dict(wish: TimeWish) -> Dict[str, Any]:
    def clock(value: Optional[time]) -> Optional[str]:
        return value.strftime("%H:%M") if value else None

    return {
        "first_day": wish.first_day.isoformat(),
        "last_day": wish.last_day.isoformat(),
        "earliest": clock(wish.earliest),
        "latest": clock(wish.latest),
        "exact": clock(wish.exact),
        "weekday": wish.weekday,
        "asap": wish.asap,
    }


def wish_from_dict(data: Optional[Dict[str, Any]]) -> Optional[TimeWish]:
    if not data:
        return None

    def clock(value: Optional[str]) -> Optional[time]:
        return time.fromisoformat(value) if value else None

    return TimeWish(
        date.fromisoformat(data["first_day"]),
        date.fromisoformat(data["last_day"]),
        clock(data.get("earliest")),
        clock(data.get("latest")),
        clock(data.get("exact")),
        data.get("weekday"),
        bool(data.get("asap")),
    )


def offer_to_dict(wish: TimeWish, proposal: Proposal) -> Dict[str, Any]:
    return {
        "wish": wish_to_dict(wish),
        "slots": [s.isoformat() for s in proposal.slots],
        "matches": proposal.matches_wish,
        "reason": proposal.reason,
    }


def choose_slot(text: str, offer: Optional[Dict[str, Any]], config: CalendarConfig) -> Optional[datetime]:
    """The offered slot the user picked: by button payload, by its written-out name or by
    position ("den zweiten"). None if the text picks none of them."""
    if not offer or not offer.get("slots"):
        return None
    slots = [datetime.fromisoformat(s) for s in offer["slots"]]
    stripped = text.strip()
    for slot in slots:
        if stripped in (slot.isoformat(), format_slot(slot.astimezone(config.tz))):
            return slot
    folded = " " + " ".join(words(stripped)) + " "
    for index, names in ORDINALS.items():
        if index < len(slots) and any(f" {name} " in folded for name in names):
            return slots[index]
    return None


class BookingDialogue:
    def __init__(
        self, messages: Messages, config: CalendarConfig, public_url: str, privacy_url: str, labels: Labels
    ) -> None:
        self._say = messages.render
        self.labels = labels
        self.config = config
        self.public_url = public_url.rstrip("/")
        self.privacy_url = privacy_url

    def _stop_button(self) -> Button:
        return Button(self._say("booking_stop_button"), "/stop")

    # --- choosing a time ---------------------------------------------------------------
    def describe_wish(self, wish: TimeWish) -> str:
        if wish.asap:
            days = "so bald wie möglich"
        elif wish.first_day == wish.last_day:
            days = format_day(wish.first_day)
        else:
            days = f"{wish.first_day:%d.%m.} bis {wish.last_day:%d.%m.%Y}"
        if wish.exact:
            return f"{days}, um {wish.exact:%H:%M} Uhr"
        if wish.earliest and wish.latest:
            return f"{days}, zwischen {wish.earliest:%H:%M} und {wish.latest:%H:%M} Uhr"
        if wish.earliest:
            return f"{days}, ab {wish.earliest:%H:%M} Uhr"
        if wish.latest:
            return f"{days}, bis {wish.latest:%H:%M} Uhr"
        return days

    def time_problem(self, result: ParseResult) -> Reply:
        key = {
            "past": "booking_time_past",
            "invalid_date": "booking_time_invalid",
            "too_far": "booking_time_too_far",
        }.get(result.problem or "", "booking_time_not_understood")
        return Reply(self._say(key, detail=result.detail, days=self.config.horizon_days))

    def offer(self, offer: Dict[str, Any]) -> List[Reply]:
        slots = [datetime.fromisoformat(s).astimezone(self.config.tz) for s in offer.get("slots") or []]
        if not slots:
            return [Reply(self._say("booking_no_slots_at_all"), (self._stop_button(),))]
        wish = wish_from_dict(offer["wish"])
        described = self.describe_wish(wish) if wish else ""
        if offer.get("matches"):
            intro = self._say("booking_slots_found", wish=described)
        else:
            reason = self._say(
                f"booking_reason_{offer.get('reason') or 'none_free'}",
                hours=int(self.config.lead_time.total_seconds() // 3600),
                days=self.config.horizon_days,
                office_hours=self.office_hours(),
                slot_starts=self.slot_starts(),
            )
            intro = self._say("booking_slots_alternative", wish=described, reason=reason)
        buttons = tuple(Button(format_slot(s), s.isoformat()) for s in slots)
        return [Reply(intro, buttons), Reply(self._say("booking_slots_other"))]

    def office_hours(self) -> str:
        """ "montags bis freitags von 9 bis 12 und von 13 bis 16 Uhr", from content/calendar.yml."""
        names = ("montags", "dienstags", "mittwochs", "donnerstags", "freitags", "samstags", "sonntags")
        days = sorted(self.config.weekdays)
        if days == list(range(days[0], days[-1] + 1)) and len(days) > 2:
            weekdays = f"{names[days[0]]} bis {names[days[-1]]}"
        else:
            weekdays = (
                ", ".join(names[d] for d in days[:-1]) + f" und {names[days[-1]]}" if len(days) > 1 else names[days[0]]
            )
        spans = " und ".join(f"von {_clock(start)} bis {_clock(end)}" for start, end in self.config.hours)
        return f"{weekdays} {spans} Uhr"

    def slot_starts(self) -> str:
        """ "um 9, 10, 11, 13, 14 und 15 Uhr": the start times of a consultation day."""
        monday = date(2026, 1, 5)
        starts = [_clock(s.time()) for s in day_slots(self.config, monday)]
        listed = ", ".join(starts[:-1]) + f" und {starts[-1]}" if len(starts) > 1 else starts[0]
        return f"um {listed} Uhr"

    # --- personal data and confirmation ----------------------------------------------------
    def format_question(self) -> Reply:
        """Phone or video, with the formats of content/calendar.yml as buttons."""
        return Reply(
            self._say("booking_ask_format"), tuple(Button(label, label) for label in self.config.formats.values())
        )

    def consent_question(self) -> Reply:
        return Reply(
            self._say("booking_ask_consent", privacy_url=self.privacy_url),
            (Button(self._say("button_consent_yes"), "/affirm"), Button(self._say("button_no"), "/deny")),
        )

    def format_label(self, fmt: str) -> str:
        return self.config.formats.get(fmt, fmt)

    def summary(
        self, slot: datetime, fmt: str, name: str, organisation: str, cluster: str, email: str, phone: Optional[str]
    ) -> Reply:
        lines = [
            self._say("booking_summary"),
            self._say(
                "booking_summary_lines",
                slot=format_slot(slot.astimezone(self.config.tz)),
                format=self.format_label(fmt),
                name=name,
                organisation=organisation,
                cluster=cluster,
                email=email,
            ),
        ]
        if phone:
            lines.append(self._say("booking_summary_phone", phone=phone))
        lines.append(self._say("booking_summary_question"))
        return Reply(
            "\n".join(lines),
            (
                Button(self._say("booking_confirm_button"), "/affirm"),
                Button(self._say("booking_decline_button"), "/deny"),
            ),
        )

    def calendar_url(self, reference: str, signature: str) -> str:
        return f"{self.public_url}/termin/{reference}.ics?sig={signature}"

    def confirmed(self, booking: BookingView, calendar_url: str, mail_sent: bool) -> List[Reply]:
        texts = [
            self._say(
                "booking_confirmed",
                slot=format_slot(booking.slot_start),
                format=self.format_label(booking.format),
                reference=booking.reference,
            ),
            self._say("booking_calendar_file", url=calendar_url),
        ]
        if mail_sent:
            texts.append(self._say("booking_mail_sent", email=booking.email))
        texts.append(self._say("booking_next_steps"))
        return [Reply("\n\n".join(texts))]

    def describe_slot(self, slot: datetime) -> str:
        return format_slot(slot.astimezone(self.config.tz))

    def confirmed_reschedule(self, booking: BookingView, calendar_url: str) -> List[Reply]:
        return [
            Reply(
                "\n\n".join(
                    [
                        self._say("reschedule_done", slot=format_slot(booking.slot_start), reference=booking.reference),
                        self._say("booking_calendar_file", url=calendar_url),
                    ]
                )
            )
        ]

    def say(self, key: str, **values: Any) -> Reply:
        return Reply(self._say(key, **values))

    # --- existing bookings --------------------------------------------------------------
    def status_label(self, status: str) -> str:
        return self.labels.label(BOOKING_STATUS, status)

    def show(self, booking: BookingView) -> Reply:
        return Reply(
            self._say(
                "lookup_show",
                reference=booking.reference,
                slot=format_slot(booking.slot_start),
                format=self.format_label(booking.format),
                name=booking.name,
                organisation=booking.organisation,
                cluster=booking.cluster_name,
                status=self.status_label(booking.status),
            )
        )

    def cancel_question(self, booking: BookingView) -> Reply:
        return Reply(
            self._say("cancel_question", slot=format_slot(booking.slot_start)),
            (Button(self._say("cancel_yes_button"), "/affirm"), Button(self._say("cancel_no_button"), "/deny")),
        )

    def reschedule_question(self, old: datetime, new: datetime) -> Reply:
        return Reply(
            self._say(
                "reschedule_question",
                old=format_slot(old.astimezone(self.config.tz)),
                new=format_slot(new.astimezone(self.config.tz)),
            ),
            (Button(self._say("reschedule_yes_button"), "/affirm"), Button(self._say("reschedule_no_button"), "/deny")),
        )

    def not_found(self, retry_intent: str) -> Reply:
        return Reply(self._say("lookup_not_found"), (Button(self._say("lookup_retry_button"), "/" + retry_intent),))
