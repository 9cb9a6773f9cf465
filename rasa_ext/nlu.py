"""Custom NLU components (referenced by module path in config.yml).

* InputCleaner, first in the pipeline: removes control characters and markup and caps the length,
  so the language understanding and the actions only ever see readable text.
* LemmaNormalizer, after the tokenizer: folds lemmas to lower case without umlauts, so "Förderung",
  "foerderung" and "FOERDERUNG" produce the same features.
* AnswerChooser, after the intent classifier and before the FallbackClassifier: a message that
  is nothing but a glossary term's name and question words is a question about that term when the
  classifier has the glossary among its first candidates, and so is a detail question naming a term
  whose own text covers clearly more of it than the chosen FAQ answer (bot/knowledge/chooser.py).
* EnglishDetector, after the AnswerChooser: a message written in English (bot/language/english.py)
  is `in_english`, whatever topic the classifier guessed; the English reply answers known topics.
* LanguageGuard, after the classifiers: messages with too little language (digit runs, letter
  runs, formula strings, keyboard mashing, foreign scripts) are not understood, whatever the
  classifier guessed. See bot/nlp/vocabulary.py for what counts as a word.
* InputGuard, last: marks messages that cannot be interpreted (empty, emoji only, too long, JSON,
  only markup) with the intent `bad_input`. The action recomputes the reason from the original
  text with the same function, so no entity has to carry it.
"""

from __future__ import annotations

import json
from typing import Any, Dict, Iterable, List, Optional, Text

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot import textguard
from bot.knowledge.chooser import AnswerChooser as ContentChooser
from bot.knowledge.chooser import reorder
from bot.language import fold
from bot.language.english import is_english
from bot.nlp.vocabulary import LANGUAGE_SHARE, NONSENSE_SHARE, WordCheck, general_words, hash_vocabulary
from rasa_ext import action_results

# Rasa imports this module in every process that runs the model: the place to install the
# faster action-result validation (rasa_ext/action_results.py).
action_results.install()

BAD_INPUT_INTENT = "bad_input"
ENGLISH_INTENT = "in_english"
FALLBACK_INTENT = "nlu_fallback"
ORIGINAL_TEXT = "gocluster_original_text"


class _Stateless(GraphComponent):
    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GraphComponent:
        return cls()

    @classmethod
    def required_components(cls) -> List[type]:
        return []

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self.process_message(message)
        return messages

    def process_message(self, message: Message) -> None:
        raise NotImplementedError


class _Reranker(_Stateless):
    """A stage after the intent classifier: it changes predictions, and training examples carry
    their intent already."""

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class InputCleaner(_Stateless):
    def process_message(self, message: Message) -> None:
        raw: Optional[str] = message.get(TEXT)
        if raw is None:
            return
        message.set(ORIGINAL_TEXT, raw)
        message.set(TEXT, textguard.clean_text(raw))


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class LemmaNormalizer(_Stateless):
    def process_message(self, message: Message) -> None:
        for token in message.get(TOKENS_NAMES[TEXT]) or []:
            token.lemma = fold(token.lemma or token.text)


def _set_intent(message: Message, name: str, confidence: float, ranking: List[Dict[str, Any]]) -> None:
    message.set(INTENT, {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: confidence}, add_to_output=True)
    message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)


