"""Edit distance (rapidfuzz) gives the same results as the pure-Python function it replaced."""

from __future__ import annotations

import random
from typing import List

import pytest

from bot.language import closest, edit_distance, trigram_similarity


def reference_distance(a: str, b: str, limit: int) -> int:
    """The former pure-Python optimal string alignment distance (bot/knowledge/text.py)."""
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


CASES = [
    ("label", "label", 0),
    ("lable", "label", 1),
    ("labl", "label", 1),
    ("xyz", "label", 5),
    ("kreis", "kries", 1),
    ("", "", 0),
    ("", "abc", 3),
    ("abc", "", 3),
    ("ca", "abc", 3),
    ("programmbegleitkries", "programmbegleitkreis", 1),
    ("clusterakteuern", "clusterakteure", 2),
    ("vieleicht", "vielleicht", 1),
    ("nien", "nein", 1),
    ("thuringen", "thueringen", 1),
    ("abcdefgh", "zyxwvuts", 8),
    ("tuebingen", "thueringen", 2),
]


@pytest.mark.parametrize("a, b, distance", CASES)
def test_edit_distance(a, b, distance):
    assert edit_distance(a, b) == distance
    assert edit_distance(a, b, limit=10) == reference_distance(a, b, 10) == distance


def same_as_before(a: str, b: str, limit: int) -> bool:
    """Within the limit the same distance; above it both say so. (The former function returned
    limit + 1 when it stopped early and the true distance when it did not; callers only ever
    compare with the limit. Now it is always limit + 1.)"""
    now, before = edit_distance(a, b, limit), reference_distance(a, b, limit)
    return now == before if before <= limit else now == limit + 1


@pytest.mark.parametrize("a, b, _", CASES)
@pytest.mark.parametrize("limit", [0, 1, 2, 3])
def test_edit_distance_with_a_limit_like_before(a, b, _, limit):
    assert same_as_before(a, b, limit)


def test_edit_distance_agrees_with_the_former_function_on_random_words():
    rng = random.Random(7)
    for _ in range(3000):
        a = "".join(rng.choice("abcde") for _ in range(rng.randint(0, 9)))
        b = "".join(rng.choice("abcde") for _ in range(rng.randint(0, 9)))
        limit = rng.randint(0, 4)
        assert same_as_before(a, b, limit), (a, b, limit)
        assert edit_distance(a, b) == reference_distance(a, b, 20), (a, b)


def test_edit_distance_stops_at_limit():
    assert edit_distance("abcdefgh", "zyxwvuts", limit=2) == 3


@pytest.mark.parametrize(
    "word, vocabulary, limit, expected",
    [
        ("vieleicht", ["vielleicht", "viel"], 2, ("vielleicht", 1)),
        ("xx", ["vielleicht", "viel"], 1, None),
        ("ab", ["ac", "ab2", "ad"], 1, ("ac", 1)),  # equally near: the first listed
        ("ab", ["ac", "ab"], 1, ("ab", 0)),
        ("ab", [], 1, None),
    ],
)
def test_closest(word, vocabulary, limit, expected):
    assert closest(word, vocabulary, limit) == expected


def test_trigram_similarity_bounds():
    assert trigram_similarity("cluster", "cluster") == 1.0
    assert trigram_similarity("cluster", "") == 0.0
    assert trigram_similarity("clusterakteure", "clusterakteur") > trigram_similarity("clusterakteure", "eccp")
