"""seed.py builds a world the demo account can use at once, and refuses to wipe production."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from friender import create_app

ROOT = Path(__file__).resolve().parents[2]
FLASK = Path(sys.executable).parent / "flask"


def run(args, env, check=True):
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=check)


@pytest.fixture
def fresh_database(tmp_path):
    """A migrated SQLite file and local storage folder of its own, as `make run` would make them."""
    env = {
        **os.environ,
        "FRIENDER_ENV": "development",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'seed.sqlite3'}",
        "LOCAL_STORAGE_DIR": str(tmp_path / "uploads"),
        "JWT_SECRET_KEY": "seed-test-secret-key-long-enough-for-hs256-signing",
    }
    env.pop("TEST_DATABASE_URL", None)
    run([FLASK, "--app", "friender", "db", "upgrade"], env)
    return env


def app_for(env):
    return create_app(
        {
            "FRIENDER_ENV": "testing",
            "SQLALCHEMY_DATABASE_URI": env["DATABASE_URL"],
            "LOCAL_STORAGE_DIR": env["LOCAL_STORAGE_DIR"],
        }
    )


def test_the_demo_account_discovers_people_with_photos_and_its_yeses_become_matches(fresh_database):
    seeded = run([sys.executable, "seed.py", "--users", "200"], fresh_database)
    assert "Demo login: username 'demo', password 'friender-demo'" in seeded.stdout
    client = app_for(fresh_database).test_client()

    login = client.post("/api/auth/login", json={"username": "demo", "password": "friender-demo"})
    headers = {"Authorization": f"Bearer {login.get_json()['access_token']}"}
    cards = client.get("/api/discover?limit=20", headers=headers).get_json()["users"]
    matches_before = client.get("/api/matches", headers=headers).get_json()["matches"]

    assert len(cards) == 20
    assert all(card["photos"] for card in cards)
    photo = client.get(cards[0]["photos"][0]["thumb_url"].replace("http://localhost", ""))
    assert photo.status_code == 200 and photo.mimetype == "image/jpeg"
    assert len(matches_before) == 1 and matches_before[0]["last_message"] is not None
    hangouts = client.get(f"/api/matches/{matches_before[0]['id']}/hangouts", headers=headers).get_json()["hangouts"]
    assert [(h["status"], h["accepted_option"]) for h in hangouts] == [("accepted", 0)]
    assert (
        client.get(
            f"/api/matches/{matches_before[0]['id']}/hangouts/{hangouts[0]['id']}.ics", headers=headers
        ).status_code
        == 200
    )
    new_matches = [
        client.post("/api/swipes", json={"user_id": card["id"], "liked": True}, headers=headers).get_json()["match"]
        for card in cards[:6]
    ]
    assert any(new_matches), "the demo account's first Yeses should meet people who already said yes"
    assert len(client.get("/api/matches", headers=headers).get_json()["matches"]) > 1


def test_seeding_twice_adds_nobody_twice(fresh_database):
    run([sys.executable, "seed.py", "--users", "30", "--no-photos"], fresh_database)
    again = run([sys.executable, "seed.py", "--users", "30", "--no-photos"], fresh_database)

    assert "Added 0 people" in again.stdout
    engine = sa.create_engine(fresh_database["DATABASE_URL"])
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM users")).scalar() == 31
        assert connection.execute(sa.text("SELECT count(*) FROM matches")).scalar() == 1
    engine.dispose()


def test_reset_refuses_a_production_database_without_force(fresh_database):
    run([sys.executable, "seed.py", "--users", "10", "--no-photos"], fresh_database)
    production = {**fresh_database, "FRIENDER_ENV": "production"}

    refused = run([sys.executable, "seed.py", "--reset", "--users", "0"], production, check=False)

    assert refused.returncode != 0
    assert "Refusing to --reset a production database" in refused.stderr
    engine = sa.create_engine(fresh_database["DATABASE_URL"])
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM users")).scalar() == 11
    engine.dispose()
