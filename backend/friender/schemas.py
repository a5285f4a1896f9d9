"""Marshmallow fields and schemas shared by several domains, and the app's base ``Schema``."""

import functools
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
    about 800 of them, a fifth of ``GET /api/matches``. The compiled function is generated Python
    source, one line per field, doing what marshmallow does for it — the same attribute,
    default, ``data_key``, hooks and ``_serialize`` — with the per-field decisions taken once.
    ``tests/backend/conftest.py`` compares it with marshmallow's dump on every response of the
    backend suite.
    """

    def dump(self, obj, *, many=None):
        """Serialise ``obj`` (a list of them with ``many``) exactly as ``marshmallow.Schema.dump``."""
        dumper = self.__dict__.get("_compiled_dump")
        if dumper is None:
            dumper = self._compiled_dump = compile_dump(self)
        return dumper(obj, self.many if many is None else bool(many))


class _DumpSource:
    """The source of one schema's compiled ``dump_one``, and the names its code refers to."""

    def __init__(self, schema):
        self.schema = schema
        self.names = {"missing": missing, "get_value": get_value, "_ATTRIBUTE_ONLY": (tuple, Row)}

    def name(self, value):
        """A name the generated code can use for ``value``."""
        name = f"_n{len(self.names)}"
        self.names[name] = value
        return name

    def expression(self, field, attr, value):
        """Python source computing ``field._serialize(value, attr, obj)``, the stock fields inlined."""
        serialize = type(field)._serialize
        if serialize is fields.Field._serialize:  # Boolean and Raw: the value itself
            return value
        if serialize is fields.Integer._serialize and field.num_type is int and not field.as_string:
            return f"({value} if type({value}) is int else (None if {value} is None else int({value})))"
        if serialize is fields.String._serialize:
            return f"({value} if type({value}) is str else {self.name(field._serialize)}({value}, {attr!r}, obj))"
        if serialize is fields.List._serialize:
            each = f"{value}_each"
            inner = self.expression(field.inner, attr, each)
            return f"(None if {value} is None else [{inner} for {each} in {value}])"
        if serialize is fields.Nested._serialize:
            nested = field.schema
            many = bool(nested.many or field.many)
            return f"(None if {value} is None else {self.name(nested.dump)}({value}, many={many}))"
        return f"{self.name(field._serialize)}({value}, {attr!r}, obj)"

    def field_lines(self, attr, field, read):
        """The lines that put one field into ``result``; ``read`` gives the source of its value."""
        key = field.data_key if field.data_key is not None else attr
        source = field.attribute if field.attribute is not None else attr
        if not field._CHECK_ATTRIBUTE or "." in source or type(field).get_value is not fields.Field.get_value:
            serialize = self.name(lambda obj: field.serialize(attr, obj, accessor=self.schema.get_attribute))
            return [f"value = {serialize}(obj)", f"if value is not missing: result[{key!r}] = value"]
        lines = [f"value = {read(source)}"]
        default = field.dump_default
        if default is missing:
            return [*lines, f"if value is not missing: result[{key!r}] = {self.expression(field, attr, 'value')}"]
        fallback = f"{self.name(default)}()" if callable(default) else self.name(default)
        value = self.expression(field, attr, "value")
        return [*lines, f"if value is missing: value = {fallback}", f"result[{key!r}] = {value}"]

    def function(self):
        """``dump_one(obj)``: a dict of one object's dumped fields, read the way marshmallow's
        ``get_value`` reads them: a dict's keys (else its attributes); the attributes of tuples,
        rows and objects without ``[]``, which refuse string indexes; ``get_value`` itself for the rest."""
        readers = {
            "dict": lambda key: f"obj[{key!r}] if {key!r} in obj else getattr(obj, {key!r}, missing)",
            "attributes": lambda key: f"getattr(obj, {key!r}, missing)",
            "other": lambda key: f"get_value(obj, {key!r}, missing)",
        }
        dump_fields = self.schema.dump_fields.items()
        bodies = {
            kind: [line for attr, field in dump_fields for line in self.field_lines(attr, field, read)]
            for kind, read in readers.items()
        }
        branches = (
            ("if type(obj) is dict:", bodies["dict"]),
            ("elif isinstance(obj, _ATTRIBUTE_ONLY) or not hasattr(obj, '__getitem__'):", bodies["attributes"]),
            ("else:", bodies["other"]),
        )
        code = ["def dump_one(obj):", "    result = {}"]
        for condition, body in branches:
            code += [f"    {condition}", *(f"        {line}" for line in body or ["pass"])]
        code.append("    return result")
        namespace = dict(self.names)
        exec(_compiled("\n".join(code), f"<dump of {type(self.schema).__name__}>"), namespace)  # noqa: S102
        return namespace["dump_one"]


@functools.cache
def _compiled(source, filename):
    """The code of ``source``, compiled once: schemas built per call (``MessageSchema().dump(…)``)
    generate the same source every time, and compiling it cost a millisecond."""
    return compile(source, filename, "exec")


def compile_dump(schema):
    """A function (obj, many) → what ``marshmallow.Schema.dump(schema, obj, many=many)`` returns.

    Each field becomes a line of generated Python (the value read as marshmallow reads it:
    keys of a dict, attributes of rows, named tuples and objects), so a dump costs no function
    call per field for the stock fields.
    """
    if type(schema).get_attribute is not marshmallow.Schema.get_attribute or schema.dict_class is not dict:
        return lambda obj, many: marshmallow.Schema.dump(schema, obj, many=many)
    dump_one = _DumpSource(schema).function()
    pre_dump, post_dump = _processors(schema, PRE_DUMP), _processors(schema, POST_DUMP)

    def dump(obj, many):
        processed = pre_dump(obj, many, obj) if pre_dump else obj
        result = [dump_one(each) for each in processed] if many and processed is not None else dump_one(processed)
        if post_dump:
            result = post_dump(result, many, obj)
        return result

    return dump


def _processors(schema, tag):
    """``schema._invoke_dump_processors(tag, …)`` with its per-call choices made once, or None
    without hooks: the hooks of single items first (each item of a collection), then the hooks
    of whole collections, in declaration order, as marshmallow runs them."""
    hooks = schema._hooks[tag]
    if not hooks:
        return None
    if any(options.get("pass_original") for _name, _whole, options in hooks):
        return lambda data, many, original: schema._invoke_dump_processors(tag, data, many=many, original_data=original)
    of_items = [getattr(schema, name) for name, whole, _options in hooks if not whole]
    of_collections = [getattr(schema, name) for name, whole, _options in hooks if whole]

    def run(data, many, _original):
        for processor in of_items:
            data = [processor(item, many=many) for item in data] if many else processor(data, many=many)
        for processor in of_collections:
            data = processor(data, many=many)
        return data

    return run


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
        # isoformat is C and a third faster than strftime; the same text for every year past 999.
        return value.astimezone(UTC).replace(tzinfo=None, microsecond=0).isoformat() + "Z"


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
