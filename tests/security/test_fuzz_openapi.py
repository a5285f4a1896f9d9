"""Schemathesis fuzzes every operation in the app's own OpenAPI document, signed in as a real user.

Checks: no 5xx, responses match their declared schemas and content types, and no status code
the document does not declare. The number of generated cases is printed at the end of the run.
"""

import pytest
import schemathesis
from flask_jwt_extended import create_access_token
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from tests.backend.support import NYC_PROFILE

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
GENERATED = {"cases": 0, "ran": False}


@pytest.fixture
def openapi(app):
    return schemathesis.openapi.from_wsgi("/api/openapi.json", app)


@pytest.fixture
def fuzz_user(app, make_user):
    return make_user(profile=NYC_PROFILE)


# GET /api/events is an endless stream (it ends when the token expires), which a fuzzer reading
# whole responses would wait on; tests/backend/test_events.py covers it, its error cases included.
schema = schemathesis.pytest.from_fixture("openapi").exclude(method="GET", path="/api/events")


@schema.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much, HealthCheck.too_slow],
)
def test_every_operation_survives_generated_input(case, fuzz_user, app):
    GENERATED["ran"] = True
    # A fresh token per case: a generated logout must not starve the cases after it.
    token = create_access_token(identity=str(fuzz_user.id))
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
    GENERATED["cases"] += 1
