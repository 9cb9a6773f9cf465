"""Fields of a draft membership application: pure validation and normalisation functions.

Every function takes what the user typed (possibly with filler around it: "wir sind in NRW",
"Gründungsjahr 2012", "genau 120") and returns a tuple (value, problem):

* value is the normalised value, or None when there is a problem;
* problem is None, or a short code (listed in each docstring) the dialogue turns into a hint.

The one exception is `website`: a cluster without a website answers "keine" and gets ("", None).
Texts are compared in folded spelling (bot.language: lower case, umlauts as ae/oe/ue/ss, and the
patterns and tables accept the dotless spelling too), so "Thüringen", "Thueringen" and "Thuringen",
"März", "Maerz" and "Marz" are the same. Number words, month names and "weiß nicht" come from
bot.language.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Callable, Dict, List, Mapping, Optional, Set, Tuple
from urllib.parse import urlsplit

from bot.language import (
    ENGLISH_MONTHS,
    FULL_MONTH_NAMES,
    MONTHS,
    alternation,
    compact,
    edit_distance,
    find_numbers,
    fold,
    says_dont_know,
    spelled,
    spellings,
    umlauts,
)

# Problem codes.
EMPTY = "empty"
UNKNOWN = "unknown"
AMBIGUOUS = "ambiguous"
TOO_LONG = "too_long"
NOT_A_NUMBER = "not_a_number"
APPROXIMATE = "approximate"
TOO_SMALL = "too_small"
TOO_LARGE = "too_large"
SMES_EXCEED_COMPANIES = "smes_exceed_companies"
PARTS_DO_NOT_ADD_UP = "parts_do_not_add_up"
NOT_A_YEAR = "not_a_year"
IN_FUTURE = "in_future"
TOO_EARLY = "too_early"
INVALID = "invalid"
NOT_A_DATE = "not_a_date"

# Longer input is not read beyond this many characters (a chat message is at most 1000).
_MAX_INPUT = 2000


def _clean(text: object) -> str:
    """NFKC, control characters as spaces, whitespace collapsed, trimmed; None -> ""."""
    if text is None:
        return ""
    text = unicodedata.normalize("NFKC", str(text))[:_MAX_INPUT]
    text = "".join(" " if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co") else ch for ch in text)
    return " ".join(text.split())


# --- federal state -------------------------------------------------------------------------------

FEDERAL_STATES: Tuple[str, ...] = (
    "Baden-Württemberg",
    "Bayern",
    "Berlin",
    "Brandenburg",
    "Bremen",
    "Hamburg",
    "Hessen",
    "Mecklenburg-Vorpommern",
    "Niedersachsen",
    "Nordrhein-Westfalen",
    "Rheinland-Pfalz",
    "Saarland",
    "Sachsen",
    "Sachsen-Anhalt",
    "Schleswig-Holstein",
    "Thüringen",
)

# Other names, written as users write them; compared without case, umlauts and separators.
# Official names are added automatically. Two-letter codes are listed separately below.
_STATE_NAMES: Dict[str, Tuple[str, ...]] = {
    "Baden-Württemberg": ("BaWü", "Ländle", "Württemberg"),
    "Bayern": (
        "Bavaria",
        "Oberbayern",
        "Niederbayern",
        "Oberpfalz",
        "Franken",
        "Oberfranken",
        "Mittelfranken",
        "Unterfranken",
    ),
    "Berlin": (),
    "Brandenburg": (),
    "Bremen": ("Bremerhaven",),
    "Hamburg": (),
    "Hessen": ("Hesse",),
    "Mecklenburg-Vorpommern": ("Meck-Pomm", "Mecklenburg", "Vorpommern", "Mecklenburg-Western Pomerania"),
    "Niedersachsen": ("Nds", "Lower Saxony"),
    "Nordrhein-Westfalen": ("NRW", "Westfalen", "Ostwestfalen", "OWL", "Ruhrgebiet", "North Rhine-Westphalia"),
    "Rheinland-Pfalz": ("RLP", "Pfalz", "Rhineland-Palatinate"),
    "Saarland": (),
    "Sachsen": ("Saxony",),
    "Sachsen-Anhalt": ("LSA", "Anhalt", "Saxony-Anhalt"),
    "Schleswig-Holstein": (),
    "Thüringen": ("Thuringia",),
}

_STATE_CODES: Dict[str, str] = {
    "bw": "Baden-Württemberg",
    "by": "Bayern",
    "be": "Berlin",
    "bb": "Brandenburg",
    "hb": "Bremen",
    "hh": "Hamburg",
    "he": "Hessen",
    "mv": "Mecklenburg-Vorpommern",
    "ni": "Niedersachsen",
    "nw": "Nordrhein-Westfalen",
    "rp": "Rheinland-Pfalz",
    "sl": "Saarland",
    "sn": "Sachsen",
    "st": "Sachsen-Anhalt",
    "sh": "Schleswig-Holstein",
    "th": "Thüringen",
}
# These codes are also ordinary words or abbreviations ("be", "by", "he", "St." for Sankt,
# "TH" for Technische Hochschule): inside a sentence they count only when written in capitals.
_RISKY_CODES = frozenset({"be", "by", "he", "st", "th"})

# Words close to a state name that name something else (Tübingen is not Thüringen, the
# Sauerland is not the Saarland); they are never read as typos.
_NOT_TYPOS = frozenset(
    s for w in ("tübingen", "homburg", "hamborn", "sauerland", "wachsen", "sachen") for s in spellings(w)
)

_MAX_WORDS = 3  # the longest name ("Nord Rhein Westfalen") spans three words


def _build_state_tables() -> Tuple[Dict[str, str], List[Tuple[str, int, str]]]:
    exact: Dict[str, str] = {}
    fuzzy: List[Tuple[str, int, str]] = []  # (compact official name, words in it, state)
    for state in FEDERAL_STATES:
        for name in (state,) + _STATE_NAMES[state]:
            for spelling in spellings(name):  # "Thüringen", "Thueringen", "Thuringen"
                exact[compact(spelling)] = state
        official = compact(state)
        if len(official) >= 7:
            fuzzy.append((official, len(re.split(r"[\s-]+", state)), state))
    exact["meckpom"] = "Mecklenburg-Vorpommern"
    return exact, fuzzy


_STATE_EXACT, _STATE_FUZZY = _build_state_tables()


def federal_state(text: Optional[str]) -> Tuple[Optional[str], Optional[str]]:
    """One of FEDERAL_STATES, named officially, with umlauts written out, as a short form
    (NRW, BaWü, Meck-Pomm, RLP, LSA, ...), as a two-letter code (BY, HH, SN, ...), in English,
    or with a typo (up to 2 edits in names of 7+ letters, first letter right).
    Problems: "empty"; "unknown" (no state recognised); "ambiguous" (two different states named).

    Words are matched longest first, so "Sachsen-Anhalt" and "Niedersachsen" never count as
    "Sachsen". Exactly written names win over typo readings of other words.
    """
    value = _clean(text)
    if not value:
        return None, EMPTY
    originals = re.findall(r"[^\W_]+", value)
    if not originals:
        return None, UNKNOWN
    folded = [compact(word) for word in originals]
    alone = len(originals) == 1 or (len(originals) == 2 and len("".join(originals)) == 2)

    exact_states, fuzzy_states = set(), set()
    i = 0
    while i < len(folded):
        step = 0
        for n in range(min(_MAX_WORDS, len(folded) - i), 0, -1):
            candidate = "".join(folded[i : i + n])
            original = "".join(originals[i : i + n])
            if len(candidate) == 2:
                state = _STATE_CODES.get(candidate)
                capitals = original.isupper()
                if state and (alone or capitals or candidate not in _RISKY_CODES):
                    # "TH Köln", "TH Wildau": a Technische Hochschule, not Thüringen.
                    if not (candidate == "th" and i + n < len(folded) and not alone):
                        exact_states.add(state)
                        step = n
                        break
                continue
            if candidate in _STATE_EXACT:
                exact_states.add(_STATE_EXACT[candidate])
                step = n
                break
            states = _typo_of_state(candidate, n)
            if states:
                fuzzy_states.update(states)
                step = n
                break
        i += step or 1

    states = exact_states or fuzzy_states
    if not states:
        return None, UNKNOWN
    if len(states) > 1:
        return None, AMBIGUOUS
    return states.pop(), None


def _typo_of_state(candidate: str, words: int) -> Set[str]:
    """States whose official name is closest to `candidate` within 2 edits (usually one)."""
    if len(candidate) < 5 or candidate in _NOT_TYPOS or candidate in _STATE_EXACT:
        return set()
    best, found = 3, set()
    for name, name_words, state in _STATE_FUZZY:
        # A typo spans at most as many words as the name has: "in Thüringn" is not one word.
        if words > name_words or candidate[0] != name[0]:
            continue
        distance = edit_distance(candidate, name, 2)
        if distance < best:
            best, found = distance, {state}
        elif distance == best:
            found.add(state)
    return found if best <= 2 else set()


# --- legal form ----------------------------------------------------------------------------------

E_V = "e. V."
WIFOE = "Teil einer Wirtschaftsförderungsgesellschaft"
HOCHSCHULE = "Hochschule"

# (normalised form, pattern on folded text). At the same position the first listed form wins,
# so "gGmbH" and "GmbH & Co. KG" come before "GmbH".
_LEGAL_FORMS: Tuple[Tuple[str, "re.Pattern[str]"], ...] = tuple(
    (form, re.compile(umlauts(pattern)))
    for form, pattern in (
        ("GmbH & Co. KG", r"gmbh\s*(?:&|und|\+)\s*co\b\.?\s*kg\b"),
        ("gGmbH", r"\bggmbh\b|\bgemeinnützige[nrs]?\s+(?:gmbh|gesellschaft mit beschränkter haftung)\b"),
        ("UG (haftungsbeschränkt)", r"\bug\b|unternehmergesellschaft"),
        ("GmbH", r"gmbh\b|gesellschaft mit beschränkter haftung"),
        (E_V, r"(?<![a-z0-9])e\s?\.?\s?v(?![a-z0-9])|eingetragene[rn]?\s+verein|verein(?:e|s|es)?\b"),
        ("AG", r"\bag\b|aktiengesellschaft"),
        ("eG", r"\beg\b|genossenschaft"),
        ("GbR", r"\bgbr\b|gesellschaft (?:des )?bürgerlichen rechts"),
        ("KG", r"\bkg\b|kommanditgesellschaft"),
        ("OHG", r"\bohg\b|offene handelsgesellschaft"),
        ("Stiftung", r"stiftung\b"),
        ("Körperschaft des öffentlichen Rechts", r"körperschaft|\bk\.?\s?(?:d\.?\s?)?ö\.?\s?r\b\.?"),
        ("Anstalt des öffentlichen Rechts", r"\banstalt\b|\ba\.?\s?(?:d\.?\s?)?ö\.?\s?r\b\.?"),
        (HOCHSCHULE, r"hochschule|universität|university|\buni\b|\bfh\b|\btu\b|\bth\b|\bhaw\b"),
    )
)
_WIFOE = re.compile(umlauts(r"wirtschaftsförder"))
_PART_OF = re.compile(
    r"\b(?:teil|bestandteil|dach|angesiedelt|angegliedert|innerhalb|eingebunden|"
    r"abteilung|organisiert|bei (?:der|einer))\b"
)
_NOT_REGISTERED = re.compile(r"nicht[\s-]*eingetragen")
_LETTER = re.compile(r"[^\W\d_]")


def legal_form(text: Optional[str], max_length: int = 100) -> Tuple[Optional[str], Optional[str]]:
    """The legal form of the cluster organisation, normalised where it is a common one:
    "e. V." (e.V., eV, eingetragener Verein, Verein), "GmbH", "gGmbH", "GmbH & Co. KG",
    "UG (haftungsbeschränkt)", "AG", "eG" (Genossenschaft), "GbR", "KG", "OHG", "Stiftung",
    "Körperschaft des öffentlichen Rechts" (KdöR, KöR), "Anstalt des öffentlichen Rechts" (AöR),
    "Hochschule" (also Universität, FH, TU, HAW), "Teil einer Wirtschaftsförderungsgesellschaft".
    If several are named, the first one wins ("Teil einer Wirtschaftsförderung ..." always does).
    Anything else is accepted as given (whitespace tidied) up to `max_length` characters.
    Problems: "empty" (nothing or no letters), "too_long".
    """
    value = _clean(text)
    if not _LETTER.search(value):
        return None, EMPTY
    folded = fold(value)
    if _WIFOE.search(folded) and _PART_OF.search(folded):
        return WIFOE, None
    registered = not _NOT_REGISTERED.search(folded)
    best: Optional[Tuple[int, int, str]] = None
    for rank, (form, pattern) in enumerate(_LEGAL_FORMS):
        if form == E_V and not registered:
            continue
        match = pattern.search(folded)
        if match and (best is None or (match.start(), rank) < best[:2]):
            best = (match.start(), rank, form)
    if best:
        return best[2], None
    if _WIFOE.search(folded):
        return WIFOE, None
    if len(value) > max_length:
        return None, TOO_LONG
    return value, None


# --- counts --------------------------------------------------------------------------------------

# "eine Hochschule": 1, but only in short answers without any other number.
_ARTICLES = frozenset({"ein", "eine", "einer", "einen", "eines"})
_ZERO_WORDS = frozenset({"kein", "keine", "keiner", "keins", "keinen", "niemand"})

_APPROX_BEFORE = re.compile(
    umlauts(
        r"(?:\b(?:ca|circa|cirka|zirka|etwa|rund|ungefähr|ungef|knapp|fast|mindestens|mind|min|gut|"
        r"über|unter|ab|bis zu|max|maximal|höchstens|mehr als|weniger als|um die|an die|so|"
        r"annähernd|nahezu|schätzungsweise|geschätzt|grob|approx|about|around|over)\b\.?"
        r"|[~≈<>±]=?)\s*:?\s*$"
    )
)
_APPROX_AFTER = re.compile(
    umlauts(
        r"^\s*(?:\+|plus\b|und mehr\b|oder mehr\b|oder so\b|oder weniger\b|"
        r"ca\b|circa\b|etwa\b|ungefähr\b|rum\b|herum\b|\.\.\.|…)"
    )
)
_VAGUE = re.compile(
    umlauts(
        r"\b(?:einige|mehrere|paar|dutzende|hunderte|tausende|zahlreiche|viele|"
        r"handvoll|diverse|etliche)\b|schätz"
    )
)
_PERCENT = re.compile(r"%|\bprozent")


def count(text: Optional[str], minimum: int = 0, maximum: int = 100_000) -> Tuple[Optional[int], Optional[str]]:
    """A whole number: digits with optional thousands separators ("1.200", "1 200"), German
    number words (bot.language.parse_number: "zwölf", "dreißig", "einhundertzwanzig",
    "zweihundertfünfzig", "zweitausend"), "keine" -> 0.
    Problems: "empty"; "not_a_number" (no number, a fraction, a percentage, or two different
    numbers); "approximate" ("ca. 120", "etwa", "rund", "über 100", "mehr als 100", "100+",
    "einige": the application needs exact numbers); "too_small"/"too_large" outside
    minimum..maximum.
    """
    value = _clean(text)
    if not value:
        return None, EMPTY
    folded = fold(value)
    if _PERCENT.search(folded):
        return None, NOT_A_NUMBER

    mentions = find_numbers(folded)
    numbers: List[int] = [int(mention.value) for mention in mentions]
    fraction = any(mention.fraction for mention in mentions)
    approximate = any(
        _APPROX_BEFORE.search(folded[: mention.start]) or _APPROX_AFTER.search(folded[mention.end :])
        for mention in mentions
    )
    words = list(re.finditer(r"[a-z]+", folded))

    if approximate:
        return None, APPROXIMATE
    if says_dont_know(value) and all(mention.word for mention in mentions):
        return None, NOT_A_NUMBER  # "keine Ahnung", "null Ahnung"
    if fraction:
        return None, NOT_A_NUMBER
    if not numbers:
        if _VAGUE.search(folded):
            return None, APPROXIMATE
        if any(m.group() in _ZERO_WORDS for m in words):
            numbers = [0]
        elif len(words) <= 3 and any(m.group() in _ARTICLES for m in words):
            numbers = [1]
        else:
            return None, NOT_A_NUMBER
    if len(set(numbers)) > 1:
        return None, NOT_A_NUMBER
    number = numbers[0]
    if number < minimum:
        return None, TOO_SMALL
    if number > maximum:
        return None, TOO_LARGE
    return number, None


def check_actor_breakdown(
    total: Optional[int], companies: Optional[int], smes: Optional[int], research: Optional[int], others: Optional[int]
) -> List[str]:
    """Consistency of the member numbers (research institutions and universities count together).
    Returns problem codes, empty when consistent: "smes_exceed_companies" (more SMEs than
    companies), "parts_do_not_add_up" (companies + research + others != total). A check whose
    numbers are not all known (None) is skipped.
    """
    problems: List[str] = []
    if smes is not None and companies is not None and smes > companies:
        problems.append(SMES_EXCEED_COMPANIES)
    if (
        total is not None
        and companies is not None
        and research is not None
        and others is not None
        and companies + research + others != total
    ):
        problems.append(PARTS_DO_NOT_ADD_UP)
    return problems


PARTS_EXCEED_TOTAL = "parts_exceed_total"
ACTOR_FIELDS = ("actors_total", "actors_companies", "actors_smes", "actors_research", "actors_other")
BREAKDOWN = ("actors_companies", "actors_smes", "actors_research", "actors_other")


def fields_to_enter_again(field_id: str) -> Tuple[str, ...]:
    """Changing one actor number means entering the whole breakdown again: the numbers must add up."""
    if field_id in BREAKDOWN or field_id == "actors_total":
        return ("actors_total", *BREAKDOWN)
    return (field_id,)


def actor_numbers_problem(
    field_id: str, value: int, given: Mapping[str, Optional[int]]
) -> Tuple[Optional[str], Dict[str, int]]:
    """Checks a newly entered actor number against those already given, as soon as the numbers
    allow it: (problem code, values for the message) or (None, {}). `given`: field id -> number.

    SMEs are a part of the companies; companies + research + others must add up to the total
    (so their sum may never exceed it on the way)."""
    numbers = {**{f: given.get(f) for f in ACTOR_FIELDS}, field_id: value}
    total, companies = numbers["actors_total"], numbers["actors_companies"]
    if field_id == "actors_smes" and companies is not None and value > companies:
        return SMES_EXCEED_COMPANIES, {"companies": companies}
    parts = sum(numbers[f] or 0 for f in ("actors_companies", "actors_research", "actors_other"))
    if field_id in ("actors_companies", "actors_research") and total is not None and parts > total:
        return PARTS_EXCEED_TOTAL, {"parts": parts, "total": total}
    if (
        field_id == "actors_other"
        and total is not None
        and PARTS_DO_NOT_ADD_UP
        in check_actor_breakdown(
            total, companies or 0, numbers["actors_smes"] or 0, numbers["actors_research"] or 0, value
        )
    ):
        return PARTS_DO_NOT_ADD_UP, {"parts": parts, "total": total}
    return None, {}


# --- years and dates -----------------------------------------------------------------------------

FIRST_FOUNDING_YEAR = 1950
FIRST_STRATEGY_YEAR = 1990

_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")
_ANCHOR_GAP = r"(?:\s+(?:im jahr(?:e)?|in|am|anno|bereits|schon|offiziell|erst))*\s*:?\s*$"
_FOUNDED_BEFORE = re.compile(umlauts(r"(?:gegründet|gründung\w*|ins leben gerufen|entstanden|gestartet)") + _ANCHOR_GAP)
_FOUNDED_AFTER = re.compile(umlauts(r"^\s*(?:gegründet|ins leben gerufen|entstanden|gestartet)"))
_SINCE_BEFORE = re.compile(r"\b(?:seit|ab)" + _ANCHOR_GAP)
_LAST_YEAR = re.compile(r"\b(?:letzte[snm]?|vergangene[snm]?|vorige[snm]?)\s+jahr(?:es|s)?\b|\bvorjahr\b")
_THIS_YEAR = re.compile(r"\b(?:dieses|diesen|in diesem|laufende[snm]?)\s+jahr(?:es|s)?\b|\bheuer\b")
_YEAR_BEFORE_LAST = re.compile(r"\bvorletzte[snm]?\s+jahr(?:es|s)?\b")


def founding_year(text: Optional[str], today: date) -> Tuple[Optional[int], Optional[str]]:
    """The year the cluster was founded: "2012", "seit 2012", "gegründet 2012", "2012 gegründet",
    "im Jahr 2012", "am 1.3.2012", "letztes Jahr", "dieses Jahr". If several years are named, the
    one next to "gegründet"/"Gründung" is taken, else the one after "seit".
    Problems: "empty"; "not_a_year" (no four-digit year, or several without a clear one);
    "in_future" (after today's year); "too_early" (before 1950).
    """
    value = _clean(text)
    if not value:
        return None, EMPTY
    folded = fold(value)
    years: List[Tuple[int, Optional[re.Match[str]]]] = [(int(m.group(1)), m) for m in _YEAR.finditer(folded)]
    for pattern, offset in ((_YEAR_BEFORE_LAST, 2), (_LAST_YEAR, 1), (_THIS_YEAR, 0)):
        if pattern.search(folded):
            years.append((today.year - offset, None))
    distinct = {year for year, _ in years}
    if len(distinct) > 1:
        founded = {
            year
            for year, m in years
            if m is not None
            and (_FOUNDED_BEFORE.search(folded[: m.start()]) or _FOUNDED_AFTER.search(folded[m.end() :]))
        }
        since = {year for year, m in years if m is not None and _SINCE_BEFORE.search(folded[: m.start()])}
        distinct = founded if len(founded) == 1 else since if len(since) == 1 and not founded else set()
    if len(distinct) != 1:
        return None, NOT_A_YEAR
    year = distinct.pop()
    if year > today.year:
        return None, IN_FUTURE
    if year < FIRST_FOUNDING_YEAR:
        return None, TOO_EARLY
    return year, None


_MONTHS: Dict[str, int] = {**MONTHS, **ENGLISH_MONTHS}
_SEASONS = spelled({"frühjahr": 3, "frühling": 3, "sommer": 6, "herbst": 9})

_MONTH_NAME = re.compile(
    r"\b(" + alternation(_MONTHS) + r")\b\.?"
    r"(?:[\s,]*(?:des jahres|im jahr|(?:in|von)\s)?\s*(\d{4}|['’]\d{2}|\d{2})(?!\d))?"
)
_SEASON = re.compile(r"\b(" + alternation(_SEASONS) + r")\b[\s,]*(?:des jahres\s*)?(\d{4})(?!\d)")
_QUARTER = re.compile(r"\b(?:q([1-4])|([1-4])\.\s*quartal)\b[\s,/]*(\d{4})(?!\d)")
_DAY_MONTH_YEAR = re.compile(r"(?<![\d.])\d{1,2}\.\s?(\d{1,2})\.\s?(\d{4})(?!\d)")
_ISO = re.compile(r"(?<![\d.])(\d{4})\s?[-/.]\s?(\d{1,2})(?:[-/.](\d{1,2}))?(?!\d)(?!\.\d)")
_MONTH_SLASH_YEAR = re.compile(r"(?<![\d.])(\d{1,2})\s?[./-]\s?(\d{4})(?!\d)")
_LAST_MONTH = re.compile(r"\b(?:letzte[nm]?|vergangene[nm]?|vorige[nm]?)\s+monat[s]?\b|\bvormonat\b")
_THIS_MONTH = re.compile(r"\b(?:diese[nm]?|in diesem|laufende[nm]?)\s+monat[s]?\b")


def month_year(text: Optional[str], today: date) -> Tuple[Optional[date], Optional[str]]:
    """A month of a year, as the first day of it: "März 2024"/"Maerz 2024"/"Mrz. 2024",
    "03/2024", "3.2024", "2024-03", "15.03.2024", "Frühjahr 2024" (-> März; Sommer -> Juni,
    Herbst -> September), "Q2 2024"/"2. Quartal 2024" (first month of the quarter),
    "letzten Monat", "diesen Monat". A year alone means January of it: "2024" -> 2024-01-01,
    "letztes Jahr" -> January of last year, "dieses Jahr" -> January of this year. A month without
    year ("im März") is the latest such month not after today.
    Problems: "empty"; "not_a_date" (no date, month 0 or 13, or two different dates);
    "in_future" (a month after today's); "too_early" (before 1990).
    """
    value = _clean(text)
    if not value:
        return None, EMPTY
    folded = fold(value)
    found: Set[Tuple[int, int]] = set()

    def blank(match: "re.Match[str]") -> None:
        nonlocal folded
        folded = folded[: match.start()] + " " * (match.end() - match.start()) + folded[match.end() :]

    def take(pattern: "re.Pattern[str]", read: Callable[["re.Match[str]"], Optional[Tuple[int, int]]]) -> None:
        for match in list(pattern.finditer(folded)):
            result = read(match)
            if result is not None:
                found.add(result)
                blank(match)

    def previous_month() -> Tuple[int, int]:
        return (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)

    def named_month(match: "re.Match[str]") -> Optional[Tuple[int, int]]:
        name, year = match.group(1), match.group(2)
        month = _MONTHS[name]
        if year is None:
            if name not in FULL_MONTH_NAMES:
                return None  # "Jan" alone may be a first name; "Jan. 2024" is a month
            return (today.year if month <= today.month else today.year - 1), month
        year = year.lstrip("'’")
        return (int(year) + 2000 if len(year) == 2 else int(year)), month

    take(_YEAR_BEFORE_LAST, lambda m: (today.year - 2, 1))
    take(_LAST_YEAR, lambda m: (today.year - 1, 1))
    take(_THIS_YEAR, lambda m: (today.year, 1))
    take(_LAST_MONTH, lambda m: previous_month())
    take(_THIS_MONTH, lambda m: (today.year, today.month))
    take(_DAY_MONTH_YEAR, lambda m: (int(m.group(2)), int(m.group(1))))
    take(_ISO, lambda m: (int(m.group(1)), int(m.group(2))))
    take(_MONTH_SLASH_YEAR, lambda m: (int(m.group(2)), int(m.group(1))))
    take(_MONTH_NAME, named_month)
    take(_SEASON, lambda m: (int(m.group(2)), _SEASONS[m.group(1)]))
    take(_QUARTER, lambda m: (int(m.group(3)), 3 * int(m.group(1) or m.group(2)) - 2))
    take(_YEAR, lambda m: (int(m.group(1)), 1))

    if len(found) != 1:
        return None, NOT_A_DATE
    year, month = found.pop()
    if not 1 <= month <= 12 or year < 1:
        return None, NOT_A_DATE
    if (year, month) > (today.year, today.month):
        return None, IN_FUTURE
    if year < FIRST_STRATEGY_YEAR:
        return None, TOO_EARLY
    return date(year, month, 1), None


# --- website -------------------------------------------------------------------------------------

MAX_URL_LENGTH = 200

_LABEL = re.compile(r"^(?!-)(?:[^\W_]|-){1,63}(?<!-)$")
_TLD = re.compile(r"^(?:[^\W\d_]{2,63}|xn--[a-z0-9-]{1,59})$")
_URL_REST = re.compile(r"^[\w\-.~:/?#\[\]@!$&'()*+,;=%]*$")
_NO_WEBSITE = re.compile(
    umlauts(
        r"\b(?:kein\w*|nein|nicht vorhanden|existiert nicht|(?:haben|gibt) (?:wir |es )?"
        r"(?:noch )?nicht|entfällt|n/a)\b|^[-/]+$"
    )
)
_ABBREVIATION = re.compile(r"^(?:[^\W\d_]{1,2}\.){1,3}[^\W\d_]?\.?$")  # z.B., u.a., d.h., e.V.
_STRIP = "\"'<>«»„“”‚‘’,;:!?"


def website(text: Optional[str]) -> Tuple[Optional[str], Optional[str]]:
    """The cluster's website: "www.cluster.de", "cluster.de", "https://cluster.de/pfad",
    "http://...". Returned with scheme ("https://" added when missing) and host in lower case.
    "keine"/"haben wir nicht"/"-" gives ("", None): explicitly no website.
    Problems: "empty"; "invalid" (spaces inside, no dot in the host, characters not allowed in
    an address, an e-mail address, another scheme); "too_long" (over 200 characters).
    """
    value = _clean(text)
    if not value:
        return None, EMPTY
    tokens = [token.strip(_STRIP) for token in value.split()]
    tokens = [token for token in tokens if token]
    candidates = [t for t in tokens if ("." in t.strip(".") and not _ABBREVIATION.match(t)) or "://" in t or "@" in t]
    if not candidates:
        return ("", None) if _NO_WEBSITE.search(fold(value)) else (None, INVALID)
    if len(candidates) > 1:
        return None, INVALID
    # A space inside the address: "www. cluster.de", "cluster .de", "https:// cluster.de".
    for token in tokens:
        bare = token.rstrip(".").lower()
        if token.startswith((".", "/")) or bare in ("www", "http:", "https:", "http", "https"):
            return None, INVALID
    url = candidates[0].lstrip("(").rstrip(".")
    while url.endswith(")") and url.count(")") > url.count("("):
        url = url[:-1].rstrip(".")
    if len(url) > MAX_URL_LENGTH:
        return None, TOO_LONG
    scheme = "https"
    match = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*):(//)?", url)
    if match and not re.match(r"^[^/]*:\d+(?:/|$)", url):  # "cluster.de:8080" has no scheme
        scheme = match.group(1).lower()
        if scheme not in ("http", "https") or not match.group(2):
            return None, INVALID
        url = url[match.end() :]
    if not _URL_REST.match(url):
        return None, INVALID
    try:
        parts = urlsplit("//" + url)
        port = parts.port
    except ValueError:
        return None, INVALID
    netloc = parts.netloc
    if "@" in netloc or not netloc:
        return None, INVALID  # an e-mail address or user:password@host
    host = (parts.hostname or "").lower()
    labels = host.split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels) or not _TLD.match(labels[-1]):
        return None, INVALID
    if labels[0] == "www" and len(labels) < 3:
        return None, INVALID
    rest = url[len(netloc) :]
    if rest == "/":
        rest = ""
    normalised = f"{scheme}://{host}{f':{port}' if port is not None else ''}{rest}"
    if len(normalised) > MAX_URL_LENGTH:
        return None, TOO_LONG
    return normalised, None
