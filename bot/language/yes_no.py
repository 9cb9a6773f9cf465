"""Short answers: typo and colloquial spellings of short words, "weiß nicht" (hedges), yes and no.

How an answer is read: the text is folded (bot.language.text), "k. A." is written out as "keine
Ahnung", the text is split into tokens (words, digits, punctuation) and obvious typos are corrected
("nien" -> "nein", "jaaa" -> "ja", "vieleicht" -> "vielleicht"). Then, in this order: a hedge ("jein",
"weiß nicht", "vielleicht", "?") makes the answer UNKNOWN; a negation in the content ("haben wir
nicht", "keine") beats an affirmative content word; a leading "ja" against a negated content ("Ja,
leider nicht") is a contradiction, which the NLU intent decides, else UNKNOWN.
"""

from __future__ import annotations

import re
from typing import Callable, FrozenSet, Iterable, List, Optional, Tuple

from bot.language.distance import edit_distance
from bot.language.text import fold, phrases, spellings

YES, NO, UNKNOWN = "yes", "no", "unknown"
CONFLICT = "conflict"  # the text says yes and no

# Typos and colloquial forms of short words, mapped to one spelling (folded).
TYPOS = {
    "jaa": "ja",
    "jo": "ja",
    "joa": "ja",
    "jup": "ja",
    "jep": "ja",
    "jap": "ja",
    "yes": "ja",
    "yep": "ja",
    "jawohl": "ja",
    "jawoll": "ja",
    "nee": "nein",
    "noe": "nein",
    "no": "nein",
    "nope": "nein",
    "nien": "nein",
    "nain": "nein",
    "neim": "nein",
    "nei": "nein",
    "neinn": "nein",
    "neiin": "nein",
    "nciht": "nicht",
    "nich": "nicht",
    "nicth": "nicht",
    "nihct": "nicht",
    "ncht": "nicht",
    "niht": "nicht",
    "nichit": "nicht",
    "keien": "keine",
    "kiene": "keine",
    "kene": "keine",
    "kien": "kein",
    "gneau": "genau",
    "genua": "genau",
    "gnau": "genau",
    "geanu": "genau",
    "genuo": "genau",
    "kalr": "klar",
    "klaar": "klar",
    "jien": "jein",
    "jaein": "jein",
    "weis": "weiss",
    "wiess": "weiss",
    "vllt": "vielleicht",
    "vlt": "vielleicht",
    "viell": "vielleicht",
    "evtl": "eventuell",
    "ahnugn": "ahnung",
    "anhung": "ahnung",
}
# Short words a squeezed token ("jaaa", "neeein") may turn into.
SQUEEZE_TARGETS = frozenset({"ja", "nein", "nee", "nicht", "klar", "genau", "keine", "kein", "jein", "noch"})
# Longer words corrected with one (from 9 letters two) edits of the same first letter.
FUZZY_TARGETS: Tuple[str, ...] = tuple(
    s
    for word in (
        "vielleicht",
        "teilweise",
        "erledigt",
        "natürlich",
        "selbstverständlich",
        "richtig",
        "korrekt",
        "stimmt",
        "bereits",
        "begonnen",
        "gemacht",
        "ahnung",
        "unklar",
        "eventuell",
        "wahrscheinlich",
        "vermutlich",
        "möglicherweise",
        "abgeschlossen",
        "durchgeführt",
        "gestartet",
        "angefangen",
        "definitiv",
        "bestimmt",
        "absolut",
        "zutreffend",
    )
    for s in spellings(word)
)
# Real words one edit away from a fuzzy target: never "corrected".
REAL_WORDS = frozenset(
    {
        "gedacht",
        "bereit",
        "erstmal",
        "weder",
        "wider",
        "stimme",
        "stimmen",
        "richte",
        "richten",
        "bestimme",
        "bestimmte",
        "begannen",
        "gewonnen",
        "absolute",
        "absolvent",
    }
)


