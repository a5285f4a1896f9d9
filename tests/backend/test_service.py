"""The error shape everywhere, health, the OpenAPI document and configuration safety."""

import re

import pytest

from friender import create_app
from friender.config import ConfigError


def assert_error_shape(response, status, code):
    assert response.status_code == status
    assert response.content_type.startswith("application/json")
    body = response.get_json()
    assert body["error"] == code
    assert isinstance(body["message"], str) and body["message"]
    assert "Traceback" not in response.get_data(as_text=True)


def test_unknown_api_route_is_json_404(client):
    assert_error_shape(client.get("/api/nope"), 404, "not_found")
    assert_error_shape(client.post("/api/nope/deeper"), 404, "not_found")


def test_wrong_method_is_json_405(client):
    assert_error_shape(client.put("/api/me"), 405, "method_not_allowed")
    assert_error_shape(client.get("/api/auth/login"), 405, "method_not_allowed")


@pytest.mark.app_config(MAX_CONTENT_LENGTH=1024)
def test_oversized_body_is_json_413(client):
    response = client.post("/api/auth/signup", data="x" * 4096, content_type="application/json")

    assert_error_shape(response, 413, "payload_too_large")


def test_health_reports_each_part(client):
    response = client.get("/api/health")

    assert response.status_code == 200
    assert response.get_json()["status"] == "ok"
    assert response.get_json()["database"] == "ok"


@pytest.mark.app_config(SQLALCHEMY_DATABASE_URI="postgresql+psycopg2://nobody@127.0.0.1:1/none")
def test_health_names_an_unreachable_database(client):
    response = client.get("/api/health")

    assert response.status_code == 503
    assert response.get_json()["database"] == "unavailable"
    assert response.get_json()["status"] == "unavailable"


@pytest.mark.app_config(SQLALCHEMY_DATABASE_URI="postgresql+psycopg2://nobody@127.0.0.1:1/none")
def test_unreachable_database_is_json_503(client):
    response = client.post("/api/auth/login", json={"username": "someone", "password": "whatever1"})

    assert_error_shape(response, 503, "service_unavailable")


def test_openapi_document_describes_every_api_route_with_bearer_auth(client, app):
    spec = client.get("/api/openapi.json").get_json()

    assert spec["openapi"].startswith("3.")
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    documented = {(path, method.upper()) for path, operations in spec["paths"].items() for method in operations}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method) in documented, (path, method)
    assert spec["paths"]["/api/auth/login"]["post"]["security"] == [{}]
    assert spec["paths"]["/api/docs"]["get"]["security"] == [{}]  # the document describes itself and its UI


def test_docs_page_is_served_with_its_own_assets(client):
    response = client.get("/api/docs")
    page = response.get_data(as_text=True)

    assert response.status_code == 200
    assert "swagger" in page.lower()
    # Offline: every script and stylesheet comes from the app itself, and the CSP allows no other origin.
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert assets and all(url.startswith("/api/docs/assets/") for url in assets)
    for url in assets:
        asset = client.get(url)
        assert asset.status_code == 200 and len(asset.data) > 1000, url
    assert "http" not in response.headers["Content-Security-Policy"]


def test_docs_assets_stay_inside_the_bundle(client):
    outside = ("../../__init__.py", "%2e%2e/api_docs.py", "nope.js")
    for path in ("/api/docs/assets/" + name for name in outside):
        response = client.get(path)
        assert response.status_code == 404
        assert response.get_json()["error"] == "not_found"


