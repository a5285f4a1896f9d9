"""Moderation: report categories, moderators, suspensions and bans, the audit log and appeals.

Columns are added in place (SQLite's ``ALTER TABLE ADD COLUMN``), so the tables keep the
AUTOINCREMENT that revision 0006 gave them.

Revision ID: 0010_moderation
Revises: 0009_hangouts
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_moderation"
down_revision = "0009_hangouts"
branch_labels = None
depends_on = None

RESTRICTED = "suspended_until IS NOT NULL OR banned_at IS NOT NULL OR hidden_at IS NOT NULL"


def upgrade():
    op.add_column("users", sa.Column("is_moderator", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("users", sa.Column("token_version", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("users", sa.Column("suspended_until", sa.DateTime(timezone=True)))
    op.add_column("users", sa.Column("banned_at", sa.DateTime(timezone=True)))
    op.add_column("users", sa.Column("hidden_at", sa.DateTime(timezone=True)))
    op.create_index(
        "ix_users_restricted",
        "users",
        ["id"],
        postgresql_where=sa.text(RESTRICTED),
        sqlite_where=sa.text(RESTRICTED),
    )

    op.add_column("reports", sa.Column("category", sa.String(24), nullable=False, server_default="other"))
    op.add_column("reports", sa.Column("handled_at", sa.DateTime(timezone=True)))
    op.add_column("reports", sa.Column("evidence", sa.JSON()))

    op.create_table(
        "moderation_actions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.Column("moderator_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("rule", sa.String(24), nullable=False),
        sa.Column("note", sa.String(1000), nullable=False),
        sa.Column("until", sa.DateTime(timezone=True)),
        sa.Column("photo_id", sa.Integer()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_moderation_actions_user_id", "moderation_actions", ["user_id"])
    op.create_table(
        "appeals",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "action_id",
            sa.Integer(),
            sa.ForeignKey("moderation_actions.id", ondelete="CASCADE"),
            nullable=False,
            unique=True,
        ),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("text", sa.String(2000), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True)),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_appeals_user_id", "appeals", ["user_id"])


def downgrade():
    op.drop_table("appeals")
    op.drop_table("moderation_actions")
    with op.batch_alter_table("reports") as batch:
        batch.drop_column("evidence")
        batch.drop_column("handled_at")
        batch.drop_column("category")
    op.drop_index("ix_users_restricted", table_name="users")
    with op.batch_alter_table("users") as batch:
        for column in ("hidden_at", "banned_at", "suspended_until", "token_version", "is_moderator"):
            batch.drop_column(column)