def content_words() -> Iterable[str]:
    """Texts of the content that users may quote: term names and definitions, FAQ questions and
    answers, topic labels."""
    from bot.knowledge.content import load_knowledge

    knowledge = load_knowledge()
    for term in knowledge.terms.values():
        yield from (term.id, *term.names, term.definition)
    for entry in knowledge.faq.values():
        yield from (entry.title, entry.answer, *entry.en_keywords)
    for topic in knowledge.topics.values():
        yield topic.label


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LanguageGuard(GraphComponent):
    """Not understood when a message has too little language for any prediction to mean much.

    * Less than `nonsense_share` of the visible characters in known words (or no known word):
      `bad_input` with confidence 1 and no other candidates (the action asks the user to rephrase).
    * Less than `language_share`: the classifier's prediction stands only with a confidence of
      at least `min_confidence`, else `nlu_fallback`, again without other candidates: topics
      guessed from a few words between symbols ("-2+3+cmd|calc") are no useful suggestions.

    The vocabulary is built at training time (general German and English words, the words of the
    training examples except the intents in `excluded_intents`, and of content/) and stored with
    the model.
    """

    HASHES_FILE = "general_hashes.npy"
    DOMAIN_FILE = "domain_words.json"

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "nonsense_share": NONSENSE_SHARE,
            "language_share": LANGUAGE_SHARE,
            "min_confidence": 0.6,
            "excluded_intents": [BAD_INPUT_INTENT],
        }

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        check: Optional[WordCheck] = None,
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self._check = check

    @classmethod
    def required_components(cls) -> List[type]:
        return []

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "LanguageGuard":
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        excluded = set(self._config["excluded_intents"])
        examples = [m.get(TEXT) or "" for m in training_data.training_examples if m.get(INTENT) not in excluded]
        lookups = [element for table in training_data.lookup_tables for element in table.get("elements") or []]
        domain = [*examples, *lookups, *content_words()]
        self._check = WordCheck(hash_vocabulary(general_words()), domain)
        with self._model_storage.write_to(self._resource) as directory:
            np.save(directory / self.HASHES_FILE, self._check.general_hashes)
            (directory / self.DOMAIN_FILE).write_text(json.dumps(self._check.domain_words), "utf-8")
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "LanguageGuard":
        try:
            with model_storage.read_from(resource) as directory:
                hashes = np.load(directory / cls.HASHES_FILE)
                domain = json.loads((directory / cls.DOMAIN_FILE).read_text("utf-8"))
        except (ValueError, FileNotFoundError):
            return cls(config, model_storage, resource)
        return cls(config, model_storage, resource, WordCheck(hashes, domain))

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        if self._check is None:
            return messages
        for message in messages:
            text = message.get(TEXT) or ""
            if not text.strip():
                continue  # InputGuard names the problem
            share, known = self._check.language_share(text)
            if known == 0 or share < self._config["nonsense_share"]:
                _set_intent(
                    message, BAD_INPUT_INTENT, 1.0, [{INTENT_NAME_KEY: BAD_INPUT_INTENT, PREDICTED_CONFIDENCE_KEY: 1.0}]
                )
            elif share < self._config["language_share"]:
                intent = message.get(INTENT) or {}
                confidence = float(intent.get(PREDICTED_CONFIDENCE_KEY) or 0.0)
                if intent.get(INTENT_NAME_KEY) != BAD_INPUT_INTENT and confidence < self._config["min_confidence"]:
                    _set_intent(
                        message,
                        FALLBACK_INTENT,
                        confidence,
                        [{INTENT_NAME_KEY: FALLBACK_INTENT, PREDICTED_CONFIDENCE_KEY: confidence}],
                    )
        return messages


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class AnswerChooser(_Reranker):
    """Moves the glossary reading first where the content shows the message asks about a term."""

    def __init__(self) -> None:
        from bot.knowledge.content import load_knowledge

        knowledge = load_knowledge()
        self._chooser = ContentChooser(knowledge.terms.values(), knowledge.faq.values())

    def process_message(self, message: Message) -> None:
        ranking = [
            (str(item.get(INTENT_NAME_KEY)), float(item.get(PREDICTED_CONFIDENCE_KEY) or 0.0))
            for item in message.get(INTENT_RANKING_KEY) or []
        ]
        choice = self._chooser.choose(message.get(TEXT) or "", ranking)
        if choice is None:
            return
        new_ranking = [
            {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: confidence}
            for name, confidence in reorder(ranking, choice)
        ]
        _set_intent(message, choice.intent, choice.confidence, new_ranking)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class EnglishDetector(_Reranker):
    """The language decides `in_english`; the classifier's topics follow as candidates."""

    CONFIDENCE = 0.95

    def process_message(self, message: Message) -> None:
        intent = message.get(INTENT) or {}
        if intent.get(INTENT_NAME_KEY) == ENGLISH_INTENT or not is_english(message.get(TEXT) or ""):
            return
        others = [item for item in message.get(INTENT_RANKING_KEY) or [] if item.get(INTENT_NAME_KEY) != ENGLISH_INTENT]
        ranking = [{INTENT_NAME_KEY: ENGLISH_INTENT, PREDICTED_CONFIDENCE_KEY: self.CONFIDENCE}, *others]
        _set_intent(message, ENGLISH_INTENT, self.CONFIDENCE, ranking)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class InputGuard(_Stateless):
    def process_message(self, message: Message) -> None:
        raw = message.get(ORIGINAL_TEXT)
        if raw is None:
            return
        problem = textguard.input_problem(raw)
        if problem is None:
            return
        ranking = [{INTENT_NAME_KEY: BAD_INPUT_INTENT, PREDICTED_CONFIDENCE_KEY: 1.0}]
        _set_intent(message, BAD_INPUT_INTENT, 1.0, ranking)
        message.set(ENTITIES, [], add_to_output=True)
