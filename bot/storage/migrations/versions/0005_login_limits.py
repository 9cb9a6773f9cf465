"""Failed dashboard logins move to the shared rate counters: the per-account columns go,
an unlock time comes.

The old columns counted only names that have an account (unknown names were counted in one
process's memory), and only per account, so anyone could lock a colleague out.

Revision ID: 0005_login_limits
Revises: 0004_security
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = "0005_login_limits"
down_revision = "0004_security"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("staff_users") as batch:
        batch.drop_column("failed_logins")
        batch.drop_column("locked_until")
        batch.add_column(sa.Column("unlocked_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("staff_users") as batch:
        batch.drop_column("unlocked_at")
        batch.add_column(sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("locked_until", sa.DateTime(), nullable=True))
