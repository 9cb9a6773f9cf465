"""Schema changes go through migrations: they build exactly the models' schema, both ways."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from bot.storage.db import get_engine
from bot.storage.migrate import current, downgrade, upgrade
from bot.storage.models import metadata


def test_migrations_match_the_models(tmp_path):
    url = f"sqlite:///{tmp_path / 'schema.db'}"
    upgrade(url)
    with get_engine(url).connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": False}), metadata)
    assert differences == []


def test_downgrade_and_upgrade_again(tmp_path):
    url = f"sqlite:///{tmp_path / 'roundtrip.db'}"
    upgrade(url)
    head = current(url)
    downgrade(url, "base")
    assert current(url) is None
    upgrade(url)
    assert current(url) == head
