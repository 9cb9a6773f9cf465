"""Folding German text to one spelling, splitting it into words, matching umlauts written either way.

The convention of the whole toolkit and of every module using it:

* `fold()` gives the one canonical spelling: lower case, NFKC, "ä" -> "ae", "ö" -> "oe", "ü" -> "ue",
  "ß" -> "ss", other accents dropped, typographic dashes and apostrophes plain. Texts are compared,
  stored as keys and matched in this spelling.
* Users also leave the dots off ("Marz", "ubermorgen", "Thuringen"). To match both spellings the
  vocabulary is expanded, never the text: it is written with real umlauts in the source and
  `umlauts()` turns a phrase or regular expression into one that matches the folded text in either
  spelling ("übermorgen" -> "(?:ue|u)bermorgen"), `spellings()` lists the folded spellings of a word
  for tables ("März" -> ("maerz", "marz")) and `spelled()` does that for a whole table.

Folding the text to the plain vowel instead ("ue" -> "u") would make different words equal
("neuen" -> "neun"), so the text always keeps its "ae"/"oe"/"ue".
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from typing import Dict, Iterable, List, Mapping, Pattern, Tuple, TypeVar

V = TypeVar("V")

_SPELLED_OUT = str.maketrans(
    {
        "ä": "ae",
        "ö": "oe",
        "ü": "ue",
        "ß": "ss",
        # dashes and minus signs; apostrophes
        "‐": "-",
        "‑": "-",
        "‒": "-",
        "–": "-",
        "—": "-",
        "―": "-",
        "−": "-",
        "’": "'",
        "‘": "'",
        "ʼ": "'",
        "`": "'",
    }
)
_NON_WORD = re.compile(r"[^a-z0-9]+")
# After "?" or "!", or after "." that follows a word of four or more letters or a number: "vs.",
# "z. B.", "bzw." and "ca." do not end a sentence.
_SENTENCE_END = re.compile(r"(?:(?<=[!?])|(?<=\w{4}\.)|(?<=\d\.))\s+")
# An umlaut written in a pattern matches its folded and its dotless spelling.
_EITHER = {"ä": "(?:ae|a)", "ö": "(?:oe|o)", "ü": "(?:ue|u)", "ß": "ss"}
_BOTH = {"ä": ("ae", "a"), "ö": ("oe", "o"), "ü": ("ue", "u"), "ß": ("ss",)}


def fold(text: str) -> str:
    """Lower case, umlauts as ae/oe/ue/ss, other accents dropped, dashes and apostrophes plain:
    "Gespräch – Café’s" -> "gespraech - cafe's"."""
    lowered = unicodedata.normalize("NFKC", text).lower().translate(_SPELLED_OUT)
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> List[str]:
    """Folded words; hyphens, slashes and punctuation separate words ("VDI/VDE-IT" -> 3 words)."""
    return [w for w in _NON_WORD.split(fold(text)) if w]


def sentences(text: str) -> List[str]:
    """The sentences of a message, split after ".", "!" or "?" and a space. Short words before a
    full stop are taken for abbreviations: "Das ist gut. Was ..." stays one sentence, which is
    harmless where a sentence is only searched for what it names."""
    return [part for part in _SENTENCE_END.split(text.strip()) if part]


def compact(text: str) -> str:
    """Folded text without separators, so "Gold-Label", "Gold Label" and "Goldlabel" are equal."""
    return "".join(words(text))


def umlauts(pattern: str) -> str:
    """A phrase or regular expression written in lower case with umlauts -> a regular expression
    that matches folded text in both spellings: "möglich" -> "m(?:oe|o)glich" matches "moeglich"
    and "moglich". "ß" stands for "ss". (Not for umlauts inside a character class "[...]".)"""
    return "".join(_EITHER.get(ch, ch) for ch in pattern)


def spellings(word: str) -> Tuple[str, ...]:
    """Every folded spelling of a word written with umlauts, the canonical one first:
    "übernächste" -> ("uebernaechste", "uebernachste", "ubernaechste", "ubernachste")."""
    parts = [_BOTH.get(ch, (ch,)) for ch in word.lower()]
    return tuple(dict.fromkeys(fold("".join(choice)) for choice in itertools.product(*parts)))


def spelled(table: Mapping[str, V]) -> Dict[str, V]:
    """A table keyed by words with umlauts -> the same table keyed by every folded spelling."""
    result: Dict[str, V] = {}
    for word, value in table.items():
        for spelling in spellings(word):
            if result.get(spelling, value) != value:
                raise ValueError(f"{spelling!r} would mean both {result[spelling]!r} and {value!r}")
            result[spelling] = value
    return result


def alternation(vocabulary: Iterable[str]) -> str:
    """A regex alternation of words (taken literally), the longest first ("september" before "sep")."""
    return "|".join(sorted((re.escape(w) for w in vocabulary), key=len, reverse=True))


def phrases(*patterns: str) -> Pattern[str]:
    """Whole-token matcher for phrases (lower case, umlauts allowed, regex syntax allowed) on a
    string of folded tokens joined by single spaces: phrases("weiß nicht") finds "weiss nicht"
    in "ich weiss nicht so recht" but not in "weissnicht"."""
    body = "|".join(umlauts(p) for p in sorted(patterns, key=len, reverse=True))
    return re.compile(rf"(?<!\S)(?:{body})(?!\S)")


# Words that carry no topic: articles, pronouns, auxiliaries, prepositions, conjunctions, question
# words, particles (folded). What is left of a message is what it is about.
FUNCTION_WORDS = frozenset(
    """der die das den dem des ein eine einen einem eines einer und oder aber auch nur schon noch
    wenn dass ob als bei beim mit von vom fuer fuers auf aufs aus an am ans im in ins um ums bis nach
    vor seit zu zum zur ueber unter durch durchs gegen ohne
    ich du er sie es wir ihr man mir mich uns euch ihnen sich mein meine
    meinen meinem unser unsere unserem unseren unserer ihre ihren ihrem ihrer sein seine dein deine
    ist sind bin bist war waren kann kannst koennen koennte koennten muss musst muessen soll sollen
    sollte will wollen moechte moechten wird werden wurde wurden hat habe haben hatte hatten gibt gab
    was wer wen wem wessen wie wo wann warum wieso weshalb welche welcher welches welchen welchem
    viel viele wieviel wieviele ja nein nicht kein keine keinen da dort hier dann jetzt gerade denn
    genau etwa ungefaehr normalerweise ganz sehr mal bitte so also hallo hey kurz nochmal
    eigentlich ueberhaupt gemeint damit dazu davon darauf daran dafuer""".split()
)


def content_words(text: str) -> List[str]:
    """The folded words of a message that say what it is about: no function words, no one- or
    two-letter fragments (numbers stay: "2021", "9001")."""
    return [w for w in words(text) if w not in FUNCTION_WORDS and (len(w) > 2 or w.isdigit())]
