"""The messages services send each other, as marshmallow schemas.

A message has a topic. A command (``notify.send_email``) has one receiver, the task of the same
name. An event (``event.published``) is fanned out by the outbox relay to every task listed for it
in :data:`ROUTES`. Payloads carry ids and plain values, never ORM objects; a breaking change gets a
new ``_v2`` topic. Every payload has a ``message_id``, which receivers use to ignore redeliveries.
"""

from shared.contracts import events, notify
from shared.contracts.base import Payload

__all__ = ["Payload", "ROUTES", "SCHEMAS", "events", "notify"]


#: topic -> the task names that receive it; commands route to themselves.
ROUTES = {
    notify.SEND_EMAIL: (notify.SEND_EMAIL,),
    notify.REQUEST_SUBSCRIPTION: (notify.REQUEST_SUBSCRIPTION,),
    events.EVENT_PUBLISHED: events.RECEIVERS[events.EVENT_PUBLISHED],
    events.EVENT_CHANGED: events.RECEIVERS[events.EVENT_CHANGED],
    events.EVENT_CANCELLED: events.RECEIVERS[events.EVENT_CANCELLED],
    events.FEEDBACK_WINDOW_OPENED: events.RECEIVERS[events.FEEDBACK_WINDOW_OPENED],
    events.FEEDBACK_WINDOW_CLOSED: events.RECEIVERS[events.FEEDBACK_WINDOW_CLOSED],
    events.MEMO_DRAFTED: events.RECEIVERS[events.MEMO_DRAFTED],
    events.MEMO_APPROVED: events.RECEIVERS[events.MEMO_APPROVED],
    events.MEMO_PUBLISHED: events.RECEIVERS[events.MEMO_PUBLISHED],
    events.MEMO_DELIVERED: events.RECEIVERS[events.MEMO_DELIVERED],
    events.MEMO_FOLLOW_UP_UPDATED: events.RECEIVERS[events.MEMO_FOLLOW_UP_UPDATED],
    events.NEWSLETTER_SENT: events.RECEIVERS[events.NEWSLETTER_SENT],
}

#: topic -> the schema its payload must load in.
SCHEMAS = {
    notify.SEND_EMAIL: notify.SendEmailPayload,
    notify.REQUEST_SUBSCRIPTION: notify.RequestSubscriptionPayload,
    events.EVENT_PUBLISHED: events.EventPublishedPayload,
    events.EVENT_CHANGED: events.EventChangedPayload,
    events.EVENT_CANCELLED: events.EventCancelledPayload,
    events.FEEDBACK_WINDOW_OPENED: events.WindowOpenedPayload,
    events.FEEDBACK_WINDOW_CLOSED: events.WindowClosedPayload,
    events.MEMO_DRAFTED: events.MemoDraftedPayload,
    events.MEMO_APPROVED: events.MemoApprovedPayload,
    events.MEMO_PUBLISHED: events.MemoPublishedPayload,
    events.MEMO_DELIVERED: events.MemoDeliveredPayload,
    events.MEMO_FOLLOW_UP_UPDATED: events.MemoFollowUpUpdatedPayload,
    events.NEWSLETTER_SENT: events.NewsletterSentPayload,
}
