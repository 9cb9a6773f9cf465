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


class _Features:
    def __init__(self, counts):
        self.features = scipy.sparse.csr_matrix(np.array([counts], dtype=float))


class _Message:
    """The two calls _create_X makes: sparse and dense sentence features."""

    def __init__(self, counts):
        self._counts = counts

    def get_sparse_features(self, attribute):
        return None, _Features(self._counts)

    def get_dense_features(self, attribute):
        return None, None


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
