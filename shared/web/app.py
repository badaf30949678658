"""The frame of every service's Flask app: settings, database, i18n, security, errors, limits."""

import gc
import logging
import sys
from pathlib import Path

from flask import Blueprint, Flask, current_app, request
from werkzeug.middleware.proxy_fix import ProxyFix

from shared import auth, config
from shared.celery import register_app
from shared.web.errors import init_errors
from shared.web.i18n import init_i18n
from shared.web.input_guards import init_input_guards
from shared.web.ratelimit import init_limiter
from shared.web.security import init_security
from shared.web.text import markdown

WEB_DIR = Path(__file__).resolve().parent

#: the shared templates (base layout, form macros, error page) and static files
shared_web = Blueprint(
    "shared_web", __name__, template_folder="templates", static_folder="static",
    static_url_path="/_shared",
)


def suite_url(path=""):
    """A URL on the suite's site, from whichever service renders it (``suite_url('memo/')``)."""
    root = request.script_root
    own = "/" + current_app.config["SERVICE"]
    if root.endswith(own):
        root = root[: -len(own)]
    return f"{root}/{path}"


def make_app(service, import_name, settings=None, *, db, limiter):
    """A Flask app for ``service`` with everything from ``shared`` wired in.

    ``settings`` are overrides on top of the defaults and the environment (tests pass them).
    """
    config.INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    app = Flask(import_name, instance_path=str(config.INSTANCE_DIR))
    app.config.update(config.load(settings))
    app.config.update(
        SERVICE=service,
        SESSION_COOKIE_NAME="foorumi_session",
        SESSION_COOKIE_PATH="/",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=app.config["SESSION_HOURS"] * 3600,
        TESTING=app.config["ENV"] == "test",
    )
    app.jinja_env.filters["markdown"] = markdown
    app.jinja_env.globals["service_name"] = service
    app.jinja_env.globals["suite_url"] = suite_url
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.register_blueprint(shared_web)
    db.init_app(app)
    init_i18n(app)
    init_security(app)
    init_input_guards(app)
    init_errors(app)
    init_limiter(app, limiter)
    auth.init_auth(app, limiter)
    register_app(service, app)
    if app.config["TRUSTED_PROXIES"]:  # the client's address and scheme, not nginx's
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    if not app.testing:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    return app


def wsgi_app(factory):
    """``factory()`` for a WSGI server; unsafe settings stop the server with one clear line.

    Exit status 4 is gunicorn's "app failed to load": its master stops instead of restarting
    the worker for ever. Once built, what exists is frozen (``gc.freeze``): the app, its
    templates, catalogs and mappers leave the collector's generations, so a full collection
    during a request no longer walks them (pauses of ~100 ms in bench figure c's p95).
    """
    try:
        app = factory()
    except config.ConfigError as exc:
        print(f"foorumi: {exc}", file=sys.stderr, flush=True)
        raise SystemExit(4) from None
    gc.freeze()
    return app
