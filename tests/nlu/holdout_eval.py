"""Evaluates the trained model on NLU test sets of messages that are not in the training data.

The development sets were written independently of data/nlu, but their errors have been looked at
while improving the understanding, so their scores are optimistic. The held-out set is written
independently after the last change and measured, never looked at.

Two figures:
* intent macro-F1 over the intents of the test set (a fallback or bad_input prediction counts as
  a miss of the expected intent);
* retrieval accuracy over the questions that need an answer from the content: the bot picked the
  right FAQ entry (faq_* intent) or the right glossary term (ask_glossary + term matcher).

Where the content declares a glossary term and a FAQ entry as the same answer (`faq:` in
glossary.yml), either one counts as correct.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import yaml

from bot.knowledge.answers import GLOSSARY_INTENT
from bot.knowledge.content import FAQ_INTENT_PREFIX, Knowledge
from bot.knowledge.glossary import GlossaryIndex

DEVELOPMENT_1 = Path(__file__).parent / "development_1.yml"  # first held-out set, then used to improve
DEVELOPMENT_2 = Path(__file__).parent / "development_2.yml"  # second held-out set, reported once, then used
DEVELOPMENT_3 = Path(__file__).parent / "development_3.yml"  # written from content/ before the issue-10 work
DEVELOPMENT_4 = Path(__file__).parent / "development_4.yml"  # third held-out set, measured twice, then used
DEVELOPMENT_5 = Path(__file__).parent / "development_5.yml"  # fourth held-out set, measured twice, then used
DEVELOPMENT_6 = Path(__file__).parent / "development_6.yml"  # fifth held-out set, measured twice, then used
DEVELOPMENT_7 = Path(__file__).parent / "development_7.yml"  # sixth held-out set, measured once, then used
DEVELOPMENT_8 = Path(__file__).parent / "development_8.yml"  # seventh held-out set, measured once, then used
DEVELOPMENT_SETS = (
    DEVELOPMENT_1,
    DEVELOPMENT_2,
    DEVELOPMENT_3,
    DEVELOPMENT_4,
    DEVELOPMENT_5,
    DEVELOPMENT_6,
    DEVELOPMENT_7,
    DEVELOPMENT_8,
)
HELD_OUT_SETS: tuple = ()  # the next held-out set is written after the changes that use development_8


@dataclass
class Result:
    text: str
    expected: Tuple[str, Optional[str]]
    predicted: Tuple[str, Optional[str]]
    confidence: float


@dataclass
class Report:
    results: List[Result] = field(default_factory=list)
    macro_f1: float = 0.0
    retrieval_accuracy: float = 0.0
    per_intent_f1: Dict[str, float] = field(default_factory=dict)

    def errors(self) -> List[Result]:
        return [r for r in self.results if r.expected != r.predicted]

    def confusions(self) -> List[Tuple[str, str, int]]:
        """(expected, predicted, count) of the errors, most frequent first. Where the intent is
        right but the answer is not (ask_glossary with another term), the answers are named."""

        def label(pair: Tuple[str, Optional[str]], other: Tuple[str, Optional[str]]) -> str:
            return pair[0] if pair[0] != other[0] else f"{pair[0]}:{pair[1]}"

        counts = Counter((label(r.expected, r.predicted), label(r.predicted, r.expected)) for r in self.errors())
        return [(e, p, n) for (e, p), n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]

    def as_dict(self) -> dict:
        return {
            "examples": len(self.results),
            "intent_macro_f1": round(self.macro_f1, 4),
            "retrieval_accuracy": round(self.retrieval_accuracy, 4),
            "per_intent_f1": {k: round(v, 3) for k, v in sorted(self.per_intent_f1.items())},
            "confusions": [{"expected": e, "predicted": p, "count": n} for e, p, n in self.confusions()],
            "errors": [
                {
                    "text": r.text,
                    "expected": list(r.expected),
                    "predicted": list(r.predicted),
                    "confidence": round(r.confidence, 3),
                }
                for r in self.errors()
            ],
        }


def load_examples(path: Path) -> List[dict]:
    return yaml.safe_load(path.read_text("utf-8"))["examples"]


def answer_of(intent: str, text: str, index: GlossaryIndex) -> Optional[str]:
    if intent.startswith(FAQ_INTENT_PREFIX):
        return intent[len(FAQ_INTENT_PREFIX) :]
    if intent == GLOSSARY_INTENT:
        term = index.resolve(text)
        return term.id if term else None
    return None


def equivalent(expected: Tuple[str, Optional[str]], predicted: Tuple[str, Optional[str]], knowledge: Knowledge) -> bool:
    if expected == predicted:
        return True
    pairs = {expected, predicted}
    for term in knowledge.terms.values():
        if term.faq and pairs == {(GLOSSARY_INTENT, term.id), (FAQ_INTENT_PREFIX + term.faq, term.faq)}:
            return True
    return False


def f1_scores(pairs: List[Tuple[str, str]]) -> Dict[str, float]:
    """Per-label F1 for the labels that occur in the expected column."""
    tp, fp, fn = Counter(), Counter(), Counter()
    for expected, predicted in pairs:
        if expected == predicted:
            tp[expected] += 1
        else:
            fn[expected] += 1
            fp[predicted] += 1
    scores = {}
    for label in {e for e, _ in pairs}:
        precision = tp[label] / (tp[label] + fp[label]) if tp[label] + fp[label] else 0.0
        recall = tp[label] / (tp[label] + fn[label]) if tp[label] + fn[label] else 0.0
        scores[label] = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return scores


def evaluate(parse, knowledge: Knowledge, examples: List[dict]) -> Report:
    """`parse(text) -> (intent, confidence)` is the model under test."""
    index = GlossaryIndex(knowledge.terms.values())
    report = Report()
    for example in examples:
        text, intent = example["text"], example["intent"]
        expected = (
            intent,
            example.get("term") or answer_of(intent, text, index)
            if intent.startswith(FAQ_INTENT_PREFIX)
            else example.get("term"),
        )
        predicted_intent, confidence = parse(text)
        predicted = (predicted_intent, answer_of(predicted_intent, text, index))
        if equivalent(expected, predicted, knowledge):
            predicted = expected
        report.results.append(Result(text, expected, predicted, confidence))
    report.per_intent_f1 = f1_scores([(r.expected[0], r.predicted[0]) for r in report.results])
    report.macro_f1 = sum(report.per_intent_f1.values()) / len(report.per_intent_f1)
    answerable = [r for r in report.results if r.expected[1] is not None]
    report.retrieval_accuracy = sum(r.expected == r.predicted for r in answerable) / len(answerable)
    return report


def rasa_parser(model_path: str):
    """A parse function backed by the trained Rasa model (loads it once)."""
    from rasa.core.agent import Agent

    agent = Agent.load(model_path)
    loop = asyncio.new_event_loop()

    def parse(text: str) -> Tuple[str, float]:
        data = loop.run_until_complete(agent.parse_message(text))
        intent = data.get("intent") or {}
        return intent.get("name") or "", float(intent.get("confidence") or 0.0)

    return parse


def write_report(report: Report, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report.as_dict(), ensure_ascii=False, indent=2), "utf-8")
