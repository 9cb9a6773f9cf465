"""The Rasa server runs this model without TensorFlow and with one spaCy model (not two), and
understands exactly as Rasa does without either."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from bot.config import load_settings
from rasa_ext import tensorflow_stub
from rasa_ext.server import without_tensorflow
from tests.conftest import MODEL_PATH

TEXTS = ["Hallo", "Was ist ESCA?", "Wie werde ich Mitglied?", "welche unterlagen brauche ich", "asdf qwer", "danke"]

PARSE_WITHOUT_TENSORFLOW = """
import asyncio, json, sys
from rasa_ext import tensorflow_stub
tensorflow_stub.install()
from rasa_ext import spacy_model
spacy_model.install()
from rasa.core.agent import Agent
from rasa.utils.log_utils import configure_structlog
import logging
configure_structlog(logging.WARNING)
agent = Agent.load(sys.argv[1])
stub = tensorflow_stub._StubModule
real = [m for m in ("tensorflow", "keras", "jax") if m in sys.modules and not isinstance(sys.modules[m], stub)]
parsed = [asyncio.run(agent.parse_message(text)) for text in json.loads(sys.argv[2])]
from rasa.nlu.utils.spacy_utils import SpacyNLP
nodes = [n._component for n in agent.processor.graph_runner._instantiated_nodes.values()]
shared = len({id(n._model) for n in nodes if isinstance(n, SpacyNLP)}) == 1
print(json.dumps({"shared": shared, "real": real, "parsed": [(p["intent"], p["intent_ranking"][:3]) for p in parsed]}))
"""


def _archive(tmp_path: Path, uses: str) -> Path:
    metadata = {"train_schema": {"nodes": {}}, "predict_schema": {"nodes": {"a": {"uses": uses}}}}
    path = tmp_path / "model.tar.gz"
    with tarfile.open(path, "w:gz") as archive:
        data = json.dumps(metadata).encode()
        member = tarfile.TarInfo("metadata.json")
        member.size = len(data)
        archive.addfile(member, io.BytesIO(data))
    return path


def test_only_a_model_of_known_components_runs_without_tensorflow(tmp_path):
    assert not tensorflow_stub.model_needs_tensorflow(MODEL_PATH)
    assert tensorflow_stub.model_needs_tensorflow(
        _archive(tmp_path, "rasa.nlu.classifiers.diet_classifier.DIETClassifier")
    )
    assert not tensorflow_stub.model_needs_tensorflow(_archive(tmp_path, "rasa.core.policies.rule_policy.RulePolicy"))
    assert tensorflow_stub.model_needs_tensorflow(tmp_path / "missing.tar.gz")


def test_same_understanding_without_tensorflow(rasa_agent):
    import asyncio

    done = subprocess.run(
        [sys.executable, "-c", PARSE_WITHOUT_TENSORFLOW, str(MODEL_PATH), json.dumps(TEXTS)],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["real"] == []
    assert result["shared"]
    expected = [asyncio.run(rasa_agent.parse_message(text)) for text in TEXTS]
    assert result["parsed"] == [[p["intent"], p["intent_ranking"][:3]] for p in expected]


@pytest.mark.parametrize(
    "component, api_token, stand_in",
    [
        ("rasa.core.policies.rule_policy.RulePolicy", "", True),
        # Rasa's HTTP API can load or train any other model in the same process: real TensorFlow.
        ("rasa.core.policies.rule_policy.RulePolicy", "a-long-api-token-for-the-test-only", False),
        ("rasa.nlu.classifiers.diet_classifier.DIETClassifier", "", False),
    ],
)
def test_the_server_runs_on_the_stand_in_only_without_the_api(tmp_path, component, api_token, stand_in):
    config = load_settings({"RASA_API_TOKEN": api_token, "GOCLUSTER_VAR_DIR": str(tmp_path)})
    assert without_tensorflow(_archive(tmp_path, component), config) is stand_in
