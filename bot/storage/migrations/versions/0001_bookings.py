"""Consultation bookings, slot reservations, blocked days and slots.

Revision ID: 0001_bookings
Revises:
Create Date: 2026-11-28
"""
import sqlalchemy as sa
from alembic import op

revision = "0001_bookings"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "bookings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("slot_start", sa.DateTime(), nullable=False),
        sa.Column("slot_minutes", sa.Integer(), nullable=False),
        sa.Column("format", sa.String(16), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("organisation", sa.String(200), nullable=False),
        sa.Column("cluster_name", sa.String(200), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("phone", sa.String(40), nullable=True),
        sa.Column("consent_at", sa.DateTime(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(), nullable=True),
        sa.Column("held_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_bookings"),
        sa.UniqueConstraint("reference", name="uq_bookings_reference"),
    )
    op.create_index("ix_bookings_slot_start", "bookings", ["slot_start"])
    op.create_index("ix_bookings_email", "bookings", ["email"])
    op.create_table(
        "slot_reservations",
        sa.Column("slot_start", sa.DateTime(), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["booking_id"], ["bookings.id"], ondelete="CASCADE",
                                name="fk_slot_reservations_booking_id_bookings"),
        sa.PrimaryKeyConstraint("slot_start", name="pk_slot_reservations"),
        sa.UniqueConstraint("booking_id", name="uq_slot_reservations_booking_id"),
    )
    op.create_table(
        "blocked_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("day", name="pk_blocked_days"),
    )
    op.create_table(
        "blocked_slots",
        sa.Column("slot_start", sa.DateTime(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("slot_start", name="pk_blocked_slots"),
    )


def downgrade() -> None:
    op.drop_table("blocked_slots")
    op.drop_table("blocked_days")
    op.drop_table("slot_reservations")
    op.drop_index("ix_bookings_email", table_name="bookings")
    op.drop_index("ix_bookings_slot_start", table_name="bookings")
    op.drop_table("bookings")
