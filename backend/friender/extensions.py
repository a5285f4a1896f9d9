"""Flask extensions, created once here and initialised in the application factory."""

from datetime import datetime

from flask import request
from flask_bcrypt import Bcrypt
from flask_cors import CORS
from flask_limiter import Limiter
from flask_migrate import Migrate
from flask_smorest import Api
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime, Float, MetaData, orm

from .jwt_manager import JWTManager
from .request_limits import is_malformed, malformed_request_limit

# Named constraints keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# On SQLite, a deleted row's id would go to the next insert: a deleted account's tokens would then
# name the next person to sign up (migration 0006). PostgreSQL's sequences never go back. SQLite
# applies it only to a table whose key is one integer column of its own, so it is safe everywhere.
NEVER_REUSE_IDS = {"sqlite_autoincrement": True}


class TableDefaults:
    """Gives every table ``NEVER_REUSE_IDS``, merged into the model's own ``__table_args__``.

    A mixin of its own because Flask-SQLAlchemy rebuilds the declarative base from ``Model``'s
    body, where a zero-argument ``super()`` would name a class outside the new one's bases.
    """

    def __init_subclass__(cls, **kwargs):
        if "__tablename__" in cls.__dict__:
            args = cls.__dict__.get("__table_args__", ())
            if isinstance(args, dict):
                positional, options = (), args
            elif args and isinstance(args[-1], dict):
                positional, options = tuple(args[:-1]), args[-1]
            else:
                positional, options = tuple(args), {}
            cls.__table_args__ = (*positional, {**NEVER_REUSE_IDS, **options})
        super().__init_subclass__(**kwargs)


class Model(TableDefaults, orm.DeclarativeBase):
    """The one base of every model: the naming convention, the table defaults, and aware times.

    ``Mapped[datetime]`` is a ``DateTime(timezone=True)`` column: the app never stores naive times.
    Every table gets ``NEVER_REUSE_IDS`` (see ``TableDefaults``).
    """

    registry = orm.registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        # SQLAlchemy 2.1 maps ``float`` to Double; the tables were made with Float.
        type_annotation_map={datetime: DateTime(timezone=True), float: Float()},
    )


def client_address():
    """The caller's address, as corrected by ProxyFix for trusted proxies."""
    return request.remote_addr or "unknown"


db = SQLAlchemy(model_class=Model)
migrate = Migrate()
jwt = JWTManager()
bcrypt = Bcrypt()
cors = CORS()
# Malformed requests (400/413/415/422) also count against the address: errors are not free.
limiter = Limiter(
    key_func=client_address,
    application_limits=[malformed_request_limit],
    application_limits_deduct_when=is_malformed,
)
api = Api()


def execute_rows(statement, parameters=None):
    """Run a Core statement (of columns, not ORM entities) in the session's transaction.

    ``db.session.execute`` takes every statement through the ORM's execution layer (its compile
    step and result loading), about 0.15 ms a statement even when it selects only columns; the
    hot read paths skip it. Pending ORM changes are flushed first, as the session's autoflush would.
    """
    session = db.session
    session.flush()
    return session.connection().execute(statement, parameters)
