"""Build the four services' apps and the landing page behind one dispatcher (embedded mode)."""

from flask import render_template
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from services import feedback, memo, notify, registration
from shared.auth import accounts_db, people
from shared.config import SERVICES
from shared.web import make_app
from shared.web.ratelimit import make_limiter

FACTORIES = {
    "registration": registration.create_app,
    "feedback": feedback.create_app,
    "memo": memo.create_app,
    "notify": notify.create_app,
}


def create_portal(config=None):
    """The landing page at / with the privacy notice and accessibility statement, and the people
    pages (staff accounts for admins, the password change for everyone) under /staff/."""
    app = make_app("portal", __name__, config, db=accounts_db, limiter=make_limiter("portal"))
    app.register_blueprint(people.blueprint, url_prefix="/staff")
    app.add_url_rule("/", "index", lambda: render_template("portal/index.html"))
    app.add_url_rule("/privacy", "privacy", lambda: render_template("portal/privacy.html"))
    app.add_url_rule("/accessibility", "accessibility",
                     lambda: render_template("portal/accessibility.html"))
    return app


def create_services(config=None, only=None):
    """{service name: app} for ``only`` the named services, or all four."""
    return {name: FACTORIES[name](config) for name in (only or SERVICES)}


def create_suite(config=None):
    """One WSGI app serving / and the four service prefixes."""
    apps = create_services(config)
    return DispatcherMiddleware(create_portal(config), {f"/{n}": a for n, a in apps.items()})
