"""Alembic environment: runs migrations on the URL set by bot.storage.migrate."""

from alembic import context

from bot.storage.db import get_engine
from bot.storage.models import metadata

config = context.config


def run_migrations_online() -> None:
    engine = get_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        # Batch mode lets later migrations alter tables on SQLite too.
        context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
