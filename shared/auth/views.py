"""The login routes every service serves under ``/<service>/staff``: log in, log out, start page.

After a login the user goes back where they were going, or to the first page one of their roles
may open (:data:`STAFF_PAGES`), so nobody lands on a 403.
"""

from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from shared.auth.accounts import authenticate
from shared.auth.models import Role, accounts_db
from shared.auth.sessions import current_staff, end_session, start_session

#: each role's staff pages, as suite paths, its start page first; admins have every role's
STAFF_PAGES = {
    Role.ADMIN: ("registration/staff/events", "staff/people/"),
    Role.SECRETARY: ("registration/staff/events", "feedback/staff/forums", "memo/staff/memos"),
    Role.MODERATOR: ("feedback/staff/moderation",),
    Role.COMMUNICATIONS: ("notify/staff/campaigns",),
    Role.WORKING_GROUP: ("memo/staff/reviews",),
}

blueprint = Blueprint("staff_auth", __name__)


def safe_next(target):
    """Only a local path may be a post-login destination."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def staff_pages(user, service=None):
    """The suite paths ``user`` may open, start pages first; only ``service``'s if given."""
    roles = [role for role in STAFF_PAGES if user.has_role(role)]
    pages = [page for role in roles for page in STAFF_PAGES[role]]
    return [page for page in pages if service is None or page.startswith(f"{service}/")]


def landing_url(user, service=None):
    """Where ``user`` starts: their first page on ``service`` if they have one there, else anywhere."""
    from shared.web.app import suite_url

    pages = staff_pages(user, service) or staff_pages(user)
    return suite_url(pages[0]) if pages else suite_url("")


@blueprint.route("/login", methods=["GET", "POST"])
def login():
    """Show the login form; on POST log in and go back where the user was going."""
    error = None
    if request.method == "POST":
        user = authenticate(request.form.get("email"), request.form.get("password"))
        if user is not None:
            start_session(user)
            accounts_db.session.commit()
            return redirect(safe_next(request.args.get("next")) or landing_url(user))
        error = _l("The email address or password is wrong.")
    status = 401 if error else 200
    return render_template("shared/login.html", error=error), status


@blueprint.route("/logout", methods=["POST"])
def logout():
    """End this browser's staff session on every service."""
    end_session()
    accounts_db.session.commit()
    return redirect(url_for("staff_auth.login"))


@blueprint.route("/")
def home():
    """The service's staff start page for this user's roles (or their start page elsewhere)."""
    user = current_staff()
    if user is None:
        return redirect(url_for("staff_auth.login"))
    return redirect(landing_url(user, current_app.config["SERVICE"]))
