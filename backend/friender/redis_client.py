"""The app's one Redis connection pool (only when ``REDIS_URL`` is set), and its health check."""

import redis
from flask import current_app

from .health import register_health_check

# Short timeouts: a Redis outage should degrade a request, not hang it.
SOCKET_TIMEOUT_SECONDS = 2
# Connections per process. Thousands of streams can open at once in a gevent worker: past this
# many, a request waits (up to the timeout) for a free connection instead of failing at once.
MAX_CONNECTIONS = 64


def init_redis(app):
    """Create the client for ``REDIS_URL`` and report Redis in ``/api/health``; nothing without it."""
    url = app.config.get("REDIS_URL")
    if not url:
        return
    pool = redis.BlockingConnectionPool.from_url(
        url,
        max_connections=MAX_CONNECTIONS,
        timeout=SOCKET_TIMEOUT_SECONDS,
        socket_timeout=SOCKET_TIMEOUT_SECONDS,
        socket_connect_timeout=SOCKET_TIMEOUT_SECONDS,
        health_check_interval=15,  # a pub/sub connection that died silently is noticed
    )
    client = redis.Redis(connection_pool=pool)
    app.extensions["friender_redis"] = client
    register_health_check(app, "redis", client.ping)


def get_redis():
    """The current app's Redis client, or None when ``REDIS_URL`` is not set."""
    return current_app.extensions.get("friender_redis")
