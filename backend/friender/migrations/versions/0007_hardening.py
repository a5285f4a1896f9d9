"""Hardening: count location changes, so distances cannot be probed from everywhere.

Revision ID: 0007_hardening
Revises: 0006_sqlite_autoincrement
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_hardening"
down_revision = "0006_sqlite_autoincrement"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "location_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_location_changes_user_id_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_location_changes"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_location_changes_user_id_changed_at", "location_changes", ["user_id", "changed_at"])


def downgrade():
    op.drop_index("ix_location_changes_user_id_changed_at", table_name="location_changes")
    op.drop_table("location_changes")
