"""Loads and validates the bot's content: glossary, FAQ, sources, topic labels, message texts.

The YAML files in `content/` are the single source of truth; everything Rasa needs from them is
generated (`python -m bot sync-rasa`) or checked against them by tests.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterable, List, Mapping, Optional, Tuple

import yaml

from bot.config import DEFAULT_CONTENT_DIR
from bot.language import compact

FAQ_INTENT_PREFIX = "faq_"


class ContentError(ValueError):
    """The content files are inconsistent; the message says where."""


@dataclass(frozen=True)
class Source:
    key: str
    title: str
    url: str


@dataclass(frozen=True)
class Term:
    id: str
    term: str
    definition: str
    sources: Tuple[str, ...]
    expansion: str = ""
    aliases: Tuple[str, ...] = ()
    related: Tuple[str, ...] = ()
    faq: str = ""

    @property
    def names(self) -> Tuple[str, ...]:
        """Every spelling under which the term is recognised."""
        extra = (self.expansion,) if self.expansion else ()
        return (self.term, *extra, *self.aliases)


@dataclass(frozen=True)
class FaqEntry:
    id: str
    title: str
    answer: str
    sources: Tuple[str, ...]
    related: Tuple[str, ...] = ()
    en_keywords: Tuple[str, ...] = ()
    offers: Tuple[str, ...] = ()  # intents offered as buttons after the answer
    action: str = "action_answer_faq"  # the custom action that answers it

    @property
    def intent(self) -> str:
        return FAQ_INTENT_PREFIX + self.id


@dataclass(frozen=True)
class Topic:
    intent: str
    label: str
    description: str
    # Where the intent makes sense as a suggestion (see CONTEXTS); empty: anywhere.
    only_in: Tuple[str, ...] = ()


# What a conversation can be in: a form waits for an answer, the admission tour is open, a draft
# application exists.
CONTEXTS = ("form", "tour", "draft")


@dataclass(frozen=True)
class Messages:
    templates: Mapping[str, str]

    def render(self, key: str, **values: object) -> str:
        if key not in self.templates:
            raise KeyError(f"content/messages.yml has no message {key!r}")
        template = self.templates[key]
        for shared in ("hotline", "hotline_short"):
            if "{%s}" % shared in template and shared not in values:
                values[shared] = self.templates[shared]
        return template.format(**values)

    def placeholders(self, key: str) -> List[str]:
        return [name for _, name, _, _ in string.Formatter().parse(self.templates[key]) if name]


@dataclass(frozen=True)
class Knowledge:
    sources: Mapping[str, Source]
    terms: Mapping[str, Term]
    faq: Mapping[str, FaqEntry]
    topics: Mapping[str, Topic]
    messages: Messages
    _faq_by_intent: Dict[str, FaqEntry] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._faq_by_intent.update({entry.intent: entry for entry in self.faq.values()})

    def faq_for_intent(self, intent: Optional[str]) -> Optional[FaqEntry]:
        return self._faq_by_intent.get(intent or "")

    @property
    def faq_intents(self) -> List[str]:
        return [entry.intent for entry in self.faq.values()]

    def intent_label(self, intent: str) -> Optional[str]:
        """Readable German name of an intent, for buttons; None if it has none."""
        entry = self.faq_for_intent(intent)
        if entry:
            return entry.title
        topic = self.topics.get(intent)
        return topic.label if topic else None

    def cited(self, keys: Iterable[str]) -> List[Source]:
        return [self.sources[key] for key in keys]


def _read(path: Path) -> dict:
    try:
        with path.open(encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
    except (OSError, yaml.YAMLError) as error:
        raise ContentError(f"{path}: {error}") from error
    if not isinstance(data, dict):
        raise ContentError(f"{path}: expected a mapping at the top level")
    return data


def _text(item: dict, key: str, where: str, required: bool = True) -> str:
    value = item.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ContentError(f"{where}: {key!r} must be text")
    value = value.strip()
    if required and not value:
        raise ContentError(f"{where}: {key!r} is missing or empty")
    return value


def _list(item: dict, key: str, where: str) -> Tuple[str, ...]:
    value = item.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ContentError(f"{where}: {key!r} must be a list of non-empty texts")
    return tuple(v.strip() for v in value)


def _parse_sources(data: dict) -> Dict[str, Source]:
    result = {}
    for key, item in (data.get("sources") or {}).items():
        where = f"sources.yml {key}"
        result[key] = Source(key, _text(item, "title", where), _text(item, "url", where))
    return result


def _parse_terms(data: dict) -> Dict[str, Term]:
    result: Dict[str, Term] = {}
    for index, item in enumerate(data.get("terms") or []):
        where = f"glossary.yml term #{index + 1} ({item.get('id', '?')})"
        term = Term(
            id=_text(item, "id", where),
            term=_text(item, "term", where),
            definition=_text(item, "definition", where),
            sources=_list(item, "sources", where),
            expansion=_text(item, "expansion", where, required=False),
            aliases=_list(item, "aliases", where),
            related=_list(item, "related", where),
            faq=_text(item, "faq", where, required=False),
        )
        if term.id in result:
            raise ContentError(f"{where}: duplicate id")
        result[term.id] = term
    return result


def _parse_faq(data: dict) -> Dict[str, FaqEntry]:
    result: Dict[str, FaqEntry] = {}
    for index, item in enumerate(data.get("entries") or []):
        where = f"faq.yml entry #{index + 1} ({item.get('id', '?')})"
        entry = FaqEntry(
            id=_text(item, "id", where),
            title=_text(item, "title", where),
            answer=_text(item, "answer", where),
            sources=_list(item, "sources", where),
            related=_list(item, "related", where),
            en_keywords=_list(item, "en_keywords", where),
            offers=_list(item, "offers", where),
            action=_text(item, "action", where, required=False) or "action_answer_faq",
        )
        if entry.id in result:
            raise ContentError(f"{where}: duplicate id")
        result[entry.id] = entry
    return result


def _parse_topics(data: dict) -> Dict[str, Topic]:
    topics = {}
    for intent, item in (data.get("topics") or {}).items():
        where = f"topics.yml {intent}"
        only_in = _list(item, "only_in", where)
        unknown = [c for c in only_in if c not in CONTEXTS]
        if unknown:
            raise ContentError(f"{where}: only_in names unknown contexts {unknown}; known: {list(CONTEXTS)}")
        topics[intent] = Topic(intent, _text(item, "label", where), item.get("description", ""), only_in)
    return topics


def validate(knowledge: Knowledge) -> None:
    """Raise ContentError for anything the bot could not answer correctly with."""
    problems: List[str] = []
    for owner, keys in [(f"term {t.id}", t.sources) for t in knowledge.terms.values()] + [
        (f"faq {e.id}", e.sources) for e in knowledge.faq.values()
    ]:
        if not keys:
            problems.append(f"{owner}: no source")
        problems += [f"{owner}: unknown source {k}" for k in keys if k not in knowledge.sources]
    for term in knowledge.terms.values():
        problems += [f"term {term.id}: unknown related term {r}" for r in term.related if r not in knowledge.terms]
        if term.faq and term.faq not in knowledge.faq:
            problems.append(f"term {term.id}: unknown faq {term.faq}")
    for entry in knowledge.faq.values():
        problems += [f"faq {entry.id}: unknown related entry {r}" for r in entry.related if r not in knowledge.faq]
        problems += [
            f"faq {entry.id}: offers {o}, which has no label in topics.yml"
            for o in entry.offers
            if o not in knowledge.topics
        ]
    owners: Dict[str, str] = {}
    for term in knowledge.terms.values():
        for name in set(compact(n) for n in term.names):
            if not name:
                problems.append(f"term {term.id}: a name has no letters or digits")
            elif owners.setdefault(name, term.id) != term.id:
                problems.append(f"name {name!r} belongs to both {owners[name]} and {term.id}")
    clashes = set(knowledge.topics) & set(knowledge.faq_intents)
    problems += [f"intent {i} is both a topic and a FAQ entry" for i in sorted(clashes)]
    problems += [
        f"messages.yml: {key!r} is missing"
        for key in ("hotline", "hotline_short")
        if key not in knowledge.messages.templates
    ]
    if problems:
        raise ContentError("Content problems:\n- " + "\n- ".join(problems))


def load_knowledge(content_dir: Optional[Path] = None) -> Knowledge:
    """Load and validate all content files; raises ContentError on any inconsistency."""
    return _load(Path(content_dir or DEFAULT_CONTENT_DIR).resolve())


@lru_cache(maxsize=4)
def _load(directory: Path) -> Knowledge:
    messages = _read(directory / "messages.yml").get("messages") or {}
    knowledge = Knowledge(
        sources=_parse_sources(_read(directory / "sources.yml")),
        terms=_parse_terms(_read(directory / "glossary.yml")),
        faq=_parse_faq(_read(directory / "faq.yml")),
        topics=_parse_topics(_read(directory / "topics.yml")),
        messages=Messages({k: str(v).strip() for k, v in messages.items()}),
    )
    validate(knowledge)
    return knowledge


def load_messages(content_dir: Optional[Path] = None) -> Messages:
    """The message texts (content/messages.yml), for processes that need nothing else."""
    return load_knowledge(content_dir).messages
