"""Engine and sessions (SQLAlchemy 1.4 in 2.0 style: future engine, select(), no Query API).

Any SQLAlchemy URL works (DATABASE_URL); the SQLite file under var/ is the embedded default.
Engines and session factories are shared per URL within a process; the URL always comes from the
caller (the composition root passes the settings'), never from the environment here.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Iterator

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session, sessionmaker


class StorageUnavailable(RuntimeError):
    """The database cannot be reached or used right now; callers show the hotline instead."""


def private_sqlite_file(url: "sa.engine.URL | str") -> None:
    """Creates a SQLite database file (and its folder) for the owner only, whatever the umask:
    it holds personal data. SQLite gives its -wal and -shm files the same permissions."""
    parsed = sa.engine.make_url(url)
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return
    path = Path(database)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass


def _configure_sqlite(engine: Engine, timeout_seconds: float) -> None:
    private_sqlite_file(engine.url)
    busy_timeout = int(timeout_seconds * 1000)

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):  # pragma: no cover - exercised through every test
        # Let SQLAlchemy decide where transactions begin (see _begin); pysqlite's own
        # implicit transactions would otherwise start too late.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        # A locked database is waited for this long, then StorageUnavailable: the user gets an
        # answer within seconds, never after half a minute.
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection):  # pragma: no cover
        # Take the write lock at the start: a transaction that reads first and writes later
        # cannot wait for a concurrent writer in SQLite and would fail with "database is locked".
        connection.exec_driver_sql("BEGIN IMMEDIATE")


DEFAULT_TIMEOUT_SECONDS = 5.0


@lru_cache(maxsize=8)
def get_engine(url: str, timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS) -> Engine:
    """One engine (connection pool) per database URL and process. Every wait (connecting, a lock,
    a statement, a free pooled connection) ends after `timeout_seconds` (DATABASE_TIMEOUT_SECONDS)."""
    options: dict = {"future": True, "pool_pre_ping": True}
    backend = sa.engine.make_url(url).get_backend_name()
    if backend == "postgresql":
        milliseconds = int(timeout_seconds * 1000)
        options["connect_args"] = {
            "connect_timeout": max(1, int(timeout_seconds)),
            "options": f"-c lock_timeout={milliseconds} -c statement_timeout={milliseconds}",
        }
    if backend != "sqlite":
        options["pool_timeout"] = timeout_seconds
    engine = sa.create_engine(url, **options)
    if backend == "sqlite":
        _configure_sqlite(engine, timeout_seconds)
    return engine


@lru_cache(maxsize=8)
def session_factory(url: str, timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS) -> sessionmaker:
    return sessionmaker(bind=get_engine(url, timeout_seconds), future=True, expire_on_commit=False)


def _rollback_quietly(session: Session) -> None:
    try:
        session.rollback()
    except (OperationalError, DBAPIError):  # the connection is gone: nothing to roll back
        pass


@contextmanager
def unit_of_work(sessions: sessionmaker) -> Iterator[Session]:
    """One transaction: commit on success, roll back on any error, always close."""
    session: Session = sessions()
    try:
        yield session
        session.commit()
    except (OperationalError, DBAPIError) as error:
        _rollback_quietly(session)
        if isinstance(error, OperationalError) or error.connection_invalidated:
            raise StorageUnavailable(type(error.orig or error).__name__) from error
        raise
    except PoolTimeout as error:  # every pooled connection busy for DATABASE_TIMEOUT_SECONDS
        _rollback_quietly(session)
        raise StorageUnavailable("pool timeout") from error
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
