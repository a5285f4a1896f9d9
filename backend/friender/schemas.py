"""Marshmallow fields and schemas shared by several domains, and the app's base ``Schema``."""

from datetime import UTC

import marshmallow
from marshmallow import ValidationError, fields, missing, validate
from marshmallow.decorators import POST_DUMP, PRE_DUMP
from marshmallow.utils import get_value
from sqlalchemy.engine import Row


class Schema(marshmallow.Schema):
    """Every schema of the app: validation, loading and the OpenAPI document are marshmallow's;
    ``dump`` runs a function compiled once per schema instance from the same declared fields.

    marshmallow's own dump goes through four generic calls per field and value (``serialize``,
    ``get_value``, ``get_attribute``, the accessor); a page of 20 profiles with their photos is
    about 800 of them, a fifth of ``GET /api/matches``. The compiled function does what
    marshmallow does for each field — the same attribute, default, ``data_key``, hooks and
    ``_serialize`` — with the per-field decisions taken once. ``tests/backend/conftest.py``
    compares it with marshmallow's dump on every response of the backend suite.
    """

    def dump(self, obj, *, many=None):
        """Serialise ``obj`` (a list of them with ``many``) exactly as ``marshmallow.Schema.dump``."""
        dumper = self.__dict__.get("_compiled_dump")
        if dumper is None:
            dumper = self._compiled_dump = compile_dump(self)
        return dumper(obj, self.many if many is None else bool(many))


def _value_of(obj, key):
    """``marshmallow.utils.get_value(obj, key, missing)``, without its exception for objects."""
    if type(obj) is dict:
        return obj[key] if key in obj else getattr(obj, key, missing)
    # Tuples and rows refuse string indexes and objects have none: marshmallow then uses getattr.
    if isinstance(obj, (tuple, Row)) or not hasattr(obj, "__getitem__"):
        return getattr(obj, key, missing)
    return get_value(obj, key, missing)


def _value_serializer(field, attr):
    """``field._serialize(value, attr, obj)`` as a function of (value, obj), inlined for the stock fields."""
    serialize = type(field)._serialize
    if serialize is fields.Field._serialize:  # Boolean and Raw: the value itself
        return lambda value, _obj: value
    if serialize is fields.Integer._serialize and field.num_type is int and not field.as_string:
        return lambda value, _obj: value if type(value) is int else (None if value is None else int(value))
    if serialize is fields.String._serialize:
        return lambda value, obj: value if type(value) is str else field._serialize(value, attr, obj)
    if serialize is fields.List._serialize:
        inner = _value_serializer(field.inner, attr)
        return lambda value, obj: None if value is None else [inner(each, obj) for each in value]
    if serialize is fields.Nested._serialize:
        schema = field.schema
        many = bool(schema.many or field.many)
        return lambda value, _obj: None if value is None else schema.dump(value, many=many)
    return lambda value, obj: field._serialize(value, attr, obj)


def _field_step(schema, attr, field):
    """(output key, a function of obj giving the field's value or ``missing``) for one dump field."""
    key = field.data_key if field.data_key is not None else attr
    source = field.attribute if field.attribute is not None else attr
    if not field._CHECK_ATTRIBUTE or "." in source or type(field).get_value is not fields.Field.get_value:
        return key, lambda obj: field.serialize(attr, obj, accessor=schema.get_attribute)
    serialize = _value_serializer(field, attr)
    default = field.dump_default
    if default is missing:
        return key, lambda obj: missing if (value := _value_of(obj, source)) is missing else serialize(value, obj)

    def with_default(obj):
        value = _value_of(obj, source)
        if value is missing:
            value = default() if callable(default) else default
        return serialize(value, obj)

    return key, with_default


def compile_dump(schema):
    """A function (obj, many) → what ``marshmallow.Schema.dump(schema, obj, many=many)`` returns."""
    if type(schema).get_attribute is not marshmallow.Schema.get_attribute or schema.dict_class is not dict:
        return lambda obj, many: marshmallow.Schema.dump(schema, obj, many=many)
    steps = [_field_step(schema, attr, field) for attr, field in schema.dump_fields.items()]
    pre_dump, post_dump = schema._hooks[PRE_DUMP], schema._hooks[POST_DUMP]

    def dump_one(obj):
        result = {}
        for key, value_of in steps:
            value = value_of(obj)
            if value is not missing:
                result[key] = value
        return result

    def dump(obj, many):
        processed = schema._invoke_dump_processors(PRE_DUMP, obj, many=many, original_data=obj) if pre_dump else obj
        result = [dump_one(each) for each in processed] if many and processed is not None else dump_one(processed)
        if post_dump:
            result = schema._invoke_dump_processors(POST_DUMP, result, many=many, original_data=obj)
        return result

    return dump


# Ids are PostgreSQL integers; a larger number cannot name a row.
MAX_DATABASE_ID = 2**31 - 1


class TrimmedString(fields.String):
    """A string with surrounding whitespace removed before validation, and never a NUL character
    (PostgreSQL cannot store one in text; refusing it everywhere keeps both databases alike)."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if "\x00" in text:
            raise ValidationError("Must not contain NUL characters.")
        return text.strip()


class UtcDateTime(fields.DateTime):
    """ISO 8601 UTC with a ``Z`` suffix and whole seconds, as the contract shows."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        if value.tzinfo is None:  # SQLite hands back naive datetimes; they were stored as UTC.
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class StrictInteger(fields.Integer):
    """An integer that must arrive as a JSON number (not a string, not a boolean)."""

    def __init__(self, **kwargs):
        super().__init__(strict=True, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool):
            raise ValidationError("Not a valid integer.")
        return super()._deserialize(value, attr, data, **kwargs)


class DatabaseId(StrictInteger):
    """An id sent in a body: a JSON integer from 1 to 2³¹−1."""

    def __init__(self, **kwargs):
        super().__init__(validate=validate.Range(min=1, max=MAX_DATABASE_ID), **kwargs)


class ErrorSchema(Schema):
    """The one error shape every 4xx/5xx response has."""

    error = fields.String(required=True, metadata={"description": "Stable snake_case code."})
    message = fields.String(required=True)
    # Declared before ``fields``, whose name the next line takes over inside this class.
    until = fields.String(metadata={"description": "With `account_suspended`: when the suspension ends (UTC)."})
    fields = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))
