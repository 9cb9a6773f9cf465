"""A transcript as the user saw it: a button click is stored as the button's payload ("/affirm",
'/ask_glossary{"glossary_term":"esca"}', an ISO timestamp for a consultation slot), but the user
clicked a title ("Ja, einverstanden", "ESCA erklären", "Donnerstag, 3. Dezember 2026, 10:00 Uhr").

`readable_transcript` is pure: the hotline dashboard and the hotline ticket mail both show
transcripts through it. Where the bot offered the button earlier in the transcript (bot lines
carry their buttons, see bot/conversations.py), its title is shown; otherwise a German label from the
content (FAQ titles, content/topics.yml, content/handoff.yml, glossary names, the slot's date).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone, tzinfo
from pathlib import Path
from typing import Dict, List, Mapping, Optional, Sequence, Tuple
from zoneinfo import ZoneInfo

from bot.booking.format import format_slot
from bot.config import DEFAULT_CONTENT_DIR, DEFAULT_TIMEZONE

USER = "Nutzer"
GLOSSARY_INTENT, TERM_ENTITY = "ask_glossary", "glossary_term"
# "/intent" or "/intent{json}", as Rasa reads a payload (intent names: letters, digits, _ - .).
_PAYLOAD = re.compile(r"/([A-Za-z][\w.-]{0,79})(\{.{0,500}\})?", re.S)
# A slot offered as a button: "2026-12-03T10:00:00+01:00" (datetime.isoformat of an aware time).
_SLOT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})")


@dataclass(frozen=True)
class PayloadLabels:
    """German names for what a payload stands for; built from the content (`load_payload_labels`)."""

    intents: Mapping[str, str] = field(default_factory=dict)  # intent -> label
    terms: Mapping[str, str] = field(default_factory=dict)  # glossary id -> term as written
    term_button: str = "{term} erklären"  # messages.yml: glossary_button
    tz: tzinfo = timezone.utc  # the calendar's time zone


def payload_label(text: str, labels: PayloadLabels) -> Optional[str]:
    """The German label of a payload, or None if `text` is no payload (something the user typed)."""
    text = (text or "").strip()
    if _SLOT.fullmatch(text):
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return None
        return format_slot(moment.astimezone(labels.tz))
    match = _PAYLOAD.fullmatch(text)
    if not match:
        return None
    intent, raw_entities = match.group(1), match.group(2)
    entities: Dict[str, object] = {}
    if raw_entities:
        try:
            parsed = json.loads(raw_entities)
        except ValueError:
            return None
        if not isinstance(parsed, dict):
            return None
        entities = parsed
    term = labels.terms.get(str(entities.get(TERM_ENTITY, "")))
    if intent == GLOSSARY_INTENT and term:
        return labels.term_button.format(term=term)
    # An intent the bot does not know is no button of ours ("/start", "/hilfe"): shown as typed.
    return labels.intents.get(intent)


def shown_text(text: str, offered: Sequence[Sequence[Mapping[str, str]]], labels: PayloadLabels) -> Tuple[str, bool]:
    """(what the user saw, whether it was a button): `offered` are the button lists of the bot's
    earlier messages, nearest first; the title of the nearest button with this payload wins."""
    stripped = (text or "").strip()
    for buttons in offered:
        for button in buttons:
            if str(button.get("payload", "")).strip() == stripped and button.get("title"):
                return str(button["title"]), True
    label = payload_label(stripped, labels)
    return (label, True) if label is not None else (text, False)


def _buttons(line: Mapping) -> List[Mapping[str, str]]:
    buttons = line.get("buttons") or []
    return [b for b in buttons if isinstance(b, Mapping)] if isinstance(buttons, list) else []


def readable_transcript(lines: Sequence[Mapping], labels: PayloadLabels) -> List[Dict]:
    """Transcript lines ({"time", "from", "text", bot lines optionally "buttons"}) as shown to
    staff: user payloads replaced by what the user clicked (`"button": True`), bot lines with the
    titles of their buttons (`"offered"`). The input is not changed."""
    shown: List[Dict] = []
    offered: List[List[Mapping[str, str]]] = []  # nearest bot message first
    for line in lines:
        line = dict(line)
        buttons = _buttons(line)
        if line.get("from") == USER:
            line["text"], line["button"] = shown_text(str(line.get("text") or ""), offered, labels)
            line["offered"] = []
        else:
            line["button"] = False
            line["offered"] = [str(b.get("title")) for b in buttons if b.get("title")]
            if buttons:
                offered.insert(0, buttons)
        line.pop("buttons", None)
        shown.append(line)
    return shown


def build_payload_labels(knowledge, handoff, messages_button: str, tz: tzinfo) -> PayloadLabels:
    """From loaded content: FAQ titles and content/topics.yml labels first, then the topic of
    content/handoff.yml an intent belongs to."""
    intents: Dict[str, str] = {}
    for intent, topic in handoff.topic_of_intent.items():
        intents[intent] = handoff.topic_labels.get(topic, "")
    for topic in knowledge.topics.values():
        intents[topic.intent] = topic.label
    for entry in knowledge.faq.values():
        intents[entry.intent] = entry.title
    terms = {term.id: term.term for term in knowledge.terms.values()}
    return PayloadLabels({k: v for k, v in intents.items() if v}, terms, messages_button, tz)


def load_payload_labels(content_dir: Path = DEFAULT_CONTENT_DIR, timezone: str = DEFAULT_TIMEZONE) -> PayloadLabels:
    """The labels of the given content folder (the composition root passes GOCLUSTER_CONTENT_DIR);
    the loaders cache."""
    from bot.handoff.rules import load_config
    from bot.knowledge.content import load_knowledge

    knowledge = load_knowledge(content_dir)
    return build_payload_labels(
        knowledge,
        load_config(Path(content_dir) / "handoff.yml"),
        knowledge.messages.templates.get("glossary_button", "{term} erklären"),
        ZoneInfo(timezone),
    )
