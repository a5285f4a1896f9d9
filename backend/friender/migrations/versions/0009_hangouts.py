"""Meeting up: hangout proposals, "we met" confirmations, meetings and every profile's met_count.

Revision ID: 0009_hangouts
Revises: 0008_accounts
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_hangouts"
down_revision = "0008_accounts"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("met_count", sa.Integer(), nullable=False, server_default="0"))
    op.create_table(
        "hangouts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("match_id", sa.Integer(), nullable=False),
        sa.Column("proposer_id", sa.Integer(), nullable=False),
        sa.Column("activity", sa.String(length=80), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("place_kind", sa.String(length=10), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("accepted_option", sa.SmallInteger(), nullable=True),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('proposed', 'accepted', 'declined', 'cancelled')", name="ck_hangouts_status"),
        sa.CheckConstraint(
            "place_kind IN ('cafe', 'park', 'bar', 'gym', 'museum', 'online', 'other')", name="ck_hangouts_place_kind"
        ),
        sa.CheckConstraint("(status = 'accepted') = (accepted_option IS NOT NULL)", name="ck_hangouts_accepted_option"),
        sa.ForeignKeyConstraint(["match_id"], ["matches.id"], name="fk_hangouts_match_id_matches", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["proposer_id"], ["users.id"], name="fk_hangouts_proposer_id_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_hangouts"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_hangouts_match_id", "hangouts", ["match_id"])
    op.create_index("ix_hangouts_proposer_id", "hangouts", ["proposer_id"])
    op.create_table(
        "hangout_confirmations",
        sa.Column("hangout_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["hangout_id"],
            ["hangouts.id"],
            name="fk_hangout_confirmations_hangout_id_hangouts",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_hangout_confirmations_user_id_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("hangout_id", "user_id", name="pk_hangout_confirmations"),
    )
    op.create_index("ix_hangout_confirmations_user_id", "hangout_confirmations", ["user_id"])
    op.create_table(
        "meetings",
        sa.Column("user_low_id", sa.Integer(), nullable=False),
        sa.Column("user_high_id", sa.Integer(), nullable=False),
        sa.Column("met_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("user_low_id < user_high_id", name="ck_meetings_ordered_pair"),
        sa.ForeignKeyConstraint(
            ["user_low_id"], ["users.id"], name="fk_meetings_user_low_id_users", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_high_id"], ["users.id"], name="fk_meetings_user_high_id_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_low_id", "user_high_id", name="pk_meetings"),
    )
    op.create_index("ix_meetings_user_high_id", "meetings", ["user_high_id"])


def downgrade():
    op.drop_table("meetings")
    op.drop_table("hangout_confirmations")
    op.drop_table("hangouts")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("met_count")
