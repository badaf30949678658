"""Server-side staff sessions: the cookie names a row, and only the row makes a login.

A login stores a random token in the signed session cookie and the token's SHA-256 in
``staff_sessions``. Every request looks the row up with its user (one statement), so logging
out, or an admin ending someone's sessions, refuses a copied cookie at once on every service
and process. A session ends ``SESSION_HOURS`` after login, or ``SESSION_IDLE_MINUTES`` after its
last request; the last request is written at most once a minute, outside the request's own
transaction.
"""

import datetime as dt
import functools
import hashlib
import secrets

import sqlalchemy as sa
from flask import abort, current_app, g, redirect, request, session, url_for

from shared.auth.models import StaffSession, StaffUser, accounts_db
from shared.db import utcnow

#: how stale ``last_seen_at`` may get before a request writes it again
TOUCH_EVERY = dt.timedelta(minutes=1)


def _digest(token):
    """The stored form of a session token."""
    return hashlib.sha256(token.encode()).hexdigest()


def _limits():
    """(absolute lifetime, idle timeout) from the settings."""
    config = current_app.config
    return (dt.timedelta(hours=config["SESSION_HOURS"]),
            dt.timedelta(minutes=config["SESSION_IDLE_MINUTES"]))


def start_session(user):
    """Log ``user`` in on this browser: a fresh cookie and a new session row (flush only).

    Sessions of anyone that have run out are swept at the same time.
    """
    lifetime, idle = _limits()
    now = utcnow()
    accounts_db.session.execute(sa.delete(StaffSession).where(sa.or_(
        StaffSession.created_at < now - lifetime, StaffSession.last_seen_at < now - idle)))
    token = secrets.token_urlsafe(32)
    accounts_db.session.add(StaffSession(id=_digest(token), user_id=user.id, created_at=now,
                                         last_seen_at=now))
    session.clear()
    session["sid"] = token
    session.permanent = True


def end_session():
    """Log this browser out: its session row is deleted and its cookie emptied (flush only)."""
    token = session.get("sid")
    if isinstance(token, str):
        accounts_db.session.execute(sa.delete(StaffSession).where(StaffSession.id == _digest(token)))
    session.clear()
    g.pop("staff", None)


def end_sessions_of(user_id):
    """End every session of one user, wherever it is open (flush only)."""
    accounts_db.session.execute(sa.delete(StaffSession).where(StaffSession.user_id == user_id))


def _live(staff_session, user, now):
    """Whether a session row still makes a login."""
    lifetime, idle = _limits()
    return (user.active and now - staff_session.created_at < lifetime
            and now - staff_session.last_seen_at < idle)


def _touch(staff_session, now):
    """Record this request as the session's last, in its own short transaction."""
    with accounts_db.engine.begin() as conn:
        conn.execute(sa.update(StaffSession).where(StaffSession.id == staff_session.id)
                     .values(last_seen_at=now))


def _session_user():
    """The user of this browser's live session, or None (and a dead session is forgotten)."""
    token = session.get("sid")
    if not isinstance(token, str):
        return None
    row = accounts_db.session.execute(
        sa.select(StaffSession, StaffUser).join(StaffUser, StaffSession.user_id == StaffUser.id)
        .where(StaffSession.id == _digest(token))).first()
    now = utcnow()
    if row is None or not _live(row.StaffSession, row.StaffUser, now):
        session.pop("sid", None)
        return None
    if now - row.StaffSession.last_seen_at >= TOUCH_EVERY:
        _touch(row.StaffSession, now)
    return row.StaffUser


def current_staff():
    """The logged-in active staff user of this request, or None."""
    if "staff" not in g:
        g.staff = _session_user()
    return g.staff


def login_required(*roles):
    """Guard a view: anonymous users go to the login page, users without a role get 403.

    The login page is given the whole path back (service prefix included), so a deep link
    survives the detour even when the login happens on another service.
    """

    def decorate(view):
        @functools.wraps(view)
        def guarded(*args, **kwargs):
            user = current_staff()
            if user is None:
                if "/api/" in request.path:
                    abort(401)
                return redirect(url_for("staff_auth.login",
                                        next=request.script_root + request.full_path.rstrip("?")))
            if roles and not user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return guarded

    return decorate
