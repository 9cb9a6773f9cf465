"""Rasa plug-ins of the go-cluster assistant: NLU components, channels, the tracker store and
the server launcher.

Everything here is a thin adapter; the logic lives in `bot/`. Importing the package imports no
Rasa module: each module imports what it plugs into.
"""
