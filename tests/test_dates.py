"""German date/time expressions are read into the wish the booking dialogue works with.

Every expected value is written out: the tables double as the specification of the parser.
Reference "now" is Saturday 28.11.2026, 10:00 in Berlin unless a row names another one.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.dates import PROBLEMS, ParseResult, TimeWish, parse_time_wish

BERLIN = ZoneInfo("Europe/Berlin")

NOW = datetime(2026, 11, 28, 10, 0, tzinfo=BERLIN)  # Saturday, ISO week 48
NEW_YEAR = datetime(2026, 12, 28, 10, 0, tzinfo=BERLIN)  # Monday of ISO week 53 of 2026
LEAP = datetime(2027, 3, 1, 10, 0, tzinfo=BERLIN)  # Monday; the next 29.2. is in 2028
SPRING = datetime(2026, 3, 27, 10, 0, tzinfo=BERLIN)  # Friday; clocks go forward on Sunday 29.3.
AUTUMN = datetime(2026, 10, 23, 10, 0, tzinfo=BERLIN)  # Friday; clocks go back on Sunday 25.10.


def wish_of(text, now=NOW, previous=None, horizon_days=365) -> TimeWish:
    result = parse_time_wish(text, now, previous, horizon_days)
    assert result.problem is None, f"{text!r}: {result.problem} {result.detail}"
    return result.wish


# --- days, dates and ranges --------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        # relative days; "morgens" is a window, "morgen" tomorrow
        ("heute", TimeWish(date(2026, 11, 28), date(2026, 11, 28))),
        ("morgen", TimeWish(date(2026, 11, 29), date(2026, 11, 29))),
        ("übermorgen", TimeWish(date(2026, 11, 30), date(2026, 11, 30))),
        ("morgen früh", TimeWish(date(2026, 11, 29), date(2026, 11, 29), time(8), time(12))),
        ("Morgens", TimeWish(date(2026, 11, 28), date(2026, 12, 12), time(8), time(12))),
        ("heute Abend", TimeWish(date(2026, 11, 28), date(2026, 11, 28), time(17), time(22))),
        ("in 3 Tagen", TimeWish(date(2026, 12, 1), date(2026, 12, 1))),
        ("in drei Tagen", TimeWish(date(2026, 12, 1), date(2026, 12, 1))),
        # weekdays: the next one strictly after today (today is Saturday)
        ("Dienstag", TimeWish(date(2026, 12, 1), date(2026, 12, 1), weekday=1)),
        ("nächsten Dienstag", TimeWish(date(2026, 12, 1), date(2026, 12, 1), weekday=1)),
        ("kommenden Dienstag", TimeWish(date(2026, 12, 1), date(2026, 12, 1), weekday=1)),
        ("Samstag", TimeWish(date(2026, 12, 5), date(2026, 12, 5), weekday=5)),
        ("montags", TimeWish(date(2026, 11, 30), date(2026, 11, 30), weekday=0)),
        ("Mi", TimeWish(date(2026, 12, 2), date(2026, 12, 2), weekday=2)),
        ("Do.", TimeWish(date(2026, 12, 3), date(2026, 12, 3), weekday=3)),
        ("Sonntag", TimeWish(date(2026, 11, 29), date(2026, 11, 29), weekday=6)),
        ("übernächsten Samstag", TimeWish(date(2026, 12, 12), date(2026, 12, 12), weekday=5)),
        # weekdays in a named week
        ("Dienstag nächste Woche", TimeWish(date(2026, 12, 1), date(2026, 12, 1), weekday=1)),
        ("nächste Woche Donnerstag", TimeWish(date(2026, 12, 3), date(2026, 12, 3), weekday=3)),
        ("Dienstag in zwei Wochen", TimeWish(date(2026, 12, 8), date(2026, 12, 8), weekday=1)),
        ("in 2 Wochen am Dienstag", TimeWish(date(2026, 12, 8), date(2026, 12, 8), weekday=1)),
        ("Dienstag im Dezember", TimeWish(date(2026, 12, 1), date(2026, 12, 1), weekday=1)),
        ("Freitag in KW 50", TimeWish(date(2026, 12, 11), date(2026, 12, 11), weekday=4)),
        # weeks
        ("in einer Woche", TimeWish(date(2026, 12, 5), date(2026, 12, 5))),
        ("in zwei Wochen", TimeWish(date(2026, 12, 7), date(2026, 12, 13))),
        ("nächste Woche", TimeWish(date(2026, 11, 30), date(2026, 12, 6))),
        ("kommende Woche", TimeWish(date(2026, 11, 30), date(2026, 12, 6))),
        ("übernächste Woche", TimeWish(date(2026, 12, 7), date(2026, 12, 13))),
        ("diese Woche", TimeWish(date(2026, 11, 28), date(2026, 11, 29))),
        ("Anfang nächster Woche", TimeWish(date(2026, 11, 30), date(2026, 12, 1))),
        ("am Wochenende", TimeWish(date(2026, 11, 28), date(2026, 11, 29))),
        ("nächstes Wochenende", TimeWish(date(2026, 12, 5), date(2026, 12, 6))),
        # dates, across the month boundary
        ("3.12.", TimeWish(date(2026, 12, 3), date(2026, 12, 3))),
        ("am 3.12.", TimeWish(date(2026, 12, 3), date(2026, 12, 3))),
        ("03.12.2026", TimeWish(date(2026, 12, 3), date(2026, 12, 3))),
        ("3.12.26", TimeWish(date(2026, 12, 3), date(2026, 12, 3))),
        ("3.12", TimeWish(date(2026, 12, 3), date(2026, 12, 3))),
        ("3. Dezember", TimeWish(date(2026, 12, 3), date(2026, 12, 3))),
        ("3 Dezember", TimeWish(date(2026, 12, 3), date(2026, 12, 3))),
        ("3. Dez", TimeWish(date(2026, 12, 3), date(2026, 12, 3))),
        ("3. Dez. 2026", TimeWish(date(2026, 12, 3), date(2026, 12, 3))),
        ("2026-12-03", TimeWish(date(2026, 12, 3), date(2026, 12, 3))),
        ("30.11.", TimeWish(date(2026, 11, 30), date(2026, 11, 30))),
        ("1.12.", TimeWish(date(2026, 12, 1), date(2026, 12, 1))),
        ("28.11.", TimeWish(date(2026, 11, 28), date(2026, 11, 28))),
        ("3.9.", TimeWish(date(2027, 9, 3), date(2027, 9, 3))),  # long past this year: next year's
        ("vom 3.12. bis 5.12.", TimeWish(date(2026, 12, 3), date(2026, 12, 5))),
        # dates across the year boundary
        ("3.1.", TimeWish(date(2027, 1, 3), date(2027, 1, 3))),
        ("15. Januar", TimeWish(date(2027, 1, 15), date(2027, 1, 15))),
        # months and their parts
        ("Anfang Januar", TimeWish(date(2027, 1, 1), date(2027, 1, 10))),
        ("Mitte Januar", TimeWish(date(2027, 1, 11), date(2027, 1, 20))),
        ("Ende Januar", TimeWish(date(2027, 1, 21), date(2027, 1, 31))),
        ("im Januar", TimeWish(date(2027, 1, 1), date(2027, 1, 31))),
        ("Dezember", TimeWish(date(2026, 12, 1), date(2026, 12, 31))),
        ("Ende Dezember", TimeWish(date(2026, 12, 21), date(2026, 12, 31))),
        ("im November", TimeWish(date(2026, 11, 28), date(2026, 11, 30))),  # current month: from today
        ("Ende Februar", TimeWish(date(2027, 2, 21), date(2027, 2, 28))),
        ("Anfang nächsten Monats", TimeWish(date(2026, 12, 1), date(2026, 12, 10))),
        ("Ende des Monats", TimeWish(date(2026, 11, 28), date(2026, 11, 30))),
        ("Ende diesen Monats", TimeWish(date(2026, 11, 28), date(2026, 11, 30))),
        ("nächsten Monat", TimeWish(date(2026, 12, 1), date(2026, 12, 31))),
        # calendar weeks
        ("KW 50", TimeWish(date(2026, 12, 7), date(2026, 12, 13))),
        ("KW50", TimeWish(date(2026, 12, 7), date(2026, 12, 13))),
        ("Kalenderwoche 50", TimeWish(date(2026, 12, 7), date(2026, 12, 13))),
        ("in KW 2", TimeWish(date(2027, 1, 11), date(2027, 1, 17))),
        ("KW 1", TimeWish(date(2027, 1, 4), date(2027, 1, 10))),  # week 1 of 2026 is over
        ("KW 48", TimeWish(date(2026, 11, 28), date(2026, 11, 29))),  # the current week, from today
        ("KW 53", TimeWish(date(2026, 12, 28), date(2027, 1, 3))),  # 2026 has 53 ISO weeks
    ],
)
def test_days(text, expected):
    assert wish_of(text) == expected


# --- times and time windows (no day named: today and the next 14 days) --------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("10 Uhr", TimeWish(date(2026, 11, 28), date(2026, 12, 12), exact=time(10))),
        ("10:30", TimeWish(date(2026, 11, 28), date(2026, 12, 12), exact=time(10, 30))),
        ("10.30 Uhr", TimeWish(date(2026, 11, 28), date(2026, 12, 12), exact=time(10, 30))),
        ("um 10", TimeWish(date(2026, 11, 28), date(2026, 12, 12), exact=time(10))),
        ("um 10 Uhr 30", TimeWish(date(2026, 11, 28), date(2026, 12, 12), exact=time(10, 30))),
        ("um zehn", TimeWish(date(2026, 11, 28), date(2026, 12, 12), exact=time(10))),
        ("14h", TimeWish(date(2026, 11, 28), date(2026, 12, 12), exact=time(14))),
        ("halb elf", TimeWish(date(2026, 11, 28), date(2026, 12, 12), exact=time(10, 30))),
        ("viertel nach zehn", TimeWish(date(2026, 11, 28), date(2026, 12, 12), exact=time(10, 15))),
        ("viertel vor elf", TimeWish(date(2026, 11, 28), date(2026, 12, 12), exact=time(10, 45))),
        # a bare 1..7 is an afternoon hour; with "Uhr" or a morning window it is taken literally
        ("um 3", TimeWish(date(2026, 11, 28), date(2026, 12, 12), exact=time(15))),
        ("um halb drei", TimeWish(date(2026, 11, 28), date(2026, 12, 12), exact=time(14, 30))),
        ("um 3 Uhr", TimeWish(date(2026, 11, 28), date(2026, 12, 12), exact=time(3))),
        ("um 7 morgens", TimeWish(date(2026, 11, 28), date(2026, 12, 12), exact=time(7))),
        ("um 8 abends", TimeWish(date(2026, 11, 28), date(2026, 12, 12), exact=time(20))),
        # windows
        ("vormittags", TimeWish(date(2026, 11, 28), date(2026, 12, 12), time(8), time(12))),
        ("am Vormittag", TimeWish(date(2026, 11, 28), date(2026, 12, 12), time(8), time(12))),
        ("früh", TimeWish(date(2026, 11, 28), date(2026, 12, 12), time(8), time(12))),
        ("mittags", TimeWish(date(2026, 11, 28), date(2026, 12, 12), time(11), time(14))),
        ("nachmittags", TimeWish(date(2026, 11, 28), date(2026, 12, 12), time(12), time(18))),
        ("am Nachmittag", TimeWish(date(2026, 11, 28), date(2026, 12, 12), time(12), time(18))),
        ("abends", TimeWish(date(2026, 11, 28), date(2026, 12, 12), time(17), time(22))),
        ("ab 14 Uhr", TimeWish(date(2026, 11, 28), date(2026, 12, 12), earliest=time(14))),
        ("bis 11 Uhr", TimeWish(date(2026, 11, 28), date(2026, 12, 12), latest=time(11))),
        ("vor 11", TimeWish(date(2026, 11, 28), date(2026, 12, 12), latest=time(11))),
        ("zwischen 10 und 12 Uhr", TimeWish(date(2026, 11, 28), date(2026, 12, 12), time(10), time(12))),
        ("zwischen 2 und 4", TimeWish(date(2026, 11, 28), date(2026, 12, 12), time(14), time(16))),
        ("nachmittags bis 16 Uhr", TimeWish(date(2026, 11, 28), date(2026, 12, 12), time(12), time(16))),
    ],
)
def test_times(text, expected):
    assert wish_of(text) == expected


# --- day and time together, in either order ----------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("3. Dezember um 10", TimeWish(date(2026, 12, 3), date(2026, 12, 3), exact=time(10))),
        ("um 10 am 3.12.", TimeWish(date(2026, 12, 3), date(2026, 12, 3), exact=time(10))),
        (
            "nächsten Dienstag nachmittags",
            TimeWish(date(2026, 12, 1), date(2026, 12, 1), time(12), time(18), weekday=1),
        ),
        ("morgen 14 Uhr", TimeWish(date(2026, 11, 29), date(2026, 11, 29), exact=time(14))),
        ("morgen 10.45", TimeWish(date(2026, 11, 29), date(2026, 11, 29), exact=time(10, 45))),
        ("KW 50 vormittags", TimeWish(date(2026, 12, 7), date(2026, 12, 13), time(8), time(12))),
        ("Dienstagnachmittag", TimeWish(date(2026, 12, 1), date(2026, 12, 1), time(12), time(18), weekday=1)),
        ("Freitag morgen", TimeWish(date(2026, 12, 4), date(2026, 12, 4), time(8), time(12), weekday=4)),
        ("Dienstag, 1.12. um halb 3", TimeWish(date(2026, 12, 1), date(2026, 12, 1), exact=time(14, 30), weekday=1)),
        ("am 30.11. zwischen 9 und 11", TimeWish(date(2026, 11, 30), date(2026, 11, 30), time(9), time(11))),
        ("Montag oder Mittwoch", TimeWish(date(2026, 11, 30), date(2026, 12, 2))),
        ("nächste Woche, egal wann", TimeWish(date(2026, 11, 30), date(2026, 12, 6), asap=True)),
    ],
)
def test_day_and_time(text, expected):
    assert wish_of(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "so bald wie möglich",
        "asap",
        "möglichst bald",
        "möglichst früh",
        "egal",
        "ist mir egal",
        "jederzeit",
        "wann immer es passt",
    ],
)
def test_as_soon_as_possible(text):
    assert wish_of(text) == TimeWish(date(2026, 11, 28), date(2026, 12, 12), asap=True)


# --- spellings, case and fillers ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("UEBERMORGEN", TimeWish(date(2026, 11, 30), date(2026, 11, 30))),
        ("uebermorgen", TimeWish(date(2026, 11, 30), date(2026, 11, 30))),
        ("Übermorgen um 10", TimeWish(date(2026, 11, 30), date(2026, 11, 30), exact=time(10))),
        ("3. Maerz", TimeWish(date(2027, 3, 3), date(2027, 3, 3))),
        ("3. März", TimeWish(date(2027, 3, 3), date(2027, 3, 3))),
        ("3 Marz", TimeWish(date(2027, 3, 3), date(2027, 3, 3))),
        ("Anfang Mär", TimeWish(date(2027, 3, 1), date(2027, 3, 10))),
        ("naechsten Dienstag", TimeWish(date(2026, 12, 1), date(2026, 12, 1), weekday=1)),
        ("NÄCHSTE WOCHE", TimeWish(date(2026, 11, 30), date(2026, 12, 6))),
        ("moeglichst frueh", TimeWish(date(2026, 11, 28), date(2026, 12, 12), asap=True)),
        ("dienstag FRÜH", TimeWish(date(2026, 12, 1), date(2026, 12, 1), time(8), time(12), weekday=1)),
        ("am Dienstag", TimeWish(date(2026, 12, 1), date(2026, 12, 1), weekday=1)),
        ("den 3.12.", TimeWish(date(2026, 12, 3), date(2026, 12, 3))),
        ("ab Montag", TimeWish(date(2026, 11, 30), date(2026, 11, 30), weekday=0)),
        ("gegen 9", TimeWish(date(2026, 11, 28), date(2026, 12, 12), exact=time(9))),
        ("so gegen 10", TimeWish(date(2026, 11, 28), date(2026, 12, 12), exact=time(10))),
        ("so um 3", TimeWish(date(2026, 11, 28), date(2026, 12, 12), exact=time(15))),
        ("am 3.12. so gegen 11", TimeWish(date(2026, 12, 3), date(2026, 12, 3), exact=time(11))),
        ("am So", TimeWish(date(2026, 11, 29), date(2026, 11, 29), weekday=6)),
        ("So, den 6.12.", TimeWish(date(2026, 12, 6), date(2026, 12, 6), weekday=6)),
    ],
)
def test_spellings_and_fillers(text, expected):
    assert wish_of(text) == expected


# --- year boundary, leap day and daylight saving -------------------------------------------------


@pytest.mark.parametrize(
    "text, now, expected",
    [
        ("übernächste Woche", NEW_YEAR, TimeWish(date(2027, 1, 11), date(2027, 1, 17))),
        ("nächste Woche", NEW_YEAR, TimeWish(date(2027, 1, 4), date(2027, 1, 10))),
        ("in zwei Wochen", NEW_YEAR, TimeWish(date(2027, 1, 11), date(2027, 1, 17))),
        ("KW 1", NEW_YEAR, TimeWish(date(2027, 1, 4), date(2027, 1, 10))),
        ("KW 53", NEW_YEAR, TimeWish(date(2026, 12, 28), date(2027, 1, 3))),
        ("KW 52", NEW_YEAR, TimeWish(date(2027, 12, 27), date(2028, 1, 2))),  # this year's is over
        ("Ende Dezember", NEW_YEAR, TimeWish(date(2026, 12, 28), date(2026, 12, 31))),
        ("Anfang Januar", NEW_YEAR, TimeWish(date(2027, 1, 1), date(2027, 1, 10))),
        ("nächsten Monat", NEW_YEAR, TimeWish(date(2027, 1, 1), date(2027, 1, 31))),
        ("Montag", NEW_YEAR, TimeWish(date(2027, 1, 4), date(2027, 1, 4), weekday=0)),
        ("3.1.", NEW_YEAR, TimeWish(date(2027, 1, 3), date(2027, 1, 3))),
        ("29.2.", LEAP, TimeWish(date(2028, 2, 29), date(2028, 2, 29))),
        ("29.2.2028", LEAP, TimeWish(date(2028, 2, 29), date(2028, 2, 29))),
        ("Ende Februar", LEAP, TimeWish(date(2028, 2, 21), date(2028, 2, 29))),
        # local times as named, also where the switch makes them nonexistent (02:30 on 29.3.) or
        # ambiguous (02:30 on 25.10.): slot generation attaches the tz.
        ("übermorgen um 10", SPRING, TimeWish(date(2026, 3, 29), date(2026, 3, 29), exact=time(10))),
        ("Sonntag 2:30", SPRING, TimeWish(date(2026, 3, 29), date(2026, 3, 29), exact=time(2, 30), weekday=6)),
        ("Sonntag", AUTUMN, TimeWish(date(2026, 10, 25), date(2026, 10, 25), weekday=6)),
        ("Sonntag 2:30", AUTUMN, TimeWish(date(2026, 10, 25), date(2026, 10, 25), exact=time(2, 30), weekday=6)),
    ],
)
def test_calendar_edges(text, now, expected):
    assert wish_of(text, now) == expected


def test_today_is_the_day_where_now_is_given():
    """Callers give `now` in the calendar's time zone (the one GOCLUSTER_TIMEZONE); today is its date."""
    late_utc = datetime(2026, 11, 28, 23, 30, tzinfo=timezone.utc)  # 00:30 on 29.11. in Berlin
    assert wish_of("heute", late_utc.astimezone(BERLIN)) == TimeWish(date(2026, 11, 29), date(2026, 11, 29))
    assert wish_of("heute", late_utc) == TimeWish(date(2026, 11, 28), date(2026, 11, 28))


