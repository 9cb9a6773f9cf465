"""Names of months and weekdays as users write them, in every folded spelling ("März", "Maerz",
"Marz", "Mrz.").

Tables are keyed by folded spellings (see bot.language.text), so a matched word can be looked up
as it was typed and `alternation(MONTHS)` gives a regex for all of them.
"""

from __future__ import annotations

from typing import Dict, FrozenSet, Tuple

from bot.language.text import fold, spelled

# Display names, January first.
MONTH_NAMES: Tuple[str, ...] = (
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
)
WEEKDAY_NAMES: Tuple[str, ...] = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")

# Names that are only months (Jänner and Feber are Austrian).
_FULL_MONTHS: Dict[str, int] = {
    **{name.lower(): number for number, name in enumerate(MONTH_NAMES, start=1)},
    "jänner": 1,
    "feber": 2,
}
_ABBREVIATED_MONTHS: Dict[str, int] = {
    "jan": 1,
    "feb": 2,
    "febr": 2,
    "mär": 3,
    "mrz": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "okt": 10,
    "nov": 11,
    "dez": 12,
}
_ENGLISH_MONTHS: Dict[str, int] = {
    "january": 1,
    "february": 2,
    "march": 3,
    "may": 5,
    "june": 6,
    "july": 7,
    "october": 10,
    "oct": 10,
    "december": 12,
    "dec": 12,
}

# Folded spelling -> month number (1-12): German names and abbreviations ("jan" is also a first
# name: a caller reading "Jan" alone as January should want a year or a day with it).
MONTHS: Dict[str, int] = spelled({**_FULL_MONTHS, **_ABBREVIATED_MONTHS})
# The full German names only, in every spelling.
FULL_MONTH_NAMES: FrozenSet[str] = frozenset(spelled(_FULL_MONTHS))
# English names and abbreviations that differ from the German ones.
ENGLISH_MONTHS: Dict[str, int] = dict(_ENGLISH_MONTHS)

# Folded spelling -> weekday number (Monday = 0).
WEEKDAYS: Dict[str, int] = {
    **{fold(name): number for number, name in enumerate(WEEKDAY_NAMES)},
    "sonnabend": 5,
}
WEEKDAY_ABBREVIATIONS: Dict[str, int] = {"mo": 0, "di": 1, "mi": 2, "do": 3, "fr": 4, "sa": 5, "so": 6}


def month_name(number: int) -> str:
    """The German name of month 1-12 in folded spelling: 3 -> "maerz"."""
    return fold(MONTH_NAMES[number - 1])
