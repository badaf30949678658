"""The registration service's JSON API under /api/v1, described by OpenAPI at /api/v1/openapi.json.

Thin controllers: load input through a schema, call operations, commit, answer JSON. Errors keep
the suite's format (``{"code", "message", "errors": {field: [messages]}}``, see
:mod:`shared.web.errors`) in the request's language (``Accept-Language`` or ``?lang=``).
A registration is answered 202 whether or not the address had registered for the event; the
registrant's details go only to the holder of the manage link, and are never stored by a cache.
"""

from flask import abort, jsonify, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_smorest import Blueprint

from services.registration import api_staff, operations, queries
from services.registration.limits import limiter
from services.registration.models import Event, EventKind, EventStatus, db
from services.registration.public import RECEIVED_MESSAGE
from services.registration.schemas import (
    CancelledSchema,
    ErrorSchema,
    EventDetailSchema,
    EventSummarySchema,
    RegistrationReceivedSchema,
    RegistrationSchema,
    RegistrationViewSchema,
    registration_schema,
)
from shared.web import api as suite_api
from shared.web.errors import error_response
from shared.web.ratelimit import public_form_limits
from shared.web.security import csrf, no_store

#: seconds a client should wait after a 503 "seats busy" before trying again
RETRY_AFTER_SECONDS = 2
PUBLIC_STATUSES = (EventStatus.PUBLISHED, EventStatus.HELD)

blp = Blueprint("registration_api", __name__, url_prefix="/api/v1",
                description="Forums, their registrations and cancellations.")
csrf.exempt(blp)


def init_api(app):
    """Serve the registration API, its staff side and their OpenAPI document on ``app``."""
    from services.registration.cycle.blueprint import api_blueprints

    return suite_api.init_api(app, "registration", blp, api_staff.blp, *api_blueprints())


def _public_event(event_id, options=()):
    """(event, invitation) if the public may see the event; 404 otherwise.

    A targeted session is visible only with its invitation's token in ``?invitation=``.
    ``options`` are loader options of the event (``queries.WITH_AGENDA`` to dump its agenda).
    """
    event = db.session.get(Event, event_id, options=options)
    if event is None or event.status not in PUBLIC_STATUSES:
        abort(404)
    invitation = None
    if event.kind == EventKind.TARGETED:
        invitation = queries.invitation_by_token(event.id, request.args.get("invitation"))
        if invitation is None:
            abort(404)
    return event, invitation


def _registration(token):
    """The registration of a manage token; 404 for an unknown one."""
    registration = queries.by_manage_token(token)
    if registration is None:
        abort(404)
    return registration


def _seats_busy():
    """503 with Retry-After: the seat lock was not free in time."""
    db.session.rollback()
    response, code = error_response(503)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response, code


def _closed():
    """409: the event does not take registrations now."""
    db.session.rollback()
    return error_response(409, _l("Registration for this event is not open."))


@blp.route("/events")
@blp.response(200, EventSummarySchema(many=True))
def list_events():
    """Published open forums, soonest first, with their seat counts."""
    events = queries.public_events()
    counts = queries.counts_by_event([event.id for event in events])
    return jsonify(EventSummarySchema(counts=counts, many=True).dump(events))


@blp.route("/events/<int:event_id>")
@blp.response(200, EventDetailSchema)
@blp.alt_response(404, schema=ErrorSchema, description="Unknown or unpublished event")
def show_event(event_id):
    """One event with its agenda, background material and registration questions."""
    event, _invitation = _public_event(event_id, queries.WITH_AGENDA)
    counts = queries.counts_by_event([event.id])
    return jsonify(EventDetailSchema(counts=counts).dump(event))


@blp.route("/events/<int:event_id>/registrations", methods=["POST"])
@blp.doc(requestBody={"required": True,
                      "content": {"application/json": {"schema": RegistrationSchema}}})
@blp.response(202, RegistrationReceivedSchema, description=(
    "Received, whether the address is new for the event or had registered before (the answer "
    "does not tell which). The registrant's status (confirmed, waiting list and position, "
    "remote) and manage link are emailed to the address, never answered here."))
@blp.alt_response(400, schema=ErrorSchema, description="Not a JSON object")
@blp.alt_response(404, schema=ErrorSchema, description="Unknown or unpublished event")
@blp.alt_response(409, schema=ErrorSchema, description="Registration is not open")
@blp.alt_response(413, schema=ErrorSchema, description="Request too large")
@blp.alt_response(422, schema=ErrorSchema, description="Bad input, by field")
@blp.alt_response(429, schema=ErrorSchema, description="Too many attempts")
@blp.alt_response(503, schema=ErrorSchema, description="Seats busy; retry after Retry-After")
@public_form_limits(limiter)
def create_registration(event_id):
    """Register for an event: confirmed, or on the waiting list when on-site seats are taken.

    A second registration with the same address changes nothing and gets the same answer; the
    email sent to the address tells which it was.
    """
    event, invitation = _public_event(event_id, queries.WITH_QUESTIONS)
    data = registration_schema(event).load(suite_api.json_object())
    try:
        operations.register(event, data, str(get_locale()), invitation)
    except operations.SeatsBusy:
        return _seats_busy()
    except operations.RegistrationClosed:
        return _closed()
    db.session.commit()
    return jsonify(RegistrationReceivedSchema().dump(
        {"status": "received", "message": str(RECEIVED_MESSAGE)})), 202


@blp.route("/registrations/<token>")
@blp.response(200, RegistrationViewSchema)
@blp.alt_response(404, schema=ErrorSchema, description="Unknown token")
@no_store
def show_registration(token):
    """The registration a manage link opens (only its holder knows the token)."""
    return jsonify(RegistrationViewSchema().dump(_registration(token)))


@blp.route("/registrations/<token>/cancel", methods=["POST"])
@blp.response(200, CancelledSchema)
@blp.alt_response(404, schema=ErrorSchema, description="Unknown token")
@blp.alt_response(429, schema=ErrorSchema, description="Too many attempts")
@blp.alt_response(503, schema=ErrorSchema, description="Seats busy; retry after Retry-After")
@public_form_limits(limiter)
@no_store
def cancel_registration(token):
    """Cancel a registration (again: no change); a freed seat goes to the first in line."""
    registration = _registration(token)
    try:
        operations.cancel(registration)
    except operations.SeatsBusy:
        return _seats_busy()
    db.session.commit()
    return jsonify(CancelledSchema().dump(registration))
