"""Slot generation: office hours, lead time, holidays, blocked days, time zones."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.booking.calendar import (
    Closures,
    bookable_problem,
    closed_reason,
    day_slots,
    free_slots,
    load_calendar_config,
    parse_calendar_config,
    propose,
)
from bot.dates import TimeWish

BERLIN = ZoneInfo("Europe/Berlin")


def at(y, m, d, hh=0, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=BERLIN)


@pytest.fixture(scope="module")
def config():
    return parse_calendar_config(
        {
            "weekdays": ["mon", "tue", "wed", "thu", "fri"],
            "hours": [{"start": "09:00", "end": "12:00"}, {"start": "13:00", "end": "16:00"}],
            "slot_minutes": 60,
            "lead_time_hours": 24,
            "horizon_days": 120,
            "holidays": {"country": "DE", "subdivision": "BE"},
        },
        "Europe/Berlin",
    )


def test_project_calendar_file_loads():
    config = load_calendar_config()
    assert config.timezone == "Europe/Berlin" and config.slot_minutes > 0


def test_day_slots_follow_office_hours(config):
    slots = day_slots(config, date(2026, 12, 3))
    assert [s.strftime("%H:%M") for s in slots] == ["09:00", "10:00", "11:00", "13:00", "14:00", "15:00"]
    assert all(s.tzinfo == BERLIN for s in slots)


@pytest.mark.parametrize(
    "day, reason",
    [
        (date(2026, 12, 5), "weekend"),  # Saturday
        (date(2026, 12, 6), "weekend"),  # Sunday
        (date(2026, 12, 25), "holiday"),  # 1. Weihnachtstag
        (date(2026, 12, 26), "weekend"),  # 2. Weihnachtstag, a Saturday
        (date(2027, 1, 1), "holiday"),  # Neujahr
        (date(2027, 3, 8), "holiday"),  # Frauentag: a holiday in Berlin only
        (date(2027, 3, 26), "holiday"),  # Karfreitag
        (date(2026, 12, 3), None),
        (date(2026, 12, 24), None),  # Heiligabend is a working day
    ],
)
def test_closed_reason(config, day, reason):
    assert closed_reason(config, day) == reason


def test_blocked_day_is_closed(config):
    assert closed_reason(config, date(2026, 12, 3), Closures(blocked_days=frozenset({date(2026, 12, 3)}))) == "blocked"


def test_lead_time_and_past(config):
    now = at(2026, 12, 1, 10, 30)
    slots = list(free_slots(config, date(2026, 11, 30), date(2026, 12, 2), now))
    assert slots[0] == at(2026, 12, 2, 11)  # 24 h lead time: not 10:00 the next day
    assert all(s >= now + timedelta(hours=24) for s in slots)


def test_taken_and_blocked_slots_are_not_offered(config):
    now = at(2026, 12, 1, 8)
    taken = at(2026, 12, 3, 9).astimezone(timezone.utc)  # stored as UTC, compared by instant
    closures = Closures(taken=frozenset({taken}), blocked_slots=frozenset({at(2026, 12, 3, 10)}))
    first = list(free_slots(config, date(2026, 12, 3), date(2026, 12, 3), now, closures))
    assert first[0] == at(2026, 12, 3, 11)


def test_horizon_limits_booking(config):
    now = at(2026, 12, 1, 8)
    assert list(free_slots(config, date(2027, 6, 1), date(2027, 6, 30), now)) == []
    assert bookable_problem(config, at(2027, 6, 1, 9), now) == "too_far"


@pytest.mark.parametrize(
    "slot, problem",
    [
        (at(2026, 12, 3, 9), None),
        (at(2026, 12, 3, 9, 30), "not_a_slot"),
        (at(2026, 12, 3, 12), "not_a_slot"),  # lunch break
        (at(2026, 12, 3, 16), "not_a_slot"),  # after hours
        (at(2026, 12, 5, 9), "not_a_slot"),  # Saturday has the same grid, but is closed
        (at(2026, 12, 1, 11), "too_soon"),
        (at(2026, 12, 25, 9), "closed"),
    ],
)
def test_bookable_problem(config, slot, problem):
    now = at(2026, 12, 1, 8)
    expected = "closed" if problem == "not_a_slot" and slot.weekday() >= 5 else problem
    assert bookable_problem(config, slot, now) == expected


def test_slots_on_daylight_saving_days_keep_local_office_hours(config):
    # 29 March 2026: clocks go forward; 25 October 2026: back. Office hours stay 9-16 local.
    spring = day_slots(config, date(2026, 3, 30))
    assert spring[0].utcoffset() == timedelta(hours=2) and spring[0].hour == 9
    autumn = day_slots(config, date(2026, 10, 26))
    assert autumn[0].utcoffset() == timedelta(hours=1) and autumn[0].hour == 9
    friday = day_slots(config, date(2026, 3, 27))
    assert friday[0].utcoffset() == timedelta(hours=1)
    # Lead time counts real hours across the switch: Saturday 10:00 CET + 24h = Sunday 11:00 CEST.
    now = at(2026, 3, 27, 10)
    assert next(free_slots(config, date(2026, 3, 27), date(2026, 4, 10), now)) == at(2026, 3, 30, 9)


def test_propose_exact_time_prefers_closest(config):
    now = at(2026, 11, 28, 10)
    wish = TimeWish(date(2026, 12, 3), date(2026, 12, 3), exact=time(14))
    proposal = propose(config, wish, now)
    assert proposal.matches_wish
    assert [s.strftime("%H:%M") for s in proposal.slots] == ["13:00", "14:00", "15:00"]


def test_an_exact_time_that_is_no_slot_is_declined_with_the_nearest(config):
    now = at(2026, 11, 28, 10)
    wish = TimeWish(date(2026, 12, 3), date(2026, 12, 3), exact=time(10, 30))
    proposal = propose(config, wish, now)
    assert not proposal.matches_wish and proposal.reason == "not_a_slot"
    assert [s.strftime("%H:%M") for s in proposal.slots] == ["09:00", "10:00", "11:00"]


def day_slots_at(day):
    return [at(day.year, day.month, day.day, h) for h in (9, 10, 11, 13, 14, 15)]


THURSDAY = date(2026, 12, 3)
MONDAY_EVENING = at(2026, 11, 30, 19)


@pytest.mark.parametrize(
    "wish, now, closures, reason",
    [
        # An exact time: the reason of that very slot.
        (
            TimeWish(THURSDAY, THURSDAY, exact=time(10)),
            at(2026, 11, 28, 10),
            Closures(taken=frozenset({at(2026, 12, 3, 10)})),
            "taken",
        ),
        (
            TimeWish(THURSDAY, THURSDAY, exact=time(10)),
            at(2026, 11, 28, 10),
            Closures(blocked_slots=frozenset({at(2026, 12, 3, 10)})),
            "blocked",
        ),
        (TimeWish(THURSDAY, THURSDAY, exact=time(12, 30)), at(2026, 11, 28, 10), Closures(), "outside_hours"),
        (TimeWish(THURSDAY, THURSDAY, exact=time(7)), at(2026, 11, 28, 10), Closures(), "outside_hours"),
        (TimeWish(THURSDAY, THURSDAY, exact=time(10, 30)), at(2026, 11, 28, 10), Closures(), "not_a_slot"),
        (TimeWish(date(2026, 12, 1), date(2026, 12, 1), exact=time(10)), MONDAY_EVENING, Closures(), "too_soon"),
        (TimeWish(date(2026, 12, 5), date(2026, 12, 5), exact=time(10)), at(2026, 12, 4, 12), Closures(), "weekend"),
        # A time of day: tomorrow morning asked on Monday evening is too soon, not booked out.
        (
            TimeWish(date(2026, 12, 1), date(2026, 12, 1), earliest=time(8), latest=time(12)),
            MONDAY_EVENING,
            Closures(),
            "too_soon",
        ),
        # Monday 11:00: Tuesday 9 and 10 are too soon, the rest is taken.
        (
            TimeWish(date(2026, 12, 1), date(2026, 12, 1)),
            at(2026, 11, 30, 11),
            Closures(taken=frozenset({at(2026, 12, 1, h) for h in (11, 13, 14, 15)})),
            "too_soon_and_booked",
        ),
        (
            TimeWish(THURSDAY, THURSDAY),
            at(2026, 11, 28, 10),
            Closures(taken=frozenset(day_slots_at(THURSDAY))),
            "booked_out",
        ),
        (
            TimeWish(THURSDAY, THURSDAY, earliest=time(17), latest=time(22)),
            at(2026, 11, 28, 10),
            Closures(),
            "outside_hours",
        ),
        (TimeWish(date(2026, 12, 25), date(2026, 12, 25)), at(2026, 11, 28, 10), Closures(), "holiday"),
        (TimeWish(THURSDAY, THURSDAY), at(2026, 11, 28, 10), Closures(blocked_days=frozenset({THURSDAY})), "blocked"),
    ],
)
def test_a_declined_wish_names_its_true_reason(config, wish, now, closures, reason):
    proposal = propose(config, wish, now, closures)
    assert not proposal.matches_wish and proposal.reason == reason


def test_propose_window(config):
    now = at(2026, 11, 28, 10)
    wish = TimeWish(date(2026, 12, 3), date(2026, 12, 3), earliest=time(12), latest=time(18))
    assert [s.hour for s in propose(config, wish, now).slots] == [13, 14, 15]


def test_propose_weekend_offers_nearest_working_days(config):
    now = at(2026, 11, 28, 10)
    wish = TimeWish(date(2026, 12, 6), date(2026, 12, 6), weekday=6)  # a Sunday
    proposal = propose(config, wish, now)
    assert not proposal.matches_wish and proposal.reason == "weekend"
    assert len(proposal.slots) == 3
    assert all(s.weekday() < 5 for s in proposal.slots)
    assert {s.date() for s in proposal.slots} <= {date(2026, 12, 4), date(2026, 12, 7)}


def test_propose_fully_booked_day_offers_alternatives(config):
    now = at(2026, 11, 28, 10)
    taken = frozenset(day_slots(config, date(2026, 12, 3)))
    wish = TimeWish(date(2026, 12, 3), date(2026, 12, 3))
    proposal = propose(config, wish, now, Closures(taken=taken))
    assert not proposal.matches_wish and proposal.reason == "booked_out"
    assert all(s.date() != date(2026, 12, 3) for s in proposal.slots)
    assert len(proposal.slots) == 3


def test_propose_too_soon(config):
    now = at(2026, 12, 1, 15)
    wish = TimeWish(date(2026, 12, 1), date(2026, 12, 1))
    proposal = propose(config, wish, now)
    assert proposal.reason == "too_soon" and proposal.slots[0] >= now + timedelta(hours=24)


@pytest.mark.parametrize(
    "bad, timezone",
    [
        ({"hours": [{"start": "12:00", "end": "09:00"}]}, "Europe/Berlin"),
        ({}, "Mars/Olympus"),
        ({"timezone": "Europe/Berlin"}, "Europe/Berlin"),  # one source of the time zone: the settings
        ({"hours": [{"start": "nine", "end": "12:00"}]}, "Europe/Berlin"),
    ],
)
def test_invalid_calendar_config_is_rejected(bad, timezone):
    from bot.booking.calendar import CalendarConfigError

    base = {
        "weekdays": ["mon"],
        "hours": [{"start": "09:00", "end": "12:00"}],
        "slot_minutes": 60,
        "lead_time_hours": 24,
        "horizon_days": 30,
        "holidays": {"country": "DE"},
    }
    with pytest.raises(CalendarConfigError):
        parse_calendar_config({**base, **bad}, timezone)
