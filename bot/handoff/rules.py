"""Pure rules of the hand-off: topic of a conversation, priority, summary."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterable, Mapping, Optional, Sequence, Tuple

import yaml

from bot.config import DEFAULT_CONTENT_DIR
from bot.language import fold, words

ASKED_FOR_PERSON, NOT_UNDERSTOOD, SENSITIVE_TOPIC = "asked_for_person", "not_understood", "sensitive_topic"
REASONS = (ASKED_FOR_PERSON, NOT_UNDERSTOOD, SENSITIVE_TOPIC)
# Intents whose topics the assistant must not decide itself.
SENSITIVE_INTENTS = frozenset({"complaint", "legal_question", "funding_decision"})
HIGH, MEDIUM, LOW = "high", "medium", "low"  # labels: content/labels.yml
PRIORITIES = (HIGH, MEDIUM, LOW)
FALLBACK_TOPIC = "sonstiges"


@dataclass(frozen=True)
class HandoffConfig:
    phone: str
    email: str
    hours: Optional[str]
    topic_labels: Mapping[str, str]
    topic_of_intent: Mapping[str, str]
    sensitive_topics: Tuple[str, ...]
    urgent_words: Tuple[str, ...]


def parse_config(data: Mapping[str, Any]) -> HandoffConfig:
    labels: Dict[str, str] = {}
    of_intent: Dict[str, str] = {}
    for topic, item in data["topics"].items():
        labels[topic] = item["label"]
        for intent in item.get("intents") or []:
            if intent in of_intent:
                raise ValueError(f"content/handoff.yml: intent {intent} is in two topics")
            of_intent[intent] = topic
    if FALLBACK_TOPIC not in labels:
        raise ValueError(f"content/handoff.yml: topic {FALLBACK_TOPIC!r} is missing")
    hotline = data["hotline"]
    return HandoffConfig(
        hotline["phone"],
        hotline["email"],
        hotline.get("hours"),
        labels,
        of_intent,
        tuple(data.get("sensitive_topics") or ()),
        tuple(fold(w) for w in data.get("urgent_words") or ()),
    )


@lru_cache(maxsize=4)
def load_config(path: Optional[Path] = None) -> HandoffConfig:
    path = path or DEFAULT_CONTENT_DIR / "handoff.yml"
    return parse_config(yaml.safe_load(Path(path).read_text("utf-8")))


def reason_of(given: Optional[str], intent: str) -> str:
    """Why a hand-off happens: the reason a button or an earlier step named, else by the intent."""
    if given in REASONS:
        return given
    return SENSITIVE_TOPIC if intent in SENSITIVE_INTENTS else ASKED_FOR_PERSON


def topic_of(config: HandoffConfig, intents: Sequence[str]) -> str:
    """The topic of the most recent intent that has one (the conversation's latest subject)."""
    for intent in reversed(list(intents)):
        if intent in config.topic_of_intent:
            return config.topic_of_intent[intent]
    return FALLBACK_TOPIC


def is_urgent(config: HandoffConfig, text: str) -> bool:
    folded = " " + " ".join(words(text or "")) + " "
    return any(f" {word} " in folded or (" " not in word and f" {word}" in folded) for word in config.urgent_words)


def priority(config: HandoffConfig, reason: str, topic: str, concern: str) -> str:
    """High: topics the bot must not decide, or urgent wording; medium: the user asked for a
    person; low: the bot did not understand twice."""
    if reason == SENSITIVE_TOPIC or topic in config.sensitive_topics or is_urgent(config, concern):
        return HIGH
    if reason == ASKED_FOR_PERSON:
        return MEDIUM
    return LOW


REASON_TEXT = {
    ASKED_FOR_PERSON: "Die Person bat um eine persönliche Rückmeldung.",
    NOT_UNDERSTOOD: "Der Assistent hat das Anliegen zweimal nicht verstanden.",
    SENSITIVE_TOPIC: "Das Thema darf der Assistent nicht selbst entscheiden.",
}


def summary(config: HandoffConfig, reason: str, topic: str, concern: str, callback: Optional[str]) -> str:
    """A short German summary for the hotline team."""
    parts = [
        f"Thema: {config.topic_labels.get(topic, topic)}.",
        REASON_TEXT.get(reason, ""),
        f"Anliegen: {concern.strip()}",
    ]
    if callback:
        parts.append(f"Rückruf gewünscht: {callback}.")
    return " ".join(p for p in parts if p)


def intents_of(events: Iterable[Mapping[str, Any]]) -> Tuple[str, ...]:
    return tuple(
        ((e.get("parse_data") or {}).get("intent") or {}).get("name") or "" for e in events if e.get("event") == "user"
    )
