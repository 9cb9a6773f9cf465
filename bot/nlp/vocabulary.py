"""Is a message written in words at all? A check against real German and English vocabulary.

The intent classifier always picks some intent, and character n-grams make digits, letter runs
and formula strings look like whatever training example shares a few characters with them
("16 18" looked like the Gold-label amounts). This module answers a question the classifier
cannot: how much of the message consists of known words.

* General vocabulary: the German and English lemma tables of spacy-lookups-data (inflected forms
  and lemmas) plus the most frequent words of its German and English frequency tables (function
  words such as "in", "wann", "the" are no lemma-table entries). Stored as sorted 64-bit hashes.
* Domain vocabulary: the words of the training examples and of content/ (names such as "ESCA",
  "VDI/VDE-IT", "Clusters4Future"), matched with one typo (insertion, deletion, substitution or
  swap) for words of five letters or more.
* German compounds not in the tables ("Gründungsjahr", "Luftfahrtcluster") count when they split
  into two or three known words, optionally with a linking "s", "es", "n", "en" or "e".

`language_share(text)` is the share of the message's visible characters (digits excluded: a
number neither makes nor breaks a sentence) that belong to known words; below NONSENSE_SHARE, or
without any known word, the message is not language. Pure Python and numpy, no Rasa.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import unicodedata
from pathlib import Path
from typing import Dict, Iterable, Iterator, List, Optional, Set, Tuple

import numpy as np

from bot.language import edit_distance, fold

# Below this share of the visible characters in known words a message is no language at all;
# below LANGUAGE_SHARE it has little language (rasa_ext.nlu.LanguageGuard's defaults).
NONSENSE_SHARE = 0.35
LANGUAGE_SHARE = 0.6
# How many of the most frequent words of each frequency table join the general vocabulary.
FREQUENT_WORDS = 20_000
MIN_FUZZY_LENGTH = 5
MIN_COMPOUND_PART = 3
MAX_COMPOUND_PARTS = 3
# Longer tokens are only words if they are in a vocabulary as they are (no compound or typo
# analysis, whose cost grows with the length).
MAX_ANALYSED_LENGTH = 40
MAX_ANALYSED_TOKENS = 40
LINKING_ELEMENTS = ("", "s", "es", "n", "en", "e")
LOOKUP_TABLES = ("de_lemma_lookup", "en_lemma_lookup")
FREQUENCY_TABLES = ("de_lexeme_prob", "en_lexeme_prob")

# Runs of letters and digits (no underscore); everything else separates tokens.
_TOKEN = re.compile(r"[^\W_]+")
_REPEATS = re.compile(r"(.)\1{2,}")


def word_hash(word: str) -> int:
    """A stable 64-bit hash (Python's own hash differs between processes)."""
    return int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "little", signed=True)


def normal_form(word: str) -> str:
    """How words are compared: folded (lower case, umlauts as ae/oe/ue/ss, no accents)."""
    return fold(word)


def general_words(data_dir: Optional[Path] = None) -> Iterator[str]:
    """Words from spacy-lookups-data: both lemma tables completely, the frequent words of the
    frequency tables (alphabetic entries only)."""
    if data_dir is None:
        import spacy_lookups_data

        data_dir = Path(spacy_lookups_data.__file__).parent / "data"
    for name in LOOKUP_TABLES:
        with gzip.open(data_dir / f"{name}.json.gz", "rt", encoding="utf-8") as handle:
            table: Dict[str, str] = json.load(handle)
        yield from table.keys()
        yield from table.values()
    for name in FREQUENCY_TABLES:
        with gzip.open(data_dir / f"{name}.json.gz", "rt", encoding="utf-8") as handle:
            probabilities: Dict[str, float] = json.load(handle)
        frequent = sorted((p, w) for w, p in probabilities.items() if w.isalpha())[-FREQUENT_WORDS:]
        yield from (w for _, w in frequent)


def tokens(text: str) -> List[str]:
    return _TOKEN.findall(text)


def hash_vocabulary(words: Iterable[str]) -> np.ndarray:
    """Sorted unique hashes of the normal forms of `words` that can count as words at all."""
    forms = {normal_form(w) for w in words}
    return np.unique(np.fromiter((word_hash(f) for f in forms if _can_be_word(f)), dtype=np.int64))


def _can_be_word(form: str) -> bool:
    # One letter, or one letter repeated ("nn", "eee"), is no word in either language.
    return len(form) >= 2 and len(set(form)) > 1 and form.isalpha()


