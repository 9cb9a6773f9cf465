"""The classifier's coefficients in Fortran order give bit for bit the same probabilities."""

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
