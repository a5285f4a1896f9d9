"""The migrations on a SQLite database that already holds people, matches and messages.

Revision 0006 rebuilds tables to add AUTOINCREMENT; it must keep every row, index and foreign
key, and leave the app's connections enforcing foreign keys again.
"""

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade
from sqlalchemy.exc import IntegrityError

from friender import create_app
from friender.extensions import db

TABLES = ("users", "swipes", "matches", "messages", "photos", "reports", "tags")
NOW = "2026-11-01 10:00:00.000000"


def _seed_at_revision_0005(connection):
    for user_id, name in ((1, "ana"), (2, "ben"), (3, "cy")):
        connection.execute(
            sa.text(
                "INSERT INTO users (id, username, email, password_hash, bio, hobbies, interests, created_at, "
                "updated_at) VALUES (:id, :name, :email, 'hash', '', '[\"chess\"]', '[]', :now, :now)"
            ),
            {"id": user_id, "name": name, "email": f"{name}@example.com", "now": NOW},
        )
    connection.execute(
        sa.text("INSERT INTO swipes (swiper_id, swipee_id, liked, created_at) VALUES (1, 2, 1, :now), (2, 1, 1, :now)"),
        {"now": NOW},
    )
    connection.execute(
        sa.text(
            "INSERT INTO matches (user_low_id, user_high_id, matched_at, last_activity_at) VALUES (1, 2, :now, :now)"
        ),
        {"now": NOW},
    )
    connection.execute(
        sa.text("INSERT INTO messages (match_id, sender_id, body, created_at) VALUES (1, 1, 'hi', :now)"), {"now": NOW}
    )
    connection.execute(
        sa.text(
            "INSERT INTO photos (user_id, storage_key, status, position, created_at) "
            "VALUES (1, '2b1f0c36-8f0e-4c51-9a49-0d1b1f6f3c11', 'ready', 0, :now)"
        ),
        {"now": NOW},
    )
    connection.execute(
        sa.text("INSERT INTO reports (reporter_id, reported_id, reason, created_at) VALUES (3, 2, 'spam', :now)"),
        {"now": NOW},
    )


def _snapshot(connection, columns=None):
    """Rows and indexes of the 0005 tables; after later revisions, of the columns 0005 had (later
    revisions add columns and tables of their own)."""
    columns = columns or {table: [c["name"] for c in sa.inspect(connection).get_columns(table)] for table in TABLES}
    rows = {
        table: connection.execute(sa.text(f"SELECT {', '.join(columns[table])} FROM {table} ORDER BY 1")).all()
        for table in TABLES
    }
    indexes = connection.execute(
        sa.text(
            "SELECT tbl_name, name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN :tables ORDER BY name"
        ).bindparams(sa.bindparam("tables", expanding=True)),
        {"tables": list(TABLES)},
    ).all()
    return rows, indexes, columns


@pytest.fixture
def migrated_from_0005(tmp_path):
    """An app whose SQLite database held rows at revision 0005 before being upgraded to 0006."""
    app = create_app({"FRIENDER_ENV": "testing", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.sqlite3'}"})
    with app.app_context():
        upgrade(revision="0005_messaging")
        with db.engine.begin() as connection:
            _seed_at_revision_0005(connection)
            before = _snapshot(connection)
        upgrade(revision="0006_sqlite_autoincrement")
        yield before
        db.session.remove()


def test_0010_keeps_the_rows_and_autoincrement_and_files_old_reports_as_other(migrated_from_0005):
    rows_before = migrated_from_0005[0]

    upgrade(revision="0010_moderation")

    with db.engine.begin() as connection:
        users = connection.execute(sa.text("SELECT id, username, is_moderator, token_version FROM users")).all()
        report = connection.execute(sa.text("SELECT reason, category, handled_at FROM reports")).one()
        create_sql = connection.scalar(sa.text("SELECT sql FROM sqlite_master WHERE name = 'users'"))
        messages = connection.execute(sa.text("SELECT * FROM messages ORDER BY 1")).all()
    assert users == [(1, "ana", 0, 0), (2, "ben", 0, 0), (3, "cy", 0, 0)]
    assert tuple(report) == ("spam", "other", None)
    assert "AUTOINCREMENT" in create_sql
    assert messages == rows_before["messages"]


def test_0006_keeps_every_row_and_index_and_stops_id_reuse(migrated_from_0005):
    rows_before, indexes_before, columns = migrated_from_0005

    with db.engine.begin() as connection:
        rows_after, indexes_after, _ = _snapshot(connection, columns)
        create_sql = connection.scalar(sa.text("SELECT sql FROM sqlite_master WHERE name = 'users'"))
        leftovers = connection.scalar(sa.text("SELECT count(*) FROM sqlite_master WHERE sql LIKE '%__rebuilt%'"))

    assert rows_after == rows_before
    assert indexes_after == indexes_before
    assert "AUTOINCREMENT" in create_sql
    assert leftovers == 0

    with db.engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM users WHERE id = 3"))
        connection.execute(
            sa.text(
                "INSERT INTO users (username, email, password_hash, bio, hobbies, interests, created_at, updated_at) "
                "VALUES ('dee', 'dee@example.com', 'hash', '', '[]', '[]', :now, :now)"
            ),
            {"now": NOW},
        )
        newest = connection.scalar(sa.text("SELECT id FROM users WHERE username = 'dee'"))
    assert newest == 4  # not 3, the id of the account just deleted


def test_after_0006_foreign_keys_and_unique_indexes_still_hold(migrated_from_0005):
    with db.engine.begin() as connection:
        assert connection.scalar(sa.text("PRAGMA foreign_keys")) == 1
        connection.execute(sa.text("DELETE FROM users WHERE id = 1"))
        remaining = {
            table: connection.scalar(sa.text(f"SELECT count(*) FROM {table}"))
            for table in ("swipes", "matches", "messages", "photos", "reports")
        }
    assert remaining == {"swipes": 0, "matches": 0, "messages": 0, "photos": 0, "reports": 1}

    with pytest.raises(IntegrityError), db.engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO users (username, email, password_hash, bio, hobbies, interests, created_at, updated_at) "
                "VALUES ('BEN', 'other@example.com', 'hash', '', '[]', '[]', :now, :now)"
            ),
            {"now": NOW},
        )


