"""Turns content into the replies the bot sends: texts plus buttons, independent of Rasa."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Collection, List, Optional, Sequence, Tuple

from bot import textguard
from bot.handoff.rules import NOT_UNDERSTOOD
from bot.knowledge.content import FaqEntry, Knowledge, Term
from bot.knowledge.glossary import GlossaryIndex, extract_query
from bot.language import words

# The "Mit einer Person sprechen" button after a misunderstanding (clarification, stuck form).
HANDOFF_NOT_UNDERSTOOD = "/ask_human" + json.dumps({"handoff_reason": NOT_UNDERSTOOD}, separators=(",", ":"))

GLOSSARY_INTENT = "ask_glossary"
TERM_ENTITY = "glossary_term"
# Intents that are no topic a user could have meant when the bot is unsure.
NOT_A_TOPIC = frozenset(
    {"nlu_fallback", "greet", "goodbye", "thank", "affirm", "deny", "out_of_scope", "in_english", "bad_input"}
)
CLARIFY_OPTIONS = 2
# Intents that ask for information; answered even in the middle of a form.
QUESTION_INTENTS_BESIDES_FAQ = frozenset({GLOSSARY_INTENT, "bot_challenge", "ask_capabilities"})
# Replies that are domain responses rather than composed texts.
RESPONSE_FOR_INTENT = {"bot_challenge": "utter_bot_challenge", "ask_capabilities": "utter_capabilities"}


def is_question_intent(intent: str) -> bool:
    return intent.startswith("faq_") or intent in QUESTION_INTENTS_BESIDES_FAQ


# Shown when an English message matches nothing the bot knows.
ENGLISH_START_TOPICS = ("was_ist_go_cluster", "aufnahmeprozess", "kontakt")


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: Tuple[Button, ...] = ()


def faq_payload(entry: FaqEntry) -> str:
    return "/" + entry.intent


def term_payload(term: Term) -> str:
    return "/%s%s" % (GLOSSARY_INTENT, json.dumps({TERM_ENTITY: term.id}, separators=(",", ":")))


class Answers:
    def __init__(self, knowledge: Knowledge, index: Optional[GlossaryIndex] = None) -> None:
        self.knowledge = knowledge
        self.index = index or GlossaryIndex(knowledge.terms.values())
        self._say = knowledge.messages.render

    # --- building blocks -------------------------------------------------------------------
    def _with_sources(self, text: str, keys: Sequence[str]) -> str:
        cited = "; ".join(f"{s.title} ({s.url})" for s in self.knowledge.cited(keys[:2]))
        return f"{text}\n\n{self._say('source_line', sources=cited)}"

    def _faq_button(self, faq_id: str) -> Button:
        entry = self.knowledge.faq[faq_id]
        return Button(entry.title, faq_payload(entry))

    def _term_button(self, term: Term) -> Button:
        return Button(self._say("glossary_button", term=term.term), term_payload(term))

    # --- programme questions ----------------------------------------------------------------
    def faq(self, intent: str) -> List[Reply]:
        entry = self.knowledge.faq_for_intent(intent)
        if entry is None:
            return [Reply(self._say("faq_missing"))]
        offers = tuple(Button(self.knowledge.topics[o].label, "/" + o) for o in entry.offers)
        buttons = offers + tuple(self._faq_button(r) for r in entry.related)
        return [Reply(self._with_sources(entry.answer, entry.sources), buttons)]

    # --- glossary -------------------------------------------------------------------------
    def term(self, term: Term) -> List[Reply]:
        expansion = f" ({term.expansion})" if term.expansion and term.expansion != term.term else ""
        text = self._say("glossary_answer", term=term.term, expansion=expansion, definition=term.definition)
        buttons = tuple(self._term_button(self.knowledge.terms[r]) for r in term.related)
        return [Reply(self._with_sources(text, term.sources), buttons)]

    def resolve_term(self, text: str, term_id: Optional[str] = None) -> Optional[Term]:
        """The glossary term a message asks about (a button's id wins over the text)."""
        return self.index.get(term_id) or self.index.resolve(text)

    @staticmethod
    def term_query(text: str) -> str:
        """What the user asked about when no term matched; a bare button payload names none."""
        return "" if text.startswith("/") else extract_query(textguard.clean_text(text))

    def explain(self, text: str, term_id: Optional[str] = None) -> List[Reply]:
        """Answer "what does X mean": the definition, or an honest "no entry" with suggestions."""
        return self.explain_resolved(self.resolve_term(text, term_id), text)

    def explain_resolved(self, term: Optional[Term], text: str) -> List[Reply]:
        """`explain` for a term already looked up with `resolve_term` (None: no entry)."""
        if term is not None:
            return self.term(term)
        query = self.term_query(text)
        if not query:
            return [Reply(self._say("glossary_which_term"))]
        suggestions = tuple(self._term_button(t) for t in self.index.suggest(query))
        return [
            Reply(self._say("glossary_unknown", query=query)),
            Reply(self._say("glossary_unknown_suggestions"), suggestions),
        ]

    # --- not understood -------------------------------------------------------------------
    def clarify(
        self, ranking: Sequence[Tuple[str, float]], text: str, repeated: bool, contexts: Collection[str] = ()
    ) -> List[Reply]:
        """A clarifying question with the most likely topics that fit where the conversation is
        (`contexts`, see content.CONTEXTS: no "Abbrechen" outside a form); the hotline if it
        happens twice."""
        if repeated:  # second miss in a row: offer the hand-off to a person
            return [
                Reply(
                    self._say("clarify_give_up"),
                    (
                        Button(self._say("handoff_offer_yes"), HANDOFF_NOT_UNDERSTOOD),
                        Button(self._say("handoff_offer_no"), "/deny"),
                    ),
                )
            ]
        options: List[Button] = []
        for intent, _confidence in ranking:
            if len(options) == CLARIFY_OPTIONS:
                break
            if intent in NOT_A_TOPIC or not self.fits(intent, contexts):
                continue
            if intent == GLOSSARY_INTENT:
                match = self.index.find(text)
                if match:
                    options.append(self._term_button(match.term))
                continue
            label = self.knowledge.intent_label(intent)
            if label:
                options.append(Button(label, "/" + intent))
        if not options:  # no likely topic that fits here (nonsense, for one): ask to rephrase
            return [
                Reply(
                    self._say("clarify_rephrase"),
                    (Button(self._say("clarify_capabilities_button"), "/ask_capabilities"),),
                )
            ]
        options.append(Button(self._say("clarify_none_button"), "/deny"))
        return [Reply(self._say("clarify_question"), tuple(options))]

    def fits(self, intent: str, contexts: Collection[str]) -> bool:
        """Whether suggesting this intent makes sense where the conversation is."""
        topic = self.knowledge.topics.get(intent)
        return topic is None or not topic.only_in or any(c in contexts for c in topic.only_in)

    def core_fallback(self) -> List[Reply]:
        return [Reply(self._say("core_fallback"))]

    # --- other languages and unusable input -------------------------------------------------
    def english(self, text: str) -> List[Reply]:
        """Say that the bot answers in German, and still answer what it recognises.

        Programme questions are matched by English keywords first ("what is go-cluster" must
        not become the glossary term "Cluster"), then glossary terms, which are often English.
        """
        notice = Reply(self._say("english_notice"))
        found = self._faq_by_english_keywords(text)
        if found:
            return [notice, Reply(self._say("english_found")), *self.faq(found.intent)]
        match = self.index.find(text)
        if match:
            return [notice, Reply(self._say("english_found")), *self.term(match.term)]
        return [Reply(notice.text, tuple(self._faq_button(i) for i in ENGLISH_START_TOPICS))]

    def _faq_by_english_keywords(self, text: str) -> Optional[FaqEntry]:
        """The entry whose keywords cover most of the message (longer phrases weigh more)."""
        padded = f" {' '.join(words(text))} "
        best, best_score = None, 0
        for entry in self.knowledge.faq.values():
            phrases = (" ".join(words(k)) for k in entry.en_keywords)
            score = sum(len(p) for p in phrases if f" {p} " in padded)
            if score > best_score:
                best, best_score = entry, score
        return best

    def bad_input(self, problem: str) -> List[Reply]:
        key = {
            textguard.EMPTY: "bad_input_empty",
            textguard.NO_LETTERS: "bad_input_no_letters",
            textguard.TOO_LONG: "bad_input_too_long",
            textguard.JSON_DATA: "bad_input_json",
            textguard.MARKUP_ONLY: "bad_input_markup",
        }.get(problem, "bad_input_empty")
        # The channels cut long messages at the door, so the length is "more than the limit".
        return [Reply(self._say(key, limit=textguard.MAX_MESSAGE_CHARS))]
