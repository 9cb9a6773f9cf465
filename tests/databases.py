"""PostgreSQL and Redis for the tests: the servers of this machine (or the throw-away ones that
`bin/test-services` starts where none answers), never their existing data.

Every database a test uses is created here under a unique name (gocluster_test_<pid>_<random>) and
dropped afterwards; databases of that pattern whose test run has died are dropped at the next run.
Redis keys get a unique prefix, or the test starts a Redis server of its own.
"""

from __future__ import annotations

import os
import secrets
import shutil
from typing import List

import sqlalchemy as sa

# Where the tests find the servers: bin/test-services exports these (the machine's servers, or
# throw-away instances it started); run directly, pytest assumes the machine's standard ports.
POSTGRES_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
PREFIX = "gocluster_test_"
HINT = (
    "Run the tests with `make test`: bin/test-services finds PostgreSQL and Redis or starts throw-away "
    "instances (TEST_POSTGRES_URL, TEST_REDIS_URL)."
)


def _admin_connection(admin_url: str = POSTGRES_ADMIN_URL):
    import psycopg2

    url = sa.engine.make_url(admin_url)
    connection = psycopg2.connect(
        host=url.host or "127.0.0.1",
        port=url.port or 5432,
        user=url.username or "postgres",
        password=url.password or None,
        dbname=url.database or "postgres",
        connect_timeout=5,
    )
    connection.autocommit = True
    return connection


def postgres_problem(admin_url: str = POSTGRES_ADMIN_URL) -> str:
    """Why PostgreSQL cannot be used (empty: it can)."""
    try:
        _admin_connection(admin_url).close()
        return ""
    except Exception as error:  # noqa: BLE001 - any reason means: not usable
        return f"PostgreSQL at {sa.engine.make_url(admin_url).render_as_string(hide_password=True)}: {error}"


def redis_problem(url: str = REDIS_URL) -> str:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
        return ""
    except Exception as error:  # noqa: BLE001
        return f"Redis at {url}: {error}"


def create_database(admin_url: str = POSTGRES_ADMIN_URL) -> str:
    """A new, empty database of its own; returns its SQLAlchemy URL."""
    name = f"{PREFIX}{os.getpid()}_{secrets.token_hex(4)}"
    connection = _admin_connection(admin_url)
    try:
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
    finally:
        connection.close()
    url = sa.engine.make_url(admin_url).set(drivername="postgresql", database=name)
    return url.render_as_string(hide_password=False)


def drop_database(url: str, admin_url: str = POSTGRES_ADMIN_URL) -> None:
    name = sa.engine.make_url(url).database or ""
    assert name.startswith(PREFIX), name  # never anything the tests did not create
    from bot.storage.db import get_engine

    get_engine(url).dispose()
    connection = _admin_connection(admin_url)
    try:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        connection.close()


def drop_abandoned(admin_url: str = POSTGRES_ADMIN_URL) -> List[str]:
    """Test databases whose test process no longer runs (a run that was killed)."""
    connection = _admin_connection(admin_url)
    dropped = []
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", (PREFIX + "%",))
            for (name,) in cursor.fetchall():
                pid = name[len(PREFIX) :].split("_", 1)[0]
                if pid.isdigit() and not os.path.exists(f"/proc/{pid}"):
                    cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                    dropped.append(name)
    finally:
        connection.close()
    return dropped


def truncate_all(url: str) -> None:
    """Empties every table of the assistant's schema (keeps the schema and its revision)."""
    from bot.storage.db import get_engine
    from bot.storage.models import metadata

    tables = ", ".join(f'"{table.name}"' for table in metadata.sorted_tables)
    with get_engine(url).begin() as connection:
        connection.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


def redis_server_binary() -> str:
    return os.environ.get("REDIS_SERVER_BINARY") or shutil.which("redis-server") or "/usr/bin/redis-server"