def squeezed(token: str) -> Tuple[str, ...]:
    """A token with letters repeated three times or more ("jaaa", "hallooo") shortened: to two of
    each, then to one of each."""
    return (re.sub(r"(.)\1{2,}", r"\1\1", token), re.sub(r"(.)\1+", r"\1", token))


class Corrector:
    """Corrects a folded token: the short words of TYPOS, squeezed repetitions, and words of six
    letters or more within one edit (from nine letters two) of a target with the same first letter."""

    def __init__(self, targets: Iterable[str] = FUZZY_TARGETS, real_words: FrozenSet[str] = REAL_WORDS) -> None:
        self._targets = tuple(dict.fromkeys(targets))
        self._known = frozenset(self._targets) | real_words

    def __call__(self, token: str) -> str:
        if not token.isalpha():
            return token
        if token in TYPOS:
            return TYPOS[token]
        if re.search(r"(.)\1\1", token):  # "jaaa", "neeein"; "kenne" is left alone
            for candidate in squeezed(token):
                if candidate in SQUEEZE_TARGETS or candidate in TYPOS:
                    return TYPOS.get(candidate, candidate)
        if len(token) < 6 or token in self._known:
            return token
        best: Optional[Tuple[int, str]] = None
        for target in self._targets:
            if target[0] != token[0] or abs(len(target) - len(token)) > 2:
                continue
            limit = 1 if len(target) < 9 else 2
            distance = edit_distance(token, target, limit)
            if distance <= limit and (best is None or distance < best[0]):
                best = (distance, target)
        return best[1] if best else token


correct = Corrector()

_NO_IDEA = re.compile(r"(?<![a-z])k\s?\.?\s?a(?:\s?\.|(?![a-z]))")
TOKEN = re.compile(r"[a-z]+|\d+|[?,.;!:]")


def prepare(text: str) -> str:
    """Folded text with "k. A." / "kA" written out as "keine ahnung"."""
    return _NO_IDEA.sub(" keine ahnung ", fold(text or ""))


def tokens(text: str, corrector: Callable[[str], str] = correct) -> List[str]:
    """Folded, corrected tokens: words, digits and the punctuation ?,.;!: ("Nien, danke!" ->
    ["nein", ",", "danke", "!"])."""
    return [corrector(t) for t in TOKEN.findall(prepare(text))]


