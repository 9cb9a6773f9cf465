"""How German users ask about a glossary term, derived from content/glossary.yml.

Used twice: `python -m bot sync-rasa` writes these questions as training examples
(data/nlu/glossary_questions.yml), and the answer chooser (bot/knowledge/chooser.py) recognises a
message made only of a term's name and the words of these questions as a question about the term.

Every term is asked about under several of its names in the ways German users ask for a meaning,
and, where its definition answers it, about single aspects (since when, where, how long valid, how
long it takes, what it costs, how many, who is behind it, what one needs for it). An aspect is only
asked about when the definition contains a cue for it, so every generated question is answered by
the definition the bot shows. Terms that share their answer with a FAQ entry (`faq:`) get the
meaning questions only: their aspects are questions of that FAQ entry's topic.
"""

from __future__ import annotations

import re
from typing import Dict, FrozenSet, List, Tuple

from bot.knowledge.content import Term
from bot.knowledge.glossary import PROGRAMME_NAME
from bot.language import fold, words

MEANING_FRAMES = (
    "Was ist {nom}?",
    "Was bedeutet {nom}?",
    "Was versteht man unter {dat}?",
    "{nom} – was ist das?",
    "Erklären Sie mir bitte {acc}.",
    "Was heißt {name} genau?",
    "{name} Bedeutung",
    "Können Sie mir sagen, was {nom} ist?",
    "Was hat es mit {dat} auf sich?",
    "Infos zu {name}",
    "Was muss ich über {acc} wissen?",
    "Was genau ist mit {dat} gemeint?",
    "{name} Definition",
    "Ich verstehe {acc} nicht ganz, was ist das?",
    "Was hat {nom} mit go-cluster zu tun?",
    "Worum geht es bei {dat}?",
)
ABBREVIATION_FRAMES = ("Wofür steht {name}?", "Was heißt {name} ausgeschrieben?", "{name} Abkürzung")
# (cue in the definition, questions about that aspect)
ASPECT_FRAMES = (
    (
        r"gestartet|startete|\bseit (dem )?\d|\bonline\b|\blief\b",
        ("Seit wann gibt es {acc}?", "{name} seit wann", "Wann ist {nom} gestartet?", "In welchem Jahr kam {nom}?"),
    ),
    (r"gegründet", ("Wann wurde {nom} gegründet?", "Wer hat {acc} gegründet?", "{name} Gründung")),
    (r"\bSitz\b|\bin (Berlin|Brüssel)\b", ("Wo sitzt {nom}?", "Wo ist {nom} ansässig?", "{name} Sitz")),
    (
        r"\bgilt\b|gültig",
        ("Wie lange gilt {nom}?", "Wie lange ist {nom} gültig?", "{name} Gültigkeit", "Läuft {nom} irgendwann ab?"),
    ),
    (r"dauert|dreistündig|Konzeptphase|Phase\b", ("Wie lange dauert {nom}?", "{name} Dauer")),
    (r"Kosten einer|kostet", ("Was kostet {nom}?", "{name} Kosten", "Wie teuer ist {nom}?")),
    (r"\bEuro\b", ("Um wie viel Geld geht es bei {dat}?", "{name} Betrag in Euro", "Wie viel Geld gibt es bei {dat}?")),
    (
        r"führt .* durch|gegründet|Gesellschafter|Generaldirektion|Gremium|Experte",
        ("Wer steht hinter {dat}?", "Wer ist für {acc} zuständig?", "Wer macht {acc}?"),
    ),
    (r"nötig|erhält .* wenn|Nachweis", ("Was braucht man für {acc}?", "Welche Voraussetzungen gelten für {acc}?")),
)
# Things that are awarded ("Wer vergibt das Bronze-Label?"), recognised by the term's name.
AWARDED = r"Label|Siegel|Zertifizierung"
AWARDER = r"ESCA|vergibt|verleiht"  # ... and the definition says by whom
AWARD_FRAMES = ("Wer vergibt {acc}?", "Von wem bekommt man {acc}?", "{name} wer vergibt das")
# "36 Indikatoren", "zwölf Personen": how-many questions with the counted noun (nominative plural).
COUNTED = re.compile(
    r"\b(?:\d[\d.]*|zwölf|drei) (?:\w+ )?(Experten|Partner|Indikatoren|Kriterien|Punkten|Spitzencluster|"
    r"Clusterinitiativen|Personen|Beschäftigten|Clusterverbände|Ländern)\b"
)
NOMINATIVE_PLURAL = {"Punkten": "Punkte", "Beschäftigten": "Beschäftigte", "Ländern": "Länder"}
COUNT_FRAMES = ("Wie viele {noun} hat {nom}?", "Wie viele {noun} gibt es bei {dat}?", "{name} Anzahl {noun}")
PURPOSE_FRAMES = ("Wofür braucht man {acc}?", "Welche Rolle spielt {nom}?", "Was macht {nom} genau?")
ARTICLES = {
    "der": {"nom": "der", "acc": "den", "dat": "dem"},
    "die": {"nom": "die", "acc": "die", "dat": "der"},
    "das": {"nom": "das", "acc": "das", "dat": "dem"},
    "eine": {"nom": "die", "acc": "die", "dat": "der"},
}
MEANING_PER_TERM = 5
ASPECT_QUESTIONS = 2  # per aspect the definition answers


