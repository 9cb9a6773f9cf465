"""Spelling-tolerant normalisation shared by the glossary matcher and the NLU components."""
from __future__ import annotations

import re
import unicodedata
from typing import List

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_NON_WORD = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Lower case, umlauts as ae/oe/ue/ss, other accents dropped: "Gespräch" -> "gespraech"."""
    lowered = unicodedata.normalize("NFKC", text).lower().translate(_UMLAUTS)
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> List[str]:
    """Folded words; hyphens, slashes and punctuation separate words ("VDI/VDE-IT" -> 3 words)."""
    return [w for w in _NON_WORD.split(fold(text)) if w]


def compact(text: str) -> str:
    """Folded text without separators, so "Gold-Label", "Gold Label" and "Goldlabel" are equal."""
    return "".join(words(text))


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (swaps count as one edit); stops early above `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: List[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def trigram_similarity(a: str, b: str) -> float:
    """Dice coefficient of character trigrams (with word boundaries): 1.0 for equal strings."""
    def grams(s: str) -> set:
        padded = f"  {s} "
        return {padded[i:i + 3] for i in range(len(padded) - 2)}

    if not a or not b:
        return 0.0
    ga, gb = grams(a), grams(b)
    return 2 * len(ga & gb) / (len(ga) + len(gb))
