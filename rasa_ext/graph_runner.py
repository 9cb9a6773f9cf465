"""Runs the trained graph without dask.

Rasa 3.6.21 runs every message's NLU and every next-action prediction (two or three per message) by
handing the graph to `dask.get`, which builds and orders a task graph each time for the dozen nodes
of a small, fixed graph. Installed in the Rasa server (rasa_ext/server.py), this runner calls the
same nodes with the same inputs in an order worked out once per set of targets. Results are what
DaskGraphRunner returns, including its handling of a need that no node or input provides (the name is
passed on, as dask does, and the node reports it); tested against DaskGraphRunner
(tests/test_graph_runner.py). Training keeps Rasa's runner.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text, Tuple

from rasa.engine.exceptions import GraphRunError
from rasa.engine.runner.dask import DaskGraphRunner

Plan = Tuple[Tuple[Text, Tuple[Text, ...]], ...]


class SequentialGraphRunner(DaskGraphRunner):
    """DaskGraphRunner's results, the nodes called one after another in dependency order."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._plans: Dict[Tuple[Text, ...], Plan] = {}

    def _plan(self, targets: Tuple[Text, ...]) -> Plan:
        """The nodes the targets depend on, each after all of its needs, with the names of its needs."""
        plan = self._plans.get(targets)
        if plan is None:
            nodes = self._graph_schema.nodes
            ordered: List[Tuple[Text, Tuple[Text, ...]]] = []
            done: set = set()

            def visit(name: Text) -> None:
                if name in done or name not in nodes:
                    return
                needs = tuple(nodes[name].needs.values())
                for need in needs:
                    visit(need)
                done.add(name)
                ordered.append((name, needs))

            for target in targets:
                visit(target)
            plan = self._plans[targets] = tuple(ordered)
        return plan

    def run(self, inputs: Optional[Dict[Text, Any]] = None, targets: Optional[List[Text]] = None) -> Dict[Text, Any]:
        run_targets = tuple(targets if targets else self._graph_schema.target_names)
        plan = self._plan(run_targets)
        results: Dict[Text, Any] = {}
        for name, value in (inputs or {}).items():
            if isinstance(value, str) and value in self._graph_schema.nodes:
                raise GraphRunError(
                    f"Input value '{value}' clashes with a node name. Make sure that none of the input "
                    f"names passed to the `run` method are the same as node names in the graph schema."
                )
            results[name] = (name, value)
        try:
            for name, needs in plan:
                node = self._instantiated_nodes[name]
                results[name] = node(*(results.get(need, need) for need in needs))
        except RuntimeError as error:
            raise GraphRunError("Error running runner.") from error
        return dict(results[target] if target in results else (target, target) for target in run_targets)


def install() -> None:
    """The Rasa server loads its model with this runner (rasa.core.processor names the runner class)."""
    import rasa.core.processor

    rasa.core.processor.DaskGraphRunner = SequentialGraphRunner