# --- problems -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, now, problem, detail",
    [
        (None, NOW, "not_understood", ""),
        ("", NOW, "not_understood", ""),
        ("   ", NOW, "not_understood", ""),
        ("blabla", NOW, "not_understood", ""),
        ("passt das so?", NOW, "not_understood", ""),
        ("morgen 3", NOW, "not_understood", ""),  # a number nobody can read
        ("Dienstag am Wochenende", NOW, "not_understood", ""),
        ("vormittags ab 14 Uhr", NOW, "not_understood", ""),
        ("31.02.", NOW, "invalid_date", "31.02."),
        ("30. Februar", NOW, "invalid_date", "30.02."),
        ("32.1.", NOW, "invalid_date", "32.01."),
        ("3.13.", NOW, "invalid_date", "03.13."),
        ("13. Monat", NOW, "invalid_date", "13. Monat"),
        ("25 Uhr", NOW, "invalid_date", "25:00"),
        ("10:75", NOW, "invalid_date", "10:75"),
        ("KW 54", NOW, "invalid_date", "KW 54"),
        ("KW 53", LEAP, "invalid_date", "KW 53"),  # 2027 has 52 ISO weeks
        ("29.2.2027", LEAP, "invalid_date", "29.02.2027"),
        ("3.12.2025", NOW, "past", "03.12.2025"),
        ("gestern", NOW, "past", "27.11.2026"),
        ("am 2.11.", NOW, "past", "02.11.2026"),  # a slip, not next November
        ("27.11.", NOW, "past", "27.11.2026"),  # yesterday
        ("20. Oktober", NOW, "past", "20.10.2026"),
        ("vorgestern nachmittag", NOW, "past", "26.11.2026"),
        ("Anfang November", NOW, "past", "10.11.2026"),
        ("Dienstag diese Woche", NOW, "past", "24.11.2026"),
        ("3.12.2027", NOW, "too_far", "03.12.2027"),
        ("in 400 Tagen", NOW, "too_far", "02.01.2028"),
    ],
)
def test_problems(text, now, problem, detail):
    assert parse_time_wish(text, now) == ParseResult(None, problem, detail)


