"""`python -m bench.glossary_distance`: the glossary matcher with the former pure-Python edit
distance and with the one of bot.language (rapidfuzz), same matches, time per message.

Not part of `make bench` or the test suite (timings depend on the machine).
"""

from __future__ import annotations

import sys
import timeit
from typing import List

from bot.knowledge import glossary
from bot.knowledge.content import load_knowledge


def pure_python_distance(a: str, b: str, limit: int) -> int:
    """The former bot/knowledge/text.py edit_distance (optimal string alignment, early stop)."""
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


MESSAGES = [
    "Was ist ESCA?",
    "Was bedeutet Clustermanagement?",
    "mit den Clusterakteuren",
    "programmbegleitkries",
    "Was ist ein Projektträger und wie lange dauert die Zertifizierung beim Programmbegleitkreis?",
    "Wir möchten gern wissen, welche Unterlagen wir für den Aufnahmeantrag einreichen müssen",
    "Hallo, ich habe eine Frage zum Gold-Label und zur Kostenbeteiligung am Silber-Label-Prozess",
    "Anna Schmidt",
    "Cluster Nord e. V.",
    "Was ist eine Clustermanagement-Organisation?",
]


def main(rounds: int = 20) -> int:
    index = glossary.GlossaryIndex(load_knowledge().terms.values())
    toolkit = glossary.edit_distance
    results = {}
    try:
        for name, function in (("pure Python", pure_python_distance), ("bot.language", toolkit)):
            glossary.edit_distance = function
            matches = [[(m.term.id, m.score) for m in index.find_all(t)] for t in MESSAGES]
            seconds = min(timeit.repeat(lambda: [index.find_all(t) for t in MESSAGES], number=rounds, repeat=5))
            results[name] = (seconds / (rounds * len(MESSAGES)), matches)
            print(f"{name:13s} {results[name][0] * 1000:7.2f} ms per message")
    finally:
        glossary.edit_distance = toolkit
    print("same matches:", results["pure Python"][1] == results["bot.language"][1])
    print(f"speed-up: {results['pure Python'][0] / results['bot.language'][0]:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(*(int(a) for a in sys.argv[1:2])))
