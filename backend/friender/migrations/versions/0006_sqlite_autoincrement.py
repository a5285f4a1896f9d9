"""SQLite: never reuse the id of a deleted user, match, message or photo.

Without AUTOINCREMENT, SQLite gives a new row the largest id in its table plus one, so deleting
the newest account and signing up again handed out the same user id, and the deleted account's
tokens (whose ``sub`` is that id) then worked for the new person. Message ids are what
``Last-Event-ID`` resumes from, so they must only grow too. PostgreSQL's identity sequences never
go back, so this revision changes nothing there.

SQLite cannot add AUTOINCREMENT to a table in place: each table is rebuilt from its own
``CREATE TABLE`` text with the primary key declared on the id column, its rows copied, and its
indexes recreated from their own text (foreign key enforcement is off while migrations run, see
``env.py``, so dropping the old table cascades nothing).

Revision ID: 0006_sqlite_autoincrement
Revises: 0005_messaging
Create Date: 2026-12-03
"""

import re

import sqlalchemy as sa
from alembic import op

revision = "0006_sqlite_autoincrement"
down_revision = "0005_messaging"
branch_labels = None
depends_on = None

TABLES = ("users", "swipes", "matches", "reports", "messages", "photos", "tags")


def upgrade():
    connection = op.get_bind()
    if connection.dialect.name != "sqlite":
        return
    for table in TABLES:
        _rebuild_with_autoincrement(connection, table)
    problems = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if problems:
        raise RuntimeError(f"foreign keys broken by the rebuild: {problems}")


def downgrade():
    # AUTOINCREMENT only stops ids from being handed out twice; the tables are otherwise the same.
    pass


def _rebuild_with_autoincrement(connection, table):
    """Recreate ``table`` with ``id INTEGER … PRIMARY KEY AUTOINCREMENT``, keeping rows and indexes."""
    create_sql = connection.scalar(
        sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :name"), {"name": table}
    )
    if "AUTOINCREMENT" in create_sql:
        return
    index_sqls = connection.scalars(
        sa.text("SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = :name AND sql IS NOT NULL"),
        {"name": table},
    ).all()
    new_sql = _with_autoincrement(create_sql, table)
    rebuilt = f"{table}__rebuilt"
    connection.exec_driver_sql(new_sql.replace(f"CREATE TABLE {table} (", f"CREATE TABLE {rebuilt} (", 1))
    connection.exec_driver_sql(f"INSERT INTO {rebuilt} SELECT * FROM {table}")
    connection.exec_driver_sql(f"DROP TABLE {table}")
    connection.exec_driver_sql(f"ALTER TABLE {rebuilt} RENAME TO {table}")
    for index_sql in index_sqls:
        connection.exec_driver_sql(index_sql)


def _with_autoincrement(create_sql, table):
    """The table's DDL with its named primary key constraint moved onto the id column."""
    constraint = f"CONSTRAINT pk_{table} PRIMARY KEY"
    sql, moved = re.subn(rf",\s*{constraint} \(id\)", "", create_sql)
    sql, declared = re.subn(r"\bid INTEGER NOT NULL,", f"id INTEGER NOT NULL {constraint} AUTOINCREMENT,", sql, count=1)
    if (moved, declared) != (1, 1):
        raise RuntimeError(f"unexpected CREATE TABLE for {table}: {create_sql}")
    return sql
