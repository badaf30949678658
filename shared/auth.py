"""Staff accounts: one login for all services, argon2 password hashes, roles, a route guard.

Accounts live in their own database (``FOORUMI_ACCOUNTS_DATABASE_URL``), owned by ``shared``.
Every service registers :data:`blueprint` under ``/<service>/staff``; the session cookie has path
``/`` and one secret, so a login on any service is a login on all of them.
"""

import datetime as dt
import enum
import functools
from urllib.parse import urlsplit

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from shared.db import Database, make_base, utcnow


class Role(enum.StrEnum):
    """What a staff member may do; ``admin`` may do everything."""

    ADMIN = "admin"
    SECRETARY = "secretary"
    MODERATOR = "moderator"
    WORKING_GROUP = "working_group"
    COMMUNICATIONS = "communications"


ROLE_LABELS = {
    Role.ADMIN: _l("Administrator"),
    Role.SECRETARY: _l("Secretary"),
    Role.MODERATOR: _l("Moderator"),
    Role.WORKING_GROUP: _l("Working group member"),
    Role.COMMUNICATIONS: _l("Communications"),
}

Base = make_base()
accounts_db = Database("accounts", Base)
hasher = PasswordHasher()


class StaffUser(Base):
    """A member of the county's staff (or of the working group) who logs in."""

    __tablename__ = "staff_users"
    #: the user's id
    id: Mapped[int] = mapped_column(primary_key=True)
    #: login name, lowercased
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    #: shown in audit trails and sign-offs
    name: Mapped[str] = mapped_column(sa.String(200))
    #: argon2id hash of the password
    password_hash: Mapped[str] = mapped_column(sa.String(200))
    #: comma-separated Role values
    roles: Mapped[str] = mapped_column(sa.String(200))
    #: a deactivated user cannot log in and loses open sessions
    active: Mapped[bool] = mapped_column(default=True)
    #: when the account was made (UTC)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: the last successful login (UTC)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(default=None)

    @property
    def role_set(self):
        """The user's roles as a set of Role."""
        return {Role(r) for r in self.roles.split(",") if r}

    def has_role(self, *roles):
        """Whether the user has any of ``roles`` (admins have every role)."""
        mine = self.role_set
        return Role.ADMIN in mine or any(Role(r) in mine for r in roles)


def create_user(email, name, password, roles):
    """Add a staff user (flush only). Raises ValueError for an unknown role."""
    roles = [Role(r).value for r in roles]
    user = StaffUser(email=email.strip().lower(), name=name, roles=",".join(roles),
                     password_hash=hasher.hash(password))
    accounts_db.session.add(user)
    accounts_db.session.flush()
    return user


def authenticate(email, password):
    """The active user with this email and password, or None. Rehashes outdated hashes."""
    user = accounts_db.session.scalar(
        sa.select(StaffUser).where(StaffUser.email == (email or "").strip().lower())
    )
    if user is None or not user.active:
        hasher.hash(password or "x")  # same work whether or not the user exists
        return None
    try:
        hasher.verify(user.password_hash, password or "")
    except (VerificationError, InvalidHashError):
        return None
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    user.last_login_at = utcnow()
    return user


def staff_with_role(role):
    """The active users who hold ``role`` themselves (not through admin), by email."""
    users = accounts_db.session.scalars(sa.select(StaffUser).where(StaffUser.active.is_(True))
                                        .order_by(StaffUser.email))
    return [user for user in users if Role(role) in user.role_set]


def current_staff():
    """The logged-in active staff user, or None."""
    if "staff" not in g:
        user_id = session.get("staff_id")
        user = accounts_db.session.get(StaffUser, user_id) if user_id else None
        g.staff = user if user is not None and user.active else None
    return g.staff


def login_required(*roles):
    """Guard a view: anonymous users go to the login page, users without a role get 403."""

    def decorate(view):
        @functools.wraps(view)
        def guarded(*args, **kwargs):
            user = current_staff()
            if user is None:
                if "/api/" in request.path:
                    abort(401)
                return redirect(url_for("staff_auth.login", next=request.full_path))
            if roles and not user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return guarded

    return decorate


def safe_next(target):
    """Only a local path may be a post-login destination."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


blueprint = Blueprint("staff_auth", __name__, template_folder="web/templates")


@blueprint.route("/login", methods=["GET", "POST"])
def login():
    """Show the login form; on POST log in and go back where the user was going."""
    error = None
    if request.method == "POST":
        user = authenticate(request.form.get("email"), request.form.get("password"))
        if user is not None:
            accounts_db.session.commit()
            session.clear()
            session["staff_id"] = user.id
            session.permanent = True
            return redirect(safe_next(request.args.get("next")) or url_for("staff_auth.home"))
        error = _l("The email address or password is wrong.")
    status = 401 if error else 200
    return render_template("shared/login.html", error=error), status


@blueprint.route("/logout", methods=["POST"])
def logout():
    """End the staff session everywhere."""
    session.clear()
    return redirect(url_for("staff_auth.login"))


@blueprint.route("/")
def home():
    """The service's staff start page (the service sets ``STAFF_HOME`` to an endpoint)."""
    if current_staff() is None:
        return redirect(url_for("staff_auth.login"))
    return redirect(url_for(current_app.config.get("STAFF_HOME", "staff_auth.login")))


def _login_limit():
    """The login form's rate limit (one function, so building apps again adds no second limit)."""
    return current_app.config["RATELIMIT_LOGIN"]


def init_auth(app, limiter):
    """Attach the accounts database, the login routes and the template helpers."""
    accounts_db.init_app(app)
    app.register_blueprint(blueprint, url_prefix="/staff")
    # Flask-Limiter checks a decorated limit inside the wrapper, so the route must call it
    app.view_functions["staff_auth.login"] = limiter.limit(_login_limit, methods=["POST"])(login)
    app.jinja_env.globals["current_staff"] = current_staff
    app.jinja_env.globals["Role"] = Role
