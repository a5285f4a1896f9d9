"""One account-wide token revocation: ``token_generation`` (with ``kept_session``) replaces ``token_version``.

A suspension or ban moved ``token_version`` on, a password reset or change ``token_generation``;
both now move the generation. The version is folded into it, so no token that either column
revoked comes back: an account whose version ever moved gets a generation past every token it
issued before, and forgets its kept session (a suspension had revoked that one too). Such an
account signs in once more; nobody else notices.

Downgrade adds ``token_version`` back at 0, which every token issued since carries (as none).

Revision ID: 0011_token_revocation
Revises: 0010_moderation
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_token_revocation"
down_revision = "0010_moderation"
branch_labels = None
depends_on = None


def upgrade():
    op.execute(
        "UPDATE users SET token_generation = token_generation + token_version, kept_session = NULL "
        "WHERE token_version <> 0"
    )
    # A plain ALTER TABLE DROP COLUMN (SQLite 3.35+): a batch rebuild would drop the AUTOINCREMENT
    # that revision 0006 gave the table.
    op.drop_column("users", "token_version")


def downgrade():
    op.add_column("users", sa.Column("token_version", sa.Integer(), nullable=False, server_default="0"))
