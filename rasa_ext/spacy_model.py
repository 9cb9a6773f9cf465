"""One spaCy model per Rasa server process instead of two.

Rasa 3.6.21 builds two SpacyNLP graph nodes from one pipeline entry: `provide_SpacyNLP…` loads the
model and hands it to every component, and `run_SpacyNLP…`, created the same way, loads it a second
time only to keep it unused (its `process` works with the model the provider hands in). With the
German lemma tables that second copy cost about 150 MB of resident memory (README "Leistung").
Installed in the Rasa server (rasa_ext/server.py), SpacyNLP.load_model returns the model already
loaded for the same name; nothing is ever written to a loaded model, so sharing it changes nothing.
"""

from __future__ import annotations

from typing import Any, Dict

from rasa.nlu.utils.spacy_utils import SpacyNLP

_ORIGINAL = "_gocluster_original_load_model"


def install() -> None:
    if getattr(SpacyNLP, _ORIGINAL, None) is not None:
        return
    original = SpacyNLP.load_model
    setattr(SpacyNLP, _ORIGINAL, original)
    loaded: Dict[str, Any] = {}

    def load_model(spacy_model_name: str) -> Any:
        if spacy_model_name not in loaded:
            loaded[spacy_model_name] = original(spacy_model_name)
        return loaded[spacy_model_name]

    SpacyNLP.load_model = staticmethod(load_model)  # type: ignore[method-assign,assignment]
