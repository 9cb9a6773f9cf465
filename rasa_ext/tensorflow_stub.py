"""Start the Rasa server without TensorFlow when the model has no TensorFlow component.

Rasa 3.6 imports TensorFlow whenever it imports its dialogue code (rasa.core.policies.policy ->
featurizers -> rasa.utils.train_utils -> rasa.utils.tensorflow), and its component registry imports
DIET, TED and the other TensorFlow components, whose classes derive from Keras classes. On this
machine that import alone took about 7 s and 600 MB of resident memory, while this assistant's model
(sparse features, logistic regression, rules) never calls TensorFlow.

`install()` puts a stand-in in front of the import system: a module of `tensorflow`, `keras`, `jax`
… imported by Rasa's own modules is an inert placeholder (every attribute is a placeholder class,
decorators return the function unchanged), so Rasa's TensorFlow components can be *defined* but not
run. Every other importer (spaCy's thinc, scikit-learn …) gets an ImportError, as on a machine
without TensorFlow, and takes its documented path for that case – as long as it imports before
Rasa does: once Rasa has imported the stand-in, it sits in `sys.modules`, and a later
`import tensorflow` from anywhere gets it too. In this server nothing imports TensorFlow after
Rasa (spaCy and scikit-learn are loaded first); a plug-in that did would see the stand-in.

Safe only for a model whose every component is known not to touch TensorFlow:
`model_needs_tensorflow` reads the model's graph (metadata.json in the archive) and answers True for
any component outside the allow list below, and rasa_ext/server.py installs the stand-in only when
it answers False and Rasa's HTTP API (which can load or train another model) is off.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import json
import sys
import tarfile
import types
from pathlib import Path
from typing import Any, Optional, Sequence, Set

STUBBED = (
    "tensorflow",
    "tensorflow_hub",
    "tensorflow_text",
    "tensorflow_addons",
    "tensorflow_probability",
    "keras",
    "jax",
)

# Components of the model graph (Rasa 3.6.21) that import no TensorFlow when they run.
TENSORFLOW_FREE = frozenset(
    {
        "rasa.core.policies.ensemble.DefaultPolicyPredictionEnsemble",
        "rasa.core.policies.rule_policy.RulePolicy",
        "rasa.core.policies.memoization.MemoizationPolicy",
        "rasa.core.policies.memoization.AugmentedMemoizationPolicy",
        "rasa.graph_components.converters.nlu_message_converter.NLUMessageConverter",
        "rasa.graph_components.providers.domain_for_core_training_provider.DomainForCoreTrainingProvider",
        "rasa.graph_components.providers.domain_provider.DomainProvider",
        "rasa.graph_components.providers.forms_provider.FormsProvider",
        "rasa.graph_components.providers.nlu_training_data_provider.NLUTrainingDataProvider",
        "rasa.graph_components.providers.responses_provider.ResponsesProvider",
        "rasa.graph_components.providers.rule_only_provider.RuleOnlyDataProvider",
        "rasa.graph_components.providers.story_graph_provider.StoryGraphProvider",
        "rasa.graph_components.providers.training_tracker_provider.TrainingTrackerProvider",
        "rasa.graph_components.validators.default_recipe_validator.DefaultV1RecipeValidator",
        "rasa.graph_components.validators.finetuning_validator.FinetuningValidator",
        "rasa.nlu.classifiers.fallback_classifier.FallbackClassifier",
        "rasa.nlu.classifiers.regex_message_handler.RegexMessageHandler",
        "rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer.CountVectorsFeaturizer",
        "rasa.nlu.featurizers.sparse_featurizer.regex_featurizer.RegexFeaturizer",
        "rasa.nlu.tokenizers.spacy_tokenizer.SpacyTokenizer",
        "rasa.nlu.utils.spacy_utils.SpacyNLP",
        "rasa_ext.classifier.TolerantLogisticRegressionClassifier",
        "rasa_ext.nlu.AnswerChooser",
        "rasa_ext.nlu.EnglishDetector",
        "rasa_ext.nlu.InputCleaner",
        "rasa_ext.nlu.InputGuard",
        "rasa_ext.nlu.LanguageGuard",
        "rasa_ext.nlu.LemmaNormalizer",
    }
)


def model_components(model: Path) -> Set[str]:
    """The classes the model's training and prediction graphs use."""
    with tarfile.open(model, "r:gz") as archive:
        member = next(m for m in archive.getmembers() if m.name.lstrip("/") == "metadata.json")
        handle = archive.extractfile(member)
        assert handle is not None
        metadata = json.load(handle)
    return {
        node["uses"] for schema in ("train_schema", "predict_schema") for node in metadata[schema]["nodes"].values()
    }


def model_needs_tensorflow(model: Path) -> bool:
    """True unless every component of the model is on the allow list (or the model is unreadable)."""
    try:
        return not model_components(model) <= TENSORFLOW_FREE
    except (OSError, KeyError, StopIteration, ValueError, tarfile.TarError):
        return True


class _Placeholder(type):
    """A class whose attributes, items and calls are placeholders; called with one function (a
    decorator such as tf.function), it returns the function."""

    def __getattr__(cls, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return Placeholder

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        if len(args) == 1 and callable(args[0]) and not kwargs:
            return args[0]
        return Placeholder

    def __getitem__(cls, _item: Any) -> Any:
        return Placeholder

    def __or__(cls, _other: Any) -> Any:
        return Placeholder

    def __ror__(cls, _other: Any) -> Any:
        return Placeholder


class Placeholder(metaclass=_Placeholder):
    pass


class _StubModule(types.ModuleType):
    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return Placeholder


class _Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(
        self, fullname: str, path: Optional[Sequence[str]], target: Optional[types.ModuleType] = None
    ) -> Optional[importlib.machinery.ModuleSpec]:
        if fullname.split(".")[0] not in STUBBED:
            return None
        if not _importer().startswith("rasa."):
            raise ImportError(f"{fullname} is not loaded in this process (rasa_ext.tensorflow_stub)")
        return importlib.machinery.ModuleSpec(fullname, self, is_package=True)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        module = _StubModule(spec.name)
        module.__path__ = []
        return module

    def exec_module(self, module: types.ModuleType) -> None:
        pass


def _importer() -> str:
    """The module whose import statement is running (import machinery frames skipped)."""
    frame = sys._getframe(2)
    while frame is not None and frame.f_globals.get("__name__", "").startswith(("importlib", "_frozen")):
        frame = frame.f_back  # type: ignore[assignment]
    return frame.f_globals.get("__name__", "") if frame is not None else ""


def install() -> None:
    """Before Rasa is imported. Refuses when TensorFlow is already loaded."""
    if any(isinstance(f, _Finder) for f in sys.meta_path):
        return
    if any(name.split(".")[0] in STUBBED for name in sys.modules):
        raise RuntimeError("TensorFlow is already imported; the stand-in must come first")
    sys.meta_path.insert(0, _Finder())
