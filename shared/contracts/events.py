"""Domain events a service announces to whoever listens (fanned out by the outbox relay)."""

from marshmallow import Schema, fields

from shared.contracts.base import Payload

#: A forum or targeted session was published (or its published agenda changed).
EVENT_PUBLISHED = "event.published"

#: A forum's last topic closed for comments: the memo can be drafted from its approved comments.
FEEDBACK_WINDOW_CLOSED = "feedback.window_closed"

#: A memo was published after the working group's sign-off (the memo service will send it).
MEMO_PUBLISHED = "memo.published"

#: topic -> receiving task names. Receivers are added here as their services learn to listen.
RECEIVERS = {
    EVENT_PUBLISHED: ("feedback.sync_topics", "notify.announce_event"),
    FEEDBACK_WINDOW_CLOSED: (),  # the memo service's drafting arrives with its issue
    MEMO_PUBLISHED: ("notify.announce_memo",),
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
    #: when the forum's recording was published (it is announced again then), or None
    recording_published_at = fields.AwareDateTime(load_default=None, allow_none=True)


class ClosedTopicPayload(Schema):
    """One topic of a forum whose comment window closed."""

    topic_id = fields.Integer(required=True)
    agenda_item_id = fields.Integer(required=True)
    position = fields.Integer(required=True)
    title = fields.String(required=True)
    approved_comments = fields.Integer(required=True)


class WindowClosedPayload(Payload):
    """A forum's comments are final. The comments themselves are fetched from ``comments_url``
    (feedback's ``GET /api/v1/forums/<id>/comments``), so the message stays small."""

    event_id = fields.Integer(required=True)
    title = fields.String(required=True)
    closed_at = fields.AwareDateTime(required=True)
    comments_url = fields.Url(require_tld=False, required=True)
    topics = fields.List(fields.Nested(ClosedTopicPayload), required=True)


class MemoPublishedPayload(Payload):
    """A published memo: notify announces it in the feed and marks the forum's plan milestone."""

    memo_id = fields.Integer(required=True)
    event_id = fields.Integer(required=True)
    title = fields.String(required=True)
    url = fields.Url(require_tld=False, required=True)
    published_at = fields.AwareDateTime(required=True)
