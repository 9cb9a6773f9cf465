"""Eligibility for the go-cluster cost share on the Gold label ("Kostenbeteiligung am Gold-Label-Prozess").

Pure standard-library rules, no Rasa: the dialogue asks the questions in `QUESTIONS`, turns each free
German answer into YES/NO/UNKNOWN (or FIRST/RECERT/UNKNOWN for "kind") with `parse_answer`, asks
what `needed_questions` still lists and finally quotes the `Verdict` of `evaluate`.

The programme page (section "Kostenbeteiligung am Gold-Label-Prozess") says: member clusters can
request, since 2024, a cost share on the Gold label equal to the net Silver-label costs (first
certification 4.160,00 EUR net, re-certification 3.725,00 EUR). The request has to be made before
the certification process starts, nothing is paid retroactively, and everything is subject to the
available budget. Prerequisites, all of them:

1. the cluster is a member of go-cluster                                   -> NOT_MEMBER
2. there is no other cost share from a third party                         -> OTHER_FUNDING
3. the cluster management has already completed a Silver-label process, or
   within the past four years a Gold-label process or ISO 9001 certification -> NO_PRIOR_LABEL
plus the timing rule: the process must not have started yet                -> ALREADY_STARTED

The kind of certification (first / re-certification) only decides the amount, never eligibility.

How answers are read: bot.language folds the text (lower case, "ä" as "ae"; patterns also accept the
plain-vowel spelling "Verlangerung"), corrects obvious typos ("nien" -> "nein", "vieleicht" ->
"vielleicht") and knows hedges ("jein", "weiß nicht", "vielleicht", "?"), negations and yes/no
words (see bot/language/yes_no.py). Here numeric dates are rewritten as words first ("03/2022" ->
"maerz 2022"); then a hedge makes the answer UNKNOWN, dates and periods are read where the question
is about time, and finally the yes/no words decide. A negation in the content ("haben wir nicht",
"keine") beats an affirmative content word, a leading "ja" against a negated content ("Ja, leider
nicht") is a contradiction: the NLU intent breaks the tie, else UNKNOWN.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from typing import Callable, Dict, List, Mapping, Optional, Tuple

from bot.language import yes_no
from bot.language.calendar_words import MONTHS, month_name
from bot.language.numbers import number_words
from bot.language.text import alternation, phrases, spelled, spellings, umlauts

# YES, NO and UNKNOWN are this module's answer values too (the dialogues take them from here).
from bot.language.yes_no import NO as NO
from bot.language.yes_no import UNKNOWN as UNKNOWN
from bot.language.yes_no import YES as YES

FIRST, RECERT = "first", "recert"
# question keys, in the order a dialogue asks them
QUESTIONS = ("member", "other_funding", "silver_done", "gold_or_iso_recent", "started", "kind")
# condition codes used in verdicts
NOT_MEMBER, OTHER_FUNDING, NO_PRIOR_LABEL, ALREADY_STARTED = (
    "not_member",
    "other_funding",
    "no_prior_label",
    "already_started",
)
# the fixed order of condition codes in `Verdict.unmet` / `Verdict.unclear`
CONDITIONS = (NOT_MEMBER, OTHER_FUNDING, NO_PRIOR_LABEL, ALREADY_STARTED)
ELIGIBLE, NOT_ELIGIBLE, UNCLEAR = "eligible", "not_eligible", "unclear"

# How far back a Gold-label process or ISO 9001 certification may lie.
RECENT_YEARS = 4

_YES_NO_VALUES = frozenset((YES, NO, UNKNOWN))
_KIND_VALUES = frozenset((FIRST, RECERT, UNKNOWN))


# --- the rules ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    outcome: str  # "eligible" | "not_eligible" | "unclear"
    unmet: Tuple[str, ...]  # condition codes definitely not met, in a fixed order
    unclear: Tuple[str, ...]  # condition codes that cannot be decided because of UNKNOWN answers
    kind: str  # FIRST, RECERT or UNKNOWN (decides the amount the dialogue quotes)


def _valid(question: str, value: object) -> bool:
    allowed = _KIND_VALUES if question == "kind" else _YES_NO_VALUES
    return isinstance(value, str) and value in allowed


def needed_questions(answers: Mapping[str, str]) -> Tuple[str, ...]:
    """Questions still to ask: all of QUESTIONS minus those answered, and "gold_or_iso_recent" is
    not needed when silver_done == YES.

    An answer counts when it is one of the question's values (UNKNOWN included, so an unclear
    answer is not asked again); None or anything else leaves the question open.
    """
    needed = []
    for question in QUESTIONS:
        if _valid(question, answers.get(question)):
            continue
        if question == "gold_or_iso_recent" and answers.get("silver_done") == YES:
            continue
        needed.append(question)
    return tuple(needed)


def questions_in_form(answers: Mapping[str, str]) -> Tuple[str, ...]:
    """The questions the check consists of now, in order: those answered and those still needed;
    "gold_or_iso_recent" drops out once silver_done == YES (also if it was answered before)."""
    needed = set(needed_questions(answers)) | {q for q in QUESTIONS if answers.get(q)}
    if answers.get("silver_done") == YES:
        needed.discard("gold_or_iso_recent")
    return tuple(q for q in QUESTIONS if q in needed)


def evaluate(answers: Mapping[str, str]) -> Verdict:
    """The verdict for the answers given; a missing or invalid answer counts as UNKNOWN."""

    def answer(question: str) -> str:
        value = answers.get(question)
        return value if value is not None and _valid(question, value) else UNKNOWN

    member, other = answer("member"), answer("other_funding")
    silver, gold_or_iso = answer("silver_done"), answer("gold_or_iso_recent")
    started, kind = answer("started"), answer("kind")

    state: Dict[str, Optional[bool]] = {}  # condition -> True met, False unmet, None unclear
    state[NOT_MEMBER] = {YES: True, NO: False}.get(member)
    state[OTHER_FUNDING] = {NO: True, YES: False}.get(other)
    if silver == YES or gold_or_iso == YES:
        state[NO_PRIOR_LABEL] = True
    elif silver == NO and gold_or_iso == NO:
        state[NO_PRIOR_LABEL] = False
    else:
        state[NO_PRIOR_LABEL] = None
    state[ALREADY_STARTED] = {NO: True, YES: False}.get(started)

    unmet = tuple(c for c in CONDITIONS if state[c] is False)
    unclear = tuple(c for c in CONDITIONS if state[c] is None)
    outcome = NOT_ELIGIBLE if unmet else UNCLEAR if unclear else ELIGIBLE
    return Verdict(outcome=outcome, unmet=unmet, unclear=unclear, kind=kind)


# --- text normalisation ------------------------------------------------------------------------
# Reading German answers is bot.language's job (folding, typos, hedges, yes/no); here only what is
# special to the questions: dates, periods, certificates and the kind of certification.

# Longer words of these questions a typo is corrected to (besides the general ones of bot.language).
_DOMAIN_WORDS = (
    "mitglied",
    "zertifizierung",
    "rezertifizierung",
    "erstzertifizierung",
    "verlängerung",
    "erneuerung",
    "erstmals",
    "wiederholung",
    "januar",
    "februar",
    "august",
    "september",
    "oktober",
    "november",
    "dezember",
)
_correct = yes_no.Corrector((*yes_no.FUZZY_TARGETS, *(s for w in _DOMAIN_WORDS for s in spellings(w))))

_MONTH_ALT = alternation(MONTHS)
# "vor N Jahren": number words (digits are read as such), in years
_NUMBER_WORDS: Dict[str, float] = {**number_words(range(1, 100), article=True, halves=True), "einem halben": 0.5}
_NUMBER_ALT = alternation(_NUMBER_WORDS)


_ISO_VERSION = re.compile(r"9001\s*(?::\s*|\s)(?:1987|1994|2000|2008|2015)(?!\d)")


def _month_name(number: str) -> Optional[str]:
    n = int(number)
    return month_name(n) if 1 <= n <= 12 else None


def _rewrite_numeric_dates(s: str) -> str:
    """ "15.03.2022" -> "15 maerz 2022", "03/2022" -> "maerz 2022", "2022-03" -> "maerz 2022"."""

    def day_month_year(m: "re.Match[str]") -> str:
        month = _month_name(m.group(2))
        return f" {m.group(1)} {month} {m.group(3)} " if month else f" {m.group(3)} "

    def month_year(m: "re.Match[str]") -> str:
        month = _month_name(m.group(1))
        return f" {month} {m.group(2)} " if month else m.group(0)

    def iso(m: "re.Match[str]") -> str:
        month = _month_name(m.group(2))
        if not month:
            return m.group(0)
        return f" {m.group(3) or ''} {month} {m.group(1)} "

    s = re.sub(r"(?<![\d.])(\d{1,2})\s?\.\s?(\d{1,2})\s?\.\s?((?:19|20)\d\d)(?!\d)", day_month_year, s)
    s = re.sub(r"(?<![\d.])(\d{1,2})\s?[./]\s?((?:19|20)\d\d)(?!\d)", month_year, s)
    s = re.sub(r"(?<!\d)((?:19|20)\d\d)-(\d{1,2})(?:-(\d{1,2}))?(?!\d)", iso, s)
    return re.sub(r"(?<![\d.])(\d{1,2})\.\s*(?=[a-z])", r"\1 ", s)  # "15. März" -> "15 März"


def _tokens(text: str) -> List[str]:
    s = yes_no.prepare(text)
    s = _ISO_VERSION.sub("9001 ", s)
    s = _rewrite_numeric_dates(s)
    return [_correct(t) for t in yes_no.TOKEN.findall(s)]


# --- dates and periods -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Mention:
    """A date or period named in an answer."""

    recent: str  # YES / NO / UNKNOWN: within the four years before today?
    past: bool  # it has begun by today
    since: bool  # introduced by "seit": a state lasting until today


def _cutoff(today: date) -> date:
    try:
        return today.replace(year=today.year - RECENT_YEARS)
    except ValueError:  # 29 February
        return today.replace(year=today.year - RECENT_YEARS, day=28)


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _interval_mention(lo: date, hi: date, today: date, since: bool) -> _Mention:
    if lo > today:
        recent = UNKNOWN  # a date in the future: the question was about the past
    elif lo >= _cutoff(today):
        recent = YES
    elif hi < _cutoff(today):
        recent = NO
    else:
        recent = UNKNOWN  # the period contains the cut-off day
    return _Mention(recent, lo <= today, since)


def _months_ago_mention(months: float, qualifier: Optional[str], since: bool) -> _Mention:
    limit = 12 * RECENT_YEARS
    if qualifier == "more":  # "vor über vier Jahren": more than `months`
        recent = NO if months >= limit else UNKNOWN
    elif qualifier == "less":  # "vor knapp vier Jahren": less than `months`
        recent = YES if months <= limit else UNKNOWN
    else:
        recent = YES if months < limit else NO if months > limit else UNKNOWN
    return _Mention(recent, True, since)


_SINCE_BEFORE = re.compile(
    r"(?<!\S)seit(?: (?:dem|der|den|im|in|anfang|beginn|mitte|ende|jahr|jahre|monat|sommer|herbst"
    + umlauts(r"|frühjahr|\d{1,2}|\.))* $")
)
_DAY_MONTH_YEAR = re.compile(
    rf"(?<!\S)(?:(\d{{1,2}}) (?:\. )?)?({_MONTH_ALT}) (?:\. )?(?:(?:des jahres|im jahr|im jahre) )?"
    rf"((?:19|20)\d\d)(?!\S)"
)
_YEAR_PARTS = spelled(
    {
        "anfang": (1, 4),
        "beginn": (1, 4),
        "frühjahr": (3, 5),
        "mitte": (4, 9),
        "sommer": (6, 8),
        "herbst": (9, 11),
        "ende": (9, 12),
    }
)
_PART_YEAR = re.compile(
    rf"(?<!\S)({alternation(_YEAR_PARTS)}) (?:(?:des jahres|des jahrs|im jahr|im jahre) )?((?:19|20)\d\d)(?!\S)"
)
_YEAR = re.compile(r"(?<!\S)((?:19|20)\d\d)(?!\S)")
_QUALIFIERS = spelled(
    {
        "über": "more",
        "mehr als": "more",
        "gut": "more",
        "knapp": "less",
        "fast": "less",
        "beinahe": "less",
        "weniger als": "less",
        "unter": "less",
        "rund": None,
        "etwa": None,
        "ca": None,
        "circa": None,
        "zirka": None,
        "ungefähr": None,
    }
)
_AGO = re.compile(
    rf"(?<!\S)(vor|seit) (?:({alternation(_QUALIFIERS)}) (?:\. )?)?"
    rf"(\d+|{_NUMBER_ALT}) (jahr|jahre|jahren|jahrn|monat|monate|monaten)(?!\S)"
)
_RECENT = phrases(
    r"(?:im )?(?:letzte[nms]?|vergangene[nms]?|vorige[nms]?|vorletzte[nms]?) jahr",
    r"(?:dieses|diesem|in diesem|im laufenden|laufenden) jahr",
    "heuer",
    "kürzlich",
    "neulich",
    "vor kurzem",
    "seit kurzem",
    "vor kurzer zeit",
    "gerade erst",
    "gerade eben",
    r"vor (?:ein paar|einigen|wenigen|mehreren) monaten",
)
_VAGUE_PAST = phrases(
    r"vor (?:vielen|einigen|ein paar|mehreren|wenigen|etlichen) jahren",
    r"(?:schon |ist )?lange her",
    r"ewig(?:e jahre)? her",
    "vor langer zeit",
    r"seit (?:langem|jahren|vielen jahren|längerem)",
    "schon länger",
    "schon lange",
    "vor jahren",
)


def _find_dates(text: str, today: date) -> Tuple[List[_Mention], str]:
    """Every date and period named, and the text with them blanked out."""
    found: List[_Mention] = []

    def since(m: "re.Match[str]") -> bool:
        return bool(_SINCE_BEFORE.search(m.string[: m.start()]))

    def day_month_year(m: "re.Match[str]") -> str:
        year, month = int(m.group(3)), MONTHS[m.group(2)]
        lo, hi = date(year, month, 1), _last_day(year, month)
        if m.group(1):
            try:
                lo = hi = date(year, month, int(m.group(1)))
            except ValueError:
                pass  # "31. Februar": keep the month
        found.append(_interval_mention(lo, hi, today, since(m)))
        return " "

    def part_year(m: "re.Match[str]") -> str:
        first, last = _YEAR_PARTS[m.group(1)]
        year = int(m.group(2))
        found.append(_interval_mention(date(year, first, 1), _last_day(year, last), today, since(m)))
        return " "

    def year(m: "re.Match[str]") -> str:
        y, oldest = int(m.group(1)), today.year - RECENT_YEARS
        if y > today.year:
            recent = UNKNOWN
        else:
            recent = YES if y > oldest else NO if y < oldest else UNKNOWN
        found.append(_Mention(recent, y <= today.year, since(m)))
        return " "

    def ago(m: "re.Match[str]") -> str:
        number = m.group(3)
        amount = float(number) if number.isdigit() else float(_NUMBER_WORDS[number])
        months = amount * (12 if m.group(4).startswith("jahr") else 1)
        found.append(_months_ago_mention(months, _QUALIFIERS.get(m.group(2) or ""), m.group(1) == "seit"))
        return " "

    def recent(m: "re.Match[str]") -> str:
        found.append(_Mention(YES, True, False))
        return " "

    def vague(m: "re.Match[str]") -> str:
        found.append(_Mention(UNKNOWN, True, m.group(0).startswith("seit")))
        return " "

    for pattern, handler in (
        (_DAY_MONTH_YEAR, day_month_year),
        (_PART_YEAR, part_year),
        (_AGO, ago),
        (_YEAR, year),
        (_VAGUE_PAST, vague),
        (_RECENT, recent),
    ):
        text = pattern.sub(handler, text)
    return found, re.sub(r" +", " ", text)


# --- the questions -----------------------------------------------------------------------------

_SUBJECT = phrases("iso", "9001", "gold", "goldlabel", "goldzertifizierung", "goldzertifikat")
_SEPARATORS = {",", ".", ";", "!", "aber", "sondern", "und", "bzw", "oder", "sowie"}


def _subject_groups(tokens: List[str]) -> List[List[str]]:
    """ "ISO ja, Gold nein" -> [[iso, ja], [gold, nein]]; parts naming neither go with the next."""
    segments: List[List[str]] = [[]]
    for token in tokens:
        if token in _SEPARATORS:
            segments.append([])
        else:
            segments[-1].append(token)
    groups: List[List[str]] = []
    pending: List[str] = []
    for segment in segments:
        if _SUBJECT.search(" ".join(segment)):
            groups.append(pending + segment)
            pending = []
        else:
            pending += segment
    if groups:
        groups[-1] += pending
    return groups


def _recent_single(text: str, today: date) -> Optional[str]:
    if yes_no.HEDGE.search(text):
        return UNKNOWN
    mentions, rest = _find_dates(text, today)
    polarity = yes_no.polarity(rest)
    if not mentions:
        return polarity
    # "ISO 9001 seit 2015": a certificate held since then has been renewed since: not decidable.
    verdicts = {UNKNOWN if m.since and m.recent == NO else m.recent for m in mentions}
    dated = YES if YES in verdicts else UNKNOWN if UNKNOWN in verdicts else NO
    if polarity == NO:  # "nein, das war 2015" -> NO; "nein, das war 2024" contradicts itself
        return UNKNOWN if dated == YES else NO
    return dated


def _parse_recent(tokens: List[str], today: date) -> Optional[str]:
    groups = _subject_groups(tokens)
    if len(groups) < 2:
        return _recent_single(" ".join(tokens), today)
    results = [_recent_single(" ".join(group), today) for group in groups]
    if YES in results:  # Gold label OR ISO 9001: one recent one is enough
        return YES
    return NO if all(r == NO for r in results) else UNKNOWN


def _parse_done(tokens: List[str], today: date) -> Optional[str]:
    """silver_done: a date in the past just confirms it ("haben wir 2023 gemacht")."""
    text = " ".join(tokens)
    if yes_no.HEDGE.search(text):
        return UNKNOWN
    mentions, rest = _find_dates(text, today)
    polarity = yes_no.polarity(rest)
    if polarity == NO or not mentions:
        return polarity
    return YES if any(m.past for m in mentions) else UNKNOWN  # only a future date: not done yet


_MEMBER_SINCE = re.compile(rf"(?<!\S)seit (?:(?:{_MONTH_ALT}) )?((?:19|20)\d\d)(?!\S)")
_MEMBER_SINCE_PERIOD = phrases(
    rf"seit (?:\d{{1,2}}|{_NUMBER_ALT}) (?:jahr\w*|monat\w*)", r"seit (?:langem|jahren|vielen jahren|längerem)"
)


def _parse_member(tokens: List[str], today: date) -> Optional[str]:
    text = " ".join(tokens)
    polarity = yes_no.polarity(text)
    if polarity is None:  # "seit 2019", "seit drei Jahren"
        m = _MEMBER_SINCE.search(text)
        if (m and int(m.group(1)) <= today.year) or _MEMBER_SINCE_PERIOD.search(text):
            return YES
    return polarity


# kind: strong words decide over weak ones; a preceding negation turns the side around
_FIRST_STRONG = phrases(
    r"erst ?zertifizier\w*",
    r"erstmal(?:s|ig\w*)",
    r"(?:zum |das )?erste[ns]? mal",
    r"noch (?:nie|nicht|kein\w*)",
    r"(?:bisher|bislang) (?:nie|nicht|kein\w*)",
    r"neu ?zertifizier\w*",
    r"erst ?antrag\w*",
    r"erste zertifizierung",
)
_FIRST_WEAK = phrases(r"erste[nrs]?", r"neu(?:e[nrs]?)?", "neuling")
_RECERT_STRONG = phrases(
    r"re ?zertifizier\w*",
    r"re ?zert\w*",
    r"re ?cert\w*",
    r"verlängerung\w*",
    r"verlänger\w*",
    r"erneuerung\w*",
    r"(?:zum |das )?zweite[ns]? mal",
    r"folge ?zertifizier\w*",
    r"wiederhol\w*",
    r"nach ?zertifizier\w*",
    r"(?:schon|bereits) (?:einmal|mal|ein gold\w*)",
)
_RECERT_WEAK = phrases(r"erneu\w*", r"wieder\w*", r"nochmal\w*", "noch einmal", r"zweite[nrs]?")
_NEGATORS = {"nicht", "kein", "keine", "keinen", "keiner", "keines", "keinem"}


def _kind_marker(side: str, found: Dict[str, bool]) -> Callable[["re.Match[str]"], str]:
    """The replacement for re.sub: records `side` in `found` (the other side after a negator) and blanks the match."""

    def hit(m: "re.Match[str]") -> str:
        before = m.string[: m.start()].split()
        negated = bool(before) and before[-1] in _NEGATORS
        found[(RECERT if side == FIRST else FIRST) if negated else side] = True
        return " "

    return hit


def _parse_kind(tokens: List[str]) -> str:
    text = " ".join(tokens)
    if yes_no.HEDGE.search(text):
        return UNKNOWN
    strong: Dict[str, bool] = {FIRST: False, RECERT: False}
    weak: Dict[str, bool] = {FIRST: False, RECERT: False}
    for pattern, side, found in (
        (_FIRST_STRONG, FIRST, strong),
        (_RECERT_STRONG, RECERT, strong),
        (_FIRST_WEAK, FIRST, weak),
        (_RECERT_WEAK, RECERT, weak),
    ):
        text = pattern.sub(_kind_marker(side, found), text)
    for level in (strong, weak):
        if level[FIRST] != level[RECERT]:
            return FIRST if level[FIRST] else RECERT
        if level[FIRST]:
            return UNKNOWN  # both named
    return UNKNOWN


def parse_answer(question: str, text: str, intent: Optional[str], today: date) -> str:
    """YES/NO/UNKNOWN for yes/no questions; FIRST/RECERT/UNKNOWN for "kind".

    The text decides; the intent ("affirm" / "deny") only counts when the text has no yes/no word
    at all or says both. Dates matter for "gold_or_iso_recent" (within four years before `today`),
    "silver_done" (a past date means done) and "member" ("seit 2019").
    """
    if question not in QUESTIONS:
        raise ValueError(f"unknown question {question!r}")
    tokens = _tokens(text)
    if question == "kind":
        return _parse_kind(tokens)
    if "?" in tokens:
        return UNKNOWN
    if question == "gold_or_iso_recent":
        result = _parse_recent(tokens, today)
    elif question == "silver_done":
        result = _parse_done(tokens, today)
    elif question == "member":
        result = _parse_member(tokens, today)
    else:  # the questions without dates
        result = yes_no.polarity(" ".join(tokens))
    return yes_no.decided(result, intent)
