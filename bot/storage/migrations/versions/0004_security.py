"""Security: shared rate-limit counters; the conversation behind bookings, tickets and questions.

Revision ID: 0004_security
Revises: 0003_hotline
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

revision = "0004_security"
down_revision = "0003_hotline"
branch_labels = None
depends_on = None

TABLES_WITH_CONVERSATION = ("bookings", "tickets", "unanswered_questions")


def upgrade() -> None:
    op.create_table(
        "rate_counters",
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("window_start", sa.DateTime(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", "key", "window_start", name="pk_rate_counters"),
    )
    op.create_index("ix_rate_counters_window_start", "rate_counters", ["window_start"])
    for table in TABLES_WITH_CONVERSATION:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("conversation_id", sa.String(200), nullable=True))
        op.create_index(f"ix_{table}_conversation_id", table, ["conversation_id"])


def downgrade() -> None:
    for table in TABLES_WITH_CONVERSATION:
        op.drop_index(f"ix_{table}_conversation_id", table_name=table)
        with op.batch_alter_table(table) as batch:
            batch.drop_column("conversation_id")
    op.drop_index("ix_rate_counters_window_start", table_name="rate_counters")
    op.drop_table("rate_counters")
