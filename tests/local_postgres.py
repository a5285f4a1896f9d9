"""Print a PostgreSQL URL for the backend suite, or nothing when no PostgreSQL answers.

`make test` runs the suite on PostgreSQL whenever one is running on this machine, so the
dialect-specific code is exercised by default and not only in CI. The suite drops the schema
of the database it is given, so this never hands it an existing database: it creates one of
its own per checkout (``friender_test_<checkout folder>``), leaving every other database alone.
"""

import os
import re
import sys
from pathlib import Path

import sqlalchemy as sa

SERVER = os.environ.get("LOCAL_POSTGRES_SERVER", "postgresql+psycopg2://postgres@127.0.0.1:5432")


def main():
    """Create the checkout's test database if needed and print its URL; print nothing on failure."""
    checkout = re.sub(r"[^a-z0-9]+", "_", Path(__file__).resolve().parents[1].name.lower())
    name = f"friender_test_{checkout}".strip("_")[:63]
    try:
        engine = sa.create_engine(
            f"{SERVER}/postgres", isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 2}
        )
        with engine.connect() as connection:
            exists = connection.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first()
            if not exists:
                connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
    except sa.exc.SQLAlchemyError:
        return 0
    print(f"{SERVER}/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
