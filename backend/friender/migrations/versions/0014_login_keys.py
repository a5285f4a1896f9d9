"""Login keys: one account per username and per email address, whatever their Unicode spelling.

``users`` gains ``username_key`` and ``email_key`` (NFKC, case-folded, NFKC again: see
``friender.models.login_key``) with a unique index each; they replace the indexes on
``lower(username)`` and ``lower(email)``, which SQLite applies to ASCII letters only, so that
``ÄNNE@x.org`` and ``änne@x.org`` could become two accounts there.

Existing rows are backfilled. When two existing accounts share a key, the migration stops
before changing anything and names them: which account keeps the name is a person's decision
(docs/operations.md, "Upgrading to login keys"), never one a migration should guess.

The columns are added in place (SQLite's ``ALTER TABLE ADD COLUMN``, so the table keeps its
AUTOINCREMENT) with an empty default that the backfill replaces; PostgreSQL then drops the
default, SQLite keeps it (removing one would rebuild the table). The app always writes both.

Revision ID: 0014_login_keys
Revises: 0013_appeal_links
Create Date: 2026-12-03
"""

import unicodedata
from collections import defaultdict

import sqlalchemy as sa
from alembic import op

revision = "0014_login_keys"
down_revision = "0013_appeal_links"
branch_labels = None
depends_on = None

KEYED_COLUMNS = ("username", "email")


def _login_key(text):
    # Frozen here: a migration must compute the keys its revision defined, whatever the app does later.
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())


def _keys_or_refuse(connection):
    """Each user's keys, after checking that no two users share one (else a clear error, nothing changed)."""
    rows = connection.execute(sa.text("SELECT id, username, email FROM users ORDER BY id")).all()
    clashes = []
    for index, column in enumerate(KEYED_COLUMNS, start=1):
        owners = defaultdict(list)
        for row in rows:
            owners[_login_key(row[index])].append(row.id)
        clashes += [f"{column} {key!r}: users {ids}" for key, ids in owners.items() if len(ids) > 1]
    if clashes:
        raise RuntimeError(
            "0014_login_keys: these accounts share a username or email once Unicode-normalised and "
            "case-folded; rename all but one of each group, then upgrade again (docs/operations.md, "
            "'Upgrading to login keys'):\n  " + "\n  ".join(clashes)
        )
    return [
        {"id": row.id, "username_key": _login_key(row.username), "email_key": _login_key(row.email)} for row in rows
    ]


def upgrade():
    connection = op.get_bind()
    keys = _keys_or_refuse(connection)
    for column in KEYED_COLUMNS:
        op.add_column("users", sa.Column(f"{column}_key", sa.String(length=254), nullable=False, server_default=""))
    if keys:
        connection.execute(
            sa.text("UPDATE users SET username_key = :username_key, email_key = :email_key WHERE id = :id"), keys
        )
    for column in KEYED_COLUMNS:
        if connection.dialect.name == "postgresql":
            op.alter_column("users", f"{column}_key", server_default=None)
        op.drop_index(f"uq_users_{column}_lower", table_name="users")
        op.create_index(f"uq_users_{column}_key", "users", [f"{column}_key"], unique=True)


def downgrade():
    for column in KEYED_COLUMNS:
        op.drop_index(f"uq_users_{column}_key", table_name="users")
        op.drop_column("users", f"{column}_key")
        op.create_index(f"uq_users_{column}_lower", "users", [sa.text(f"lower({column})")], unique=True)
