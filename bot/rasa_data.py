"""Generates the parts of the Rasa project that follow from the content files.

* data/rules/faq.yml         one rule per FAQ entry: intent faq_<id> -> its action (action_answer_faq)
* data/nlu/glossary_names.yml lookup table with every spelling of every glossary term
* data/nlu/glossary_questions.yml questions about every glossary term (meaning and the aspects its
  definition answers), see `glossary_questions`
* domain.yml                 the FAQ intents between the "generated" markers

`python -m bot sync-rasa` writes them; `python -m bot sync-rasa --check` (run by the tests)
fails when a content change was not synced. Plain text output, no Rasa import needed.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Dict, Iterable, List, Tuple

from bot.config import PROJECT_ROOT
from bot.knowledge.content import Knowledge, Term, load_knowledge
from bot.language import fold

HEADER = "# Generated from content/ by `python -m bot sync-rasa`. Do not edit by hand.\n"
DOMAIN_BEGIN = "  # BEGIN generated FAQ intents (python -m bot sync-rasa)\n"
DOMAIN_END = "  # END generated FAQ intents\n"


def faq_rules(knowledge: Knowledge) -> str:
    lines = [HEADER, 'version: "3.1"\n', "rules:\n"]
    for entry in knowledge.faq.values():
        lines += [
            f"  - rule: FAQ {entry.id}\n",
            "    steps:\n",
            f"      - intent: {entry.intent}\n",
            f"      - action: {entry.action}\n",
        ]
    return "".join(lines)


def glossary_spellings(names: Iterable[str]) -> List[str]:
    """Each name as written and, where different, without umlauts and hyphens."""
    result: Dict[str, None] = {}
    for name in names:
        for variant in (name, fold(name), fold(name).replace("-", " ")):
            result.setdefault(variant.strip(), None)
    return [v for v in result if v]


def glossary_lookup(knowledge: Knowledge) -> str:
    names = glossary_spellings(n for term in knowledge.terms.values() for n in term.names)
    lines = [HEADER, 'version: "3.1"\n', "nlu:\n", "  - lookup: glossary_names\n", "    examples: |\n"]
    lines += [f"      - {name}\n" for name in names]
    return "".join(lines)


def domain_with_faq_intents(domain_text: str, knowledge: Knowledge) -> str:
    start, end = domain_text.find(DOMAIN_BEGIN), domain_text.find(DOMAIN_END)
    if start < 0 or end < start:
        raise ValueError("domain.yml lacks the generated FAQ intents markers")
    block = "".join(f"  - {intent}\n" for intent in knowledge.faq_intents)
    return domain_text[: start + len(DOMAIN_BEGIN)] + block + domain_text[end:]


def expected_files(root: Path = PROJECT_ROOT) -> Dict[Path, str]:
    knowledge = load_knowledge()
    domain = root / "domain.yml"
    return {
        root / "data" / "rules" / "faq.yml": faq_rules(knowledge),
        root / "data" / "nlu" / "glossary_names.yml": glossary_lookup(knowledge),
        root / "data" / "nlu" / "glossary_questions.yml": glossary_questions(knowledge),
        domain: domain_with_faq_intents(domain.read_text("utf-8"), knowledge),
    }


def stale_files(root: Path = PROJECT_ROOT) -> List[Path]:
    return [path for path, text in expected_files(root).items() if not path.exists() or path.read_text("utf-8") != text]


def sync(root: Path = PROJECT_ROOT) -> List[Path]:
    changed = stale_files(root)
    for path, text in expected_files(root).items():
        if path in changed:
            path.write_text(text, "utf-8")
    return changed


# ---------------------------------------------------------------------------------------------
# Questions about glossary terms, generated from content/glossary.yml (data/nlu/glossary_questions.yml).
#
# Every term is asked about under several of its names in the ways German users ask for a meaning,
# and, where its definition answers it, about single aspects (since when, where, how long valid,
# how long it takes, what it costs, how many, who is behind it, what one needs for it). An aspect
# is only asked about when the definition contains a cue for it, so every generated question is
# answered by the definition the bot shows. Terms that share their answer with a FAQ entry
# (`faq:`) get the meaning questions only: their aspects are questions of that FAQ entry's topic.

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


def _chat_style(text: str, number: int) -> str:
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
    for number, (cue, frames) in enumerate(ASPECT_FRAMES):
        if re.search(cue, term.definition):
            add(frames, ASPECT_QUESTIONS, offset + number, main)
    if re.search(AWARDED, term.term, re.IGNORECASE):
        add(AWARD_FRAMES, ASPECT_QUESTIONS, offset, main)
    counted = (NOMINATIVE_PLURAL.get(m.group(1), m.group(1)) for m in COUNTED.finditer(term.definition))
    nouns = [noun for noun in dict.fromkeys(counted) if fold(noun) not in fold(term.term)]
    for number, noun in enumerate(nouns[:2]):
        add(COUNT_FRAMES, 1, offset + number, main, noun)
    add(PURPOSE_FRAMES, 1, offset, main)
    return texts


def glossary_questions(knowledge: Knowledge) -> str:
    seen: Dict[str, None] = {}
    number = 0
    for offset, term in enumerate(knowledge.terms.values()):
        for text in glossary_question_texts(term, offset):
            number += 1
            text = _chat_style(text, number)
            seen.setdefault(text, None)
    lines = [HEADER, 'version: "3.1"\n', "nlu:\n", "  - intent: ask_glossary\n", "    examples: |\n"]
    lines += [f"      - {text}\n" for text in seen]
    return "".join(lines)
