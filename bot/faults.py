"""The one table of fault messages (content/faults.yml): what a user is told, by what they were
doing, when the database, the action server or the mail server fails."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Mapping

import yaml

from bot.config import DEFAULT_CONTENT_DIR
from bot.knowledge.content import Messages

GENERAL = "general"


@dataclass(frozen=True)
class Faults:
    texts: Mapping[str, str]
    context_of_action: Mapping[str, str]
    shared: Messages  # for the shared placeholders ({hotline_short})

    def text(self, context: str) -> str:
        template = self.texts.get(context) or self.texts[GENERAL]
        return Messages({**self.shared.templates, "fault": template}).render("fault")

    def for_action(self, action_name: str) -> str:
        """The message for a failure of this custom action (draft field prompts count as drafts)."""
        context = self.context_of_action.get(action_name)
        if context is None and action_name.startswith("action_ask_d_"):
            context = "draft"
        return self.text(context or GENERAL)


def parse_faults(data: Mapping[str, Any], shared: Messages) -> Faults:
    texts = {key: str(value).strip() for key, value in (data.get("messages") or {}).items()}
    if GENERAL not in texts:
        raise ValueError("content/faults.yml: the message 'general' is missing")
    context_of: Dict[str, str] = {}
    for context, actions in (data.get("actions") or {}).items():
        if context not in texts:
            raise ValueError(f"content/faults.yml: actions listed for unknown message {context!r}")
        for action in actions:
            if action in context_of:
                raise ValueError(f"content/faults.yml: {action} is listed twice")
            context_of[action] = context
    return Faults(texts, context_of, shared)


@lru_cache(maxsize=4)
def load_faults(content_dir: Path = DEFAULT_CONTENT_DIR) -> Faults:
    from bot.knowledge.content import load_messages

    data = yaml.safe_load((Path(content_dir) / "faults.yml").read_text("utf-8")) or {}
    return parse_faults(data, load_messages(content_dir))
