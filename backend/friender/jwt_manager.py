"""Flask-JWT-Extended's manager, verifying each bearer token once instead of on every request."""

import collections
import threading
import time

import flask_jwt_extended
from flask_jwt_extended.config import config
from flask_jwt_extended.default_callbacks import default_decode_key_callback


class JWTManager(flask_jwt_extended.JWTManager):
    """Flask-JWT-Extended's ``JWTManager``, keeping the payloads of the tokens it has verified.

    A browser sends the same access token on every request of a session, and decoding it was
    a tenth of a request: the library decodes each token three times (twice unverified, for
    its key loader and its header, then verified), and PyJWT checks every character of every
    base64 segment each time, 0.15–0.18 ms in all. Verifying the same string with the same key
    and options always gives the same answer, except for the expiry, which depends on the
    time: so a verified token's payload is kept (at most ``MAX_TOKENS``, least recently used
    first) and handed out again while the token has not expired. Anything else (a refresh
    token checked against its CSRF cookie, ``allow_expired``, a key loader of the app's own)
    and every token not verified yet takes the library's path, which raises its own errors.
    Revocation is not cached: the blocklist loader still runs on every request.
    """

    MAX_TOKENS = 10_000

    def __init__(self, app=None, add_context_processor=False):
        self._verified = collections.OrderedDict()
        self._verified_lock = threading.Lock()
        super().__init__(app, add_context_processor)

    def _decode_jwt_from_config(self, encoded_token, csrf_value=None, allow_expired=False):
        if csrf_value is not None or allow_expired or self._decode_key_callback is not default_decode_key_callback:
            return super()._decode_jwt_from_config(encoded_token, csrf_value, allow_expired)
        key = (encoded_token, *_verification_settings())
        with self._verified_lock:
            payload = self._verified.get(key)
            if payload is not None:
                # PyJWT's own test: expired once ``exp`` <= now - leeway.
                if "exp" not in payload or payload["exp"] > time.time() - config.leeway:
                    self._verified.move_to_end(key)
                    return dict(payload)
                del self._verified[key]
        payload = super()._decode_jwt_from_config(encoded_token)
        with self._verified_lock:
            self._verified[key] = dict(payload)
            while len(self._verified) > self.MAX_TOKENS:
                self._verified.popitem(last=False)
        return payload


def _verification_settings():
    """What decides whether a token verifies, besides the token and the time."""
    audience = config.decode_audience
    return (
        config.decode_key,
        tuple(config.decode_algorithms),
        audience if isinstance(audience, str | None) else tuple(audience),
        config.decode_issuer,
        config.leeway,
        config.identity_claim_key,
        config.verify_sub,
    )
