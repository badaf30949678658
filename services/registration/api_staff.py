"""The staff side of the registration API under /api/v1/staff: publishing, changing and
cancelling an event, and its agenda, under the same rules as the staff pages.

Every route needs the secretary role (admins pass; overrides of the lead time need an admin).
The rules are :mod:`changes` and :mod:`policy`, as for the pages: a refusal answers 409 or 422
with the message next to its field (``errors``), in the request's language, and keeps nothing.
An unknown event is a 404 whose ``errors`` name ``event_id``.
"""

from flask import jsonify
from flask_babel import lazy_gettext as _l
from flask_smorest import Blueprint
from marshmallow import ValidationError

from services.registration import changes, operations, policy
from services.registration.models import AgendaItem, Event, EventKind, db
from services.registration.schemas import ErrorSchema
from services.registration.schemas_staff import (
    AgendaItemInput,
    EventCancelInput,
    EventChangeInput,
    OverrideInput,
    PublishInput,
    StaffEventSchema,
)
from services.registration.staff_common import announce_change
from shared.auth import Role, current_staff, login_required
from shared.web import api as suite_api
from shared.web.errors import error_response
from shared.web.security import csrf

blp = Blueprint("registration_staff_api", __name__, url_prefix="/api/v1/staff",
                description="Publishing, changing and cancelling events (secretaries).")
csrf.exempt(blp)

secretary = login_required(Role.SECRETARY)
UNKNOWN_EVENT = _l("There is no such event.")
END_BEFORE_START = _l("The end must be after the start.")


class Refused(Exception):
    """A refusal to answer: status, message and field errors."""

    def __init__(self, status, message, errors):
        super().__init__(status)
        self.status, self.message, self.errors = status, message, errors


def _refused(status, field, message):
    """Answer a refusal; nothing of the request is kept."""
    db.session.rollback()
    return error_response(status, message, {field: [str(message)]})


def _event(event_id):
    """The event, or raise Refused (404 naming ``event_id``)."""
    event = db.session.get(Event, event_id)
    if event is None:
        raise Refused(404, UNKNOWN_EVENT, {"event_id": [str(UNKNOWN_EVENT)]})
    return event


def _load(schema):
    """The request's JSON object loaded through ``schema`` (ValidationError answers 422)."""
    return schema.load(suite_api.json_object())


def _answer(event, status=200):
    """The event as staff see it, after the commit."""
    db.session.commit()
    return jsonify(StaffEventSchema().dump(event)), status


