"""No password, password hash or token ever reaches the logs, the access log included."""

import logging

import pytest
import requests
import sqlalchemy as sa

from friender.extensions import db
from friender.models import User
from tests.backend.processes import AppProcess

PASSWORD = "a secret pass phrase"
NEW_PASSWORD = "another hidden pass phrase"
TOKEN = "single-use-token-4f1c9a7e"


# Echo makes SQLAlchemy log every statement it runs, so the flows below produce many records
# (the test cannot pass on an empty log) and the hash and token ids go through the log path.
@pytest.mark.app_config(SQLALCHEMY_ECHO=True)
def test_auth_flows_log_no_secret(client, caplog):
    caplog.set_level(logging.DEBUG)
    signup = client.post(
        "/api/auth/signup",
        json={"username": "logged", "email": "logged@example.com", "password": PASSWORD, "birthdate": "1990-05-15"},
    ).get_json()
    client.post("/api/auth/login", json={"username": "logged", "password": "wrong " + PASSWORD})
    client.post("/api/auth/login", json={"username": "nobody", "password": PASSWORD})
    client.post("/api/auth/refresh", headers={"Authorization": f"Bearer {signup['refresh_token']}"})
    client.get("/api/me", headers={"Authorization": "Bearer not-a-token"})
    client.post(
        "/api/me/password",
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        headers={"Authorization": f"Bearer {signup['access_token']}"},
    )
    client.post("/api/auth/password-reset", json={"email": "logged@example.com"})
    client.post("/api/auth/logout", headers={"Authorization": f"Bearer {signup['access_token']}"})
    client.get("/api/me", headers={"Authorization": f"Bearer {signup['access_token']}"})
    password_hash = db.session.scalar(sa.select(User.password_hash).where(User.username == "logged"))

    statements = [record for record in caplog.records if record.name.startswith("sqlalchemy.engine")]
    assert any("INSERT INTO users" in record.getMessage() for record in statements)
    assert any("revoked_tokens" in record.getMessage() for record in statements)
    logged = "\n".join(record.getMessage() for record in caplog.records) + caplog.text
    for secret in (PASSWORD, NEW_PASSWORD, password_hash, signup["access_token"], signup["refresh_token"]):
        assert secret not in logged
    assert signup["access_token"].split(".")[2] not in logged


def test_the_access_log_keeps_paths_but_never_a_mailed_links_token(database_url, tmp_path):
    # `make run` and the Dockerfile log every request to the console with --access-logfile -;
    # gunicorn's default format would write the query string and the Referer.
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "index.html").write_text("<!doctype html><title>Friender</title>")
    env = {
        "FRIENDER_ENV": "testing",
        "DATABASE_URL": database_url,
        "FRONTEND_DIST": str(dist),
        "GUNICORN_CMD_ARGS": "--access-logfile -",
    }
    server = AppProcess(env)
    try:
        server.wait_until_serving()
        page = requests.get(f"{server.base_url}/reset-password?token={TOKEN}", timeout=10)
        # The page then calls the API; an older browser may still send the full page address.
        api = requests.post(
            f"{server.base_url}/api/auth/password-reset/confirm",
            json={"token": TOKEN, "password": NEW_PASSWORD},
            headers={"Referer": f"{server.base_url}/reset-password?token={TOKEN}"},
            timeout=10,
        )
    finally:
        # Read once the server has stopped: gunicorn writes a request's line after its response.
        written = server.stop()

    assert page.status_code == 200 and api.status_code == 400, api.text
    assert '"GET /reset-password HTTP/1.1" 200' in written
    assert '"POST /api/auth/password-reset/confirm HTTP/1.1" 400' in written
    assert TOKEN not in written
