"""Guards every request passes before a view reads it: ids the databases hold, bodies no larger
than their route takes, JSON not nested too deeply, no control characters in the URL.

* ``<int:...>`` in a route is :class:`IdConverter`, a whole number from 0 to ID_MAX: a larger
  one matches no route (404), like any id that names no row. It replaces Flask's ``int``
  converter before the services add their routes.
* A body larger than its route's limit is refused with 413 before it is read, and the limit
  also caps a body sent without a Content-Length. The limit is the setting FORM_MAX_BYTES, or
  JSON_MAX_BYTES for a JSON body, unless the view is marked with :func:`body_limit` (the upload
  routes: MAX_CONTENT_LENGTH).
* A JSON body nested deeper than JSON_MAX_DEPTH, or not UTF-8, is a 400 before any parser sees
  it: the standard library's parser recurses, and 50,000 levels are a RecursionError.
* A control character in the path is a 404, in the query string a 400: no link the suite makes
  has one, and PostgreSQL cannot store a NUL.
"""

import itertools
import re

from flask import abort, current_app, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.routing import IntegerConverter

from shared.validators import CONTROL
from shared.web.api import bad_request
from shared.web.fields import ID_MAX

#: a JSON string (escapes included), skipped when the nesting is measured
JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
#: every byte that is not a bracket of an array or object
NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
TOO_DEEP = _l("The data is nested too deeply.")


class IdConverter(IntegerConverter):
    """``<int:...>``: a whole number from 0 to ID_MAX unless the route says otherwise."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", ID_MAX)
        super().__init__(map, *args, **kwargs)


def body_limit(setting):
    """Mark a view to take bodies up to ``current_app.config[setting]`` bytes (uploads)."""

    def mark(view):
        view.body_limit = setting
        return view

    return mark


def json_depth(body):
    """How deeply arrays and objects nest in the JSON text ``body`` (bytes)."""
    brackets = JSON_STRING.sub(b"", body).translate(None, NOT_BRACKETS)
    steps = (1 if bracket in b"[{" else -1 for bracket in brackets)
    return max(itertools.accumulate(steps), default=0)


def _limit():
    """The body limit of this request's route, in bytes."""
    view = current_app.view_functions.get(request.endpoint)
    default = "JSON_MAX_BYTES" if request.is_json else "FORM_MAX_BYTES"
    return current_app.config[getattr(view, "body_limit", default)]


def _check_url():
    """404 for a control character in the path, 400 for one in the query string."""
    if CONTROL.search(request.path):
        abort(404)
    if any(CONTROL.search(key) or CONTROL.search(value)
           for key, value in request.args.items(multi=True)):
        abort(400)


def _check_json():
    """400 for a JSON body that is not UTF-8 or nests deeper than JSON_MAX_DEPTH."""
    body = request.get_data(cache=True)
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        abort(400)
    if json_depth(body) > current_app.config["JSON_MAX_DEPTH"]:
        raise bad_request(TOO_DEEP)


def guard_request():
    """Refuse what no view should read: see the module's docstring."""
    _check_url()
    limit = _limit()
    request.max_content_length = limit
    if request.content_length is not None and request.content_length > limit:
        raise RequestEntityTooLarge()
    if request.is_json:
        _check_json()


def init_input_guards(app):
    """Bound ``<int:...>`` on ``app`` and guard each of its requests before anything reads it.

    The guard goes first among the app's before_request functions: CSRF protection, registered
    before it, reads the form, and a body over the limit must not be read at all.
    """
    app.url_map.converters["int"] = IdConverter
    app.before_request_funcs.setdefault(None, []).insert(0, guard_request)
