"""Guided tour through the admission steps. Pure functions over content/admission.yml."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, List, Mapping, Optional, Sequence, Tuple

import yaml

from bot.config import DEFAULT_CONTENT_DIR
from bot.language import fold, parse_number, parse_ordinal, words

FIRST_STEP, LAST_STEP = 1, 5


@dataclass(frozen=True)
class Step:
    number: int
    title: str
    summary: str
    details: str
    offers: Tuple[str, ...]
    sources: Tuple[str, ...]


@dataclass(frozen=True)
class ProgressRule:
    step: int
    word_groups: Tuple[Tuple[str, ...], ...]
    outcome: Optional[str] = None  # "admitted" or "rejected" for users past step 5


@dataclass(frozen=True)
class Document:
    id: str
    title: str
    explanation: str


@dataclass(frozen=True)
class Guide:
    steps: Tuple[Step, ...]
    progress: Tuple[ProgressRule, ...]
    documents: Tuple[Document, ...]

    def step(self, number: int) -> Step:
        return self.steps[clamp(number) - 1]


def clamp(number: int) -> int:
    return min(LAST_STEP, max(FIRST_STEP, number))


def move(current: Optional[int], direction: str) -> int:
    """The step after "next"/"back"/"details"/"start" from `current` (None = not started)."""
    if current is None or direction == "start":
        return FIRST_STEP
    if direction == "next":
        return clamp(current + 1)
    if direction == "back":
        return clamp(current - 1)
    return clamp(current)


def _evidence(text: str, group: Sequence[str]) -> int:
    """Length of the longest word of the group in the text, 0 if none. Substrings, so that
    compounds count: "Pflichtberatung", "Aufnahmeantrag"."""
    return max((len(word) for word in group if word in text), default=0)


_NEGATION = re.compile(r"\b(nicht|noch kein\w*|kein\w*)\b")


def step_from_progress(guide: Guide, text: str) -> Optional[ProgressRule]:
    """Where a user stands ("Wir hatten die Beratung schon" -> step 2), or None if unclear.
    Of the rules whose every word group matches, the most specific wins (the longest word, so
    "Beratungsgespräch" is the consultation, not "Gespräch" of step 4); on a tie, the first listed.
    "Wir hatten die Beratung noch nicht" -> step 1: a negated step is still ahead."""
    folded = " ".join(words(text))
    best: Optional[ProgressRule] = None
    best_score = 0
    for rule in guide.progress:
        evidence = [_evidence(folded, group) for group in rule.word_groups]
        if all(evidence) and max(evidence) > best_score:
            best, best_score = rule, max(evidence)
    if best is not None and best.outcome is None and _NEGATION.search(folded):
        return ProgressRule(clamp(best.step - 1), best.word_groups)
    return best


def step_number(text: str) -> Optional[int]:
    """ "Schritt 3", "3", "dritter Schritt", "Schritt drei" -> 3."""
    folded = fold(text or "")
    digits = re.findall(r"\b([1-5])\b", folded)
    if digits:
        return int(digits[0])
    for word in re.findall(r"[a-z]+", folded):
        number = parse_ordinal(word) or parse_number(word)
        if isinstance(number, int) and FIRST_STEP <= number <= LAST_STEP:
            return number
    return None


def parse_guide(data: Mapping[str, Any]) -> Guide:
    steps = tuple(
        Step(
            int(s["number"]),
            s["title"],
            " ".join(s["summary"].split()),
            " ".join(s["details"].split()),
            tuple(s.get("offers") or ()),
            tuple(s.get("sources") or ()),
        )
        for s in data["steps"]
    )
    if [s.number for s in steps] != list(range(FIRST_STEP, LAST_STEP + 1)):
        raise ValueError("content/admission.yml: steps must be numbered 1 to 5")
    progress = tuple(
        ProgressRule(int(r["step"]), tuple(tuple(fold(w) for w in g) for g in r["all"]), r.get("outcome"))
        for r in data["progress"]
    )
    documents = tuple(Document(d["id"], d["title"], d["explanation"]) for d in data["documents"])
    return Guide(steps, progress, documents)


@lru_cache(maxsize=4)
def load_guide(path: Optional[Path] = None) -> Guide:
    path = path or DEFAULT_CONTENT_DIR / "admission.yml"
    return parse_guide(yaml.safe_load(Path(path).read_text("utf-8")))


def missing_documents(guide: Guide, answers: Mapping[str, Optional[str]]) -> List[Document]:
    """Readiness check: the documents not answered with "yes"."""
    return [d for d in guide.documents if answers.get(d.id) != "yes"]
