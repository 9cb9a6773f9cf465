"""The classifier: coefficients in Fortran order give bit for bit the same probabilities; feature scaling."""

from __future__ import annotations

import copy

import numpy as np
import scipy.sparse

from rasa_ext.classifier import TolerantLogisticRegressionClassifier


def _classifier(agent):
    nodes = agent.processor.graph_runner._instantiated_nodes.values()
    return next(n._component for n in nodes if isinstance(n._component, TolerantLogisticRegressionClassifier))


def test_fortran_ordered_coefficients_predict_the_same(rasa_agent):
    import asyncio

    asyncio.run(rasa_agent.parse_message("Was ist ESCA?"))  # the first message puts them in Fortran order
    fortran = _classifier(rasa_agent).clf
    assert fortran.coef_.flags.f_contiguous
    ordinary = copy.deepcopy(fortran)
    ordinary.coef_ = np.ascontiguousarray(fortran.coef_)
    assert not ordinary.coef_.flags.f_contiguous
    rng = np.random.default_rng(12)
    features = scipy.sparse.random(
        200,
        fortran.coef_.shape[1],
        density=0.01,
        format="csr",
        random_state=rng,
        data_rvs=lambda n: rng.integers(1, 4, n),
    )
    assert np.array_equal(fortran.predict_proba(features), ordinary.predict_proba(features))


class _Message:
    """A message with one sparse sentence feature: what _create_X reads."""

    def __init__(self, counts):
        from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
        from rasa.shared.nlu.training_data.features import Features

        matrix = scipy.sparse.coo_matrix(np.array([counts], dtype=float))
        self.features = [Features(matrix, FEATURE_TYPE_SENTENCE, TEXT, "test")]


def test_log_l2_scaling_weighs_long_and_short_messages_alike(rasa_agent):
    component = _classifier(rasa_agent)
    assert component.config["scaling"] == "log_l2"  # as configured in config.yml
    short, long = [1, 0, 1, 0], [3, 5, 3, 5]
    rows = component._create_X([_Message(short), _Message(long)]).toarray()
    assert np.allclose(np.linalg.norm(rows, axis=1), 1.0)  # unit length, whatever the length
    expected = np.log1p(np.array(long, dtype=float))
    assert np.allclose(rows[1], expected / np.linalg.norm(expected))  # log(1 + count) before
    plain = copy.copy(component)
    plain.config = {**component.config, "scaling": "none"}
    assert np.array_equal(plain._create_X([_Message(long)]).toarray()[0], long)


def test_the_sentence_rows_are_rasas_matrix(rasa_agent):
    """The fast path gives exactly the matrix of Rasa's _create_X (before scaling) for real messages."""
    import asyncio

    from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier

    from rasa_ext.classifier import sentence_row

    component = _classifier(rasa_agent)
    seen = []
    create = component._create_X

    def capture(messages):
        seen.extend(messages)
        return create(messages)

    component._create_X = capture
    try:
        for text in (
            "Was ist ESCA?",
            "wie lange dauert die aufnahme ins programm",
            "Hallo",
            "16 18",
            "Termin am 3.12.",
        ):
            asyncio.run(rasa_agent.parse_message(text))
    finally:
        del component._create_X
    assert len(seen) == 5
    ours = scipy.sparse.vstack([sentence_row(m) for m in seen], format="csr")
    rasas = LogisticRegressionClassifier._create_X(component, seen).tocsr()
    assert ours.shape == rasas.shape and (ours != rasas).nnz == 0
