"""Celery tasks of the forum cycle (imported by :mod:`services.registration.tasks`).

* ``registration.milestone_from_<topic>`` receive other services' messages (``feedback.
  window_opened``, ``memo.published``, ``notify.newsletter_sent``, ...) and record the forum's
  milestone from them (:mod:`.evidence`), once per message.
* ``registration.advance_cycle`` runs from beat every ``CYCLE_TICK_SECONDS``: forums held,
  registration closed, recordings expired, and the responsible roles' due and late emails
  (:mod:`.advance`). Safe to run twice at once.

Registration receives some topics with more than one task (``memo.published`` also goes to
``registration.link_memo``), and every task's run is remembered in the one
``processed_messages`` table by message id. So each milestone task dedupes under an id of its own,
derived from the message's id and the task's name (:func:`own_message_id`): a redelivery still
has no second effect, and the other receiver's run never hides this one's.
"""

import functools
import logging
import uuid

from services.registration.cycle import advance, evidence
from services.registration.models import ProcessedMessage, db
from shared import outbox
from shared.celery import celery_app, periodic
from shared.contracts import events

log = logging.getLogger(__name__)

ADVANCE_CYCLE = "registration.advance_cycle"
FROM_WINDOW_OPENED = "registration.milestone_from_window_opened"
FROM_WINDOW_CLOSED = "registration.milestone_from_window_closed"
FROM_MEMO_DRAFTED = "registration.milestone_from_memo_drafted"
FROM_MEMO_APPROVED = "registration.milestone_from_memo_approved"
FROM_MEMO_PUBLISHED = "registration.milestone_from_memo_published"
FROM_MEMO_DELIVERED = "registration.milestone_from_memo_delivered"
FROM_NEWSLETTER_SENT = "registration.milestone_from_newsletter_sent"
#: how often a delivery whose publication is not known yet is tried again (about 40 minutes)
DELIVERY_RETRIES = 8

periodic(ADVANCE_CYCLE, seconds_setting="CYCLE_TICK_SECONDS")


def own_message_id(payload, task_name):
    """The payload with the message id this task dedupes under: uuid5(message id, task name).

    A payload whose message id is no UUID is passed on as it is, for the schema to refuse.
    """
    try:
        message_id = uuid.UUID(str(payload["message_id"]))
    except (KeyError, TypeError, ValueError):
        return payload
    return {**payload, "message_id": str(uuid.uuid5(message_id, task_name))}


def _event_id(milestone):
    """The recorded milestone's event id, or None."""
    return milestone.event_id if milestone is not None else None


def receives(name, topic):
    """Register ``fn(data)`` as the task ``name`` receiving ``topic``, run once per message."""

    def decorate(fn):
        body = outbox.consumer(db, ProcessedMessage, topic)(fn)

        @celery_app.task(name=name)
        @functools.wraps(fn)
        def task(payload):
            return body(own_message_id(payload, name))

        return task

    return decorate


@receives(FROM_WINDOW_OPENED, events.FEEDBACK_WINDOW_OPENED)
def milestone_from_window_opened(data):
    """The forum's comments opened; returns the event id, or None (unknown, targeted)."""
    return _event_id(evidence.window_opened(data))


@receives(FROM_WINDOW_CLOSED, events.FEEDBACK_WINDOW_CLOSED)
def milestone_from_window_closed(data):
    """The forum's comments closed; returns the event id, or None."""
    return _event_id(evidence.window_closed(data))


@receives(FROM_MEMO_DRAFTED, events.MEMO_DRAFTED)
def milestone_from_memo_drafted(data):
    """The forum's memo was drafted; returns the event id, or None."""
    return _event_id(evidence.memo_drafted(data))


@receives(FROM_MEMO_APPROVED, events.MEMO_APPROVED)
def milestone_from_memo_approved(data):
    """The working group signed the memo off; returns the event id, or None."""
    return _event_id(evidence.memo_approved(data))


@receives(FROM_MEMO_PUBLISHED, events.MEMO_PUBLISHED)
def milestone_from_memo_published(data):
    """The memo was published; returns the event id, or None."""
    return _event_id(evidence.memo_published(data))


@outbox.consumer(db, ProcessedMessage, events.MEMO_DELIVERED)
def _record_delivery(data):
    """One recipient's delivery of the memo; the event id, or None (already delivered)."""
    return _event_id(evidence.memo_delivered(data))


@celery_app.task(name=FROM_MEMO_DELIVERED, bind=True, max_retries=DELIVERY_RETRIES)
def milestone_from_memo_delivered(self, payload):
    """One recipient's delivery of the memo; the milestone is done once all are sent.

    A delivery of a publication registration has not recorded yet (its ``memo.published`` still
    on the way) is tried again with backoff; after DELIVERY_RETRIES it is dropped with a warning.
    Returns the event id, or None.
    """
    try:
        return _record_delivery(own_message_id(payload, FROM_MEMO_DELIVERED))
    except evidence.PublicationUnknown as exc:
        db.session.rollback()
        if self.request.retries >= DELIVERY_RETRIES:
            log.warning("registration: dropped a delivery of an unknown publication: %s", exc)
            return None
        raise self.retry(countdown=5 * 2 ** self.request.retries, exc=exc) from exc


@receives(FROM_NEWSLETTER_SENT, events.NEWSLETTER_SENT)
def milestone_from_newsletter_sent(data):
    """A newsletter announced forums; returns their event ids (the ones registration knows)."""
    return [milestone.event_id for milestone in evidence.newsletter_sent(data)]


@celery_app.task(name=ADVANCE_CYCLE)
def advance_cycle():
    """Move the forums through the cycle and send the due and late emails; returns the counts."""
    counts = advance.advance()
    db.session.commit()
    return counts
