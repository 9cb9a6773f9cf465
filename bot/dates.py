"""German date and time expressions ("nächsten Dienstag nachmittags", "3.12. um 10") -> TimeWish.

Pure standard-library code without Rasa: the booking dialogue passes the user's text and the
current time, slot generation turns the resulting `TimeWish` into bookable slots.

How it works: the text is folded by bot.language (lower case, umlauts as ae/oe/ue; the patterns are
written with umlauts and also match the dotless spelling "ubermorgen"), then a table of regular
expressions is applied in order. Each match is handed to a small function that records what it
names (days, ranges, weekdays, clock times, time windows) and is blanked out, so later patterns
cannot read the same words again. The findings are then combined into one wish and checked against
today and the booking horizon.

All results are local calendar values (the calendar's time zone) without tz. A local time that does not exist
or exists twice because of a daylight-saving switch (02:30 on the last Sunday of March) is
returned as named: slot generation attaches the tz and only offers slots that exist.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Callable, List, Match, Optional, Pattern, Tuple

from bot.language import MONTHS, WEEKDAY_ABBREVIATIONS, WEEKDAYS, alternation, fold, number_words, spelled, umlauts

PAST = "past"
INVALID_DATE = "invalid_date"
NOT_UNDERSTOOD = "not_understood"
TOO_FAR = "too_far"
PROBLEMS = (PAST, INVALID_DATE, NOT_UNDERSTOOD, TOO_FAR)

# A wish that names no days ("um 10", "egal") is looked for from today on for this many days.
OPEN_SPAN_DAYS = 14


@dataclass(frozen=True)
class TimeWish:
    """What the user wants, in local calendar terms."""

    first_day: date  # earliest acceptable day (inclusive)
    last_day: date  # latest acceptable day (inclusive)
    earliest: Optional[time] = None  # time-of-day window start (inclusive), None = any
    latest: Optional[time] = None  # time-of-day window end (exclusive), None = any
    exact: Optional[time] = None  # a specific time was named ("10:30", "14 Uhr")
    weekday: Optional[int] = None  # 0=Monday..6=Sunday if the user named a weekday
    asap: bool = False  # "so bald wie möglich", "egal", "möglichst früh"


@dataclass(frozen=True)
class ParseResult:
    wish: Optional[TimeWish]  # set exactly when problem is None
    problem: Optional[str] = None  # None if ok; else one of: "past", "invalid_date", "not_understood", "too_far"
    detail: str = ""  # e.g. the offending date "31.02." for messages


# --- vocabulary (folded spelling, see bot.language.text: lower case, "ä" -> "ae"; tables list every
# spelling and patterns written with umlauts match "ä", "ae" and "a") ------------------------------

HOUR_WORDS = {**number_words(range(0, 21)), "ein": 1}
# "in einer Woche", "in einem Tag": the inflected forms only count; "ab einem ..." is no hour.
COUNT_WORDS = number_words(range(1, 21), article=True)
# MONTHS (names and abbreviations -> 1-12), WEEKDAYS and WEEKDAY_ABBREVIATIONS (-> 0=Monday):
# from bot.language.calendar_words.

WINDOWS = {
    "morning": (time(8), time(12)),
    "noon": (time(11), time(14)),
    "afternoon": (time(12), time(18)),
    "evening": (time(17), time(22)),
}
# Words naming a window, also as the second half of "Dienstagnachmittag" / "Freitag Abend".
DAY_PARTS = {
    "morgen": "morning",
    "vormittag": "morning",
    "mittag": "noon",
    "nachmittag": "afternoon",
    "abend": "evening",
}

# Day numbers within a month, and weekday numbers within a week (Mon=0), of "Anfang/Mitte/Ende".
MONTH_PARTS = {None: (1, 31), "anfang": (1, 10), "mitte": (11, 20), "ende": (21, 31)}
WEEK_PARTS = {None: (0, 6), "anfang": (0, 1), "mitte": (1, 3), "ende": (3, 4)}

# "nächste", "kommende", ...: how many weeks / months ahead.
RELATIVE_OFFSETS = spelled({"diese": 0, "nächste": 1, "kommende": 1, "übernächste": 2})

_HOUR = rf"(?:\d{{1,2}}|{alternation(HOUR_WORDS)})"
_COUNT = rf"(?:\d{{1,3}}|{alternation(COUNT_WORDS)})"
_MONTH = rf"(?P<month>{alternation(MONTHS)})\b\.?"
_RELATIVE = rf"(?P<which>{alternation(RELATIVE_OFFSETS)})[nmrs]?"
_PART = r"(?P<part>anfang|mitte|ende)"
_DAY_PART = rf"(?P<daypart>{alternation(DAY_PARTS)})"

# --- extraction state --------------------------------------------------------------------------


class _Problem(Exception):
    def __init__(self, code: str, detail: str = ""):
        super().__init__(code, detail)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class _Clock:
    """A clock time as written; the afternoon guess for "um 3" is made once all windows are known."""

    hour: int
    minute: int = 0
    explicit: bool = False  # "Uhr", minutes or "h" written: take the hour literally


@dataclass
class _Findings:
    days: List[date] = field(default_factory=list)  # single days
    ranges: List[Tuple[date, date]] = field(default_factory=list)  # inclusive day ranges
    week_offsets: List[int] = field(default_factory=list)  # "in N Wochen"
    weekdays: List[Tuple[int, int]] = field(default_factory=list)  # (weekday, weeks to skip)
    exact: List[_Clock] = field(default_factory=list)
    earliest: List[_Clock] = field(default_factory=list)
    latest: List[_Clock] = field(default_factory=list)
    windows: List[str] = field(default_factory=list)
    asap: bool = False
    source: str = ""  # the normalised text before anything was blanked out

    def names_days(self) -> bool:
        return bool(self.days or self.ranges or self.week_offsets)

    def names_time(self) -> bool:
        return bool(self.exact or self.earliest or self.latest or self.windows)

    def is_empty(self) -> bool:
        return not (self.names_days() or self.weekdays or self.names_time() or self.asap)


# --- small calendar helpers --------------------------------------------------------------------


def _show(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _iso_week(today: date, weeks_ahead: int) -> Tuple[date, date]:
    start = _monday(today) + timedelta(weeks=weeks_ahead)
    return start, start + timedelta(days=6)


def _next_weekday(today: date, weekday: int) -> date:
    """The next such day strictly after today."""
    return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)


def _weekday_in(first: date, last: date, weekday: int, today: date) -> Optional[date]:
    """The first such day in the range from today on; the last one if all lie in the past."""
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    matching = [d for d in days if d.weekday() == weekday]
    if not matching:
        return None
    upcoming = [d for d in matching if d >= today]
    return upcoming[0] if upcoming else matching[-1]


def _full_year(text: Optional[str]) -> Optional[int]:
    if not text:
        return None
    return int(text) + 2000 if len(text) == 2 else int(text)


def _number(token: str) -> int:
    if token.isdigit():
        return int(token)
    return int(HOUR_WORDS[token] if token in HOUR_WORDS else COUNT_WORDS[token])


# A date without a year that lies at most this many days back is a slip, not next year's date:
# "am 2.11." typed on 28.11. is reported as past instead of being read as a year ahead.
RECENT_PAST_DAYS = 60


def _calendar_date(day: int, month: int, year: Optional[int], today: date) -> date:
    """A date as written; without year the next occurrence on or after today (29.2. may skip years),
    unless it lay within the last RECENT_PAST_DAYS days, which is reported as past."""
    shown = f"{day:02d}.{month:02d}." + ("" if year is None else str(year))
    if year is not None:
        try:
            return date(year, month, day)
        except ValueError:
            raise _Problem(INVALID_DATE, shown) from None
    if not (1 <= month <= 12 and 1 <= day <= calendar.monthrange(2024, month)[1]):  # 2024: leap year
        raise _Problem(INVALID_DATE, shown)
    for recent_year in (today.year, today.year - 1):
        try:
            recent = date(recent_year, month, day)
        except ValueError:
            continue
        if timedelta(0) < today - recent <= timedelta(days=RECENT_PAST_DAYS):
            return recent  # the caller reports it as past
    for candidate_year in range(today.year, today.year + 9):
        try:
            candidate = date(candidate_year, month, day)
        except ValueError:
            continue
        if candidate >= today:
            return candidate
    raise _Problem(INVALID_DATE, shown)  # unreachable: every 29.2. comes back within 8 years


def _month_range(month: int, year: Optional[int], part: Optional[str], today: date) -> Tuple[date, date]:
    """A month or its beginning/middle/end. Without year: this month if it is the current one, else the next."""
    if year is None:
        year = today.year if month >= today.month else today.year + 1
    first_number, last_number = MONTH_PARTS[part]
    last_number = min(last_number, calendar.monthrange(year, month)[1])
    return date(year, month, first_number), date(year, month, last_number)


def _calendar_week(week: int, year: Optional[int], today: date) -> Tuple[date, date]:
    """ISO week Mon–Sun of this ISO year, or of the next one if it is already over."""

    def monday_of(y: int) -> Optional[date]:
        try:
            return date.fromisocalendar(y, week, 1)
        except ValueError:
            return None

    if year is None:
        year = today.isocalendar()[0]
        this_year = monday_of(year)
        if this_year is not None and this_year + timedelta(days=6) < today:
            year += 1
    monday = monday_of(year)
    if monday is None:
        raise _Problem(INVALID_DATE, f"KW {week}")
    return monday, monday + timedelta(days=6)


def _clock(hour: int, minute: int, explicit: bool) -> _Clock:
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise _Problem(INVALID_DATE, f"{hour:02d}:{minute:02d}")
    return _Clock(hour, minute, explicit)


# --- patterns and what each match means --------------------------------------------------------
# A handler records its match in `found`; returning False leaves the words for later patterns.

Handler = Callable[[Match[str], _Findings, date], Optional[bool]]

_ASAP = re.compile(
    umlauts(
        r"\b(?:so\s+(?:bald|schnell|früh)\s+wie\s+möglich|asap|möglichst\s+(?:bald|früh|schnell|zeitnah)"
        r"|baldmöglichst|schnellstmöglich|frühestmöglich|nächstmöglich\w*|zeitnah|egal|jederzeit"
        r"|wann\s+immer|zu\s+jeder\s+zeit|beliebig)\b"
    )
)


def _on_asap(m: Match[str], found: _Findings, today: date) -> None:
    found.asap = True


_CALENDAR_WEEK = re.compile(r"\b(?:kw|kalenderwoche)\s*\.?\s*(?P<week>\d{1,2})(?!\d)(?:\s*/?\s*(?P<year>\d{4})\b)?")


def _on_calendar_week(m: Match[str], found: _Findings, today: date) -> None:
    found.ranges.append(_calendar_week(int(m["week"]), _full_year(m["year"]), today))


# One clock time inside a range: "10", "zehn", "10:30", "10.30", "10 Uhr".
_RANGE_CLOCK = rf"{_HOUR}(?:[:.]\d{{2}})?(?!\.?\d)(?:\s*uhr\b)?"
_TIME_RANGES = [
    re.compile(
        rf"\b(?:zwischen|von)\s+(?P<a>{_RANGE_CLOCK})\s*(?:und|bis|-)\s*(?P<b>{_RANGE_CLOCK})"
        r"(?P<uhr>\s*(?:uhr|h)\b)?"
    ),
    # "10-12 Uhr", "10 bis 12"; not "2-3 Wochen"
    re.compile(
        rf"\b(?<!\.)(?P<a>{_RANGE_CLOCK})\s*(?:-|bis)\s*(?P<b>{_RANGE_CLOCK})(?P<uhr>\s*(?:uhr|h)\b)?"
        r"(?!\s*(?:tage?n?|wochen?|monate?n?)\b|\.\s?\d)"
    ),
]
_RANGE_CLOCK_PARTS = re.compile(rf"(?P<hour>{_HOUR})(?:[:.](?P<minute>\d{{2}}))?(?P<uhr>\s*uhr)?")


def _range_clock(text: str, uhr_after_range: bool) -> _Clock:
    parts = _RANGE_CLOCK_PARTS.fullmatch(text.strip())
    assert parts is not None, text  # `text` matched _RANGE_CLOCK, which these parts always cover
    explicit = uhr_after_range or bool(parts["minute"] or parts["uhr"])
    return _clock(_number(parts["hour"]), int(parts["minute"] or 0), explicit)


def _on_time_range(m: Match[str], found: _Findings, today: date) -> None:
    uhr = bool(m["uhr"])
    found.earliest.append(_range_clock(m["a"], uhr))
    found.latest.append(_range_clock(m["b"], uhr))


# Words before a clock time; they decide whether it is exact, the earliest or the latest time.
_CLOCK_PREFIX = umlauts(
    r"um|gegen|ca|circa|zirka|etwa|ungefähr|ab|nach|frühestens|spätestens|bis|vor|nicht"
    r"|später\s+als|früher\s+als"
)
_EARLIEST_WORDS = set(spelled(dict.fromkeys(("ab", "nach", "frühestens", "später"))))
_LATEST_WORDS = set(spelled(dict.fromkeys(("bis", "vor", "spätestens", "früher"))))
_FRACTIONS = {"halb": (-1, 30), "viertel nach": (0, 15), "viertel vor": (-1, 45), "dreiviertel": (-1, 45)}

_CLOCK = re.compile(
    rf"(?P<prefix>(?:\b(?:{_CLOCK_PREFIX})\b\.?\s*)+)?"
    r"(?<![\w.:])(?:"
    r"(?P<hm_h>\d{1,2})\s*:\s*(?P<hm_m>\d{2})(?:\s*(?:uhr|h)\b)?"  # 10:30 (Uhr)
    r"|(?P<dot_h>\d{1,2})\.(?P<dot_m>\d{2})(?:\s*(?:uhr|h)\b|(?(prefix)(?!\d|\.\d)|(?!)))"  # 10.30 Uhr, um 10.30
    rf"|(?P<uhr_h>{_HOUR})\s*uhr\b(?:\s*(?P<uhr_m>\d{{1,2}})\b(?![.:]))?"  # 10 Uhr (30)
    r"|(?P<h_h>\d{1,2})\s?h\b"  # 14h
    rf"|(?P<frac>halb|viertel\s+nach|viertel\s+vor|dreiviertel)\s+(?P<frac_h>{_HOUR})\b"  # halb elf
    # A bare number is an hour only after "um", "ab", ... and when no date or duration follows.
    rf"|(?(prefix)\b(?P<bare_h>{_HOUR})\b(?!\s*[:.]\s*\d|\.?\s*(?:{alternation(MONTHS)})\b"
    r"|\s*(?:uhr|h|tage?n?|wochen?|monate?n?|jahre?n?)\b)|(?!))"
    r")"
)


def _clock_role(prefix: Optional[str]) -> str:
    words = re.sub(r"\s+", " ", prefix or "").replace(".", "").split()
    role = "exact"
    for word in words:
        if word in _EARLIEST_WORDS:
            role = "earliest"
        elif word in _LATEST_WORDS:
            role = "latest"
    if "nicht" in words and role != "exact":  # "nicht vor 10" = ab 10
        role = "latest" if role == "earliest" else "earliest"
    return role


def _on_clock(m: Match[str], found: _Findings, today: date) -> Optional[bool]:
    if m["hm_h"]:
        clock = _clock(int(m["hm_h"]), int(m["hm_m"]), True)
    elif m["dot_h"]:
        if m.string.startswith(".", m.end()) and int(m["dot_m"]) <= 12:
            return False  # "bis 5.12." is a date; "um 10.30." a time at the end of a sentence
        clock = _clock(int(m["dot_h"]), int(m["dot_m"]), True)
    elif m["uhr_h"]:
        clock = _clock(_number(m["uhr_h"]), int(m["uhr_m"] or 0), True)
    elif m["h_h"]:
        clock = _clock(int(m["h_h"]), 0, True)
    elif m["frac"]:
        shift, minute = _FRACTIONS[re.sub(r"\s+", " ", m["frac"])]
        named = _number(m["frac_h"])
        if not 1 <= named <= 24:
            raise _Problem(INVALID_DATE, f"{named:02d}:{minute:02d}")
        hour = (named + shift) % 24 or 12  # "halb eins" is 12:30, not 00:30
        clock = _clock(hour, minute, False)
    else:
        clock = _clock(_number(m["bare_h"]), 0, False)
    getattr(found, _clock_role(m["prefix"])).append(clock)
    return None


_ISO_DATE = re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})\b")
_NUMERIC_DATE = re.compile(
    r"(?<![\d.:])(?P<day>\d{1,2})\.\s?(?P<month>\d{1,2})\."
    r"(?:(?P<year>\d{4}|\d{2})(?![\d.:])|\s(?P<spaced_year>\d{4})\b)?"
)
# "3.12" without the closing dot; "10.45" cannot be a date, it is read as a clock time.
_SHORT_NUMERIC_DATE = re.compile(r"(?<![\d.:])(?P<day>\d{1,2})\.(?P<month>\d{1,2})(?![\d.:])")
_DAY_MONTH_NAME = re.compile(rf"(?<![\d.])(?P<day>\d{{1,2}})\.?\s*{_MONTH}(?:\s*(?P<year>\d{{4}})\b)?")


def _on_iso_date(m: Match[str], found: _Findings, today: date) -> None:
    found.days.append(_calendar_date(int(m["day"]), int(m["month"]), int(m["year"]), today))


def _on_numeric_date(m: Match[str], found: _Findings, today: date) -> None:
    year = _full_year(m["year"] or m["spaced_year"])
    found.days.append(_calendar_date(int(m["day"]), int(m["month"]), year, today))


def _on_short_numeric_date(m: Match[str], found: _Findings, today: date) -> None:
    first, second = int(m["day"]), int(m["month"])
    if second > 12 and len(m["month"]) == 2 and first <= 23 and second <= 59:
        found.exact.append(_Clock(first, second, True))
    else:
        found.days.append(_calendar_date(first, second, None, today))


def _on_day_month_name(m: Match[str], found: _Findings, today: date) -> None:
    found.days.append(_calendar_date(int(m["day"]), MONTHS[m["month"]], _full_year(m["year"]), today))


_NUMBERED_MONTH = re.compile(r"(?<![\d.])(?P<number>\d{1,2})\.\s*monats?\b")
_MONTH_NAME = re.compile(rf"\b(?:{_PART}\s+)?{_MONTH}(?:\s*(?P<year>\d{{4}})\b)?")
_RELATIVE_MONTH = re.compile(rf"\b(?:{_PART}\s+)?(?:(?:des|im|in|dem|den)\s+)?(?:{_RELATIVE}\s+)?monats?\b")


def _on_numbered_month(m: Match[str], found: _Findings, today: date) -> None:
    number = int(m["number"])
    if not 1 <= number <= 12:
        raise _Problem(INVALID_DATE, f"{number}. Monat")
    found.ranges.append(_month_range(number, None, None, today))


def _on_month_name(m: Match[str], found: _Findings, today: date) -> None:
    found.ranges.append(_month_range(MONTHS[m["month"]], _full_year(m["year"]), m["part"], today))


def _on_relative_month(m: Match[str], found: _Findings, today: date) -> Optional[bool]:
    if not (m["part"] or m["which"]):  # "im Monat" alone says nothing
        return False
    index = today.month - 1 + RELATIVE_OFFSETS[m["which"] or "diese"]
    found.ranges.append(_month_range(index % 12 + 1, today.year + index // 12, m["part"], today))
    return None


_RELATIVE_WEEK = re.compile(rf"\b(?:{_PART}\s+(?:der\s+)?)?(?:{_RELATIVE}\s+)?woche\b")
_IN_WEEKS = re.compile(rf"\bin\s+(?P<count>{_COUNT})\s+wochen?\b")
_IN_DAYS = re.compile(rf"\bin\s+(?P<count>{_COUNT})\s+tage?n?\b")
_WEEKEND = re.compile(rf"\b(?:{_RELATIVE}\s+)?wochenende\b")


def _on_relative_week(m: Match[str], found: _Findings, today: date) -> Optional[bool]:
    if not (m["part"] or m["which"]):
        return False
    monday, _ = _iso_week(today, RELATIVE_OFFSETS[m["which"] or "diese"])
    first, last = WEEK_PARTS[m["part"]]
    found.ranges.append((monday + timedelta(days=first), monday + timedelta(days=last)))
    return None


def _on_in_weeks(m: Match[str], found: _Findings, today: date) -> None:
    found.week_offsets.append(_number(m["count"]))


def _on_in_days(m: Match[str], found: _Findings, today: date) -> None:
    found.days.append(today + timedelta(days=_number(m["count"])))


def _on_weekend(m: Match[str], found: _Findings, today: date) -> None:
    # On Saturday or Sunday "Wochenende" is the one in progress, "nächstes Wochenende" the following one.
    in_weekend = today.weekday() >= 5
    saturday = today + timedelta(days=5 - today.weekday()) if not in_weekend else _monday(today) + timedelta(days=5)
    offset = RELATIVE_OFFSETS[m["which"]] if m["which"] else 0
    skip = int(in_weekend) + offset - 1 if offset else 0
    saturday += timedelta(weeks=skip)
    found.ranges.append((saturday, saturday + timedelta(days=1)))


_WEEKDAY = re.compile(
    rf"\b(?:{_RELATIVE}\s+)?"
    rf"(?:(?P<name>{alternation(WEEKDAYS)})|(?P<abbr>{alternation(WEEKDAY_ABBREVIATIONS)})(?=\W|$))"
    rf"(?:s?\.?\s*{_DAY_PART}s?\b|s\b|\.|\b)"
)
# "so" is also a filler ("so gegen 10", "so um 3"): it is Sunday only in a day context.
_SUNDAY_BEFORE = re.compile(r"\b(?:am|den|jeden)\s*$")
_SUNDAY_AFTER = re.compile(r",?\s*(?:den|der)\b")


def _so_means_sunday(m: Match[str], source: str) -> bool:
    """Looks at the unblanked text: "so gegen 10" has become "so" + blanks by now."""
    if m["which"] or m["daypart"] or m.group(0).endswith("."):
        return True
    before, after = source[: m.start()], source[m.end() :]
    if not before.strip() and not after.strip(" !?"):  # the whole answer is "So"
        return True
    return bool(_SUNDAY_BEFORE.search(before) or _SUNDAY_AFTER.match(after))


def _on_weekday(m: Match[str], found: _Findings, today: date) -> Optional[bool]:
    if m["abbr"] == "so" and not _so_means_sunday(m, found.source):
        return False
    weekday = WEEKDAYS[m["name"]] if m["name"] else WEEKDAY_ABBREVIATIONS[m["abbr"]]
    # "nächsten Dienstag" is the next Tuesday like plain "Dienstag"; "übernächsten" the one after.
    found.weekdays.append((weekday, 1 if m["which"] and RELATIVE_OFFSETS[m["which"]] == 2 else 0))
    if m["daypart"]:
        found.windows.append(DAY_PARTS[m["daypart"]])
    return None


_WINDOW = re.compile(
    umlauts(
        r"\b(?:(?P<morning>vormittags?|morgens|früh|am\s+morgen)|(?P<afternoon>nachmittags?)"
        r"|(?P<noon>mittags?|mittagszeit)|(?P<evening>abends?))\b"
    )
)


def _on_window(m: Match[str], found: _Findings, today: date) -> None:
    assert m.lastgroup is not None  # _WINDOW is an alternation of named groups: the one that matched
    found.windows.append(m.lastgroup)


# "heute Morgen" is this morning; plain "morgen" is tomorrow, "morgens" a window (matched above).
_RELATIVE_DAY = re.compile(
    umlauts(r"\b(?P<day>heute|übermorgen|morgen|vorgestern|gestern)\b(?:\s+(?P<this_morning>morgen)\b)?")
)
# Yesterday is understood so that it can be refused as "past" instead of "not understood".
_RELATIVE_DAYS = spelled({"heute": 0, "morgen": 1, "übermorgen": 2, "gestern": -1, "vorgestern": -2})


def _on_relative_day(m: Match[str], found: _Findings, today: date) -> None:
    found.days.append(today + timedelta(days=_RELATIVE_DAYS[m["day"]]))
    if m["this_morning"]:
        found.windows.append("morning")


# Order matters: longer and more specific expressions first, so "möglichst früh" is not the
# window "früh", "10.30 Uhr" not a date, "Dienstag morgen" not "tomorrow".
_EXTRACTORS: List[Tuple[Pattern[str], Handler]] = [
    (_ASAP, _on_asap),
    (_CALENDAR_WEEK, _on_calendar_week),
    (_ISO_DATE, _on_iso_date),
    *((pattern, _on_time_range) for pattern in _TIME_RANGES),
    (_CLOCK, _on_clock),
    (_NUMERIC_DATE, _on_numeric_date),
    (_SHORT_NUMERIC_DATE, _on_short_numeric_date),
    (_DAY_MONTH_NAME, _on_day_month_name),
    (_NUMBERED_MONTH, _on_numbered_month),
    (_MONTH_NAME, _on_month_name),
    (_RELATIVE_MONTH, _on_relative_month),
    (_IN_WEEKS, _on_in_weeks),
    (_IN_DAYS, _on_in_days),
    (_RELATIVE_WEEK, _on_relative_week),
    (_WEEKEND, _on_weekend),
    (_WEEKDAY, _on_weekday),
    (_WINDOW, _on_window),
    (_RELATIVE_DAY, _on_relative_day),
]

_CORRECTION = re.compile(r"^\W*(?:nein|doch|besser|eher)\b|\b(?:lieber|stattdessen)\b")


# --- putting it together -----------------------------------------------------------------------


def normalize(text: str) -> str:
    """Folded (bot.language.fold) with whitespace collapsed: "Übermorgen  früh" -> "uebermorgen frueh"."""
    return re.sub(r"\s+", " ", fold(text)).strip()


def _blanker(handler: Handler, found: _Findings, today: date) -> Callable[[Match[str]], str]:
    """The replacement for re.sub: records the match with `handler` and blanks it out, or keeps it."""

    def blank(m: Match[str]) -> str:
        if handler(m, found, today) is False:
            return m.group(0)
        return " " * len(m.group(0))

    return blank


def _extract(text: str, today: date) -> Tuple[_Findings, str]:
    """All findings, and the text with every recognised expression blanked out."""
    found = _Findings(source=text)
    for pattern, handler in _EXTRACTORS:
        text = pattern.sub(_blanker(handler, found, today), text)
    return found, text


def _clock_time(clock: _Clock, windows: List[str]) -> time:
    hour = clock.hour
    if hour < 12 and any(w in ("afternoon", "evening") for w in windows):
        hour += 12  # "um 3 nachmittags", "8 Uhr abends"
    elif not clock.explicit and 1 <= hour <= 7 and "morning" not in windows:
        hour += 12  # "um 3" means 15:00: nobody books a consultation at 3 at night
    return time(hour, clock.minute)


def _resolve_time(found: _Findings) -> Tuple[Optional[time], Optional[time], Optional[time]]:
    """(earliest, latest, exact). An exact time wins: windows only tell its hour apart (um 3 abends)."""
    if found.exact:
        return None, None, _clock_time(found.exact[0], found.windows)
    starts = [WINDOWS[w][0] for w in found.windows]
    ends = [WINDOWS[w][1] for w in found.windows]
    # Several windows ("vormittags oder nachmittags") widen; "ab"/"bis" narrow.
    earliest = min(starts) if starts else None
    latest = max(ends) if ends else None
    for clock in found.earliest:
        named = _clock_time(clock, found.windows)
        earliest = named if earliest is None else max(earliest, named)
    for clock in found.latest:
        named = _clock_time(clock, found.windows)
        latest = named if latest is None else min(latest, named)
    if earliest is not None and latest is not None and earliest >= latest:
        raise _Problem(NOT_UNDERSTOOD)
    return earliest, latest, None


def _resolve_days(found: _Findings, today: date) -> Optional[Tuple[date, date, Optional[int]]]:
    """(first_day, last_day, weekday) of the named days, or None if the text names no days at all."""
    singles, ranges = list(found.days), list(found.ranges)
    for weeks in found.week_offsets:
        # "in einer Woche" is a day; "in zwei Wochen" and "Dienstag in einer Woche" mean that week.
        if weeks == 1 and not found.weekdays:
            singles.append(today + timedelta(weeks=1))
        else:
            ranges.append(_iso_week(today, weeks))
    named = {weekday for weekday, _ in found.weekdays}
    if singles:  # a date is more precise than a weekday said with it ("Dienstag, 1.12.")
        first, last = min(singles), max(singles)
        return first, last, (first.weekday() if named and first == last else None)
    if found.weekdays:
        if ranges:
            span = min(r[0] for r in ranges), max(r[1] for r in ranges)
            picks: List[date] = []
            for weekday, _ in found.weekdays:
                pick = _weekday_in(*span, weekday, today)
                if pick is None:  # "Dienstag am Wochenende"
                    raise _Problem(NOT_UNDERSTOOD)
                picks.append(pick)
        else:
            picks = [_next_weekday(today, weekday) + timedelta(weeks=skip) for weekday, skip in found.weekdays]
        return min(picks), max(picks), (named.pop() if len(named) == 1 else None)
    if ranges:
        return min(r[0] for r in ranges), max(r[1] for r in ranges), None
    return None


def _open_span(today: date) -> Tuple[date, date, Optional[int]]:
    return today, today + timedelta(days=OPEN_SPAN_DAYS), None


def _corrected(previous: TimeWish, found: _Findings, today: date) -> TimeWish:
    """The previous wish with only what the new text names replaced."""
    # Named days, ranges or weeks always resolve to days (None only when the text names none).
    days = _resolve_days(found, today) if found.names_days() else None
    if days is not None:
        first, last, weekday = days
    elif found.weekdays:
        # "lieber Mittwoch": the Wednesday within the previous days if there is one, else the next.
        picks = [
            _weekday_in(previous.first_day, previous.last_day, wd, today)
            or _next_weekday(today, wd) + timedelta(weeks=skip)
            for wd, skip in found.weekdays
        ]
        named = {wd for wd, _ in found.weekdays}
        first, last, weekday = min(picks), max(picks), (named.pop() if len(named) == 1 else None)
    elif found.asap:  # "lieber so bald wie möglich" drops the previous days
        first, last, weekday = _open_span(today)
    else:
        first, last, weekday = previous.first_day, previous.last_day, previous.weekday
    if found.names_time():
        earliest, latest, exact = _resolve_time(found)
    else:
        earliest, latest, exact = previous.earliest, previous.latest, previous.exact
    return TimeWish(first, last, earliest, latest, exact, weekday, previous.asap or found.asap)


def _checked(wish: TimeWish, today: date, horizon_days: int) -> ParseResult:
    if wish.last_day < today:
        return ParseResult(None, PAST, _show(wish.last_day))
    if wish.first_day < today:  # a range that has begun ("diese Woche", "Ende des Monats")
        wish = replace(wish, first_day=today)
    if wish.first_day > today + timedelta(days=horizon_days):
        return ParseResult(None, TOO_FAR, _show(wish.first_day))
    return ParseResult(wish)


def _local_today(now: datetime) -> date:
    # `now` is given in the calendar's time zone (the caller converts it): its date is today.
    return now.date()


def parse_time_wish(
    text: str, now: datetime, previous: Optional[TimeWish] = None, horizon_days: int = 365
) -> ParseResult:
    """Read a German day/time wish. `now` is the current time in the calendar's time zone;
    `previous` is the wish being corrected ("lieber nachmittags")."""
    if not text or not text.strip():
        return ParseResult(None, NOT_UNDERSTOOD)
    today = _local_today(now)
    normalized = normalize(text)
    try:
        found, leftover = _extract(normalized, today)
        # Digits nobody understood ("morgen 3") must not be silently dropped.
        if found.is_empty() or re.search(r"\d", leftover):
            return ParseResult(None, NOT_UNDERSTOOD)
        is_correction = bool(_CORRECTION.search(normalized)) or not (found.names_days() or found.asap)
        if previous is not None and is_correction:
            wish = _corrected(previous, found, today)
        else:
            first, last, weekday = _resolve_days(found, today) or _open_span(today)
            earliest, latest, exact = _resolve_time(found) if found.names_time() else (None, None, None)
            wish = TimeWish(first, last, earliest, latest, exact, weekday, found.asap)
    except _Problem as problem:
        return ParseResult(None, problem.code, problem.detail)
    except OverflowError:  # "KW 52 9999": past the end of the calendar, certainly too far
        return ParseResult(None, TOO_FAR)
    return _checked(wish, today, horizon_days)
