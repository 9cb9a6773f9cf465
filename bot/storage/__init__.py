"""Persistence: SQLAlchemy models, one engine per process, one session per unit of work."""

from bot.storage.db import StorageUnavailable, session_factory, unit_of_work

__all__ = ["StorageUnavailable", "session_factory", "unit_of_work"]
