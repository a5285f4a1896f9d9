"""The compose nginx (deploy/nginx.conf), run here: its access log never holds a mailed link's token."""

import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.backend.support import free_port

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "single-use-token-4f1c9a7e"


@pytest.fixture
def nginx(tmp_path):
    """nginx serving deploy/nginx.conf as the nginx image loads it (inside ``http``, after a default
    access log in the combined format), with the built app in a folder and no backend behind it."""
    if shutil.which("nginx") is None:
        if os.environ.get("CI"):
            pytest.fail("CI must install nginx (see .ci/run)")
        pytest.skip("nginx is not installed here; CI installs it")
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "index.html").write_text("<!doctype html><title>Friender</title>")
    port, backend_port = free_port(), free_port()
    # What compose provides instead: port 80, the image's html folder, gunicorn's host, its log folder.
    site = (
        (ROOT / "deploy" / "nginx.conf")
        .read_text()
        .replace("listen 80;", f"listen 127.0.0.1:{port};")
        .replace("root /usr/share/nginx/html;", f"root {dist};")
        .replace("http://backend:8000", f"http://127.0.0.1:{backend_port}")
        .replace("/var/log/nginx/", f"{tmp_path}/")
    )
    temp = "".join(
        f"{kind}_temp_path {tmp_path}/{kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    # As root, workers would run as nobody, who cannot enter pytest's private temporary folders.
    user = "user root;\n" if os.geteuid() == 0 else ""
    (tmp_path / "nginx.conf").write_text(
        f"{user}daemon off;\npid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\ninclude /etc/nginx/mime.types;\n{temp}access_log {tmp_path}/access.log combined;\n{site}\n}}\n"
    )
    checked = subprocess.run(
        ["nginx", "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stderr
    server = subprocess.Popen(
        ["nginx", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")], stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}", tmp_path / "access.log"
    finally:
        server.terminate()
        server.wait(timeout=10)


def get(url, headers=None):
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_the_access_log_keeps_paths_but_never_a_tokens_query_or_referer(nginx):
    base, log = nginx
    pages = [get(f"{base}/{page}?token={TOKEN}") for page in ("verify-email", "reset-password", "appeal")]
    # The page then calls the API; an older browser may still send the full page address.
    api = get(f"{base}/api/auth/reset-password", headers={"Referer": f"{base}/reset-password?token={TOKEN}"})

    assert pages == [200, 200, 200] and api == 502  # no backend behind this nginx
    written = log.read_text()
    assert "GET /reset-password HTTP/1.1" in written and "GET /api/auth/reset-password HTTP/1.1" in written
    assert TOKEN not in written