_WE_DO_NOT_KNOW = r"wissen(?: (?:wir|ich|es|sie))?(?: \w+){0,2} nicht"
# "I don't know", in all its forms (on corrected tokens).
_DONT_KNOW_PATTERNS = (
    r"weiß(?: \w+){0,3} nicht",
    _WE_DO_NOT_KNOW,
    r"wüsste ich(?: \w+)? nicht",
    r"(?:keine|keinen|kein|null) ahnung",
    "ahnungslos",
    r"kein(?:e[nr]?)? (?:plan|idee|schimmer)",
    "unklar",
    "unbekannt",
    "nicht bekannt",
    r"kann ich(?: \w+)? nicht sagen",
    "keine angabe",
)
DONT_KNOW = phrases(*_DONT_KNOW_PATTERNS)
# Anything unsure makes the answer UNKNOWN, whatever else it says: "I don't know" and more.
HEDGE = phrases(
    *_DONT_KNOW_PATTERNS,
    "jein",
    "ja und nein",
    "ja nein",
    "ja oder nein",
    "nein ja",
    r"weiß(?: \w+){0,2} nicht so genau",
    "nicht genau",
    r"nicht (?:ganz |so |wirklich )?klar",
    r"(?:bin |sind )?(?:mir |uns )?nicht (?:ganz |so |hundertprozentig |100 prozent |wirklich )?sicher",
    r"unsicher",
    "vielleicht",
    "eventuell",
    "möglicherweise",
    "womöglich",
    "vermutlich",
    "wahrscheinlich",
    r"glaube?",
    "denke",
    "schätze",
    "eher",
    r"teilweise",
    "teils",
    "zum teil",
    "halb",
    r"schwer zu sagen",
    r"nachschauen",
    r"nachsehen",
    r"nachfragen",
    r"prüfen",
    r"klären",
    "erkundigen",
    "ungewiss",
    r"(?:noch )?offen",
    "mal sehen",
    "mal schauen",
    "keine angabe",
    r"kommt (?:dar|dr)auf an",
    r"hängt davon ab",
    "sowohl als auch",
    "unentschieden",
    r"wüsste ich(?: \w+)? nicht",
    r"\?",
)
# The bare particles: "ja" (and its variants, see TYPOS), "nein".
_YES_PARTICLE = phrases("ja")
_NO_PARTICLE = phrases("nein")
# "nicht nur" is no negation.
_NOT_NEGATION = phrases("nicht nur", "nicht zuletzt")
NEGATION = phrases(
    "nicht", "nichts", "nie", "niemals", r"kein\w*", "fehlt", "fehlen", "nirgends", "mitnichten", "negativ"
)
AFFIRMATION = phrases(
    "genau",
    "klar",
    "logo",
    "logisch",
    "sicher",
    "sicherlich",
    "natürlich",
    "selbstverständlich",
    "freilich",
    "gewiss",
    "richtig",
    "korrekt",
    "stimmt",
    "exakt",
    "absolut",
    "definitiv",
    "bestimmt",
    "auf jeden fall",
    "durchaus",
    "zutreffend",
    "trifft zu",
    "positiv",
    "zweifellos",
    r"(?:sind|waren|haben|hatten) wir",
    r"wir (?:sind|waren|haben|hatten)",
    "hat es",
    "es gibt",
    "gibt es",
    "gibts",
    r"ist (?:\w+ )?erledigt",
    "erledigt",
    "gemacht",
    "geschafft",
    "bestanden",
    "durchgeführt",
    "abgeschlossen",
    "absolviert",
    "erhalten",
    "erhält",
    "bekommen",
    "bekommt",
    "vorhanden",
    "schon",
    "bereits",
    "läuft",
    "laufen",
    "begonnen",
    "angefangen",
    "gestartet",
    "zertifiziert",
    "mitglied",
    "dabei",
)


def says_dont_know(text: str) -> bool:
    """Whether the text says "I don't know" somewhere ("Das weiß ich leider nicht", "k. A.")."""
    return bool(DONT_KNOW.search(" ".join(tokens(text))))


def polarity(joined: str) -> Optional[str]:
    """YES, NO, UNKNOWN (hedged), CONFLICT, or None when the text says nothing either way.
    `joined`: corrected tokens joined by spaces (see `tokens`)."""
    if HEDGE.search(joined):
        return UNKNOWN
    joined = _NOT_NEGATION.sub(" ", joined)
    said_yes, said_no = bool(_YES_PARTICLE.search(joined)), bool(_NO_PARTICLE.search(joined))
    particle = CONFLICT if said_yes and said_no else YES if said_yes else NO if said_no else None
    content = NO if NEGATION.search(joined) else YES if AFFIRMATION.search(joined) else None
    if particle is None or particle == content:
        return content
    if content is None:
        return particle
    return CONFLICT


_INTENTS = {"affirm": YES, "deny": NO}


def decided(result: Optional[str], intent: Optional[str]) -> str:
    """A polarity made final: nothing or a contradiction said leaves it to the NLU intent."""
    if result is None or result == CONFLICT:
        return _INTENTS.get(intent or "", UNKNOWN)
    return result


def parse_yes_no(text: str, intent: Optional[str] = None) -> str:
    """YES/NO/UNKNOWN for any yes/no question without dates ("Sind Sie einverstanden?").
    The text decides; the intent ("affirm"/"deny") only counts when the text says neither or both."""
    found = tokens(text)
    if "?" in found:
        return UNKNOWN
    return decided(polarity(" ".join(found)), intent)
