"""German numbers written as words or digits.

`parse_number` reads one number word compositionally, the way German builds them: "null" ...
"neunundneunzig", "hundert"/"einhundert", "zweihundertfünfzig", "tausend", "zweitausenddreihundert",
up to 999 999, plus "eineinhalb"/"anderthalb" and "zweieinhalb" ..., "zwo" for "zwei", with or without
umlaut dots ("fünf", "fuenf", "funf"); `parse_ordinal` reads "dritte", "zweiten", "zwanzigster".
`number_words` lists the words for a range of numbers, for regex alternations ("um zehn", "vor drei
Jahren"); `find_numbers` finds every number in a text (digits with thousands separators, decimals
and sign, and number words) with its position.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Dict, Iterable, List, Optional, Union

from bot.language.text import fold, spelled

Number = Union[int, float]

# "ein" is one only in front of something ("einhundert", "einundzwanzig"); alone it is "eins".
_ONES = spelled(
    {"ein": 1, "zwei": 2, "zwo": 2, "drei": 3, "vier": 4, "fünf": 5, "sechs": 6, "sieben": 7, "acht": 8, "neun": 9}
)
_TENS = spelled(
    {
        "zwanzig": 20,
        "dreißig": 30,
        "vierzig": 40,
        "fünfzig": 50,
        "sechzig": 60,
        "siebzig": 70,
        "achtzig": 80,
        "neunzig": 90,
    }
)
_WHOLE_WORDS = spelled(
    {
        "eins": 1,
        "zehn": 10,
        "elf": 11,
        "zwölf": 12,
        "dreizehn": 13,
        "vierzehn": 14,
        "fünfzehn": 15,
        "sechzehn": 16,
        "siebzehn": 17,
        "achtzehn": 18,
        "neunzehn": 19,
        **{w: n for w, n in _ONES.items() if n > 1},
        **_TENS,
    }
)
# The indefinite article, which is "one" where a number is expected ("vor einem Jahr", "in einer Woche").
ARTICLES = frozenset({"ein", "eine", "einer", "einem", "einen", "eines"})
_HALF = "einhalb"
_ONE_AND_A_HALF = "anderthalb"


def _below_hundred(word: str, ein: bool) -> Optional[int]:
    if word in _WHOLE_WORDS:
        return _WHOLE_WORDS[word]
    if ein and word == "ein":
        return 1
    ones, separator, tens = word.partition("und")
    if separator and ones in _ONES and tens in _TENS:
        return _ONES[ones] + _TENS[tens]
    return None


def _rest(word: str, below: Callable[[str, bool], Optional[int]], ein: bool) -> Optional[int]:
    """What follows "hundert"/"tausend": nothing, or a smaller number (optionally after "und")."""
    if not word:
        return 0
    if word.startswith("und") and len(word) > 3:
        word = word[3:]
    return below(word, ein)


def _below_thousand(word: str, ein: bool) -> Optional[int]:
    head, separator, tail = word.partition("hundert")
    if not separator:
        return _below_hundred(word, ein)
    times = 1 if head in ("", "ein") else _ONES.get(head)
    rest = _rest(tail, _below_hundred, ein)
    return None if times is None or rest is None else times * 100 + rest


def _below_million(word: str, ein: bool) -> Optional[int]:
    head, separator, tail = word.partition("tausend")
    if not separator:
        return _below_thousand(word, ein)
    times = 1 if head == "" else _below_thousand(head, True)
    rest = _rest(tail, _below_thousand, ein)
    return None if not times or rest is None else times * 1000 + rest


def parse_number(word: str, article: bool = False) -> Optional[Number]:
    """The value of one number: digits ("250") or a German number word ("zweihundertfünfzig",
    "Zweihundertfuenfzig", "eineinhalb" -> 1.5). With `article`, "ein"/"eine"/"einem"/... count as
    one too. None for anything else ("ein" without `article`, "einige", "zweimal")."""
    folded = fold(word).strip()
    if folded.isascii() and folded.isdigit():
        return int(folded)
    if folded == "null":
        return 0
    if article and folded in ARTICLES:
        return 1
    if folded == _ONE_AND_A_HALF:
        return 1.5
    if folded.endswith(_HALF):
        whole = 0 if folded == _HALF else _below_million(folded[: -len(_HALF)], True)
        return None if whole is None else whole + 0.5
    return _below_million(folded, False)


# Ordinals that are not the number plus "t" (up to 19) or "st" (from 20).
_IRREGULAR_ORDINALS = {"erst": 1, "dritt": 3, "siebt": 7, "acht": 8}


def parse_ordinal(word: str) -> Optional[int]:
    """The value of an ordinal number word, inflected or not: "erste" -> 1, "zweiten" -> 2,
    "dritter" -> 3, "fünftes" -> 5, "siebte"/"siebente" -> 7, "zwanzigsten" -> 20,
    "einundzwanzigste" -> 21, "hundertste" -> 100. None for anything else ("dritt", "erstens")."""
    match = re.fullmatch(r"([a-z]+)e[nmrs]?", fold(word).strip())
    if not match:
        return None
    stem = match.group(1)
    if stem in _IRREGULAR_ORDINALS:
        return _IRREGULAR_ORDINALS[stem]
    for ending, smallest, largest in (("st", 20, 999_999), ("t", 2, 19)):
        if stem.endswith(ending):
            value = parse_number(stem[: -len(ending)])
            if isinstance(value, int) and smallest <= value <= largest:
                return value
    return None


def _spell(number: int, prefix: bool = False) -> List[str]:
    """Every way to write a whole number 0-999 999 in words, with umlauts ("fünf" and "zwo" too);
    `prefix`: in front of "tausend", where one is "ein"."""
    if number == 0:
        return ["null"]
    if number == 1:
        return ["ein"] if prefix else ["eins"]
    if number < 100:
        plain = [
            w
            for w, n in {
                "zwei": 2,
                "zwo": 2,
                "drei": 3,
                "vier": 4,
                "fünf": 5,
                "sechs": 6,
                "sieben": 7,
                "acht": 8,
                "neun": 9,
                "zehn": 10,
                "elf": 11,
                "zwölf": 12,
                "dreizehn": 13,
                "vierzehn": 14,
                "fünfzehn": 15,
                "sechzehn": 16,
                "siebzehn": 17,
                "achtzehn": 18,
                "neunzehn": 19,
                "zwanzig": 20,
                "dreißig": 30,
                "vierzig": 40,
                "fünfzig": 50,
                "sechzig": 60,
                "siebzig": 70,
                "achtzig": 80,
                "neunzig": 90,
            }.items()
            if n == number
        ]
        if plain:
            return plain
        ones, tens = number % 10, number - number % 10
        return [o + "und" + t for o in _spell(ones, prefix=True) for t in _spell(tens)]
    if number < 1000:
        hundreds, rest = divmod(number, 100)
        heads = ["", "ein"] if hundreds == 1 else _spell(hundreds)
        tails = [""] if rest == 0 else _spell(rest, prefix)
        return [h + "hundert" + t for h in heads for t in tails]
    thousands, rest = divmod(number, 1000)
    heads = ["", "ein"] if thousands == 1 else _spell(thousands, prefix=True)
    tails = [""] if rest == 0 else _spell(rest, prefix)
    return [h + "tausend" + t for h in heads for t in tails]


def number_words(numbers: Iterable[int], article: bool = False, halves: bool = False) -> Dict[str, Number]:
    """Folded number word (every spelling) -> value, for the given whole numbers: with `article` also
    "ein"/"eine"/"einem"/... for one, with `halves` also "anderthalb", "eineinhalb", "zweieinhalb", ...
    for each number n (n + 0.5)."""
    table: Dict[str, Number] = {}
    for number in numbers:
        for word in _spell(number):
            table[word] = number
            if halves and number:
                table[_spell(number, prefix=True)[0] + _HALF] = number + 0.5
        if article and number == 1:
            table.update(dict.fromkeys(ARTICLES, 1))
        if halves and number == 1:
            table[_ONE_AND_A_HALF] = 1.5
    return spelled(table)


@dataclass(frozen=True)
class NumberMention:
    """A number found in a text: its value, where it stands, and whether it was written as a fraction."""

    value: Number
    start: int
    end: int
    fraction: bool = False  # "1,5", "2.5", "eineinhalb"
    word: bool = False  # written as a word


# Digits: "1.200" and "1 200" are thousands; "1,5" and "2.5" are not whole numbers; "-5" is negative
# (a hyphen inside a word, "Kat-5", is no sign).
_DIGITS = re.compile(
    r"(?<!\d)(?:(?<![\w-])(-))?(\d{1,3}(?:\.\d{3})+|\d{1,3}(?: \d{3})+|\d+)(?!\d)"
    r"((?:[.,]\d+)?)"
)
_WORD = re.compile(r"[a-z]+")


def find_numbers(folded: str) -> List[NumberMention]:
    """Every number in a folded text (see bot.language.text.fold), in order: digits and number
    words. Positions refer to `folded`. Articles ("eine Hochschule") are not numbers here."""
    found: List[NumberMention] = []
    for match in _DIGITS.finditer(folded):
        sign, digits, decimals = match.groups()
        value = int(re.sub(r"\D", "", digits)) * (-1 if sign else 1)
        found.append(NumberMention(value, match.start(), match.end(), fraction=bool(decimals)))
    for match in _WORD.finditer(folded):
        word_value = parse_number(match.group())
        if word_value is not None:
            found.append(
                NumberMention(word_value, match.start(), match.end(), fraction=word_value != int(word_value), word=True)
            )
    return sorted(found, key=lambda mention: mention.start)
