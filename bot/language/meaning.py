"""What kind of message an answer is, when it is not the name or text a form asked for.

`answer_kind` tells whether a whole message is only a yes/no word, a greeting or thanks, "I don't
know", a command, or a question. A form asking for a name or another free text uses it to refuse
"Ja", "Hallo", "Keine Ahnung", "Abbrechen" or "Was ist ESCA?" as the cluster's name, while real names
that merely contain such words ("Ja-Cluster Energie GmbH", "Fragebogen GmbH", "Janine Hallo") are
answers (None).

A message counts only as a whole: every word must belong to one of the word classes below;
punctuation, emoji and a polite "bitte"/"danke" do not matter, letters may be repeated ("jaaa",
"hallooo"), colloquial short forms are known ("nö", "jo", "vllt"), and one word of seven letters or
more may have one typo ("abrechen", "vieleicht"). Questions are recognised by their shape instead: a
question mark at the end, an interrogative first ("Was ist ...", "Wie lange ..."), a verb first
followed by a subject ("Gibt es ...", "Muss ich ...", "Können Sie ..."), or "Ich habe eine Frage".
"""

from __future__ import annotations

import re
from typing import Dict, FrozenSet, Iterable, List, Optional, Pattern, Sequence, Tuple

from bot.language.distance import closest
from bot.language.text import phrases, spellings, words
from bot.language.yes_no import TOKEN, TYPOS, prepare

YES_NO = "yes_no"
GREETING = "greeting"
DONT_KNOW = "dont_know"
COMMAND = "command"
QUESTION = "question"
# Every kind answer_kind() returns, the strongest first: in a message mixing several ("Nein,
# abbrechen"), the first one listed here wins.
KINDS: Tuple[str, ...] = (COMMAND, QUESTION, DONT_KNOW, YES_NO, GREETING)
# The kinds that are never a name (of a person, an organisation, a cluster) or a free-text answer.
NAME_REJECTED_KINDS: FrozenSet[str] = frozenset(KINDS)

