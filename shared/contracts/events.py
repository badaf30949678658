"""Domain events a service announces to whoever listens (fanned out by the outbox relay)."""

from marshmallow import Schema, fields

from shared.contracts.base import Payload

#: A forum or targeted session was published (or its published agenda changed).
EVENT_PUBLISHED = "event.published"

#: topic -> receiving task names. Receivers are added here as their services learn to listen.
RECEIVERS = {
    EVENT_PUBLISHED: ("feedback.sync_topics",),
}


class AgendaItemPayload(Schema):
    """One agenda item of a published event."""

    id = fields.Integer(required=True)
    position = fields.Integer(required=True)
    title = fields.String(required=True)
    description = fields.String(load_default="")
    presenter_name = fields.String(load_default="")
    material_urls = fields.List(fields.Url(require_tld=False), load_default=list)


class EventPublishedPayload(Payload):
    """What feedback needs for its topics and notify for its announcements."""

    event_id = fields.Integer(required=True)
    kind = fields.String(required=True)
    title = fields.String(required=True)
    theme = fields.String(required=True)
    starts_at = fields.AwareDateTime(required=True)
    ends_at = fields.AwareDateTime(required=True)
    url = fields.Url(require_tld=False, required=True)
    agenda = fields.List(fields.Nested(AgendaItemPayload), load_default=list)
