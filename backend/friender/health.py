"""``/api/health``: is each dependency answering?"""

import logging

import sqlalchemy as sa
from flask import current_app
from flask_smorest import Blueprint
from marshmallow import fields

from .extensions import db
from .schemas import Schema

log = logging.getLogger(__name__)

blp = Blueprint("health", __name__, url_prefix="/api", description="Service status")


class HealthSchema(Schema):
    """``ok`` or ``unavailable`` for the app and each dependency."""

    status = fields.String(required=True)
    database = fields.String(required=True)
    storage = fields.String()
    redis = fields.String(metadata={"description": "Present when REDIS_URL is set"})


def check_database():
    """Run the cheapest query there is."""
    db.session.execute(sa.text("SELECT 1"))


def register_health_check(app, name, check):
    """Let a domain add a dependency check (for example storage) to ``/api/health``."""
    app.extensions.setdefault("friender_health_checks", {})[name] = check


class PingSchema(Schema):
    """The app process answers; nothing else is checked."""

    status = fields.String(required=True)


@blp.route("/ping", methods=["GET"])
@blp.doc(security=[{}])
@blp.response(200, PingSchema)
def ping():
    """Liveness: the process is up (no dependency is touched; load balancers and benchmarks use it)."""
    return {"status": "ok"}


@blp.route("/health", methods=["GET"])
@blp.doc(security=[{}])
@blp.response(200, HealthSchema)
@blp.alt_response(503, schema=HealthSchema, description="A dependency is failing; it is named")
def health():
    """200 when every dependency answers; 503 naming the failing part otherwise."""
    checks = {"database": check_database, **current_app.extensions.get("friender_health_checks", {})}
    body = {"status": "ok"}
    for name, check in checks.items():
        try:
            check()
            body[name] = "ok"
        except Exception as error:  # Any failure of a dependency is reported, not raised.
            log.warning("health check %s failed: %s", name, error.__class__.__name__)
            db.session.rollback()
            body[name] = "unavailable"
            body["status"] = "unavailable"
    return body, (200 if body["status"] == "ok" else 503)
