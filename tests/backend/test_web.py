"""The built browser app: precompressed files, cache lifetimes, robots.txt and the history fallback."""

import gzip
from pathlib import Path

import pytest

from friender import create_app

ROBOTS = Path(__file__).resolve().parents[2] / "frontend" / "public" / "robots.txt"
SCRIPT = "console.info('friender');\n" * 200


@pytest.fixture
def built(database_url, tmp_path):
    """A test client for an app serving a dist/ shaped like the build's (with .br and .gz copies)."""
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text('<!doctype html><div id=root></div><script src="/assets/app-1a2b.js"></script>')
    asset = dist / "assets" / "app-1a2b.js"
    asset.write_text(SCRIPT)
    (dist / "assets" / "app-1a2b.js.gz").write_bytes(gzip.compress(SCRIPT.encode()))
    # Not real brotli: the server must pass the build's bytes through untouched, whatever they are.
    (dist / "assets" / "app-1a2b.js.br").write_bytes(b"brotli bytes of app-1a2b.js")
    (dist / "robots.txt").write_text(ROBOTS.read_text())
    app = create_app({"FRIENDER_ENV": "testing", "SQLALCHEMY_DATABASE_URI": database_url, "FRONTEND_DIST": str(dist)})
    return app.test_client()


def test_hashed_assets_are_immutable_and_sent_compressed_as_asked(built):
    brotli = built.get("/assets/app-1a2b.js", headers={"Accept-Encoding": "gzip, deflate, br"})
    gzipped = built.get("/assets/app-1a2b.js", headers={"Accept-Encoding": "gzip"})
    plain = built.get("/assets/app-1a2b.js", headers={"Accept-Encoding": "identity"})

    for response in (brotli, gzipped, plain):
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert response.mimetype == "text/javascript"
        assert "Accept-Encoding" in response.headers["Vary"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert brotli.headers["Content-Encoding"] == "br"
    assert brotli.data == b"brotli bytes of app-1a2b.js"
    assert gzipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(gzipped.data).decode() == SCRIPT
    assert "Content-Encoding" not in plain.headers
    assert plain.get_data(as_text=True) == SCRIPT


def test_an_asset_already_held_is_answered_304_without_a_body(built):
    first = built.get("/assets/app-1a2b.js", headers={"Accept-Encoding": "br"})

    again = built.get("/assets/app-1a2b.js", headers={"Accept-Encoding": "br", "If-None-Match": first.headers["ETag"]})

    assert again.status_code == 304 and again.data == b""


def test_the_page_is_revalidated_on_every_load_and_keeps_its_policy(built):
    for path in ("/", "/discover", "/matches/12", "/index.html", "/reset-password?token=abc"):
        response = built.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-cache", path
        assert response.get_data(as_text=True).startswith("<!doctype html>"), path
        assert "script-src 'self';" in response.headers["Content-Security-Policy"], path
        assert response.headers["X-Frame-Options"] == "DENY", path
        assert response.headers["Referrer-Policy"] == "strict-origin", path


def test_robots_txt_is_the_text_file_not_the_app(built):
    response = built.get("/robots.txt")

    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    assert response.get_data(as_text=True) == ROBOTS.read_text()
    assert "User-agent: *" in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "max-age=86400, public"


def test_an_asset_of_another_build_is_a_404_not_the_page(built):
    response = built.get("/assets/app-0000.js")

    assert response.status_code == 404
    assert not response.get_data(as_text=True).startswith("<!doctype html>")


def test_api_answers_are_not_touched_by_the_file_server(built):
    response = built.get("/api/health", headers={"Accept-Encoding": "br"})

    assert response.status_code == 200 and response.get_json()["status"] == "ok"
    assert "Content-Encoding" not in response.headers