def _question_names(term: Term) -> List[str]:
    """The names users type: the term, its expansion and aliases, without web addresses and quotes."""
    names: Dict[str, None] = {}
    for name in term.names:
        name = re.sub(r"[„“”\"]", "", name).strip()
        if name and "." not in name:
            names.setdefault(name, None)
    return list(names)


def _article(term: Term, name: str) -> str:
    """The definite article the definition uses for this name ("Das Gold-Label ist …"), if any."""
    first, _, rest = term.definition.partition(" ")
    article = first.lower()
    if article in ARTICLES and re.match(re.escape(name) + r"(?![\w-])", rest):
        return article
    return ""


def _fill(frame: str, name: str, article: str, noun: str = "") -> str:
    cases = ARTICLES.get(article)
    forms = {case: f"{cases[case]} {name}" if cases else name for case in ("nom", "acc", "dat")}
    text = frame.format(name=name, noun=noun, **forms)
    return text[0].upper() + text[1:]


def chat_style(text: str, number: int) -> str:
    """Every third question as typed in a chat: lower case, without umlauts or question mark;
    every fifth of those with one letter of a long word left out."""
    if number % 3:
        return text
    text = fold(text).rstrip("?.")
    if number % 5 == 0:
        longest = max(text.split(), key=len)
        if len(longest) >= 8:
            text = text.replace(longest, longest[: len(longest) // 2] + longest[len(longest) // 2 + 1 :], 1)
    return text


def _aspects(term: Term) -> List[Tuple[Tuple[str, ...], str]]:
    """The aspect question frames the term's definition answers, each with its counted noun."""
    if term.faq:
        return []
    groups: List[Tuple[Tuple[str, ...], str]] = [
        (frames, "") for cue, frames in ASPECT_FRAMES if re.search(cue, term.definition)
    ]
    if re.search(AWARDED, term.term, re.IGNORECASE) and re.search(AWARDER, term.definition):
        groups.append((AWARD_FRAMES, ""))
    counted = (NOMINATIVE_PLURAL.get(m.group(1), m.group(1)) for m in COUNTED.finditer(term.definition))
    nouns = [noun for noun in dict.fromkeys(counted) if fold(noun) not in fold(term.term)]
    groups += [(COUNT_FRAMES, noun) for noun in nouns[:2]]
    return groups


def glossary_question_texts(term: Term, offset: int = 0) -> List[str]:
    """Questions about one term; `offset` rotates the frames so terms do not all get the same ones.
    Meaning questions use up to four names; aspect questions the term and its first other name."""
    names = _question_names(term)
    texts: List[str] = []

    def add(frames: Tuple[str, ...], count: int, start: int, spellings: List[str], noun: str = "") -> None:
        for i in range(min(count, len(frames))):
            frame = frames[(start + i) % len(frames)]
            name = spellings[(start + i) % len(spellings)]
            texts.append(_fill(frame, name, _article(term, name), noun))

    add(MEANING_FRAMES, MEANING_PER_TERM, offset, names[:4])
    short = [n for n in names if n.isupper() and len(n) <= 6]
    if short and term.expansion:
        texts += [_fill(frame, short[0], "") for frame in ABBREVIATION_FRAMES[:2]]
    if term.faq:
        return texts
    main = names[:2]
    for number, (frames, noun) in enumerate(_aspects(term)):
        add(frames, 1 if noun else ASPECT_QUESTIONS, offset + number, main, noun)
    add(PURPOSE_FRAMES, 1, offset, main)
    return texts


def frame_words(term: Term) -> FrozenSet[str]:
    """The folded words of the questions about this term ("was", "bedeutet", "seit", "wann",
    "gueltig", ...): what a question about the term says besides its name. Only the aspects its
    definition answers count; words of a term's other names do too ("Wofür steht ESCA?")."""
    frames = [*MEANING_FRAMES, *ABBREVIATION_FRAMES]
    nouns: List[str] = []
    if not term.faq:
        for group, noun in _aspects(term):
            frames += group
            nouns.append(noun)
        frames += PURPOSE_FRAMES
    articles = {form for cases in ARTICLES.values() for form in cases.values()}
    found = {w for frame in frames for w in words(PROGRAMME_NAME.sub(" ", re.sub(r"\{\w+\}", " ", frame)))}
    found |= {w for noun in nouns for w in words(noun)}
    return frozenset(found | articles | {"ein", "eine", "einen", "einem", "einer", "eines"})


def all_frame_words() -> FrozenSet[str]:
    """The words of every question frame, whatever the term: "kostet" in a question about a term
    whose definition names no price asks for something else (a FAQ topic)."""
    groups = [frames for _, frames in ASPECT_FRAMES] + [AWARD_FRAMES, COUNT_FRAMES, PURPOSE_FRAMES]
    frames = [*MEANING_FRAMES, *ABBREVIATION_FRAMES, *(frame for group in groups for frame in group)]
    return frozenset(w for frame in frames for w in words(PROGRAMME_NAME.sub(" ", re.sub(r"\{\w+\}", " ", frame))))
