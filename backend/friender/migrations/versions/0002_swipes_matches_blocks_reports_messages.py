"""Swipes, matches, blocks, reports and messages.

The unique (swiper, swipee) and (user_low, user_high) constraints are what make "one decision
per person" and "exactly one match per pair" hold under concurrent requests.

Revision ID: 0002_social
Revises: 0001_users
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_social"
down_revision = "0001_users"
branch_labels = None
depends_on = None


def _user_fk(column, table):
    return sa.ForeignKeyConstraint([column], ["users.id"], name=f"fk_{table}_{column}_users", ondelete="CASCADE")


def upgrade():
    op.create_table(
        "swipes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("swiper_id", sa.Integer(), nullable=False),
        sa.Column("swipee_id", sa.Integer(), nullable=False),
        sa.Column("liked", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _user_fk("swiper_id", "swipes"),
        _user_fk("swipee_id", "swipes"),
        sa.PrimaryKeyConstraint("id", name="pk_swipes"),
        sa.UniqueConstraint("swiper_id", "swipee_id", name="uq_swipes_swiper_id_swipee_id"),
    )
    op.create_index("ix_swipes_swipee_id_liked", "swipes", ["swipee_id", "liked"])

    op.create_table(
        "matches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_low_id", sa.Integer(), nullable=False),
        sa.Column("user_high_id", sa.Integer(), nullable=False),
        sa.Column("matched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_activity_at", sa.DateTime(timezone=True), nullable=False),
        _user_fk("user_low_id", "matches"),
        _user_fk("user_high_id", "matches"),
        sa.PrimaryKeyConstraint("id", name="pk_matches"),
        sa.UniqueConstraint("user_low_id", "user_high_id", name="uq_matches_user_low_id_user_high_id"),
        sa.CheckConstraint("user_low_id < user_high_id", name="ck_matches_ordered_pair"),
    )
    op.create_index("ix_matches_user_high_id", "matches", ["user_high_id"])

    op.create_table(
        "blocks",
        sa.Column("blocker_id", sa.Integer(), nullable=False),
        sa.Column("blocked_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _user_fk("blocker_id", "blocks"),
        _user_fk("blocked_id", "blocks"),
        sa.PrimaryKeyConstraint("blocker_id", "blocked_id", name="pk_blocks"),
    )
    op.create_index("ix_blocks_blocked_id", "blocks", ["blocked_id"])

    op.create_table(
        "reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reporter_id", sa.Integer(), nullable=False),
        sa.Column("reported_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=1000), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _user_fk("reporter_id", "reports"),
        _user_fk("reported_id", "reports"),
        sa.PrimaryKeyConstraint("id", name="pk_reports"),
        sa.UniqueConstraint("reporter_id", "reported_id", name="uq_reports_reporter_id_reported_id"),
    )
    op.create_index("ix_reports_reported_id", "reports", ["reported_id"])

    op.create_table(
        "messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("match_id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.String(length=2000), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["match_id"], ["matches.id"], name="fk_messages_match_id_matches", ondelete="CASCADE"),
        _user_fk("sender_id", "messages"),
        sa.PrimaryKeyConstraint("id", name="pk_messages"),
    )
    op.create_index("ix_messages_match_id_id", "messages", ["match_id", "id"])
    op.create_index("ix_messages_sender_id", "messages", ["sender_id"])


def downgrade():
    for table in ("messages", "reports", "blocks", "matches", "swipes"):
        op.drop_table(table)
