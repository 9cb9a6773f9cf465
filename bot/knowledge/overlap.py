"""How much of a message an answer text covers: the share of the message's content words found in
the text, each weighted by how rare it is among all answers (idf), so that "Ministerien" counts
more than "Cluster". Words are compared by their first `STEM_LENGTH` letters, which is enough for
German inflection and the first part of a compound ("Gutachter", "Gutachterinnen")."""

from __future__ import annotations

import math
from collections import Counter
from typing import Dict, FrozenSet, List, Mapping, Tuple

from bot.language import content_words, words

STEM_LENGTH = 5


def stem(word: str) -> str:
    return word[:STEM_LENGTH]


class ContentOverlap:
    def __init__(self, documents: Mapping[str, str]) -> None:
        self._stems: Dict[str, FrozenSet[str]] = {
            key: frozenset(stem(word) for word in words(text)) for key, text in documents.items()
        }
        frequency = Counter(s for stems in self._stems.values() for s in stems)
        count = len(documents)
        self._idf = {s: math.log((count + 1) / (n + 1)) for s, n in frequency.items()}
        self._unknown = math.log(count + 1)  # a word no answer contains: as rare as can be

    def _message_stems(self, text: str) -> Tuple[FrozenSet[str], float]:
        stems = frozenset(stem(word) for word in content_words(text))
        return stems, sum(self._idf.get(s, self._unknown) for s in stems)

    def _covered(self, stems: FrozenSet[str], key: str, total: float) -> float:
        return sum(self._idf.get(s, self._unknown) for s in stems & self._stems[key]) / total

    def share(self, text: str, key: str) -> float:
        """0..1: the idf-weighted share of the message's content words that answer `key` contains."""
        stems, total = self._message_stems(text)
        if not total or key not in self._stems:
            return 0.0
        return self._covered(stems, key, total)

    def ranked(self, text: str, min_words: int = 1) -> List[Tuple[str, float]]:
        """Every answer's share of the message, largest first (the message's words stemmed once);
        an answer that contains fewer than `min_words` of the message's content words counts 0."""
        stems, total = self._message_stems(text)
        if not total:
            return []
        shares = [
            (key, self._covered(stems, key, total) if len(stems & own) >= min_words else 0.0)
            for key, own in self._stems.items()
        ]
        return sorted(shares, key=lambda item: -item[1])