def test_horizon_is_a_parameter():
    assert parse_time_wish("nächsten Monat", NOW, horizon_days=2) == ParseResult(None, "too_far", "01.12.2026")
    assert wish_of("Montag", horizon_days=2) == TimeWish(date(2026, 11, 30), date(2026, 11, 30), weekday=0)


# --- corrections of a previous wish -------------------------------------------------------------

NEXT_WEEK = TimeWish(date(2026, 11, 30), date(2026, 12, 6))
NEXT_WEEK_AFTERNOONS = TimeWish(date(2026, 11, 30), date(2026, 12, 6), time(12), time(18))
TUESDAY_AT_10 = TimeWish(date(2026, 12, 1), date(2026, 12, 1), exact=time(10), weekday=1)
DEC_3_AFTERNOON = TimeWish(date(2026, 12, 3), date(2026, 12, 3), time(12), time(18))
ANY_TIME = TimeWish(date(2026, 11, 28), date(2026, 12, 12), asap=True)


@pytest.mark.parametrize(
    "previous, text, expected",
    [
        (NEXT_WEEK, "lieber Mittwoch", TimeWish(date(2026, 12, 2), date(2026, 12, 2), weekday=2)),
        (NEXT_WEEK, "lieber nachmittags", TimeWish(date(2026, 11, 30), date(2026, 12, 6), time(12), time(18))),
        (NEXT_WEEK, "lieber um 14 Uhr", TimeWish(date(2026, 11, 30), date(2026, 12, 6), exact=time(14))),
        (NEXT_WEEK, "Freitag", TimeWish(date(2026, 12, 4), date(2026, 12, 4), weekday=4)),  # only a weekday
        (
            NEXT_WEEK_AFTERNOONS,
            "nein, Donnerstag",
            TimeWish(date(2026, 12, 3), date(2026, 12, 3), time(12), time(18), weekday=3),
        ),
        (NEXT_WEEK_AFTERNOONS, "eher vormittags", TimeWish(date(2026, 11, 30), date(2026, 12, 6), time(8), time(12))),
        (
            NEXT_WEEK_AFTERNOONS,
            "stattdessen KW 50",
            TimeWish(date(2026, 12, 7), date(2026, 12, 13), time(12), time(18)),
        ),
        (
            NEXT_WEEK_AFTERNOONS,
            "besser so bald wie möglich",
            TimeWish(date(2026, 11, 28), date(2026, 12, 12), time(12), time(18), asap=True),
        ),
        # Wednesday is not in the previous days: the next Wednesday, the time stays
        (TUESDAY_AT_10, "lieber Mittwoch", TimeWish(date(2026, 12, 2), date(2026, 12, 2), exact=time(10), weekday=2)),
        (
            TUESDAY_AT_10,
            "doch lieber um halb elf",
            TimeWish(date(2026, 12, 1), date(2026, 12, 1), exact=time(10, 30), weekday=1),
        ),
        (TUESDAY_AT_10, "nachmittags", TimeWish(date(2026, 12, 1), date(2026, 12, 1), time(12), time(18), weekday=1)),
        (DEC_3_AFTERNOON, "lieber morgen", TimeWish(date(2026, 11, 29), date(2026, 11, 29), time(12), time(18))),
        (DEC_3_AFTERNOON, "doch am 4.12.", TimeWish(date(2026, 12, 4), date(2026, 12, 4), time(12), time(18))),
        (ANY_TIME, "eher vormittags", TimeWish(date(2026, 11, 28), date(2026, 12, 12), time(8), time(12), asap=True)),
        # a full new wish without a correction word replaces the previous one
        (DEC_3_AFTERNOON, "morgen um 9", TimeWish(date(2026, 11, 29), date(2026, 11, 29), exact=time(9))),
    ],
)
def test_corrections(previous, text, expected):
    assert wish_of(text, previous=previous) == expected


def test_correction_without_anything_new_is_not_understood():
    assert parse_time_wish("lieber nicht", NOW, NEXT_WEEK) == ParseResult(None, "not_understood", "")


# --- the interface other modules rely on --------------------------------------------------------


def test_results_are_immutable_and_problems_known():
    result = parse_time_wish("morgen", NOW)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.wish.first_day = date(2026, 12, 1)
    assert set(PROBLEMS) == {"past", "invalid_date", "not_understood", "too_far"}
