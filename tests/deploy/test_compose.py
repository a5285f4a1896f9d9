"""The production compose file is valid and sets every variable the app reads in production."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "backend" / "friender" / "config.py"


def variables_the_app_reads():
    """Every environment variable named in config.py (the only module that reads any)."""
    return set(re.findall(r'_env(?:_int|_list)?\("([A-Z0-9_]+)"', CONFIG.read_text()))


def env_example():
    lines = (ROOT / ".env.example").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


def test_config_reads_the_contract_variables():
    contract = {
        "DATABASE_URL", "STORAGE_BACKEND", "LOCAL_STORAGE_DIR", "S3_BUCKET", "S3_ENDPOINT_URL", "AWS_REGION",
        "JWT_SECRET_KEY", "REDIS_URL", "FRIENDER_ENV", "LOGIN_RATE_LIMIT", "SIGNUP_RATE_LIMIT",
        "MESSAGE_RATE_LIMIT", "CORS_ORIGINS",
    }  # fmt: skip

    assert contract <= variables_the_app_reads()


def test_every_variable_is_set_for_the_backend_in_compose_and_in_env_example():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    backend_environment = compose["services"]["backend"]["environment"]

    missing_in_compose = variables_the_app_reads() - set(backend_environment)
    missing_in_example = variables_the_app_reads() - set(env_example())

    assert not missing_in_compose, f"docker-compose.yml backend environment lacks {sorted(missing_in_compose)}"
    assert not missing_in_example, f".env.example lacks {sorted(missing_in_example)}"
    assert backend_environment["FRIENDER_ENV"] == "production"
    assert compose["services"]["storage-init"]["environment"] == backend_environment


def test_env_example_holds_no_real_secret():
    example = env_example()

    for name in ("POSTGRES_PASSWORD", "JWT_SECRET_KEY", "MINIO_ROOT_PASSWORD"):
        assert "change-me" in example[name]


def test_docker_compose_config_accepts_the_file():
    if shutil.which("docker-compose") is None:
        if os.environ.get("CI"):
            pytest.fail("CI must install docker-compose (see .ci/run)")
        pytest.skip("docker-compose is not installed here; CI installs it")

    result = subprocess.run(
        ["docker-compose", "--env-file", ".env.example", "config", "--quiet"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
