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

How answers are read: the text is normalised (lower case; "ä" becomes "ae", so "Verlängerung" and
"Verlaengerung" are the same word; patterns also accept the plain-vowel spelling "Verlangerung"),
numeric dates are rewritten as words ("03/2022" -> "maerz 2022"), the text is split into tokens
and obvious typos are corrected ("nien" -> "nein", "vieleicht" -> "vielleicht"). Then, in this order:
a hedge ("jein", "weiß nicht", "vielleicht", "?") makes the answer UNKNOWN; dates and periods are
read where the question is about time; finally the yes/no words decide. A negation in the content
("haben wir nicht", "keine") beats an affirmative content word, a leading "ja" against a negated
content ("Ja, leider nicht") is a contradiction: the NLU intent breaks the tie, else UNKNOWN.
"""
from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Dict, Iterable, List, Mapping, Optional, Tuple

YES, NO, UNKNOWN = "yes", "no", "unknown"
FIRST, RECERT = "first", "recert"
# question keys, in the order a dialogue asks them
QUESTIONS = ("member", "other_funding", "silver_done", "gold_or_iso_recent", "started", "kind")
# condition codes used in verdicts
NOT_MEMBER, OTHER_FUNDING, NO_PRIOR_LABEL, ALREADY_STARTED = (
    "not_member", "other_funding", "no_prior_label", "already_started")
# the fixed order of condition codes in `Verdict.unmet` / `Verdict.unclear`
CONDITIONS = (NOT_MEMBER, OTHER_FUNDING, NO_PRIOR_LABEL, ALREADY_STARTED)
ELIGIBLE, NOT_ELIGIBLE, UNCLEAR = "eligible", "not_eligible", "unclear"

# How far back a Gold-label process or ISO 9001 certification may lie.
RECENT_YEARS = 4

_YES_NO_VALUES = frozenset((YES, NO, UNKNOWN))
_KIND_VALUES = frozenset((FIRST, RECERT, UNKNOWN))
_CONFLICT = "conflict"  # internal: the text says yes and no


# --- the rules ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    outcome: str                 # "eligible" | "not_eligible" | "unclear"
    unmet: Tuple[str, ...]       # condition codes definitely not met, in a fixed order
    unclear: Tuple[str, ...]     # condition codes that cannot be decided because of UNKNOWN answers
    kind: str                    # FIRST, RECERT or UNKNOWN (decides the amount the dialogue quotes)


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
        return value if _valid(question, value) else UNKNOWN

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

_EXPAND = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "–": "-", "—": "-", "’": "'"})


def _normalise(text: str) -> str:
    """Lower case, umlauts written out ("ä" -> "ae"), other accents dropped."""
    text = unicodedata.normalize("NFC", text).lower().translate(_EXPAND)
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def _rx(phrase: str) -> str:
    """A phrase written with umlauts (and possibly regex syntax) -> regex for both spellings."""
    return (phrase.replace("ä", "(?:ae|a)").replace("ö", "(?:oe|o)").replace("ü", "(?:ue|u)")
            .replace("ß", "ss"))


def _words(*phrases: str) -> "re.Pattern[str]":
    """Whole-token matcher for phrases on the space-joined token string."""
    body = "|".join(_rx(p) for p in sorted(phrases, key=len, reverse=True))
    return re.compile(rf"(?<!\S)(?:{body})(?!\S)")


MONTHS = ("januar", "februar", "maerz", "april", "mai", "juni", "juli", "august", "september",
          "oktober", "november", "dezember")
_MONTH_TOKENS = {**{m: i + 1 for i, m in enumerate(MONTHS)}, "marz": 3, "mrz": 3, "jan": 1,
                 "jaenner": 1, "janner": 1, "feb": 2, "febr": 2, "apr": 4, "jun": 6, "jul": 7,
                 "aug": 8, "sep": 9, "sept": 9, "okt": 10, "nov": 11, "dez": 12}
_MONTH_ALT = "|".join(sorted(_MONTH_TOKENS, key=len, reverse=True))

# "vor N Jahren": number words (digits are read as such), in years
_NUMBER_WORDS = {"ein": 1, "eins": 1, "einem": 1, "einen": 1, "einer": 1, "zwei": 2, "zwo": 2,
                 "drei": 3, "vier": 4, "fuenf": 5, "funf": 5, "sechs": 6, "sieben": 7, "acht": 8,
                 "neun": 9, "zehn": 10, "elf": 11, "zwoelf": 12, "zwolf": 12,
                 "anderthalb": 1.5, "eineinhalb": 1.5, "zweieinhalb": 2.5, "dreieinhalb": 3.5,
                 "viereinhalb": 4.5, "fuenfeinhalb": 5.5, "funfeinhalb": 5.5, "einem halben": 0.5}
_NUMBER_ALT = "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))

# Typos and colloquial forms of short words, mapped to one spelling (after normalisation).
_TYPOS = {
    "jaa": "ja", "jo": "ja", "joa": "ja", "jup": "ja", "jep": "ja", "jap": "ja", "yes": "ja",
    "yep": "ja", "jawohl": "ja", "jawoll": "ja",
    "nee": "nein", "noe": "nein", "no": "nein", "nope": "nein", "nien": "nein", "nain": "nein",
    "neim": "nein", "nei": "nein", "neinn": "nein", "neiin": "nein",
    "nciht": "nicht", "nich": "nicht", "nicth": "nicht", "nihct": "nicht", "ncht": "nicht",
    "niht": "nicht", "nichit": "nicht", "keien": "keine", "kiene": "keine", "kene": "keine",
    "kien": "kein", "gneau": "genau", "genua": "genau", "gnau": "genau", "geanu": "genau",
    "genuo": "genau", "kalr": "klar", "klaar": "klar", "jien": "jein", "jaein": "jein",
    "weis": "weiss", "wiess": "weiss", "vllt": "vielleicht", "vlt": "vielleicht",
    "viell": "vielleicht", "evtl": "eventuell", "ahnugn": "ahnung", "anhung": "ahnung",
}
# Short words a squeezed token ("jaaa", "neeein") may turn into.
_SQUEEZE_TARGETS = {"ja", "nein", "nee", "nicht", "klar", "genau", "keine", "kein", "jein", "noch"}
# Longer words corrected with one (from 9 letters two) edits of the same first letter.
_FUZZY_TARGETS = (
    "vielleicht", "teilweise", "erledigt", "natuerlich", "naturlich", "selbstverstaendlich",
    "selbstverstandlich", "richtig", "korrekt", "stimmt", "mitglied", "bereits", "begonnen",
    "gemacht", "ahnung", "unklar", "eventuell", "wahrscheinlich", "vermutlich",
    "moeglicherweise", "moglicherweise", "zertifizierung", "rezertifizierung",
    "erstzertifizierung", "verlaengerung", "verlangerung", "erneuerung", "erstmals",
    "wiederholung", "abgeschlossen", "durchgefuehrt", "durchgefuhrt", "gestartet", "angefangen",
    "januar", "februar", "august", "september", "oktober", "november", "dezember", "definitiv",
    "bestimmt", "absolut", "zutreffend",
)
# Real words one edit away from a fuzzy target: never "corrected".
_REAL_WORDS = {"gedacht", "bereit", "erstmal", "weder", "wider", "stimme", "stimmen", "richte",
               "richten", "bestimme", "bestimmte", "begannen", "gewonnen", "absolute", "absolvent"}


def _squeeze(token: str) -> Iterable[str]:
    yield re.sub(r"(.)\1{2,}", r"\1\1", token)
    yield re.sub(r"(.)\1+", r"\1", token)


def _edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance (insert, delete, substitute, swap neighbours)."""
    prev2: List[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


def _correct(token: str) -> str:
    if not token.isalpha():
        return token
    if token in _TYPOS:
        return _TYPOS[token]
    if re.search(r"(.)\1\1", token):  # "jaaa", "neeein"; "kenne" is left alone
        for squeezed in _squeeze(token):
            if squeezed in _SQUEEZE_TARGETS or squeezed in _TYPOS:
                return _TYPOS.get(squeezed, squeezed)
    if len(token) < 6 or token in _REAL_WORDS or token in _FUZZY_TARGETS:
        return token
    best: Optional[Tuple[int, str]] = None
    for target in _FUZZY_TARGETS:
        if target[0] != token[0] or abs(len(target) - len(token)) > 2:
            continue
        limit = 1 if len(target) < 9 else 2
        distance = _edit_distance(token, target)
        if distance <= limit and (best is None or distance < best[0]):
            best = (distance, target)
    return best[1] if best else token


_ISO_VERSION = re.compile(r"9001\s*(?::\s*|\s)(?:1987|1994|2000|2008|2015)(?!\d)")


def _month_name(number: str) -> Optional[str]:
    n = int(number)
    return MONTHS[n - 1] if 1 <= n <= 12 else None


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
    s = _normalise(text or "")
    s = re.sub(r"(?<![a-z])k\s?\.\s?a(?:\s?\.|(?![a-z]))", " keine ahnung ", s)
    s = _ISO_VERSION.sub("9001 ", s)
    s = _rewrite_numeric_dates(s)
    return [_correct(t) for t in re.findall(r"[a-z]+|\d+|[?,.;!:]", s)]


# --- yes / no ----------------------------------------------------------------------------------

# Anything unsure makes the answer UNKNOWN, whatever else it says.
_HEDGE = _words(
    "jein", "ja und nein", "ja nein", "ja oder nein", "nein ja",
    r"weiss(?: \w+){0,3} nicht", r"weiss(?: \w+){0,2} nicht so genau", "nicht genau",
    r"keine ahnung", r"keinen? (?:plan|idee|schimmer)", "unklar", r"nicht (?:ganz |so |wirklich )?klar",
    r"(?:bin |sind )?(?:mir |uns )?nicht (?:ganz |so |hundertprozentig |100 prozent |wirklich )?sicher",
    r"unsicher", "vielleicht", "eventuell", "möglicherweise", "womöglich", "vermutlich",
    "wahrscheinlich", r"glaube?", "denke", "schätze", "eher", r"teilweise", "teils",
    "zum teil", "halb", r"kann ich(?: \w+)? nicht sagen", r"schwer zu sagen", r"nachschauen",
    r"nachsehen", r"nachfragen", r"prüfen", r"klären", "erkundigen", "unbekannt", "nicht bekannt",
    "ungewiss", r"(?:noch )?offen", "mal sehen", "mal schauen", "keine angabe",
    r"kommt (?:dar|dr)auf an", r"hängt davon ab", "sowohl als auch", "unentschieden",
    r"wüsste ich(?: \w+)? nicht", r"\?",
)
# The bare particles: "ja" (and its variants, see _TYPOS), "nein".
_YES_PARTICLE = _words("ja")
_NO_PARTICLE = _words("nein")
# "nicht nur" is no negation.
_NOT_NEGATION = _words("nicht nur", "nicht zuletzt")
_NEGATION = _words("nicht", "nichts", "nie", "niemals", r"kein\w*", "fehlt", "fehlen",
                   "nirgends", "mitnichten", "negativ")
_AFFIRMATION = _words(
    "genau", "klar", "logo", "logisch", "sicher", "sicherlich", "natürlich", "selbstverständlich",
    "freilich", "gewiss", "richtig", "korrekt", "stimmt", "exakt", "absolut", "definitiv",
    "bestimmt", "auf jeden fall", "durchaus", "zutreffend", "trifft zu", "positiv", "zweifellos",
    r"(?:sind|waren|haben|hatten) wir", r"wir (?:sind|waren|haben|hatten)", "hat es", "es gibt",
    "gibt es", "gibts", r"ist (?:\w+ )?erledigt", "erledigt", "gemacht", "geschafft", "bestanden",
    "durchgeführt", "abgeschlossen", "absolviert", "erhalten", "erhält", "bekommen", "bekommt",
    "vorhanden", "schon", "bereits", "läuft", "laufen", "begonnen", "angefangen", "gestartet",
    "zertifiziert", "mitglied", "dabei",
)


def _polarity(text: str) -> Optional[str]:
    """YES, NO, UNKNOWN (hedged), _CONFLICT, or None when the text says nothing either way."""
    if _HEDGE.search(text):
        return UNKNOWN
    text = _NOT_NEGATION.sub(" ", text)
    said_yes, said_no = bool(_YES_PARTICLE.search(text)), bool(_NO_PARTICLE.search(text))
    particle = _CONFLICT if said_yes and said_no else YES if said_yes else NO if said_no else None
    content = NO if _NEGATION.search(text) else YES if _AFFIRMATION.search(text) else None
    if particle is None or particle == content:
        return content
    if content is None:
        return particle
    return _CONFLICT


# --- dates and periods -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Mention:
    """A date or period named in an answer."""
    recent: str   # YES / NO / UNKNOWN: within the four years before today?
    past: bool    # it has begun by today
    since: bool   # introduced by "seit": a state lasting until today


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
    if qualifier == "more":      # "vor über vier Jahren": more than `months`
        recent = NO if months >= limit else UNKNOWN
    elif qualifier == "less":    # "vor knapp vier Jahren": less than `months`
        recent = YES if months <= limit else UNKNOWN
    else:
        recent = YES if months < limit else NO if months > limit else UNKNOWN
    return _Mention(recent, True, since)


_SINCE_BEFORE = re.compile(
    r"(?<!\S)seit(?: (?:dem|der|den|im|in|anfang|beginn|mitte|ende|jahr|jahre|monat|sommer|herbst"
    r"|fruehjahr|fruhjahr|\d{1,2}|\.))* $")
_DAY_MONTH_YEAR = re.compile(
    rf"(?<!\S)(?:(\d{{1,2}}) (?:\. )?)?({_MONTH_ALT}) (?:\. )?(?:(?:des jahres|im jahr|im jahre) )?"
    rf"((?:19|20)\d\d)(?!\S)")
_YEAR_PARTS = {"anfang": (1, 4), "beginn": (1, 4), "fruehjahr": (3, 5), "fruhjahr": (3, 5),
               "mitte": (4, 9), "sommer": (6, 8), "herbst": (9, 11), "ende": (9, 12)}
_PART_YEAR = re.compile(
    rf"(?<!\S)({'|'.join(_YEAR_PARTS)}) (?:(?:des jahres|des jahrs|im jahr|im jahre) )?((?:19|20)\d\d)(?!\S)")
_YEAR = re.compile(r"(?<!\S)((?:19|20)\d\d)(?!\S)")
_QUALIFIERS = {"ueber": "more", "uber": "more", "mehr als": "more", "gut": "more", "knapp": "less",
               "fast": "less", "beinahe": "less", "weniger als": "less", "unter": "less",
               "rund": None, "etwa": None, "ca": None, "circa": None, "zirka": None,
               "ungefaehr": None, "ungefahr": None}
_AGO = re.compile(
    rf"(?<!\S)(vor|seit) (?:({'|'.join(sorted(_QUALIFIERS, key=len, reverse=True))}) (?:\. )?)?"
    rf"(\d+|{_NUMBER_ALT}) (jahr|jahre|jahren|jahrn|monat|monate|monaten)(?!\S)")
_RECENT = _words(r"(?:im )?(?:letzte[nms]?|vergangene[nms]?|vorige[nms]?|vorletzte[nms]?) jahr",
                 r"(?:dieses|diesem|in diesem|im laufenden|laufenden) jahr", "heuer", "kürzlich",
                 "neulich", "vor kurzem", "seit kurzem", "vor kurzer zeit", "gerade erst",
                 "gerade eben", r"vor (?:ein paar|einigen|wenigen|mehreren) monaten")
_VAGUE_PAST = _words(r"vor (?:vielen|einigen|ein paar|mehreren|wenigen|etlichen) jahren",
                     r"(?:schon |ist )?lange her", r"ewig(?:e jahre)? her", "vor langer zeit",
                     r"seit (?:langem|jahren|vielen jahren|längerem)", "schon länger",
                     "schon lange", "vor jahren")


def _find_dates(text: str, today: date) -> Tuple[List[_Mention], str]:
    """Every date and period named, and the text with them blanked out."""
    found: List[_Mention] = []

    def since(m: "re.Match[str]") -> bool:
        return bool(_SINCE_BEFORE.search(m.string[:m.start()]))

    def day_month_year(m: "re.Match[str]") -> str:
        year, month = int(m.group(3)), _MONTH_TOKENS[m.group(2)]
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

    for pattern, handler in ((_DAY_MONTH_YEAR, day_month_year), (_PART_YEAR, part_year),
                             (_AGO, ago), (_YEAR, year), (_VAGUE_PAST, vague), (_RECENT, recent)):
        text = pattern.sub(handler, text)
    return found, re.sub(r" +", " ", text)


# --- the questions -----------------------------------------------------------------------------

_SUBJECT = _words("iso", "9001", "gold", "goldlabel", "goldzertifizierung", "goldzertifikat")
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
    if _HEDGE.search(text):
        return UNKNOWN
    mentions, rest = _find_dates(text, today)
    polarity = _polarity(rest)
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
    if _HEDGE.search(text):
        return UNKNOWN
    mentions, rest = _find_dates(text, today)
    polarity = _polarity(rest)
    if polarity == NO or not mentions:
        return polarity
    return YES if any(m.past for m in mentions) else UNKNOWN  # only a future date: not done yet


_MEMBER_SINCE = re.compile(rf"(?<!\S)seit (?:(?:{_MONTH_ALT}) )?((?:19|20)\d\d)(?!\S)")
_MEMBER_SINCE_PERIOD = _words(rf"seit (?:\d{{1,2}}|{_NUMBER_ALT}) (?:jahr\w*|monat\w*)",
                              r"seit (?:langem|jahren|vielen jahren|längerem)")


def _parse_member(tokens: List[str], today: date) -> Optional[str]:
    text = " ".join(tokens)
    polarity = _polarity(text)
    if polarity is None:  # "seit 2019", "seit drei Jahren"
        m = _MEMBER_SINCE.search(text)
        if (m and int(m.group(1)) <= today.year) or _MEMBER_SINCE_PERIOD.search(text):
            return YES
    return polarity


# kind: strong words decide over weak ones; a preceding negation turns the side around
_FIRST_STRONG = _words(r"erst ?zertifizier\w*", r"erstmal(?:s|ig\w*)", r"(?:zum |das )?erste[ns]? mal",
                       r"noch (?:nie|nicht|kein\w*)", r"(?:bisher|bislang) (?:nie|nicht|kein\w*)",
                       r"neu ?zertifizier\w*", r"erst ?antrag\w*", r"erste zertifizierung")
_FIRST_WEAK = _words(r"erste[nrs]?", r"neu(?:e[nrs]?)?", "neuling")
_RECERT_STRONG = _words(r"re ?zertifizier\w*", r"re ?zert\w*", r"re ?cert\w*", r"verlängerung\w*",
                        r"verlänger\w*", r"erneuerung\w*", r"(?:zum |das )?zweite[ns]? mal",
                        r"folge ?zertifizier\w*", r"wiederhol\w*", r"nach ?zertifizier\w*",
                        r"(?:schon|bereits) (?:einmal|mal|ein gold\w*)")
_RECERT_WEAK = _words(r"erneu\w*", r"wieder\w*", r"nochmal\w*", "noch einmal", r"zweite[nrs]?")
_NEGATORS = {"nicht", "kein", "keine", "keinen", "keiner", "keines", "keinem"}


def _parse_kind(tokens: List[str]) -> str:
    text = " ".join(tokens)
    if _HEDGE.search(text):
        return UNKNOWN
    strong: Dict[str, bool] = {FIRST: False, RECERT: False}
    weak: Dict[str, bool] = {FIRST: False, RECERT: False}
    for pattern, side, found in ((_FIRST_STRONG, FIRST, strong), (_RECERT_STRONG, RECERT, strong),
                                 (_FIRST_WEAK, FIRST, weak), (_RECERT_WEAK, RECERT, weak)):
        def hit(m: "re.Match[str]") -> str:
            before = m.string[:m.start()].split()
            negated = bool(before) and before[-1] in _NEGATORS
            found[(RECERT if side == FIRST else FIRST) if negated else side] = True
            return " "
        text = pattern.sub(hit, text)
    for level in (strong, weak):
        if level[FIRST] != level[RECERT]:
            return FIRST if level[FIRST] else RECERT
        if level[FIRST]:
            return UNKNOWN  # both named
    return UNKNOWN


_INTENTS = {"affirm": YES, "deny": NO}


def parse_yes_no(text: str, intent: Optional[str]) -> str:
    """YES/NO/UNKNOWN for any yes/no question without dates ("Sind Sie einverstanden?").
    The text decides; the intent only counts when the text says neither or both."""
    tokens = _tokens(text)
    if "?" in tokens:
        return UNKNOWN
    return _decided(_polarity(" ".join(tokens)), intent)


def _decided(result: Optional[str], intent: Optional[str]) -> str:
    if result is None or result == _CONFLICT:
        return _INTENTS.get(intent or "", UNKNOWN)
    return result


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
    if question not in ("gold_or_iso_recent", "silver_done", "member"):
        return parse_yes_no(text, intent)
    if "?" in tokens:
        return UNKNOWN
    if question == "gold_or_iso_recent":
        result = _parse_recent(tokens, today)
    elif question == "silver_done":
        result = _parse_done(tokens, today)
    else:
        result = _parse_member(tokens, today)
    return _decided(result, intent)
