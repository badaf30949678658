"""The JSON API frame every service shares: flask-smorest with the suite's error format.

Each service serves its blueprints under ``/api/v1`` with an OpenAPI 3 document at
``/api/v1/openapi.json`` (:func:`init_api`). Every error answer, of the API and of the pages,
is ``{"code", "message", "errors": {field: [messages]}}`` in the request's language
(:class:`ErrorSchema`); a body that is not a JSON object is a 400 (:func:`json_object`).
"""

from flask import request
from flask_babel import lazy_gettext as _l
from flask_smorest import Api
from marshmallow import Schema, fields
from werkzeug.exceptions import BadRequest

from shared.web.errors import init_errors


class ErrorSchema(Schema):
    """Every error answer of the API; ``errors`` holds field errors of bad input (422)."""

    code = fields.Integer(metadata={"description": "the HTTP status"})
    message = fields.String(metadata={"description": "what went wrong, in the user's language"})
    errors = fields.Dict(
        keys=fields.String(), metadata={"description": "{field: [messages]} for bad input"}
    )


class SuiteApi(Api):
    """flask-smorest's Api with the suite's error format documented."""

    ERROR_SCHEMA = ErrorSchema


def init_api(app, service, *blueprints):
    """Serve ``blueprints`` and their OpenAPI document on ``app``; returns the Api.

    ``Api(app)`` registers flask-smorest's own HTTPException handler; the suite's handlers are
    registered again after it, so every error (API or page) keeps the suite's format.
    """
    app.config.update(
        API_TITLE=f"foorumi {service}", API_VERSION="v1", OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1", OPENAPI_JSON_PATH="openapi.json",
    )
    api = SuiteApi(app)
    for blueprint in blueprints:
        api.register_blueprint(blueprint)
    init_errors(app)
    return api


def bad_request(message):
    """A 400 whose message the user sees."""
    exc = BadRequest()
    exc.user_message = message
    return exc


def json_object():
    """The request's JSON object; 413 past the route's body limit, 400 for anything else.

    :mod:`shared.web.input_guards` has refused a body over the limit before the view runs.
    """
    request.get_data(cache=True)  # reads the body, raising 413 when it is too large
    body = request.get_json(silent=True) if request.is_json else None
    if not isinstance(body, dict):
        raise bad_request(_l("Send the data as a JSON object (Content-Type: application/json)."))
    return body
