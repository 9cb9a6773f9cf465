"""How far apart two words are: edit distance, the closest word of a vocabulary, trigram similarity.

Edit distances are the optimal string alignment distance (insert, delete, substitute, swap two
neighbours; each counts one), computed by rapidfuzz in C. A pure-Python version of the same
distance was a third of the action server's time (the glossary compares every run of words of a
message with every name of every term).
"""

from __future__ import annotations

from typing import Iterable, Optional, Set, Tuple

from rapidfuzz import process
from rapidfuzz.distance import OSA


def edit_distance(a: str, b: str, limit: Optional[int] = None) -> int:
    """Optimal string alignment distance ("kreis"/"kries": 1). With a `limit` the work stops as soon
    as the distance is sure to exceed it, and limit + 1 is returned for anything farther."""
    return OSA.distance(a, b, score_cutoff=limit)


def closest(word: str, vocabulary: Iterable[str], limit: int) -> Optional[Tuple[str, int]]:
    """The word of the vocabulary nearest to `word` and its distance, if that is at most `limit`;
    of several equally near ones the first listed."""
    found = process.extractOne(word, vocabulary, scorer=OSA.distance, score_cutoff=limit)
    return (found[0], int(found[1])) if found else None


def trigram_similarity(a: str, b: str) -> float:
    """Dice coefficient of character trigrams (with word boundaries): 1.0 for equal strings."""

    def grams(s: str) -> Set[str]:
        padded = f"  {s} "
        return {padded[i : i + 3] for i in range(len(padded) - 2)}

    if not a or not b:
        return 0.0
    ga, gb = grams(a), grams(b)
    return 2 * len(ga & gb) / (len(ga) + len(gb))
