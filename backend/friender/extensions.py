"""Flask extensions, created once here and initialised in the application factory."""

from flask import request
from flask_bcrypt import Bcrypt
from flask_cors import CORS
from flask_jwt_extended import JWTManager
from flask_limiter import Limiter
from flask_migrate import Migrate
from flask_smorest import Api
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData

from .request_limits import is_malformed, malformed_request_limit

# Named constraints keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def client_address():
    """The caller's address, as corrected by ProxyFix for trusted proxies."""
    return request.remote_addr or "unknown"


db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING_CONVENTION))
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
