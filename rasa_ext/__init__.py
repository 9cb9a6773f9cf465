"""Rasa plug-ins of the go-cluster assistant: NLU components and the tracker store.

Everything here is a thin adapter; the logic lives in `bot/`.
"""

from rasa_ext import action_results

action_results.install()
