"""Staff accounts: one login for all services, argon2 password hashes, roles, revocable sessions.

Accounts live in their own database (``FOORUMI_ACCOUNTS_DATABASE_URL``), owned by ``shared``.
Every service registers the login routes under ``/<service>/staff``; the session cookie has path
``/`` and one secret, and names a server-side session row (:mod:`shared.auth.sessions`), so a
login on any service is a login on all of them and a logout ends it on all of them. The portal
also serves the admins' people pages and everyone's password page (:mod:`shared.auth.people`).
"""

from flask import current_app

from shared.auth.accounts import (
    MIN_PASSWORD_LENGTH,
    authenticate,
    create_user,
    set_active,
    set_password,
    set_roles,
    staff_with_role,
)
from shared.auth.models import ROLE_LABELS, Base, Role, StaffSession, StaffUser, accounts_db
from shared.auth.sessions import current_staff, end_sessions_of, login_required
from shared.auth.views import blueprint, landing_url, safe_next, staff_pages
from shared.web.ratelimit import email_key

__all__ = [
    "MIN_PASSWORD_LENGTH", "ROLE_LABELS", "Base", "Role", "StaffSession", "StaffUser", "accounts_db",
    "authenticate", "create_user", "current_staff", "end_sessions_of", "init_auth", "landing_url",
    "login_required", "safe_next", "set_active", "set_password", "set_roles", "staff_pages",
    "staff_with_role",
]


def _login_limit():
    """Login attempts per IP (one function, so building apps again adds no second limit)."""
    return current_app.config["RATELIMIT_LOGIN"]


def _login_account_limit():
    """Login attempts per account, whichever addresses they come from."""
    return current_app.config["RATELIMIT_LOGIN_PER_ACCOUNT"]


def init_auth(app, limiter):
    """Attach the accounts database, the login routes and the template helpers."""
    from shared.auth import views

    accounts_db.init_app(app)
    app.register_blueprint(blueprint, url_prefix="/staff")
    # Flask-Limiter checks a decorated limit inside the wrapper, so the route must call it
    limited = limiter.limit(_login_account_limit, key_func=email_key, methods=["POST"],
                            scope="login-account")(views.login)
    limited = limiter.limit(_login_limit, methods=["POST"])(limited)
    app.view_functions["staff_auth.login"] = limited
    app.jinja_env.globals["current_staff"] = current_staff
    app.jinja_env.globals["Role"] = Role
