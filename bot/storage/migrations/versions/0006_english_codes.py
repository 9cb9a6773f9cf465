"""Stored codes in English: draft and ticket status, ticket priority. The German words move to
content/labels.yml and are shown only at the edges (dashboard, staff commands, mails, chat).

Bookings stored English codes from the start. Values outside the known codes are left as they
are, both ways.

Revision ID: 0006_english_codes
Revises: 0005_login_limits
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = "0006_english_codes"
down_revision = "0005_login_limits"
branch_labels = None
depends_on = None

# (table, column) -> {old German code: English code}. Written out here, not imported: a
# migration must keep meaning what it meant when it was written.
RENAMES = {
    ("draft_applications", "status"): {"entwurf": "draft", "eingereicht": "submitted",
                                       "zurueckgezogen": "withdrawn"},
    ("tickets", "status"): {"neu": "new", "in_bearbeitung": "in_progress", "erledigt": "done"},
    ("tickets", "priority"): {"hoch": "high", "mittel": "medium", "niedrig": "low"},
}


def _rewrite(table: str, column: str, mapping: dict) -> None:
    """One UPDATE ... SET column = CASE column WHEN old THEN new ... END WHERE column IN (old...),
    with bound parameters: the same statement on SQLite and PostgreSQL."""
    target = sa.table(table, sa.column(column, sa.String))
    field = target.c[column]
    op.execute(target.update().where(field.in_(list(mapping))).values({column: sa.case(mapping, value=field)}))


def upgrade() -> None:
    for (table, column), mapping in RENAMES.items():
        _rewrite(table, column, mapping)


def downgrade() -> None:
    for (table, column), mapping in RENAMES.items():
        _rewrite(table, column, {new: old for old, new in mapping.items()})
