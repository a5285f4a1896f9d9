"""Real app processes (gunicorn) for tests and benchmarks that need more than one process."""

import os
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import requests


class AppProcess:
    """``gunicorn 'friender:create_app()'`` (``friender.gunicorn_config``: gevent workers) on a free 127.0.0.1 port.

    ``app`` names another factory (a test's instrumented one) in gunicorn's ``module:call()`` form.

    The test binds the listening socket and hands it to gunicorn (``fd://``), so the port is
    known at once and requests made before the worker is up wait in the socket's backlog.
    """

    def __init__(self, env, workers=1, threads=8, graceful_timeout=2, app="friender:create_app()"):
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(256)
        self.port = self.listener.getsockname()[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        log_fd, self.log_path = tempfile.mkstemp(prefix="friender-gunicorn-", suffix=".log")
        fd = self.listener.fileno()
        command = [
            str(Path(sys.executable).with_name("gunicorn")),
            "-c", "python:friender.gunicorn_config",
            "--bind", f"fd://{fd}",
            "--workers", str(workers),
            "--threads", str(threads),
            "--graceful-timeout", str(graceful_timeout),
            app,
        ]  # fmt: skip
        self.process = subprocess.Popen(
            command,
            env={**os.environ, **env},
            pass_fds=[fd],
            stdout=log_fd,
            stderr=subprocess.STDOUT,
        )
        os.close(log_fd)

    def wait_until_serving(self, timeout=30.0):
        """Block until the app answers (the first request waits in the backlog while it starts)."""
        response = requests.get(f"{self.base_url}/api/health", timeout=timeout)
        assert response.status_code == 200, (response.status_code, self.read_log())
        return self

    def read_log(self):
        return Path(self.log_path).read_text(errors="replace")

    def stop(self):
        """Stop the server; returns everything it wrote, complete once its processes have exited."""
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.listener.close()
        written = self.read_log()
        os.unlink(self.log_path)
        return written
