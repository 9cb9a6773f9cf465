"""The one base class of the assistant's domain errors.

A use case raises a subclass with a `code`; the adapters (actions, web views, staff commands)
map the code to a German text. Infrastructure failures are not domain errors: the database being
unreachable is `bot.storage.db.StorageUnavailable`.
"""

from __future__ import annotations

from typing import Optional


class DomainError(Exception):
    """`code` names the reason for messages and logs; it never contains user text."""

    code = "error"

    def __init__(self, code: Optional[str] = None) -> None:
        super().__init__(code or self.code)
        if code:
            self.code = code