# Whole phrases of each word class, lower case with umlauts (regex syntax allowed, see
# bot.language.text.phrases). "bitte" and "danke" are greetings, so they also go with every class.
_PHRASES: Dict[str, Tuple[str, ...]] = {
    YES_NO: (
        "ja",
        "jawohl",
        "jawoll",
        "yes",
        "yep",
        "yup",
        "nein",
        "nö",
        "nee",
        "ne",
        "nope",
        "no",
        "jein",
        "doch",
        "ok",
        "okay",
        "okey",
        "oki",
        "okidoki",
        "genau",
        "stimmt",
        "richtig",
        "korrekt",
        "klar",
        "alles klar",
        "na klar",
        "natürlich",
        "na sicher",
        "sicher",
        "sicherlich",
        "gerne?",
        "sehr gerne?",
        "einverstanden",
        "passt",
        "passt schon",
        "auf jeden fall",
        "auf keinen fall",
        "gut",
        "sehr gut",
        "prima",
        "super",
        "perfekt",
        "in ordnung",
        "geht klar",
        "nicht",
        "nichts",
        "keine?",
        "keiner",
        "niemand",
        "nie",
        "niemals",
        "definitiv",
        "bestimmt",
        "absolut",
        "logo",
        "selbstverständlich",
        "mach ich",
        "gemacht",
        "erledigt",
        r"ist (?:gut|ok|okay|in ordnung|klar|richtig)",
        "schon gut",
        "gut so",
    ),
    GREETING: (
        "hallo",
        "hallöchen",
        "hi",
        "hey",
        "huhu",
        "moin",
        "moinsen",
        "moin moin",
        "servus",
        "grüß gott",
        "grüß dich",
        "grüezi",
        "guten (?:tag|morgen|abend)",
        "gute nacht",
        "tag",
        "morgen",
        "abend",
        "hallo zusammen",
        "hallo miteinander",
        "tschüss",
        "tschüs",
        "tschau",
        "ciao",
        "bye",
        "bye bye",
        "auf wiedersehen",
        "bis bald",
        "bis dann",
        "bis später",
        "schönen tag",
        "danke",
        "dankeschön",
        "danke schön",
        "danke sehr",
        "vielen dank",
        "herzlichen dank",
        "besten dank",
        "merci",
        "thx",
        "thanks",
        "thank you",
        "bitte",
        "bitteschön",
        "bitte schön",
        "bitte sehr",
        "gern geschehen",
    ),
    DONT_KNOW: (
        r"(?:das )?weiß (?:ich|wir) (?:leider )?(?:noch )?nicht(?: genau)?",
        r"weiß (?:leider )?nicht(?: genau)?",
        r"(?:das )?wissen (?:wir|ich) (?:leider )?(?:noch )?nicht(?: genau)?",
        r"(?:keine|keinen|kein|null) (?:ahnung|plan|idee|schimmer)",
        "keine ahnung mehr",
        "ahnungslos",
        "unbekannt",
        "unklar",
        "nicht bekannt",
        "keine angabe",
        "k a",
        r"(?:das )?kann ich (?:leider )?(?:noch )?nicht sagen",
        r"wüsste ich (?:leider )?nicht",
        "vielleicht",
        "eventuell",
        "mal sehen",
        "mal schauen",
        "egal",
        "ist (?:mir )?egal",
        r"bin (?:mir )?(?:nicht sicher|unsicher)",
    ),
    COMMAND: (
        "abbrechen",
        "abbruch",
        "stopp",
        "stop",
        "stoppen",
        "beenden",
        "aufhören",
        "hör auf",
        "cancel",
        "exit",
        "quit",
        "zurück",
        "einen schritt zurück",
        "weiter",
        "hilfe",
        "help",
        "überspringen",
        "skip",
        r"neu (?:starten|anfangen|beginnen)",
        "neustart",
        "restart",
        "start",
        "von vorne?",
        r"(?:noch ?mal|nochmals|wieder) von vorne?",
        "menü",
        "hauptmenü",
        r"(?:zurück )?zum (?:haupt)?menü",
        "vergiss es",
        "lass es",
        "lassen wir das",
        r"ich (?:will|möchte) nicht mehr",
        r"ich (?:will|möchte|würde gerne?) (?:abbrechen|aufhören|beenden|neu starten|zurück|weiter|hilfe)",
        "ich brauche hilfe",
    ),
    QUESTION: (
        "frage",
        r"(?:ich )?(?:habe|hätte) (?:noch )?(?:eine|mal eine) frage",
        r"(?:noch )?eine frage",
        "kurze frage",
        "gegenfrage",
        "wie bitte",
        "hä",
        "häh",
    ),
}
# No message of only such words is longer ("Nein danke, ich möchte jetzt lieber abbrechen").
_MAX_WORDS = 10
# Words that change nothing about a message ("Ähm, ja").
_FILLERS = ("also", "ähm", "äh", "ehm", "hm", "hmm", "oh", "ach", "na", "so", "mal", "einfach", "jetzt", "dann")
_CLASSES: Tuple[Tuple[str, Pattern[str]], ...] = (
    *((kind, phrases(*_PHRASES[kind])) for kind in KINDS),
    ("", phrases(*_FILLERS)),
)

# The words of the word classes (for repeated letters and typos).
_VOCABULARY: Tuple[str, ...] = tuple(
    dict.fromkeys(
        spelling
        for group in (*_PHRASES.values(), _FILLERS)
        for phrase in group
        for word in re.findall(r"[a-zäöüß]+", phrase)
        for spelling in spellings(word)
    )
)
_TYPO_WORDS: Tuple[str, ...] = tuple(w for w in _VOCABULARY if len(w) >= 7)
_KNOWN = frozenset(_VOCABULARY) | frozenset(TYPOS)


def _skeleton(word: str) -> str:
    return re.sub(r"(.)\1+", r"\1", word)


_BY_SKELETON: Dict[str, str] = {}
for _word in _VOCABULARY:
    _BY_SKELETON.setdefault(_skeleton(_word), _word)

# Question shapes: an interrogative first, or a finite verb followed by a subject.
_INTERROGATIVES = frozenset(
    s
    for w in """was wer wen wem wessen wie wann wo warum weshalb wieso weswegen welche
    welcher welches welchen welchem wozu woher wohin womit wofür worum worüber wodurch woran worauf wieviel
    wieviele""".split()
    for s in spellings(w)
)
_QUESTION_VERBS = frozenset(
    s
    for w in """gibt gibts kann kannst können könnte könnten könntest darf dürfen darfst
    dürfte muss müssen musst müsste soll sollen sollte sollten ist sind war waren hat haben habt hast hätte
    hätten wird werden würde würden wäre wären brauche brauchen braucht bekomme bekommen bekommt geht gilt
    gelten bedeutet heißt stimmt machen macht mache""".split()
    for s in spellings(w)
)
_SUBJECTS = frozenset(
    s
    for w in """ich wir sie man es du ihr er das der die den dem des dies diese dieser dieses
    diesen ein eine einen einem einer mein meine meinen unser unsere unseren jemand jeder alle""".split()
    for s in spellings(w)
)


