"""Schema migrations with Alembic, driven from Python (no alembic.ini needed)."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional

from alembic import command
from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
# PostgreSQL advisory lock taken while migrating: servers of several machines started at once
# migrate one after the other (the later ones find the schema current).
MIGRATION_LOCK = 0x6763_6D69  # "gcmi"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # ConfigParser interpolation: a literal % in a password must be doubled.
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


@contextmanager
def _exclusive(url: str) -> Iterator[None]:
    from sqlalchemy import text

    from bot.storage.db import get_engine

    engine = get_engine(url)
    if engine.dialect.name != "postgresql":
        yield  # SQLite: one machine, and its own file lock
        return
    with engine.connect() as connection:
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK})
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK})
            connection.commit()


def upgrade(url: str, revision: str = "head") -> None:
    with _exclusive(url):
        command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str = "base") -> None:
    with _exclusive(url):
        command.downgrade(alembic_config(url), revision)


def current(url: str) -> Optional[str]:
    from alembic.runtime.migration import MigrationContext

    from bot.storage.db import get_engine

    with get_engine(url).connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
