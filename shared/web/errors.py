"""Error pages and JSON errors in the user's language.

A request under ``/api/`` (or asking for JSON) gets ``{"code", "message"}`` and, for bad input,
``{"errors": {field: [messages]}}``; every other request gets a page from the base layout.

A database that cannot be reached (refused or cut connection, a server starting up or shutting
down, a statement or lock timeout, no pooled connection free in time) is an outage, not a bug:
it is answered 503 with ``Retry-After``, as a page or as JSON, never as a 500 or a stack trace.
"""

import contextlib
import logging

from flask import current_app, g, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from marshmallow import ValidationError
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException

from shared.web.messages import translate_errors

MESSAGES = {
    400: _l("The request could not be understood."),
    403: _l("You do not have permission to open this page."),
    404: _l("The page or item was not found."),
    405: _l("This address does not accept that kind of request."),
    409: _l("The request conflicts with the current state. Reload the page and try again."),
    410: _l("This link is no longer valid."),
    413: _l("The request is too large."),
    422: _l("Please check the fields marked as incorrect."),
    429: _l("Too many attempts. Please wait a moment and try again."),
    500: _l("Something went wrong on our side. Please try again later."),
    503: _l("The service is busy. Please try again in a moment."),
}

#: what the user reads when a database is away
UNAVAILABLE_MESSAGE = _l("The service is temporarily unavailable. Please try again in a moment.")
#: seconds a client should wait before trying again when a database is away
UNAVAILABLE_RETRY_AFTER = 5

log = logging.getLogger(__name__)


def wants_json():
    """Whether the client should get JSON rather than a page."""
    if "/api/" in request.path:
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and not request.accept_mimetypes.accept_html


def error_response(code, message=None, errors=None):
    """A JSON body or an error page for ``code``."""
    message = str(message or MESSAGES.get(code, MESSAGES[500]))
    if wants_json():
        body = {"code": code, "message": message}
        if errors is not None:
            body["errors"] = errors
        return jsonify(body), code
    return render_template("shared/error.html", code=code, message=message), code


def _http_error(exc):
    """Answer an HTTP error in the user's language."""
    if exc.code in (401, 403) and getattr(exc, "login_url", None):
        return exc.get_response()
    data = getattr(exc, "data", None) or {}
    if exc.code == 422 and "messages" in data:
        messages = data["messages"]
        flat = next(iter(messages.values())) if len(messages) == 1 else messages
        return error_response(422, errors=translate_errors(flat))
    return error_response(exc.code or 500, getattr(exc, "user_message", None))


def _csrf_error(exc):
    """A form posted without a valid CSRF token (often an expired page)."""
    return error_response(400, _l("The form has expired. Reload the page and send it again."))


def _validation_error(exc):
    """A marshmallow ValidationError that escaped a view is bad input, not a crash."""
    return error_response(422, errors=translate_errors(exc.messages))


def database_unavailable(exc):
    """Whether ``exc`` means a database is out of reach (or too busy to answer), not a bug.

    OperationalError covers refused and cut connections, "the database system is starting up",
    and PostgreSQL's statement and lock timeouts; InterfaceError a connection already closed;
    TimeoutError the pool having no connection free in time; any other DBAPI error counts
    when SQLAlchemy found the connection dead.
    """
    if isinstance(exc, sa_exc.OperationalError | sa_exc.InterfaceError | sa_exc.TimeoutError):
        return True
    return isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated


def unavailable_response():
    """503 with Retry-After, as a page or JSON, touching no database."""
    for name, extension in current_app.extensions.items():
        if name.startswith("db."):  # give back what the failed transaction held, if anything
            with contextlib.suppress(Exception):
                extension.session.rollback()
    g.staff = None  # the layout's staff menu would ask the accounts database, which may be away
    response = current_app.make_response(error_response(503, UNAVAILABLE_MESSAGE))
    response.headers["Retry-After"] = str(UNAVAILABLE_RETRY_AFTER)
    return response


def _database_error(exc):
    """A database out of reach: 503 and a line in the log; any other database error is a bug."""
    if not database_unavailable(exc):
        raise exc
    log.warning("database unavailable on %s %s: %s", request.method, request.path,
                str(exc).splitlines()[0][:300])
    return unavailable_response()


def _server_error(exc):
    """Anything unexpected: log it, tell the user politely."""
    return error_response(500)


def init_errors(app):
    """Register the handlers."""
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(ValidationError, _validation_error)
    app.register_error_handler(sa_exc.DBAPIError, _database_error)
    app.register_error_handler(sa_exc.TimeoutError, _database_error)
    if not app.testing:
        app.register_error_handler(500, _server_error)
