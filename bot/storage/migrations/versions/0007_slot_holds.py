"""Slot holds: a slot chosen in the chat is kept for that conversation while it gives its
details, so the confirmation does not find it taken by someone who chose it a minute later.

Revision ID: 0007_slot_holds
Revises: 0006_english_codes
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = "0007_slot_holds"
down_revision = "0006_english_codes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "slot_holds",
        sa.Column("slot_start", sa.DateTime(), nullable=False),
        sa.Column("conversation_id", sa.String(200), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("slot_start", name="pk_slot_holds"),
        sa.UniqueConstraint("conversation_id", name="uq_slot_holds_conversation_id"),
    )
    op.create_index("ix_slot_holds_expires_at", "slot_holds", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_slot_holds_expires_at", table_name="slot_holds")
    op.drop_table("slot_holds")
