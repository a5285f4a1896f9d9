"""Friender: the Flask application factory."""

from pathlib import Path

import sqlalchemy as sa
from flask import Flask
from flask.sessions import SessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from . import models  # noqa: F401  (registers the tables with SQLAlchemy before migrations run)
from .commands import storage_cli
from .config import config_class
from .database import init_app as init_database_timeouts
from .errors import register_error_handlers, register_jwt_handlers
from .extensions import api, bcrypt, cors, db, jwt, limiter, migrate
from .json_provider import use_strict_json
from .mail import init_app as init_mail
from .request_limits import init_app as init_request_limits
from .schemas import MAX_DATABASE_ID, ErrorSchema
from .security import register_security_headers
from .storage import init_app as init_storage
from .storage.retired_forms import init_app as init_retired_forms
from .web import serve_built_files

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


class DatabaseIdConverter(IntegerConverter):
    """``<int:…>`` in every route: ids are 1 … 2³¹−1, so a larger number is a 404, not a database error."""

    def __init__(self, url_map, *args, **kwargs):
        super().__init__(url_map, min=1, max=MAX_DATABASE_ID)


class NoCookieSession(SessionInterface):
    """The API signs people in with bearer tokens and never uses Flask's ``session``: skip the
    signed-cookie session Flask would otherwise load (a signing serializer per request)."""

    def open_session(self, app, request):
        """Every request gets the null session, which refuses writes."""
        return self.make_null_session(app)

    def save_session(self, app, session, response):
        """Nothing to save."""


def create_app(config=None, instance_path=None):
    """Build the app.

    ``config`` is an environment name (``"testing"``), or a dict of settings applied over the
    class chosen by ``FRIENDER_ENV`` (the tests pass the database URL this way).
    ``instance_path`` replaces Flask's default instance folder (the SQLite file, uploads and the
    development signing key live there).
    """
    overrides = config if isinstance(config, dict) else {}
    settings = config_class(config if isinstance(config, str) else overrides.get("FRIENDER_ENV"))

    app = Flask(__name__, static_folder=None, instance_path=instance_path)
    use_strict_json(app)
    app.url_map.converters["int"] = DatabaseIdConverter
    app.session_interface = NoCookieSession()
    app.config.from_object(settings)
    app.config.update(overrides)
    settings.finalize(app)

    init_request_limits(app)
    init_database_timeouts(app)
    _init_extensions(app)
    init_storage(app)
    init_retired_forms(app)
    init_mail(app)
    _register_blueprints(app)
    serve_built_files(app)
    register_error_handlers(app)
    register_security_headers(app)
    app.cli.add_command(storage_cli)
    if app.config["TRUSTED_PROXY_COUNT"]:
        count = app.config["TRUSTED_PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count, x_port=count)
    return app


def _init_extensions(app):
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True)
    bcrypt.init_app(app)
    jwt.init_app(app)
    limiter.init_app(app)
    cors.init_app(
        app,
        resources={r"/api/*": {"origins": app.config["CORS_ORIGINS"]}},
        supports_credentials=True,
        allow_headers=["Authorization", "Content-Type", "X-CSRF-TOKEN", "Last-Event-ID"],
    )
    api.ERROR_SCHEMA = ErrorSchema
    api.init_app(app)

    from .auth import blocklist
    from .auth import service as auth_service
    from .redis_client import init_redis

    init_redis(app)
    blocklist.init_blocklist(app)
    jwt.token_in_blocklist_loader(lambda _header, payload: auth_service.is_request_token_revoked(payload))
    jwt.user_lookup_loader(lambda _header, payload: auth_service.request_user(payload))
    register_jwt_handlers(jwt)

    from .discovery.service import init_discovery
    from .events import init_events

    init_events(app)

    with app.app_context():
        dialect_name = db.engine.dialect.name
        if dialect_name == "sqlite":
            _enable_sqlite_foreign_keys(db.engine)
    init_discovery(app, dialect_name)


def _enable_sqlite_foreign_keys(engine):
    """SQLite ignores ON DELETE CASCADE unless each connection turns foreign keys on."""

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


def _describe_the_documentation(app):
    """Put the document and its UI in the document: flask-smorest serves both outside it."""
    rules = {rule.rule: rule for rule in app.url_map.iter_rules()}
    missing = {"404": {"description": "No such file in the bundled Swagger UI"}}
    for path, summary, schema, content_type, errors in (
        ("/api/openapi.json", "This OpenAPI 3 document", {"type": "object"}, "application/json", {}),
        ("/api/docs", "Interactive API documentation (Swagger UI)", {"type": "string"}, "text/html", {}),
        ("/api/docs/assets/<path:filename>", "A file of the bundled Swagger UI", {"type": "string"}, "*/*", missing),
    ):
        response = {"description": summary, "content": {content_type: {"schema": schema}}}
        operation = {"tags": ["health"], "summary": summary, "security": [{}], "responses": {"200": response, **errors}}
        api.spec.path(rule=rules[path], operations={"get": operation})


def _register_blueprints(app):
    from . import api_docs, health, web
    from .account.routes import blp as account_blp
    from .auth.routes import blp as auth_blp
    from .auth.routes import settings_blp
    from .discovery.commands import cli as discovery_cli
    from .discovery.routes import blp as discovery_blp
    from .hangouts.routes import blp as hangouts_blp
    from .live.routes import blp as events_blp
    from .matches.routes import blp as matches_blp
    from .messages.routes import blp as messages_blp
    from .moderation.commands import users_cli
    from .moderation.routes import blp as moderation_blp
    from .photos.routes import blp as photos_blp
    from .profiles.routes import blp as profiles_blp
    from .safety.routes import blp as safety_blp
    from .storage.routes import blp as storage_blp

    blueprints = (
        auth_blp,
        settings_blp,
        profiles_blp,
        photos_blp,
        storage_blp,
        discovery_blp,
        matches_blp,
        safety_blp,
        messages_blp,
        hangouts_blp,
        events_blp,
        account_blp,
        moderation_blp,
        health.blp,
    )
    for blueprint in blueprints:
        api.register_blueprint(blueprint)
    app.register_blueprint(api_docs.bp)
    _describe_the_documentation(app)
    app.register_blueprint(web.bp)
    app.cli.add_command(discovery_cli)
    app.cli.add_command(users_cli)
