"""Marshmallow schemas of the staff JSON API (``/api/v1/staff``): changing, cancelling and
publishing an event and adding to its agenda, and the event as staff see it.

Inputs reject unknown fields; a change and a cancellation carry the ``sequence`` of the event
they were made from, so a request sent twice is refused the second time. Reasons are plain text
(:class:`forms.Reason`: HTML is refused).
"""

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate

from services.registration import forms, policy
from services.registration.models import EventKind
from shared.web.fields import Text, UtcDateTime

SEQUENCE = {"description": "the event's sequence the request was made from (see the event)"}


class EventChangeInput(Schema):
    """A change of an event's facts; what is left out stays. A published event's change of time,
    place, mode or kind needs ``change_reason`` (inside the lead time an admin's
    ``override_reason`` too) and is emailed to its registrants and invitees. (The remote link
    is set on the staff pages only: no API document names it.)"""

    title = Text(200)
    starts_at = UtcDateTime()
    ends_at = UtcDateTime()
    venue = Text(300)
    onsite_capacity = fields.Integer(strict=True, validate=validate.Range(
        min=0, max=100000, error=_l("Enter a number from 0 to 100000.")))
    kind = fields.String(validate=validate.OneOf([k.value for k in EventKind]))
    change_reason = forms.Reason(load_default="")
    override_reason = forms.Reason(load_default="")
    sequence = fields.Integer(required=True, strict=True, metadata=SEQUENCE)


class EventCancelInput(Schema):
    """A cancellation: the reason emailed to everyone, and the event's sequence."""

    reason = forms.Reason(required=True)
    sequence = fields.Integer(required=True, strict=True, metadata=SEQUENCE)


class PublishInput(Schema):
    """Publishing a draft; inside the lead time an admin's ``override_reason``."""

    override_reason = forms.Reason(load_default="")


class OverrideInput(Schema):
    """An admin's reason for changing the agenda inside the lead time."""

    override_reason = forms.Reason(required=True)


class AgendaItemInput(Schema):
    """An agenda item added at the end of the agenda (its presenter's address is set on the
    staff pages only)."""

    title = Text(200, required=True)
    description = Text(20000, multiline=True, load_default="")
    presenter_name = Text(200, load_default="")


class EventChangeSchema(Schema):
    """One recorded change of the event."""

    action = fields.String(metadata={"enum": ["changed", "cancelled", "late_agenda"]})
    reason = fields.String()
    override_reason = fields.String(allow_none=True)
    changed_by = fields.String()
    changed_at = fields.AwareDateTime()
    fields_changed = fields.Dict(attribute="fields", data_key="fields")
    sequence = fields.Integer()


class StaffEventSchema(Schema):
    """An event as staff see it: its state, sequence, overrides and recorded changes."""

    id = fields.Integer()
    kind = fields.String()
    status = fields.String()
    title = fields.String()
    starts_at = fields.AwareDateTime()
    ends_at = fields.AwareDateTime()
    venue = fields.String()
    onsite_capacity = fields.Integer()
    sequence = fields.Integer()
    published_at = fields.AwareDateTime(allow_none=True)
    publish_override_reason = fields.String(allow_none=True)
    publish_override_by = fields.String(allow_none=True)
    agenda_locked = fields.Function(policy.agenda_locked, metadata={
        "description": "changing the agenda now needs an admin's recorded override"})
    agenda = fields.Function(lambda event: [{"id": i.id, "position": i.position, "title": i.title}
                                            for i in event.agenda_items])
    changes = fields.List(fields.Nested(EventChangeSchema))