def _ends_with_question_mark(text: str) -> bool:
    """A "?" after the last letter or digit ("Was ist das? 🙂", "Wirklich?!")."""
    end = len(text)
    while end and not text[end - 1].isalnum():
        end -= 1
    return "?" in text[end:]


def _question_shaped(tokens: Sequence[str], text: str) -> bool:
    first = tokens[0]
    if first in _INTERROGATIVES:
        # "WAS GmbH", "WIE Consult": an acronym, not the interrogative (unless all is in capitals).
        found = re.search(r"[^\W_]+", text)
        first_original = found.group() if found else ""
        return not (len(first_original) > 1 and first_original.isupper() and not text.isupper())
    return first in _QUESTION_VERBS and len(tokens) > 1 and tokens[1] in _SUBJECTS


def _tokens(text: str) -> List[str]:
    """Folded word tokens with colloquial short forms and repeated letters normalised."""
    found = []
    for token in TOKEN.findall(prepare(text)):
        if not token.isalnum():
            continue
        token = TYPOS.get(token, token)
        if token not in _KNOWN and re.search(r"(.)\1\1", token):
            token = _BY_SKELETON.get(_skeleton(token), token)
        found.append(token)
    return found


def _segment(tokens: Sequence[str]) -> Optional[List[str]]:
    """The word classes the message consists of, in order, or None when some word is none of them."""
    joined = " ".join(tokens)
    kinds: List[str] = []
    position = 0
    while position < len(joined):
        best: Optional[Tuple[int, str]] = None
        for kind, pattern in _CLASSES:
            match = pattern.match(joined, position)
            if match and (best is None or match.end() > best[0]):
                best = (match.end(), kind)
        if best is None:
            return None
        position = best[0] + 1
        kinds.append(best[1])
    return kinds


def _with_one_typo(tokens: List[str]) -> Iterable[List[str]]:
    """The tokens with one unknown word of seven letters or more replaced by the class word one edit
    away (same first letter)."""
    for index, token in enumerate(tokens):
        if token in _KNOWN or len(token) < 6:
            continue
        found = closest(token, [w for w in _TYPO_WORDS if w[0] == token[0]], 1)
        if found:
            yield tokens[:index] + [found[0]] + tokens[index + 1 :]


def answer_kind(text: str) -> Optional[str]:
    """What the whole message is when it is no real answer to a question for a name or text:
    "yes_no" ("ja", "nö", "ja gerne", "nein danke", "okay", "genau"), "greeting" ("Hallo", "Guten
    Tag", "Moin", "Danke", "Tschüss"), "dont_know" ("weiß ich nicht", "keine Ahnung", "k. A."),
    "command" ("abbrechen", "stopp", "zurück", "weiter", "Hilfe", "überspringen", "neu starten",
    "Menü", or anything starting with "/"), "question" ("...?", "Was ist ...", "Gibt es ...",
    "Muss ich ..."), or None when it can be a real answer ("Anna Schmidt", "Cluster Nord e. V.",
    "Ja-Cluster Energie GmbH")."""
    stripped = (text or "").strip()
    if not stripped:
        return None
    if stripped.startswith("/"):
        return COMMAND
    if _ends_with_question_mark(stripped):
        return QUESTION
    tokens = _tokens(stripped)
    if not tokens:
        return None
    if _question_shaped(tokens, stripped):
        return QUESTION
    if len(tokens) > _MAX_WORDS:
        return None
    kinds = _segment(tokens)
    if kinds is None:
        kinds = next((k for k in map(_segment, _with_one_typo(tokens)) if k is not None), None)
    named = [kind for kind in KINDS if kinds and kind in kinds]
    return named[0] if named else None


def looks_like_question(text: str) -> bool:
    """A question mark at the end, or a first word that opens a German question ("Was ist …",
    "Gibt es …", "Muss …"). Looser than answer_kind(): any question verb first counts."""
    stripped = text.strip()
    first = words(stripped[:40])
    return stripped.endswith("?") or bool(first and first[0] in _QUESTION_START)


_QUESTION_START = frozenset(
    s
    for w in """was wer wie wann wo warum weshalb wieso welche welcher welches welchen
    welchem wozu woher wohin womit wofür worum gibt gibts kann kann's können kannst darf dürfen muss müssen
    musst soll sollen ist sind bedeutet heißt erklär erkläre hat haben habt wird werden brauche brauchen
    braucht bekomme bekommen""".split()
    for s in spellings(w)
)
