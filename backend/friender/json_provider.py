"""Request JSON that the app can always handle, or a 400: no lone UTF-16 surrogates (no database
or hash can encode them), no nesting deeper than ``MAX_DEPTH``, no integers longer than
``MAX_INTEGER_DIGITS`` digits. Each used to be a 500 somewhere past validation."""

import json

import flask_smorest
from flask import current_app
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request

from .json import OrjsonProvider

MAX_DEPTH = 32
MAX_INTEGER_DIGITS = 20


class StrictJSONError(json.JSONDecodeError):
    """Valid JSON the app refuses; a ``JSONDecodeError`` so webargs and Flask both answer 400."""

    def __init__(self, message):
        super().__init__(message, doc="(request body)", pos=0)


def _bounded_int(text):
    if len(text.lstrip("-")) > MAX_INTEGER_DIGITS:
        raise StrictJSONError(f"Integers may have at most {MAX_INTEGER_DIGITS} digits.")
    return int(text)


def _has_lone_surrogate(text):
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def check_parsed(data):
    """Raise :class:`StrictJSONError` if ``data`` nests too deeply or holds a string that is not valid Unicode."""
    pending = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, str):
            if _has_lone_surrogate(value):
                raise StrictJSONError("Strings must be valid Unicode (no lone surrogates).")
        elif isinstance(value, (dict, list)):
            if depth > MAX_DEPTH:
                raise StrictJSONError(f"JSON may nest at most {MAX_DEPTH} levels deep.")
            items = [*value.keys(), *value.values()] if isinstance(value, dict) else value
            pending.extend((item, depth + 1) for item in items)


class StrictJSONProvider(OrjsonProvider):
    """The app's JSON provider (orjson answers), parsing request bodies with the limits above."""

    def loads(self, s, **kwargs):
        try:
            data = json.loads(s, parse_int=_bounded_int, **kwargs)
        except RecursionError:
            raise StrictJSONError(f"JSON may nest at most {MAX_DEPTH} levels deep.") from None
        check_parsed(data)
        return data


class StrictFlaskParser(FlaskParser):
    """webargs' Flask parser reading bodies through the app's strict JSON provider."""

    def _raw_load_json(self, req):
        if not is_json_request(req):
            return core.missing
        data = req.get_data(cache=True)
        if not data:
            return core.missing
        try:
            return current_app.json.loads(data)
        except UnicodeDecodeError as error:
            raise StrictJSONError("The body is not UTF-8.") from error


# ``@blp.arguments`` binds the parser when a route module is imported, so it is set on import of
# this module, which ``friender/__init__.py`` imports before any route module can be.
flask_smorest.Blueprint.ARGUMENTS_PARSER = StrictFlaskParser()


def use_strict_json(app):
    """Parse every request body (``request.get_json`` and every ``@blp.arguments``) strictly."""
    app.json = StrictJSONProvider(app)
