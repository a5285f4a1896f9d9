"""The security suites reuse the backend fixtures (app, client, make_user)."""

from tests.backend.conftest import app, client, database_url, make_user  # noqa: F401


def pytest_terminal_summary(terminalreporter):
    """Say how many requests the fuzzer generated, so a run that fuzzed nothing is visible."""
    from tests.security.test_fuzz_openapi import GENERATED

    if GENERATED["ran"]:
        terminalreporter.write_line(f"schemathesis: {GENERATED['cases']} generated cases sent to the API")
