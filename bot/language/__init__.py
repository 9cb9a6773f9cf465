"""The German language toolkit: one place for what every feature needs to read German answers.

* text: `fold` (the one canonical spelling), `words`, `sentences`, `compact`, `content_words` (without
  `FUNCTION_WORDS`), and matching umlauts written with or
  without dots (`umlauts`, `spellings`, `spelled`, `phrases`, `alternation`);
* distance: `edit_distance`, `closest`, `trigram_similarity` (rapidfuzz);
* numbers: `parse_number`, `parse_ordinal`, `number_words`, `find_numbers` (German number words,
  compositional);
* calendar_words: month and weekday names and abbreviations;
* yes_no: short-word typos, hedges ("weiß nicht"), negation and `parse_yes_no`;
* meaning: `answer_kind`, what a message is when it is not the name or text a form asked for.

Standard library and rapidfuzz only; no Rasa.
"""

from bot.language.calendar_words import (
    ENGLISH_MONTHS,
    FULL_MONTH_NAMES,
    MONTH_NAMES,
    MONTHS,
    WEEKDAY_ABBREVIATIONS,
    WEEKDAY_NAMES,
    WEEKDAYS,
    month_name,
)
from bot.language.distance import closest, edit_distance, trigram_similarity
from bot.language.meaning import NAME_REJECTED_KINDS, answer_kind, looks_like_question
from bot.language.numbers import NumberMention, find_numbers, number_words, parse_number, parse_ordinal
from bot.language.text import (
    FUNCTION_WORDS,
    alternation,
    compact,
    content_words,
    fold,
    phrases,
    sentences,
    spelled,
    spellings,
    umlauts,
    words,
)
from bot.language.yes_no import NO, UNKNOWN, YES, parse_yes_no, says_dont_know

__all__ = [
    "ENGLISH_MONTHS",
    "FULL_MONTH_NAMES",
    "MONTH_NAMES",
    "MONTHS",
    "WEEKDAY_ABBREVIATIONS",
    "WEEKDAY_NAMES",
    "WEEKDAYS",
    "month_name",
    "closest",
    "edit_distance",
    "trigram_similarity",
    "NAME_REJECTED_KINDS",
    "answer_kind",
    "looks_like_question",
    "NumberMention",
    "find_numbers",
    "number_words",
    "parse_number",
    "parse_ordinal",
    "FUNCTION_WORDS",
    "alternation",
    "content_words",
    "compact",
    "fold",
    "phrases",
    "sentences",
    "spelled",
    "spellings",
    "umlauts",
    "words",
    "NO",
    "UNKNOWN",
    "YES",
    "parse_yes_no",
    "says_dont_know",
]
