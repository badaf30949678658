"""Rate limits on public forms with Flask-Limiter: per IP and per email address.

Storage is Redis in production (``FOORUMI_RATELIMIT_STORAGE_URI=redis://…``) and memory in the
embedded mode; ``FOORUMI_RATELIMIT_ENABLED=0`` switches them off for load tests. Over the limit
answers 429 with a readable page or a JSON error.

An outage of the storage never refuses a request: its Redis client waits at most
``RATELIMIT_STORAGE_TIMEOUT`` to connect and for each reply and never retries, and when it fails
the limits count in the process's memory until the storage answers again (Flask-Limiter checks
it now and then); any other error of the limiter lets the request through.
"""

from urllib.parse import urlsplit

from flask import current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from redis.backoff import NoBackoff
from redis.retry import Retry

#: the URL schemes whose options are redis-py's connection options
REDIS_SCHEMES = ("redis", "rediss", "redis+unix", "valkey", "valkeys", "valkey+unix")


def email_key():
    """The email address the request is about (form or JSON), lowercased; else the IP."""
    email = request.form.get("email")
    if email is None and request.is_json:
        body = request.get_json(silent=True)
        email = body.get("email") if isinstance(body, dict) else None
    if not isinstance(email, str) or not email.strip():
        return "ip:" + get_remote_address()
    return "email:" + email.strip().lower()


def make_limiter(service):
    """A limiter for one service, configured from its app's settings at init_app."""
    return Limiter(key_func=get_remote_address, key_prefix=f"foorumi:{service}")


def storage_options(uri, timeout):
    """redis-py's options for the storage at ``uri``: timeouts and no retries; {} for others."""
    if urlsplit(uri).scheme not in REDIS_SCHEMES:
        return {}
    return {"socket_timeout": timeout, "socket_connect_timeout": timeout,
            "retry": Retry(NoBackoff(), 0)}


def init_limiter(app, limiter):
    """Apply the settings to Flask-Limiter's names and attach the limiter."""
    config = app.config
    config["RATELIMIT_ENABLED"] = bool(config["RATELIMIT_ENABLED"])
    config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
    config.setdefault("RATELIMIT_STORAGE_OPTIONS", storage_options(
        config["RATELIMIT_STORAGE_URI"], float(config["RATELIMIT_STORAGE_TIMEOUT"])))
    limiter.init_app(app)
    # the limits' decorators hold the limiter weakly, and a disabled limiter keeps no reference
    # of its own: the app keeps it alive (a portal's limiter made inline was collected otherwise)
    app.extensions["foorumi.limiter"] = limiter


def public_form_limits(limiter):
    """Decorate a view that takes a public form: per-IP and per-email limits on POST."""

    def decorate(view):
        view = limiter.limit(
            lambda: current_app.config["RATELIMIT_PER_EMAIL"], key_func=email_key,
            methods=["POST"], scope="email",
        )(view)
        return limiter.limit(
            lambda: current_app.config["RATELIMIT_PER_IP"], methods=["POST"], scope="ip",
        )(view)

    return decorate
