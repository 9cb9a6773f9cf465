"""Logistic regression intent classifier that tolerates messages without any features.

Rasa's LogisticRegressionClassifier raises for a message that produced no features (an empty
or whitespace-only text), which makes the server answer with an error. Such messages get no
intent here; rasa_ext.nlu.InputGuard then marks them as bad input.
"""
from __future__ import annotations

from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message


def has_features(message: Message) -> bool:
    sparse = message.get_sparse_features(attribute=TEXT)[1]
    dense = message.get_dense_features(attribute=TEXT)[1]
    return sparse is not None or dense is not None


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class TolerantLogisticRegressionClassifier(LogisticRegressionClassifier):
    def process(self, messages: List[Message]) -> List[Message]:
        with_features = [m for m in messages if has_features(m)]
        if with_features:
            super().process(with_features)
        for message in messages:
            if not has_features(message):
                message.set(INTENT, {INTENT_NAME_KEY: None, PREDICTED_CONFIDENCE_KEY: 0.0}, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [], add_to_output=True)
        return messages