def _guarded(view):
    """Answer Refused as a JSON error (the view's changes rolled back)."""
    def run(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except Refused as exc:
            db.session.rollback()
            return error_response(exc.status, exc.message, exc.errors)
        except changes.ChangeRefused as exc:
            return _refused(exc.status, exc.field, exc.message)

    run.__name__, run.__doc__ = view.__name__, view.__doc__
    return run


@blp.route("/events/<int:event_id>")
@secretary
@blp.response(200, StaffEventSchema)
@blp.alt_response(404, schema=ErrorSchema, description="Unknown event")
@_guarded
def show_event(event_id):
    """An event with its sequence, overrides and recorded changes."""
    return jsonify(StaffEventSchema().dump(_event(event_id)))


@blp.route("/events/<int:event_id>", methods=["PATCH"])
@secretary
@blp.doc(requestBody={"required": True,
                      "content": {"application/json": {"schema": EventChangeInput}}})
@blp.response(200, StaffEventSchema)
@blp.alt_response(404, schema=ErrorSchema, description="Unknown event")
@blp.alt_response(409, schema=ErrorSchema, description="Stale sequence (sent twice?)")
@blp.alt_response(422, schema=ErrorSchema, description="Bad input, a missing reason or override")
@_guarded
def change_event(event_id):
    """Change an event; a published one's registrants and invitees are told (``event.changed``)."""
    event = _event(event_id)
    data = _load(EventChangeInput())
    extra = {name: data.pop(name) for name in ("change_reason", "override_reason", "sequence")}
    if "kind" in data:
        data["kind"] = EventKind(data["kind"])
    if data.get("ends_at", event.ends_at) <= data.get("starts_at", event.starts_at):
        raise ValidationError({"ends_at": [END_BEFORE_START]})
    changes.edit(event, data, current_staff(), extra["change_reason"], extra["override_reason"],
                 extra["sequence"])
    announce_change(event)
    return _answer(event)


@blp.route("/events/<int:event_id>/cancel", methods=["POST"])
@secretary
@blp.doc(requestBody={"required": True,
                      "content": {"application/json": {"schema": EventCancelInput}}})
@blp.response(200, StaffEventSchema)
@blp.alt_response(404, schema=ErrorSchema, description="Unknown event")
@blp.alt_response(409, schema=ErrorSchema, description="Already cancelled, held, or stale")
@blp.alt_response(422, schema=ErrorSchema, description="Bad input or a missing reason")
@_guarded
def cancel_event(event_id):
    """Cancel an event; a published one's registrants and invitees get a cancelling .ics."""
    event = _event(event_id)
    data = _load(EventCancelInput())
    changes.cancel(event, current_staff(), data["reason"], True, data["sequence"])
    return _answer(event)


@blp.route("/events/<int:event_id>/publish", methods=["POST"])
@secretary
@blp.response(200, StaffEventSchema)
@blp.alt_response(404, schema=ErrorSchema, description="Unknown event")
@blp.alt_response(409, schema=ErrorSchema, description="Not a draft")
@blp.alt_response(422, schema=ErrorSchema, description="Empty agenda, or too little lead time")
@_guarded
def publish_event(event_id):
    """Publish a draft with an agenda, at least the policy's lead time ahead (or overridden)."""
    event = _event(event_id)
    data = _load(PublishInput())
    try:
        operations.publish(event, current_staff(), data["override_reason"] or None)
    except policy.PolicyViolation as exc:
        raise _publish_refusal(exc) from exc
    return _answer(event)


def _publish_refusal(exc):
    """The Refused of a refused publication."""
    if str(exc) == "not a draft":
        message = _l("Only a draft can be published.")
        return Refused(409, message, {"event_id": [str(message)]})
    if str(exc) == "empty agenda":
        message = _l("Add at least one agenda item first: the agenda is published with the event.")
        return Refused(422, message, {"agenda": [str(message)]})
    return Refused(422, exc.message, {"override_reason": [str(exc.message)]})


@blp.route("/events/<int:event_id>/agenda", methods=["POST"])
@secretary
@blp.response(201, StaffEventSchema)
@blp.alt_response(404, schema=ErrorSchema, description="Unknown event")
@blp.alt_response(422, schema=ErrorSchema, description="Bad input, or inside the lead time")
@_guarded
def add_agenda_item(event_id):
    """Add an item at the end of the agenda (inside the lead time: after an admin's override)."""
    event = _event(event_id)
    data = _load(AgendaItemInput())
    try:
        policy.require_agenda_change(event)
    except policy.PolicyViolation as exc:
        raise Refused(422, exc.message, {"late_agenda": [str(exc.message)]}) from exc
    event.agenda_items.append(AgendaItem(position=len(event.agenda_items) + 1, **data))
    announce_change(event)
    return _answer(event, 201)


@blp.route("/events/<int:event_id>/late-agenda", methods=["POST"])
@secretary
@blp.response(200, StaffEventSchema)
@blp.alt_response(404, schema=ErrorSchema, description="Unknown event")
@blp.alt_response(422, schema=ErrorSchema, description="Not an admin, no reason, or not needed")
@_guarded
def allow_late_agenda(event_id):
    """An admin records why the agenda changes inside the lead time."""
    event = _event(event_id)
    data = _load(OverrideInput())
    try:
        policy.allow_late_agenda(event, current_staff(), data["override_reason"])
    except policy.PolicyViolation as exc:
        raise Refused(422, exc.message, {"override_reason": [str(exc.message)]}) from exc
    return _answer(event)
