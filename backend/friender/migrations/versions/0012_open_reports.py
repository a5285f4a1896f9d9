"""One *open* report per reporter and person: a decided case can be reported again.

The unique (reporter, reported) constraint becomes a unique index over the undecided reports
only (``handled_at IS NULL``). SQLite cannot drop a table constraint, so there the table is
rebuilt from its own DDL without it, keeping AUTOINCREMENT, rows and indexes.

Downgrade keeps each pair's newest report (the old rule allowed one) and restores the rule as a
unique index.

Revision ID: 0012_open_reports
Revises: 0011_token_revocation
Create Date: 2026-12-03
"""

import re

import sqlalchemy as sa
from alembic import op

revision = "0012_open_reports"
down_revision = "0011_token_revocation"
branch_labels = None
depends_on = None

OLD = "uq_reports_reporter_id_reported_id"
OPEN = "handled_at IS NULL"


def upgrade():
    connection = op.get_bind()
    constraints = {constraint["name"] for constraint in sa.inspect(connection).get_unique_constraints("reports")}
    if OLD not in constraints:  # a downgrade left the rule as an index
        op.drop_index(OLD, table_name="reports")
    elif connection.dialect.name == "sqlite":
        _rebuild_reports_without(connection, OLD)
    else:
        op.drop_constraint(OLD, "reports", type_="unique")
    op.create_index(
        "uq_reports_open_reporter_id_reported_id",
        "reports",
        ["reporter_id", "reported_id"],
        unique=True,
        postgresql_where=sa.text(OPEN),
        sqlite_where=sa.text(OPEN),
    )


def downgrade():
    op.execute(
        "DELETE FROM reports WHERE EXISTS (SELECT 1 FROM reports AS newer WHERE newer.reporter_id = "
        "reports.reporter_id AND newer.reported_id = reports.reported_id AND newer.id > reports.id)"
    )
    op.drop_index("uq_reports_open_reporter_id_reported_id", table_name="reports")
    op.create_index(OLD, "reports", ["reporter_id", "reported_id"], unique=True)


def _rebuild_reports_without(connection, constraint):
    """Recreate ``reports`` from its DDL minus ``constraint``, keeping its rows and indexes."""
    create_sql = connection.scalar(sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'reports'"))
    new_sql, removed = re.subn(rf",\s*CONSTRAINT {constraint} UNIQUE \([^)]*\)", "", create_sql)
    if removed != 1:
        raise RuntimeError(f"unexpected CREATE TABLE for reports: {create_sql}")
    index_sqls = connection.scalars(
        sa.text("SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'reports' AND sql IS NOT NULL")
    ).all()
    # A table renamed by revision 0006 has its name quoted in its DDL.
    new_sql, renamed = re.subn(r'^CREATE TABLE "?reports"? \(', "CREATE TABLE reports__rebuilt (", new_sql)
    if renamed != 1:
        raise RuntimeError(f"unexpected CREATE TABLE for reports: {create_sql}")
    connection.exec_driver_sql(new_sql)
    connection.exec_driver_sql("INSERT INTO reports__rebuilt SELECT * FROM reports")
    connection.exec_driver_sql("DROP TABLE reports")
    connection.exec_driver_sql("ALTER TABLE reports__rebuilt RENAME TO reports")
    for index_sql in index_sqls:
        connection.exec_driver_sql(index_sql)
