"""A partial index on unread messages, for unread counts and "mark read".

Revision ID: 0005_messaging
Revises: 0004_discovery
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_messaging"
down_revision = "0004_discovery"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_messages_unread",
        "messages",
        ["match_id", "sender_id"],
        postgresql_where=sa.text("read_at IS NULL"),
        sqlite_where=sa.text("read_at IS NULL"),
    )


def downgrade():
    op.drop_index("ix_messages_unread", table_name="messages")
