"""Guided tour through the admission steps. Pure functions over content/admission.yml."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import List, Optional, Sequence, Tuple

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
    outcome: Optional[str] = None     # "admitted" or "rejected" for users past step 5


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


def _matches(text: str, group: Sequence[str]) -> bool:
    # Substrings, so that compounds count: "Pflichtberatung", "Aufnahmeantrag".
    return any(word in text for word in group)


_NEGATION = re.compile(r"\b(nicht|noch kein\w*|kein\w*)\b")


def step_from_progress(guide: Guide, text: str) -> Optional[ProgressRule]:
    """Where a user stands ("Wir hatten die Beratung schon" -> step 2), or None if unclear.
    "Wir hatten die Beratung noch nicht" -> step 1: a negated step is still ahead."""
    folded = " ".join(words(text))
    for rule in guide.progress:
        if all(_matches(folded, group) for group in rule.word_groups):
            if _NEGATION.search(folded) and rule.outcome is None:
                return ProgressRule(clamp(rule.step - 1), rule.word_groups)
            return rule
    return None


def step_number(text: str) -> Optional[int]:
    """"Schritt 3", "3", "dritter Schritt", "Schritt drei" -> 3."""
    folded = fold(text or "")
    digits = re.findall(r"\b([1-5])\b", folded)
    if digits:
        return int(digits[0])
    for word in re.findall(r"[a-z]+", folded):
        number = parse_ordinal(word) or parse_number(word)
        if number in range(FIRST_STEP, LAST_STEP + 1):
            return int(number)
    return None


def parse_guide(data: dict) -> Guide:
    steps = tuple(Step(int(s["number"]), s["title"], " ".join(s["summary"].split()), " ".join(s["details"].split()),
                       tuple(s.get("offers") or ()), tuple(s.get("sources") or ())) for s in data["steps"])
    if [s.number for s in steps] != list(range(FIRST_STEP, LAST_STEP + 1)):
        raise ValueError("content/admission.yml: steps must be numbered 1 to 5")
    progress = tuple(ProgressRule(int(r["step"]), tuple(tuple(fold(w) for w in g) for g in r["all"]),
                                  r.get("outcome")) for r in data["progress"])
    documents = tuple(Document(d["id"], d["title"], d["explanation"]) for d in data["documents"])
    return Guide(steps, progress, documents)


@lru_cache(maxsize=4)
def load_guide(path: Optional[Path] = None) -> Guide:
    path = path or DEFAULT_CONTENT_DIR / "admission.yml"
    return parse_guide(yaml.safe_load(Path(path).read_text("utf-8")))


def missing_documents(guide: Guide, answers: dict) -> List[Document]:
    """Readiness check: the documents not answered with "yes"."""
    return [d for d in guide.documents if answers.get(d.id) != "yes"]
