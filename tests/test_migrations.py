"""Schema changes go through migrations: they build exactly the models' schema, both ways, on
SQLite and on PostgreSQL."""
from __future__ import annotations

import threading

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from bot.storage.db import get_engine
from bot.storage.migrate import current, downgrade, upgrade
from bot.storage.models import metadata


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'schema.db'}"
    return request.getfixturevalue("fresh_postgres_database")


def test_migrations_match_the_models(empty_url):
    url = empty_url
    upgrade(url)
    with get_engine(url).connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": False}), metadata)
    assert differences == []


def test_downgrade_and_upgrade_again(empty_url):
    url = empty_url
    upgrade(url)
    head = current(url)
    downgrade(url, "base")
    assert current(url) is None
    upgrade(url)
    assert current(url) == head


def test_servers_starting_together_migrate_one_after_the_other(fresh_postgres_database):
    """Several machines' `bot serve` may start at once against one PostgreSQL database."""
    errors = []

    def migrate_now() -> None:
        try:
            upgrade(fresh_postgres_database)
        except Exception as error:  # noqa: BLE001 - collected for the assertion
            errors.append(error)

    threads = [threading.Thread(target=migrate_now) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert current(fresh_postgres_database) is not None
