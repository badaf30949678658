"""Security headers with a strict Content Security Policy, CSRF protection for every form, and
``Cache-Control: no-store`` on every answer that is personal.

An answer is personal, and no browser or proxy may keep a copy of it, when it is

* for a logged-in staff user (their name and menu are on every page; staff APIs answer only them),
* under ``/staff/`` (the login page, every staff page and export, whoever asks),
* to a POST or another unsafe method (a form that comes back shows what was typed into it), or
* of a view marked :func:`no_store`: the pages a secret link opens (manage, confirm, preferences,
  unsubscribe) and JSON that carries a registrant's or subscriber's details.

Everything else (the event page, the calendar, topic pages, the archive, the feed) stays as
cacheable as before: this module adds no ``Cache-Control`` to it.
"""

import functools

from flask import current_app, g, request
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ]
)

HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def _add_headers(response):
    """Add the security headers to every response that does not set its own."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response


#: the Cache-Control of a personal answer
NO_STORE = "no-store"
#: methods whose answers show nothing that was sent
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_MARK = "no_store"


def no_store(view):
    """Mark ``view``: none of its answers (redirects and error pages included) may be stored."""

    @functools.wraps(view)
    def marked(*args, **kwargs):
        setattr(g, _MARK, True)
        return view(*args, **kwargs)

    return marked


def _staff_path():
    """Whether the request is for the staff side (``/staff`` or under it)."""
    return request.path == "/staff" or request.path.startswith("/staff/")


def _staff_logged_in():
    """Whether a logged-in staff user made the request (static files aside).

    Only a request that carries the session cookie can be one, so the others cost nothing.
    ``shared.auth`` imports ``shared.web``, hence the import here.
    """
    app = current_app
    if app.session_interface.get_cookie_name(app) not in request.cookies:
        return False
    if (request.endpoint or "").rsplit(".", 1)[-1] == "static":
        return False
    from shared.auth import current_staff

    return current_staff() is not None


def _personal():
    """Whether the answer to this request is personal (see the module's docstring)."""
    return (g.get(_MARK, False) or request.method not in SAFE_METHODS or _staff_path()
            or _staff_logged_in())


def _cache_rule(response):
    """``Cache-Control: no-store`` on a personal answer, replacing any other caching rule."""
    if _personal():
        response.headers["Cache-Control"] = NO_STORE
    return response


def init_security(app):
    """CSRF on every form (JSON APIs are exempted by their blueprints), security headers and the
    no-store rule of personal answers."""
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", 4 * 3600)
    app.config.setdefault("WTF_CSRF_SSL_STRICT", False)
    csrf.init_app(app)
    app.after_request(_add_headers)
    app.after_request(_cache_rule)
