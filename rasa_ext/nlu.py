"""Custom NLU components (referenced by module path in config.yml).

* InputCleaner, first in the pipeline: removes control characters and markup and caps the length,
  so the language understanding and the actions only ever see readable text.
* LemmaNormalizer, after the tokenizer: folds lemmas to lower case without umlauts, so "Förderung",
  "foerderung" and "FOERDERUNG" produce the same features.
* InputGuard, last: marks messages that cannot be interpreted (empty, emoji only, too long, JSON,
  only markup) with the intent `bad_input`. The action recomputes the reason from the original
  text with the same function, so no entity has to carry it.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

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
from bot.language import fold
from rasa_ext import action_results

# Rasa imports this module in every process that runs the model: the place to install the
# faster action-result validation (rasa_ext/action_results.py).
action_results.install()

BAD_INPUT_INTENT = "bad_input"
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


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class InputGuard(_Stateless):
    def process_message(self, message: Message) -> None:
        raw = message.get(ORIGINAL_TEXT)
        if raw is None:
            return
        problem = textguard.input_problem(raw)
        if problem is None:
            return
        message.set(INTENT, {INTENT_NAME_KEY: BAD_INPUT_INTENT, PREDICTED_CONFIDENCE_KEY: 1.0}, add_to_output=True)
        message.set(
            INTENT_RANKING_KEY,
            [{INTENT_NAME_KEY: BAD_INPUT_INTENT, PREDICTED_CONFIDENCE_KEY: 1.0}],
            add_to_output=True,
        )
        message.set(ENTITIES, [], add_to_output=True)
