"""Consultation calendar: which slots exist and which of them can still be booked.

Pure functions over a CalendarConfig; the booking service supplies what the database knows
(taken slots, blocked days and slots). All datetimes are timezone-aware.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, FrozenSet, Iterable, Iterator, List, Mapping, Optional, Set, Tuple
from zoneinfo import ZoneInfo

import holidays as holiday_calendars
import yaml

from bot.config import DEFAULT_CONTENT_DIR, DEFAULT_TIMEZONE
from bot.dates import TimeWish

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# How far around the wish the bot looks for alternatives when nothing fits the wish itself.
ALTERNATIVE_SEARCH_DAYS = 21


class CalendarConfigError(ValueError):
    pass


DEFAULT_HOLD_MINUTES = 15


@dataclass(frozen=True)
class CalendarConfig:
    timezone: str
    weekdays: FrozenSet[int]
    hours: Tuple[Tuple[time, time], ...]
    slot_minutes: int
    lead_time: timedelta
    horizon_days: int
    holiday_country: str
    holiday_subdivision: str
    formats: Mapping[str, str] = field(default_factory=dict)
    hold_minutes: int = DEFAULT_HOLD_MINUTES  # a chosen slot is kept this long for the conversation that chose it

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def slot_length(self) -> timedelta:
        return timedelta(minutes=self.slot_minutes)


def _clock(value: str, where: str) -> time:
    try:
        return time.fromisoformat(str(value))
    except ValueError as error:
        raise CalendarConfigError(f"{where}: {value!r} is not a time like 09:00") from error


def parse_calendar_config(data: Mapping[str, Any], timezone: str) -> CalendarConfig:
    """The calendar rules of content/calendar.yml, in the one configured time zone
    (GOCLUSTER_TIMEZONE; the file names none, so there is one source)."""
    if "timezone" in data:
        raise CalendarConfigError("content/calendar.yml: the time zone is set by GOCLUSTER_TIMEZONE, not here")
    try:
        hours = tuple((_clock(h["start"], "hours"), _clock(h["end"], "hours")) for h in data["hours"])
        config = CalendarConfig(
            timezone=timezone,
            weekdays=frozenset(WEEKDAYS.index(d) for d in data["weekdays"]),
            hours=hours,
            slot_minutes=int(data["slot_minutes"]),
            lead_time=timedelta(hours=float(data["lead_time_hours"])),
            horizon_days=int(data["horizon_days"]),
            holiday_country=data["holidays"]["country"],
            holiday_subdivision=data["holidays"].get("subdivision", ""),
            formats=dict(data.get("formats") or {}),
            hold_minutes=int(data.get("hold_minutes", DEFAULT_HOLD_MINUTES)),
        )
        ZoneInfo(config.timezone)
    except (KeyError, TypeError, ValueError) as error:
        raise CalendarConfigError(f"content/calendar.yml: {error}") from error
    if any(start >= end for start, end in hours) or config.slot_minutes <= 0 or config.hold_minutes <= 0:
        raise CalendarConfigError("content/calendar.yml: office hours, slot length or hold time are invalid")
    return config


def load_calendar_config(path: Optional[Path] = None, timezone: str = DEFAULT_TIMEZONE) -> CalendarConfig:
    """content/calendar.yml (or `path`) in `timezone` (the composition root passes the settings')."""
    return _load(Path(path or DEFAULT_CONTENT_DIR / "calendar.yml"), timezone)


@lru_cache(maxsize=4)
def _load(path: Path, timezone: str) -> CalendarConfig:
    return parse_calendar_config(yaml.safe_load(path.read_text("utf-8")), timezone)


@lru_cache(maxsize=16)
def _holidays(country: str, subdivision: str, year: int) -> Dict[date, str]:
    calendar = holiday_calendars.country_holidays(country, subdiv=subdivision or None, years=year, language="de")
    return dict(calendar.items())


def holiday_name(config: CalendarConfig, day: date) -> Optional[str]:
    return _holidays(config.holiday_country, config.holiday_subdivision, day.year).get(day)


@dataclass(frozen=True)
class Closures:
    """What the database adds to the rules: taken slots (booked, or held for another chat) and
    staff-blocked days/slots."""

    taken: FrozenSet[datetime] = frozenset()
    blocked_days: FrozenSet[date] = frozenset()
    blocked_slots: FrozenSet[datetime] = frozenset()


def closed_reason(config: CalendarConfig, day: date, closures: Closures = Closures()) -> Optional[str]:
    """Why no consultation takes place on `day` ("weekend", "holiday", "blocked"), or None."""
    if day.weekday() not in config.weekdays:
        return "weekend" if day.weekday() >= 5 else "closed_weekday"
    if holiday_name(config, day):
        return "holiday"
    if day in closures.blocked_days:
        return "blocked"
    return None


def day_slots(config: CalendarConfig, day: date) -> List[datetime]:
    """All slot starts of a day within office hours, ignoring closures."""
    slots = []
    for start, end in config.hours:
        current = datetime.combine(day, start, tzinfo=config.tz)
        close = datetime.combine(day, end, tzinfo=config.tz)
        while current + config.slot_length <= close:
            slots.append(current)
            current = current + config.slot_length
    return slots


def bookable_problem(
    config: CalendarConfig, slot: datetime, now: datetime, closures: Closures = Closures()
) -> Optional[str]:
    """Why `slot` cannot be booked now, or None. Checked again inside the booking transaction."""
    local = slot.astimezone(config.tz)
    if local not in day_slots(config, local.date()):
        return "not_a_slot"
    if slot < now + config.lead_time:
        return "too_soon"
    if local.date() > now.astimezone(config.tz).date() + timedelta(days=config.horizon_days):
        return "too_far"
    if closed_reason(config, local.date(), closures):
        return "closed"
    # Aware datetimes compare and hash by instant, whatever their tzinfo.
    if slot in closures.blocked_slots:
        return "blocked"
    if slot in closures.taken:
        return "taken"
    return None


def free_slots(
    config: CalendarConfig, first_day: date, last_day: date, now: datetime, closures: Closures = Closures()
) -> Iterator[datetime]:
    """Bookable slots from first_day to last_day (inclusive), in time order."""
    today = now.astimezone(config.tz).date()
    first_day = max(first_day, today)
    last_day = min(last_day, today + timedelta(days=config.horizon_days))
    earliest = now + config.lead_time
    unavailable: Set[datetime] = set(closures.taken) | set(closures.blocked_slots)
    day = first_day
    while day <= last_day:
        if not closed_reason(config, day, closures):
            for slot in day_slots(config, day):
                if slot >= earliest and slot not in unavailable:
                    yield slot
        day += timedelta(days=1)


def _fits(config: CalendarConfig, slot: datetime, wish: TimeWish) -> bool:
    local = slot.astimezone(config.tz)
    if wish.weekday is not None and local.weekday() != wish.weekday:
        return False
    clock = local.time()
    if wish.earliest and clock < wish.earliest:
        return False
    if wish.latest and clock >= wish.latest:
        return False
    return True


def _distance(config: CalendarConfig, slot: datetime, wish: TimeWish) -> float:
    """How far a slot is from the wish, in hours (0 inside the wished days and times)."""
    local = slot.astimezone(config.tz)
    target = wish.exact or wish.earliest or time(9, 0)
    if local.date() < wish.first_day:
        anchor = datetime.combine(wish.first_day, target, tzinfo=config.tz)
    elif local.date() > wish.last_day:
        anchor = datetime.combine(wish.last_day, target, tzinfo=config.tz)
    else:
        anchor = datetime.combine(local.date(), target, tzinfo=config.tz)
    return abs((slot - anchor).total_seconds()) / 3600


@dataclass(frozen=True)
class Proposal:
    slots: Tuple[datetime, ...]
    matches_wish: bool
    # Why nothing matched (see REASONS): the true one, never "booked out" when it is too soon.
    reason: Optional[str] = None


# Why a wish gets no slot, most fundamental first: a day without consultations, a time that is no
# slot start, beyond the booking horizon, too short notice, blocked by staff, taken.
REASONS = (
    "weekend",
    "closed_weekday",
    "holiday",
    "blocked",
    "outside_hours",
    "not_a_slot",
    "too_far",
    "too_soon",
    "too_soon_and_booked",
    "taken",
    "booked_out",
)
_SLOT_PROBLEM_ORDER = ("outside_hours", "not_a_slot", "too_far", "too_soon", "blocked", "taken")


def _slot_problem(config: CalendarConfig, slot: datetime, now: datetime, closures: Closures) -> Optional[str]:
    """Like bookable_problem, but the most fundamental reason when several apply (a Saturday
    tomorrow is closed, not too soon)."""
    local = slot.astimezone(config.tz)
    closed = closed_reason(config, local.date(), closures)
    if closed:
        return closed
    problems = set()
    if local not in day_slots(config, local.date()):
        within_hours = any(start <= local.time() < end for start, end in config.hours)
        problems.add("not_a_slot" if within_hours else "outside_hours")
    if slot < now + config.lead_time:
        problems.add("too_soon")
    if local.date() > now.astimezone(config.tz).date() + timedelta(days=config.horizon_days):
        problems.add("too_far")
    if slot in closures.blocked_slots:
        problems.add("blocked")
    if slot in closures.taken:
        problems.add("taken")
    return next((p for p in _SLOT_PROBLEM_ORDER if p in problems), None)


def _problems(config: CalendarConfig, slots: Iterable[datetime], now: datetime, closures: Closures) -> Set[str]:
    """What keeps these slots from being booked (_slot_problem of each; a bookable slot adds none)."""
    found = {_slot_problem(config, slot, now, closures) for slot in slots}
    return {problem for problem in found if problem is not None}


def why_nothing_fits(config: CalendarConfig, wish: TimeWish, now: datetime, closures: Closures = Closures()) -> str:
    """The true reason no free slot fits the wish (one of REASONS)."""
    days = [wish.first_day + timedelta(days=n) for n in range((wish.last_day - wish.first_day).days + 1)]
    days = [d for d in days if wish.weekday is None or d.weekday() == wish.weekday] or days
    open_days = [d for d in days if not closed_reason(config, d, closures)]
    if not open_days:
        reasons = sorted({closed_reason(config, d, closures) or "" for d in days}, key=REASONS.index)
        return reasons[0]
    if wish.exact:
        slots = (datetime.combine(d, wish.exact, tzinfo=config.tz) for d in open_days)
        problems = _problems(config, slots, now, closures)
        return min(problems, key=_SLOT_PROBLEM_ORDER.index) if problems else "booked_out"
    candidates = [slot for d in open_days for slot in day_slots(config, d) if _fits(config, slot, wish)]
    if not candidates:
        return "outside_hours"  # e.g. "abends", "um 7 Uhr": no consultation at that time of day
    problems = _problems(config, candidates, now, closures)
    if problems <= {"too_soon"}:
        return "too_soon"
    if problems <= {"too_far"}:
        return "too_far"
    if "too_soon" in problems and problems & {"taken", "blocked"}:
        return "too_soon_and_booked"
    return "booked_out"


def propose(
    config: CalendarConfig, wish: TimeWish, now: datetime, closures: Closures = Closures(), count: int = 3
) -> Proposal:
    """Up to `count` free slots matching the wish; otherwise the nearest free slots around it, with
    the reason. A wish for an exact time matches only if that very slot is free."""
    matching = [s for s in free_slots(config, wish.first_day, wish.last_day, now, closures) if _fits(config, s, wish)]
    if wish.exact:
        exact_free = [s for s in matching if s.astimezone(config.tz).time() == wish.exact]
        if exact_free:
            matching.sort(key=lambda s: (_distance(config, s, wish), s))
            return Proposal(tuple(sorted(matching[:count])), True)
        matching = []
    if matching:
        return Proposal(tuple(matching[:count]), True)
    window_start = wish.first_day - timedelta(days=ALTERNATIVE_SEARCH_DAYS)
    window_end = wish.last_day + timedelta(days=ALTERNATIVE_SEARCH_DAYS)
    nearby = list(free_slots(config, window_start, window_end, now, closures))
    if not nearby:  # nothing around the wish: the first free slots at all
        nearby = list(
            free_slots(
                config,
                now.astimezone(config.tz).date(),
                now.astimezone(config.tz).date() + timedelta(days=config.horizon_days),
                now,
                closures,
            )
        )[:count]
    # Prefer slots that at least keep the wished time of day, then the closest ones.
    nearby.sort(
        key=lambda s: (
            not _fits(config, s, TimeWish(s.date(), s.date(), wish.earliest, wish.latest)),
            _distance(config, s, wish),
            s,
        )
    )
    return Proposal(tuple(sorted(nearby[:count])), False, why_nothing_fits(config, wish, now, closures))
