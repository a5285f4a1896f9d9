"""Odd input is a 4xx JSON error on every operation, never a 500: lone UTF-16 surrogates in any
string field, deep nesting, 5000-digit and 2**63 integers, and odd ids in queries and headers.

Operations and their body fields come from the app's own OpenAPI document, so a new route is
covered as soon as it is documented.
"""

import re

import pytest

from friender.events.stream import parse_last_event_id
from tests.backend.support import NYC_PROFILE

HOSTILE_VALUES = {
    "lone surrogate": '"\\ud800"',
    "surrogate inside text": '"ab\\udfffcd"',
    "deep nesting": "[" * 3000 + "]" * 3000,
    "5000-digit integer": "9" * 5000,
    "2**63": str(2**63),
    "negative 2**63": str(-(2**63)),
}


def json_operations(app):
    spec = app.test_client().get("/api/openapi.json").get_json()
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" not in content:
                continue
            schema = content["application/json"]["schema"]
            if "$ref" in schema:
                schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
            fields = sorted(schema.get("properties", {})) or ["anything"]
            yield method, re.sub(r"\{[^}]+\}", "1", path), fields


def assert_4xx_json(response, what):
    assert 400 <= response.status_code < 500, (what, response.status_code, response.get_data(as_text=True)[:200])
    body = response.get_json()
    assert set(body) >= {"error", "message"}, what
    assert len(response.data) < 8 * 1024, what


def test_every_json_field_of_every_operation_refuses_hostile_values(app, client, make_user):
    user = make_user(profile=NYC_PROFILE)
    operations = list(json_operations(app))
    assert len(operations) >= 10 and ("post", "/api/auth/login", ["password", "username"]) in operations
    for method, path, fields in operations:
        for name, raw in HOSTILE_VALUES.items():
            for field in fields:
                response = client.open(
                    path,
                    method=method.upper(),
                    data=f'{{"{field}": {raw}}}',
                    content_type="application/json",
                    headers=user.headers,
                )
                assert_4xx_json(response, f"{method} {path} {field}: {name}")
            everything = "{" + ", ".join(f'"{field}": {raw}' for field in fields) + "}"
            response = client.open(
                path, method=method.upper(), data=everything, content_type="application/json", headers=user.headers
            )
            assert_4xx_json(response, f"{method} {path} all fields: {name}")


@pytest.mark.parametrize("value", [str(2**63), "9" * 5000, "-1", "0", "１２"])
def test_message_paging_refuses_ids_no_message_can_have(client, make_user, value):
    user = make_user(profile=NYC_PROFILE)
    response = client.get(f"/api/matches/1/messages?before={value}", headers=user.headers)
    assert_4xx_json(response, value)


@pytest.mark.parametrize("value", [str(2**63), "9" * 5000, "\u00b2", "12\u00b2", "-5", "", "abc", str(2**31)])
def test_a_last_event_id_no_message_can_have_is_ignored(value):
    assert parse_last_event_id(value) is None


def test_a_last_event_id_that_names_a_message_is_kept():
    assert parse_last_event_id(" 42 ") == 42 and parse_last_event_id(str(2**31 - 1)) == 2**31 - 1
