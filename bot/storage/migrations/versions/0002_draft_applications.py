"""Draft membership applications.

Revision ID: 0002_draft_applications
Revises: 0001_bookings
Create Date: 2026-11-28
"""
import sqlalchemy as sa
from alembic import op

revision = "0002_draft_applications"
down_revision = "0001_bookings"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "draft_applications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(16), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("organisation_key", sa.String(200), nullable=True),
        sa.Column("fields", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["booking_id"], ["bookings.id"], ondelete="CASCADE",
                                name="fk_draft_applications_booking_id_bookings"),
        sa.PrimaryKeyConstraint("id", name="pk_draft_applications"),
        sa.UniqueConstraint("reference", name="uq_draft_applications_reference"),
        sa.UniqueConstraint("booking_id", name="uq_draft_applications_booking_id"),
        sa.UniqueConstraint("organisation_key", name="uq_draft_applications_organisation_key"),
    )


def downgrade() -> None:
    op.drop_table("draft_applications")