def test_production_refuses_to_start_without_a_strong_secret_or_database(monkeypatch):
    with pytest.raises(ConfigError, match="JWT_SECRET_KEY"):
        create_app({"FRIENDER_ENV": "production", "JWT_SECRET_KEY": None, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with pytest.raises(ConfigError, match="JWT_SECRET_KEY"):
        create_app({"FRIENDER_ENV": "production", "JWT_SECRET_KEY": "short", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with pytest.raises(ConfigError, match="DATABASE_URL"):
        create_app({"FRIENDER_ENV": "production", "JWT_SECRET_KEY": "k" * 40, "SQLALCHEMY_DATABASE_URI": None})


def test_production_cookies_are_secure(database_url):
    app = create_app(
        {"FRIENDER_ENV": "production", "JWT_SECRET_KEY": "k" * 40, "SQLALCHEMY_DATABASE_URI": database_url}
    )

    assert app.config["JWT_COOKIE_SECURE"] is True
    assert app.config["BCRYPT_LOG_ROUNDS"] == 12


def test_development_generates_and_keeps_a_signing_key(tmp_path):
    settings = {"FRIENDER_ENV": "development", "JWT_SECRET_KEY": None, "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    first = create_app(settings, instance_path=str(tmp_path / "one"))
    second = create_app(settings, instance_path=str(tmp_path / "one"))
    elsewhere = create_app(settings, instance_path=str(tmp_path / "two"))

    assert len(first.config["JWT_SECRET_KEY"]) >= 32
    assert (tmp_path / "one" / "jwt-secret").read_text().strip() == first.config["JWT_SECRET_KEY"]
    assert first.config["JWT_SECRET_KEY"] == second.config["JWT_SECRET_KEY"]
    assert elsewhere.config["JWT_SECRET_KEY"] != first.config["JWT_SECRET_KEY"]


def test_client_routes_fall_back_to_the_built_app_but_api_does_not(database_url, tmp_path):
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><div id=root></div>")
    (dist / "assets" / "app-123.js").write_text("console.info(1)")
    app = create_app({"FRIENDER_ENV": "testing", "SQLALCHEMY_DATABASE_URI": database_url, "FRONTEND_DIST": str(dist)})
    client = app.test_client()

    assert client.get("/matches/12").get_data(as_text=True).startswith("<!doctype html>")
    assert client.get("/").status_code == 200
    asset = client.get("/assets/app-123.js")
    assert asset.status_code == 200 and "immutable" in asset.headers["Cache-Control"]
    assert_error_shape(client.get("/api/unknown"), 404, "not_found")
    assert_error_shape(client.get("/api"), 404, "not_found")


@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
def test_migrations_match_the_models(app):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from friender.extensions import db

    with db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), db.metadata)

    assert differences == []


def test_api_responses_carry_security_headers(client):
    response = client.get("/api/health")

    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "strict-origin"  # mailed links hold tokens in the query
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert "Strict-Transport-Security" not in response.headers


def test_the_built_app_gets_a_strict_content_security_policy(database_url, tmp_path):
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "index.html").write_text("<!doctype html><div id=root></div>")
    app = create_app(
        {
            "FRIENDER_ENV": "testing",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "FRONTEND_DIST": str(dist),
            "STORAGE_BACKEND": "s3",
            "S3_BUCKET": "photos",
            "S3_ENDPOINT_URL": "http://127.0.0.1:9000",
        }
    )

    policy = app.test_client().get("/discover").headers["Content-Security-Policy"]

    assert "script-src 'self';" in policy
    assert "img-src 'self' data: blob: http://127.0.0.1:9000" in policy
    assert "connect-src 'self' http://127.0.0.1:9000" in policy
    assert "frame-ancestors 'none'" in policy


def test_cors_allows_only_configured_origins(database_url):
    app = create_app(
        {"FRIENDER_ENV": "testing", "SQLALCHEMY_DATABASE_URI": database_url, "CORS_ORIGINS": ["https://ok.example"]}
    )
    client = app.test_client()

    allowed = client.get("/api/health", headers={"Origin": "https://ok.example"})
    refused = client.get("/api/health", headers={"Origin": "https://evil.example"})

    assert allowed.headers["Access-Control-Allow-Origin"] == "https://ok.example"
    assert "Access-Control-Allow-Origin" not in refused.headers


@pytest.mark.app_config(SQLALCHEMY_DATABASE_URI="postgresql+psycopg2://nobody@127.0.0.1:1/none")
def test_ping_answers_without_touching_any_dependency(client):
    response = client.get("/api/ping")

    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
