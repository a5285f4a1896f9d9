"""Security headers on every response, and the Content Security Policy of the built app."""

from urllib.parse import urlsplit

from flask import request

API_POLICY = "default-src 'none'; frame-ancestors 'none'"
# Swagger UI's assets are served by the app (api_docs.py); its page starts with an inline script.
DOCS_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
)


def storage_origins(config):
    """Where the browser loads photos from and posts direct uploads to, besides the app itself."""
    if config.get("STORAGE_BACKEND") != "s3":
        return ""
    endpoint = config.get("S3_PUBLIC_ENDPOINT_URL") or config.get("S3_ENDPOINT_URL")
    if endpoint:
        parts = urlsplit(endpoint)
        return f"{parts.scheme}://{parts.netloc}"
    return "https://*.amazonaws.com"


def app_policy(config):
    """CSP for the React app: only its own scripts; photos and uploads may use the storage origin."""
    storage = storage_origins(config)
    return (
        f"default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        f"img-src 'self' data: blob: {storage}; connect-src 'self' {storage}; font-src 'self'; "
        "frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'"
    ).replace("  ", " ")


# The origin only, even to the app itself: the pages of mailed links (verify, reset, appeal) hold
# a single-use token in their query, and a full same-origin Referer would carry it into every
# request the page makes, and into the access logs of whatever proxies them.
REFERRER_POLICY = "strict-origin"


def static_file_headers(config):
    """The same headers for the built files WhiteNoise serves outside Flask: ``url`` → headers."""
    common = {
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": REFERRER_POLICY,
    }
    if config["ENV_NAME"] == "production":
        common["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    page = {**common, "Content-Security-Policy": app_policy(config)}
    other = {**common, "Content-Security-Policy": API_POLICY}
    return lambda url: page if url.endswith(".html") else other


def register_security_headers(app):
    """Add nosniff, framing, referrer and CSP headers (and HSTS in production) to every response."""
    policy_for_app = app_policy(app.config)
    production = app.config["ENV_NAME"] == "production"

    @app.after_request
    def add_security_headers(response):
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", REFERRER_POLICY)
        if request.path.startswith("/api/docs"):
            policy = DOCS_POLICY
        elif response.mimetype == "text/html":
            policy = policy_for_app
        else:
            policy = API_POLICY
        headers.setdefault("Content-Security-Policy", policy)
        if production:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response
