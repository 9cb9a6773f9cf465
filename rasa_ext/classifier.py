"""Logistic regression intent classifier that tolerates messages without any features.

Rasa's LogisticRegressionClassifier raises for a message that produced no features (an empty
or whitespace-only text), which makes the server answer with an error. Such messages get no
intent here; rasa_ext.nlu.InputGuard then marks them as bad input.

It also takes the inverse regularisation strength `C` from the configuration (Rasa's class
fixes scikit-learn's default of 1.0), and with `scaling: log_l2` it scales each message's counts
to log(1 + count) and then to unit length: a long message with context no longer weighs more than
a short question, and a repeated word counts less than a new one (development sets, README
"Sprachverarbeitung": fewer errors on all five with C = 300 than the raw counts with C = 10).

And it predicts without copying its coefficients for every message: scikit-learn multiplies the
message's sparse features with `coef_.T`, and SciPy flattens that transposed view into a fresh
C-ordered copy of the whole matrix (classes x ~20,000 word and character n-grams) on every call,
most of the NLU time per message (README "Leistung"). Kept in Fortran order, `coef_.T` is already
C-ordered: the same numbers in the same layout reach the same product, without the copy.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

import numpy as np
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import (
    FEATURE_TYPE_SENTENCE,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from scipy.sparse import csr_matrix, vstack
from sklearn.preprocessing import normalize


def sentence_row(message: Message) -> Optional[csr_matrix]:
    """The message's sparse sentence features of all featurizers side by side, as one CSR row: what
    Rasa's _create_X builds, without also combining the per-token (sequence) features it then
    drops (a third of the NLU time). None when the message has dense sentence features."""
    parts = []
    for feature in message.features:
        if feature.attribute != TEXT or feature.type != FEATURE_TYPE_SENTENCE:
            continue
        if not feature.is_sparse():
            return None
        parts.append(feature.features.tocoo())
    if not parts:
        return None
    width = 0
    data, columns = [], []
    for part in parts:
        data.append(part.data)
        columns.append(part.col + width)
        width += part.shape[1]
    values = np.concatenate(data)
    row = csr_matrix((values, np.concatenate(columns), np.array([0, len(values)])), shape=(1, width))
    row.sum_duplicates()  # as scipy's hstack does: one entry per column, in column order
    return row


def has_features(message: Message) -> bool:
    # Featurizers derive every feature from tokens: no tokens, no features. (Checking the
    # features themselves would combine the sparse matrices a second time per message.)
    return bool(message.get(TOKENS_NAMES[TEXT]))


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class TolerantLogisticRegressionClassifier(LogisticRegressionClassifier):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**LogisticRegressionClassifier.get_default_config(), "C": 1.0, "scaling": "none"}

    def _create_X(self, messages: List[Message]) -> csr_matrix:
        rows = [sentence_row(message) for message in messages]
        if any(row is None for row in rows):
            matrix = super()._create_X(messages)  # dense features too: Rasa's way
        else:
            matrix = vstack(rows, format="csr")
        if self.config.get("scaling") == "log_l2":
            matrix = csr_matrix(matrix, dtype=np.float64)
            matrix.data = np.log1p(matrix.data)
            matrix = normalize(matrix)
        return matrix

    def __init__(self, config: Dict[Text, Any], *args: Any, **kwargs: Any) -> None:
        super().__init__(config, *args, **kwargs)
        self.clf.set_params(C=self.config["C"])

    def process(self, messages: List[Message]) -> List[Message]:
        with_features = [m for m in messages if has_features(m)]
        if with_features:
            coefficients = getattr(self.clf, "coef_", None)
            if coefficients is not None and not coefficients.flags.f_contiguous:
                self.clf.coef_ = np.asfortranarray(coefficients)
            super().process(with_features)
        for message in messages:
            if message not in with_features:
                message.set(INTENT, {INTENT_NAME_KEY: None, PREDICTED_CONFIDENCE_KEY: 0.0}, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [], add_to_output=True)
        return messages