def _deletions(word: str) -> Set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


class WordCheck:
    """Knows which tokens are words; built from general hashes and domain words."""

    def __init__(self, general_hashes: np.ndarray, domain_words: Iterable[str]) -> None:
        self._general = np.asarray(general_hashes, dtype=np.int64)
        self._domain: Set[str] = set()
        for word in domain_words:
            for token in tokens(word):
                form = normal_form(token)
                if len(form) >= 2 and len(set(form)) > 1 and not form.isdigit():
                    self._domain.add(form)
        # Symmetric deletions: two words one edit apart share a form with at most one letter
        # deleted from each (a swap of neighbours is two deletions that meet).
        self._fuzzy: Dict[str, Set[str]] = {}
        for form in self._domain:
            if len(form) >= MIN_FUZZY_LENGTH and form.isalpha():
                for key in _deletions(form) | {form}:
                    self._fuzzy.setdefault(key, set()).add(form)

    @property
    def domain_words(self) -> List[str]:
        return sorted(self._domain)

    @property
    def general_hashes(self) -> np.ndarray:
        return self._general

    def _in_general(self, form: str) -> bool:
        h = word_hash(form)
        i = int(np.searchsorted(self._general, h))
        return i < len(self._general) and int(self._general[i]) == h

    def _known_form(self, form: str) -> bool:
        return form in self._domain or self._in_general(form)

    def _near_domain_word(self, form: str) -> bool:
        if len(form) < MIN_FUZZY_LENGTH:
            return False
        candidates = set().union(*(self._fuzzy.get(key, ()) for key in _deletions(form) | {form}))
        return any(edit_distance(form, candidate, 1) <= 1 for candidate in candidates)

    def _compound(self, form: str) -> bool:
        """`form` is two or three known words joined ("Luft|fahrt|cluster", "Gründung|s|jahr").

        Dynamic programming over end positions: `parts[i]` is the fewest known words that spell
        `form[:i]`, so every substring is looked up at most once (quadratic in the length, which
        MAX_ANALYSED_LENGTH bounds)."""
        size = len(form)
        parts: List[Optional[int]] = [0] + [None] * size
        for end in range(MIN_COMPOUND_PART, size + 1):
            for start in range(0, end - MIN_COMPOUND_PART + 1):
                before = parts[start]
                if before is None or before >= MAX_COMPOUND_PARTS or (parts[end] or 99) <= before + 1:
                    continue
                for link in LINKING_ELEMENTS if start else ("",):
                    word_start = start + len(link)
                    if (
                        end - word_start >= MIN_COMPOUND_PART
                        and form.startswith(link, start)
                        and self._known_form(form[word_start:end])
                    ):
                        parts[end] = before + 1
                        break
        return (parts[size] or 0) >= 2

    def is_word(self, token: str) -> bool:
        """A known word, a known word with one typo or stretched letters ("jaaa", "dankeschöööön"),
        or a compound of two known words. Digits, letters glued to digits ("7K3Q9") and one
        letter repeated ("nnnn", "ÜÜÜ") are no words, unless the content uses them ("S3")."""
        lowered = token.lower()
        if normal_form(lowered) in self._domain:
            return True
        shortened = _REPEATS.sub(r"\1", lowered)
        return any(
            _can_be_word(form) and self._is_word_form(normal_form(form)) for form in dict.fromkeys((lowered, shortened))
        )

    def _is_word_form(self, form: str) -> bool:
        if form in self._domain or self._in_general(form):
            return True
        return len(form) <= MAX_ANALYSED_LENGTH and (self._near_domain_word(form) or self._compound(form))

    def language_share(self, text: str) -> Tuple[float, int]:
        """(share of visible non-digit characters in known words, number of known words).

        Each distinct token is judged once, and at most MAX_ANALYSED_TOKENS distinct tokens per
        message (the rest count as unknown), so no message costs more than a few milliseconds."""
        visible = sum(1 for ch in text if not ch.isspace() and not ch.isnumeric())
        verdicts: Dict[str, bool] = {}
        letters = known = 0
        for token in tokens(text):
            if token not in verdicts:
                verdicts[token] = len(verdicts) < MAX_ANALYSED_TOKENS and self.is_word(token)
            if verdicts[token]:
                letters += len(token)
                known += 1
        return (letters / visible if visible else 0.0), known

    def is_language(self, text: str, min_share: float = NONSENSE_SHARE) -> bool:
        share, known = self.language_share(unicodedata.normalize("NFC", text))
        return known > 0 and share >= min_share
