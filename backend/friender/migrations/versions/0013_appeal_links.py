"""Appeal links: a decision mail carries a single-use token to appeal without signing in.

``account_tokens`` gains the ``appeal`` purpose and the ``action_id`` it appeals. SQLite cannot
change a CHECK constraint in place, so there the (small, short-lived) table is rebuilt by
Alembic's batch mode; it has no AUTOINCREMENT to lose (its key is the digest).

Downgrade deletes the appeal tokens (the old purpose rule has no room for them).

Revision ID: 0013_appeal_links
Revises: 0012_open_reports
Create Date: 2026-12-03
"""

import contextlib
import warnings

import sqlalchemy as sa
from alembic import op

revision = "0013_appeal_links"
down_revision = "0012_open_reports"
branch_labels = None
depends_on = None

# Revision 0008 named its rule with the prefix twice (the naming convention added one more);
# the new rule takes the name the model gives it.
OLD_CHECK = "ck_account_tokens_ck_account_tokens_purpose"
CHECK = "ck_account_tokens_purpose"
FOREIGN_KEY = "fk_account_tokens_action_id_moderation_actions"


def upgrade():
    with _batch() as batch:
        batch.add_column(sa.Column("action_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f(FOREIGN_KEY), "moderation_actions", ["action_id"], ["id"], ondelete="CASCADE")
        batch.drop_constraint(op.f(OLD_CHECK), type_="check")
        batch.create_check_constraint(op.f(CHECK), "purpose IN ('verify_email', 'reset_password', 'appeal')")


def downgrade():
    op.execute("DELETE FROM account_tokens WHERE purpose = 'appeal'")
    with _batch() as batch:
        batch.drop_constraint(op.f(FOREIGN_KEY), type_="foreignkey")
        batch.drop_column("action_id")
        batch.drop_constraint(op.f(CHECK), type_="check")
        batch.create_check_constraint(op.f(OLD_CHECK), "purpose IN ('verify_email', 'reset_password')")


@contextlib.contextmanager
def _batch():
    # Reflecting the table's foreign keys reflects ``users`` too, whose lower() indexes SQLAlchemy
    # cannot read; the rebuild does not touch them.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index")
        with op.batch_alter_table("account_tokens") as batch:
            yield batch
