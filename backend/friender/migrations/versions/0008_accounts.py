"""Accounts people can trust: birthdates and age ranges, verified email, password recovery, mail.

``users`` gains the birthdate, the age range (18–99 by default), when the address was verified,
an address waiting to be verified, and the token generation (a password reset or change moves
it on, revoking every earlier token but those of the one session a password change keeps).
``account_tokens`` holds the digests of the single-use tokens mailed for verification and
password resets; ``outbox_mails`` the mails recorded in the transaction that caused them,
delivered after its commit. The search rows carry the birthdate as a day number and the age
range, inside the covering indexes, so discovery filters by age from index-only scans. Nobody
existing has a birthdate or a verified address yet, so the rebuild at the end indexes nobody
until they add them.

Revision ID: 0008_accounts
Revises: 0007_hardening
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_accounts"
down_revision = "0007_hardening"
branch_labels = None
depends_on = None

SEARCH_INDEXES = {
    "search_profiles": ("ix_search_profiles_lat_band_longitude", ["lat_band", "longitude"], []),
    "search_tags": ("ix_search_tags_tag_id_lat_band_longitude", ["tag_id", "lat_band", "longitude"], ["mask"]),
}
GEOMETRY_INCLUDE = ["user_id", "x", "y", "z", "cos_radius"]
AGE_INCLUDE = ["birth_day", "age_min", "age_max"]


def upgrade():
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("birthdate", sa.Date(), nullable=True))
        batch.add_column(sa.Column("age_min", sa.SmallInteger(), server_default="18", nullable=False))
        batch.add_column(sa.Column("age_max", sa.SmallInteger(), server_default="99", nullable=False))
        batch.add_column(sa.Column("email_verified_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("pending_email", sa.String(length=254), nullable=True))
        batch.add_column(sa.Column("token_generation", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(sa.Column("kept_session", sa.String(length=36), nullable=True))

    op.create_table(
        "account_tokens",
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("purpose IN ('verify_email', 'reset_password')", name="ck_account_tokens_purpose"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_account_tokens_user_id_users", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("digest", name="pk_account_tokens"),
    )
    op.create_index("ix_account_tokens_user_id", "account_tokens", ["user_id"])

    op.create_table(
        "outbox_mails",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("to_address", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("text_body", sa.Text(), nullable=False),
        sa.Column("html_body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=200), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_outbox_mails"),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_outbox_mails_unsent",
        "outbox_mails",
        ["next_attempt_at"],
        postgresql_where=sa.text("sent_at IS NULL"),
        sqlite_where=sa.text("sent_at IS NULL"),
    )

    for table, (name, columns, extra) in SEARCH_INDEXES.items():
        op.drop_index(name, table_name=table)
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("birth_day", sa.Integer(), nullable=True))
            batch.add_column(sa.Column("age_min", sa.SmallInteger(), server_default="18", nullable=False))
            batch.add_column(sa.Column("age_max", sa.SmallInteger(), server_default="99", nullable=False))
        op.create_index(name, table, columns, postgresql_include=[*GEOMETRY_INCLUDE, *AGE_INCLUDE, *extra])

    from friender.discovery.index import rebuild_search_index

    rebuild_search_index(op.get_bind())


def downgrade():
    for table, (name, columns, extra) in SEARCH_INDEXES.items():
        op.drop_index(name, table_name=table)
        with op.batch_alter_table(table) as batch:
            for column in AGE_INCLUDE:
                batch.drop_column(column)
        op.create_index(name, table, columns, postgresql_include=[*GEOMETRY_INCLUDE, *extra])
    op.drop_index("ix_outbox_mails_unsent", table_name="outbox_mails")
    op.drop_table("outbox_mails")
    op.drop_index("ix_account_tokens_user_id", table_name="account_tokens")
    op.drop_table("account_tokens")
    with op.batch_alter_table("users") as batch:
        for column in ("kept_session", "token_generation", "pending_email", "email_verified_at", "age_max"):
            batch.drop_column(column)
        batch.drop_column("age_min")
        batch.drop_column("birthdate")
