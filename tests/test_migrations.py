"""Schema changes go through migrations: they build exactly the models' schema, both ways, on
SQLite and on PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from bot.applications import service as drafts
from bot.handoff import rules
from bot.handoff import service as tickets
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


# Rows as revision 0005 stored them (German codes) and what 0006 makes of them. "archiviert" is
# no code at all: it stays as it is, both ways.
GERMAN_TO_ENGLISH = {
    "draft_applications.status": [
        ("entwurf", "draft"),
        ("eingereicht", "submitted"),
        ("zurueckgezogen", "withdrawn"),
        ("archiviert", "archiviert"),
    ],
    "tickets.status": [
        ("neu", "new"),
        ("in_bearbeitung", "in_progress"),
        ("erledigt", "done"),
        ("archiviert", "archiviert"),
    ],
    "tickets.priority": [("hoch", "high"), ("mittel", "medium"), ("niedrig", "low"), ("niedrig", "low")],
}


def _insert_rows_of_revision_0005(url: str) -> None:
    moment = "2026-11-30 10:00:00"
    with get_engine(url).begin() as connection:
        for index, (status, _) in enumerate(GERMAN_TO_ENGLISH["draft_applications.status"]):
            connection.execute(
                text(
                    "INSERT INTO bookings (id, reference, status, slot_start, slot_minutes, format, name, organisation,"
                    " cluster_name, email, consent_at, created_at, updated_at)"
                    " VALUES (:id, :reference, 'held', :moment, 60, 'video', 'Anna', 'Org', 'Cl', 'anna@example.org',"
                    " :moment, :moment, :moment)"
                ),
                {"id": index + 1, "reference": f"GC-B-2222{index}", "moment": moment},
            )
            connection.execute(
                text(
                    "INSERT INTO draft_applications (id, reference, booking_id, status, fields, created_at, updated_at)"
                    " VALUES (:id, :reference, :id, :status, '{}', :moment, :moment)"
                ),
                {"id": index + 1, "reference": f"GC-A-2222{index}", "status": status, "moment": moment},
            )
        statuses, priorities = GERMAN_TO_ENGLISH["tickets.status"], GERMAN_TO_ENGLISH["tickets.priority"]
        for index, ((status, _), (priority, _)) in enumerate(zip(statuses, priorities, strict=True)):
            connection.execute(
                text(
                    "INSERT INTO tickets (id, reference, topic, reason, summary, contact_name, concern, transcript,"
                    " channel, priority, status, created_at, updated_at)"
                    " VALUES (:id, :reference, 'antrag', 'asked_for_person', 'S', 'Anna', 'Frage', '[]', 'web',"
                    " :priority, :status, :moment, :moment)"
                ),
                {
                    "id": index + 1,
                    "reference": f"GC-T-2222{index}",
                    "priority": priority,
                    "status": status,
                    "moment": moment,
                },
            )


def _stored(url: str) -> dict:
    with get_engine(url).connect() as connection:
        return {
            column: [
                row[0]
                for row in connection.execute(
                    text(f"SELECT {column.split('.')[1]} FROM {column.split('.')[0]} ORDER BY id")
                )
            ]
            for column in GERMAN_TO_ENGLISH
        }


def test_0006_rewrites_the_german_codes_to_english_and_back(empty_url):
    url = empty_url
    upgrade(url, "0005_login_limits")
    _insert_rows_of_revision_0005(url)
    german = {column: [old for old, _ in pairs] for column, pairs in GERMAN_TO_ENGLISH.items()}
    english = {column: [new for _, new in pairs] for column, pairs in GERMAN_TO_ENGLISH.items()}
    assert _stored(url) == german

    upgrade(url, "0006_english_codes")
    assert _stored(url) == english
    assert set(english["draft_applications.status"]) - {"archiviert"} == set(drafts.STATUSES)
    assert set(english["tickets.status"]) - {"archiviert"} == set(tickets.STATUSES)
    assert set(english["tickets.priority"]) == set(rules.PRIORITIES)

    downgrade(url, "0005_login_limits")
    assert _stored(url) == german
    upgrade(url)
    assert _stored(url) == english


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
