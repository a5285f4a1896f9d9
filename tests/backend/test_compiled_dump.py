"""The app's compiled ``Schema.dump`` against marshmallow's own, on every schema of the app.

The suite's ``compiled_dumps_are_marshmallows`` fixture compares the two on real responses; here
every schema gets inputs real responses rarely have: missing attributes, ``None``, values of the
wrong type that marshmallow converts (``"7"`` for an integer, bytes for a string, naive
datetimes), dicts, named tuples and plain objects, lists for ``many``. Where marshmallow raises,
the compiled dump must raise the same exception.
"""

import importlib
import pkgutil
import random
from collections import namedtuple
from datetime import UTC, date, datetime
from types import SimpleNamespace

import marshmallow
import pytest
from marshmallow import fields

import friender
from friender.schemas import Schema, compile_dump


def _all_schemas():
    """Every schema class of the app, its modules imported first (the app factory imports them lazily)."""
    for module in pkgutil.walk_packages(friender.__path__, "friender."):
        if "migrations" not in module.name:
            importlib.import_module(module.name)
    found, pending = [], list(Schema.__subclasses__())
    while pending:
        schema = pending.pop()
        found.append(schema)
        pending.extend(schema.__subclasses__())
    return sorted(set(found), key=lambda schema: schema.__qualname__)


def _value_for(field, rng, depth):
    if rng.random() < 0.1:
        return None
    if isinstance(field, fields.Nested):
        return _instance_of(field.schema, rng, depth + 1)
    if isinstance(field, fields.List):
        return [_value_for(field.inner, rng, depth + 1) for _ in range(rng.randrange(3))]
    if isinstance(field, fields.Dict):
        return {f"k{n}": f"v{n}" for n in range(rng.randrange(3))}
    if isinstance(field, fields.Integer):
        return rng.choice([rng.randrange(-5, 10**6), str(rng.randrange(100)), True, 7.9])
    if isinstance(field, fields.Boolean):
        return rng.choice([True, False, 1, 0, "yes"])
    if isinstance(field, fields.DateTime):
        moment = datetime(2026, rng.randrange(1, 13), rng.randrange(1, 28), rng.randrange(24), 5, 9, 123)
        return rng.choice([moment, moment.replace(tzinfo=UTC)])
    if isinstance(field, fields.Date):
        return date(1990, rng.randrange(1, 13), 3)
    if isinstance(field, fields.String):
        return rng.choice(["plain", "", "ünïcode", b"bytes", 42])
    return rng.choice(["raw", 3, [1, 2]])


def _instance_of(schema, rng, depth=0):
    """A random input for ``schema``: a dict, an object or a named tuple, some fields left out."""
    values = {}
    for name, field in schema.dump_fields.items():
        if depth < 3 and rng.random() < 0.85:
            values[field.attribute or name] = _value_for(field, rng, depth)
    shape = rng.randrange(3)
    if shape == 0:
        return values
    if shape == 1:
        return SimpleNamespace(**values)
    return namedtuple("Row", values)(**values) if values else ()


def _outcome(dump, *args, **kwargs):
    try:
        result = dump(*args, **kwargs)
    except Exception as error:  # noqa: BLE001 — the exception's type is part of the answer
        return ("raised", type(error))
    return (result, repr(result))


@pytest.mark.parametrize("schema_class", _all_schemas(), ids=lambda schema: schema.__qualname__)
def test_the_compiled_dump_answers_what_marshmallow_answers(app, schema_class):
    rng = random.Random(schema_class.__qualname__)
    schema = schema_class()
    compiled = compile_dump(schema)
    with app.test_request_context("/"):
        for _ in range(60):
            many = rng.random() < 0.3
            obj = [_instance_of(schema, rng) for _ in range(3)] if many else _instance_of(schema, rng)
            expected = _outcome(marshmallow.Schema.dump, schema, obj, many=many)
            assert _outcome(compiled, obj, many) == expected, obj


class _Hooked(Schema):
    """Hooks of every kind, each leaving a trace of when it ran."""

    name = fields.String()
    trace = fields.List(fields.String())

    @marshmallow.pre_dump
    def item_before(self, obj, many, **_kwargs):
        return {**obj, "trace": [*obj.get("trace", []), f"item-pre(many={many})"]}

    @marshmallow.pre_dump(pass_collection=True)
    def collection_before(self, data, many, **_kwargs):
        items = data if many else [data]
        marked = [{**item, "trace": [*item.get("trace", []), "collection-pre"]} for item in items]
        return marked if many else marked[0]

    @marshmallow.post_dump
    def item_after(self, data, many, **_kwargs):
        return {**data, "name": data.get("name", "").upper()}

    @marshmallow.post_dump(pass_collection=True)
    def collection_after(self, data, many, **_kwargs):
        return {"people": data} if many else data


class _HookedWithOriginal(_Hooked):
    @marshmallow.post_dump(pass_original=True)
    def keep_original(self, data, original, many, **_kwargs):
        return {**data, "original_name": original["name"]}


@pytest.mark.parametrize("schema_class", [_Hooked, _HookedWithOriginal])
@pytest.mark.parametrize("many", [False, True])
def test_hooks_run_in_marshmallows_order_on_items_and_collections(schema_class, many):
    schema = schema_class(many=many)
    people = [{"name": "ana"}, {"name": "ben", "trace": ["given"]}]
    data = people if many else people[1]

    assert compile_dump(schema)(data, many) == marshmallow.Schema.dump(schema, data, many=many)