def test_0009_gives_every_existing_profile_a_met_count_of_zero_and_keeps_the_rest(migrated_from_0005):
    rows_before, indexes_before, columns = migrated_from_0005

    upgrade(revision="0009_hangouts")  # 0014 replaces the lower() indexes on purpose

    with db.engine.begin() as connection:
        users = connection.execute(sa.text("SELECT id, username, met_count FROM users ORDER BY id")).all()
        rows_after, indexes_after, _ = _snapshot(connection, columns)
        create_sql = connection.scalar(sa.text("SELECT sql FROM sqlite_master WHERE name = 'users'"))
        hangouts_sql = connection.scalar(sa.text("SELECT sql FROM sqlite_master WHERE name = 'hangouts'"))
    assert users == [(1, "ana", 0), (2, "ben", 0), (3, "cy", 0)]
    assert rows_after == rows_before
    assert set(indexes_before) <= set(indexes_after)
    assert "AUTOINCREMENT" in create_sql and "AUTOINCREMENT" in hangouts_sql

    with db.engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO hangouts (match_id, proposer_id, activity, options, place_kind, note, status, created_at) "
                "VALUES (1, 1, 'Chess', '[]', 'cafe', '', 'proposed', :now)"
            ),
            {"now": NOW},
        )
        connection.execute(sa.text("DELETE FROM matches WHERE id = 1"))
        assert connection.scalar(sa.text("SELECT count(*) FROM hangouts")) == 0


def test_0011_folds_the_token_version_into_the_generation_and_keeps_autoincrement(migrated_from_0005):
    upgrade(revision="0010_moderation")
    with db.engine.begin() as connection:
        # ana was suspended once after a password change (kept session s1), ben changed his
        # password only, cy never revoked anything.
        connection.execute(
            sa.text("UPDATE users SET token_generation = 1, kept_session = 's1', token_version = 1 WHERE id = 1")
        )
        connection.execute(sa.text("UPDATE users SET token_generation = 2, kept_session = 's2' WHERE id = 2"))

    upgrade(revision="0011_token_revocation")

    with db.engine.begin() as connection:
        users = connection.execute(sa.text("SELECT id, token_generation, kept_session FROM users ORDER BY id")).all()
        columns = {column["name"] for column in sa.inspect(connection).get_columns("users")}
        create_sql = connection.scalar(sa.text("SELECT sql FROM sqlite_master WHERE name = 'users'"))
    # ana's tokens of generation 1 (her kept session's too) stay revoked, as her suspension left them.
    assert users == [(1, 2, None), (2, 2, "s2"), (3, 0, None)]
    assert "token_version" not in columns
    assert "AUTOINCREMENT" in create_sql

    downgrade(revision="0010_moderation")

    with db.engine.begin() as connection:
        versions = connection.execute(sa.text("SELECT token_version FROM users ORDER BY id")).scalars().all()
    assert versions == [0, 0, 0]
    upgrade()


