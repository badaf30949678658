"""Error pages and JSON errors in the user's language.

A request under ``/api/`` (or asking for JSON) gets ``{"code", "message"}`` and, for bad input,
``{"errors": {field: [messages]}}``; every other request gets a page from the base layout.
"""

from flask import jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from marshmallow import ValidationError
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


def _server_error(exc):
    """Anything unexpected: log it, tell the user politely."""
    return error_response(500)


def init_errors(app):
    """Register the handlers."""
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(ValidationError, _validation_error)
    if not app.testing:
        app.register_error_handler(500, _server_error)