def test_0012_lets_a_decided_report_be_followed_by_a_new_one_and_keeps_the_table(migrated_from_0005):
    rows_before, indexes_before, columns = migrated_from_0005

    upgrade(revision="0012_open_reports")

    with db.engine.begin() as connection:
        rows_after, indexes_after, _ = _snapshot(connection, columns)
        reports_sql = connection.scalar(sa.text("SELECT sql FROM sqlite_master WHERE name = 'reports'"))
        connection.execute(sa.text("UPDATE reports SET handled_at = :now"), {"now": NOW})
        connection.execute(
            sa.text("INSERT INTO reports (reporter_id, reported_id, reason, created_at) VALUES (3, 2, 'again', :now)"),
            {"now": NOW},
        )
    assert rows_after["reports"] == rows_before["reports"]
    assert "AUTOINCREMENT" in reports_sql and "uq_reports_reporter_id_reported_id" not in reports_sql
    # Every named index stays; the constraint's own (unnamed) one goes with it.
    assert {(name, sql) for table, name, sql in indexes_before if table == "reports" and sql} <= {
        (name, sql) for _table, name, sql in indexes_after
    }
    with pytest.raises(IntegrityError), db.engine.begin() as connection:
        connection.execute(
            sa.text("INSERT INTO reports (reporter_id, reported_id, reason, created_at) VALUES (3, 2, 'more', :now)"),
            {"now": NOW},
        )

    downgrade(revision="0011_token_revocation")

    with db.engine.begin() as connection:
        reasons = connection.execute(sa.text("SELECT reason FROM reports")).scalars().all()
        assert connection.scalar(sa.text("PRAGMA foreign_keys")) == 1
    assert reasons == ["again"]
    upgrade()


def _add_account_token(connection, digest, purpose):
    connection.execute(
        sa.text(
            "INSERT INTO account_tokens (digest, user_id, purpose, created_at, expires_at) "
            "VALUES (:digest, 1, :purpose, :now, :now)"
        ),
        {"digest": digest, "purpose": purpose, "now": NOW},
    )


def test_0013_lets_account_tokens_carry_appeals_and_its_downgrade_removes_them(migrated_from_0005):
    upgrade(revision="0013_appeal_links")
    with db.engine.begin() as connection:
        _add_account_token(connection, "a" * 64, "appeal")
        _add_account_token(connection, "r" * 64, "reset_password")
    with pytest.raises(IntegrityError), db.engine.begin() as connection:
        _add_account_token(connection, "x" * 64, "anything")

    downgrade(revision="0012_open_reports")

    with db.engine.begin() as connection:
        purposes = connection.execute(sa.text("SELECT purpose FROM account_tokens")).scalars().all()
        columns = {column["name"] for column in sa.inspect(connection).get_columns("account_tokens")}
    assert purposes == ["reset_password"] and "action_id" not in columns
    with pytest.raises(IntegrityError), db.engine.begin() as connection:
        _add_account_token(connection, "b" * 64, "appeal")
    upgrade()


def _add_user(connection, username, email):
    connection.execute(
        sa.text(
            "INSERT INTO users (username, email, password_hash, bio, hobbies, interests, created_at, updated_at) "
            "VALUES (:username, :email, 'hash', '', '[]', '[]', :now, :now)"
        ),
        {"username": username, "email": email, "now": NOW},
    )


def test_0014_backfills_the_login_keys_and_keeps_autoincrement(migrated_from_0005):
    upgrade(revision="0013_appeal_links")
    with db.engine.begin() as connection:
        _add_user(connection, "Dee", "ÄNNE@X.org")

    upgrade(revision="0014_login_keys")

    with db.engine.begin() as connection:
        keys = connection.execute(sa.text("SELECT username_key, email_key FROM users ORDER BY id")).all()
        create_sql = connection.scalar(sa.text("SELECT sql FROM sqlite_master WHERE name = 'users'"))
    assert [tuple(row) for row in keys] == [
        ("ana", "ana@example.com"),
        ("ben", "ben@example.com"),
        ("cy", "cy@example.com"),
        ("dee", "änne@x.org"),
    ]
    assert "AUTOINCREMENT" in create_sql
    with pytest.raises(IntegrityError), db.engine.begin() as connection:
        connection.execute(sa.text("UPDATE users SET email_key = 'änne@x.org' WHERE id = 1"))


def test_0014_refuses_accounts_that_share_a_login_key_and_changes_nothing(migrated_from_0005, capfd):
    upgrade(revision="0013_appeal_links")
    with db.engine.begin() as connection:
        # Both got in under SQLite's lower(), which folds ASCII letters only.
        _add_user(connection, "dee", "ÄNNE@x.org")
        _add_user(connection, "eve", "änne@x.org")

    with pytest.raises(SystemExit):  # how ``flask db upgrade`` fails: the error logged, exit status 1
        upgrade(revision="0014_login_keys")

    assert "email 'änne@x.org': users [4, 5]" in capfd.readouterr().err

    with db.engine.begin() as connection:
        columns = {column["name"] for column in sa.inspect(connection).get_columns("users")}
        revision = connection.scalar(sa.text("SELECT version_num FROM alembic_version"))
    assert "email_key" not in columns and revision == "0013_appeal_links"
