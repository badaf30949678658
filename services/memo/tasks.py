"""Celery tasks of the memo service and its periodic schedule.

* ``memo.sync_forum`` receives ``event.published``: memo's copy of the forum and its agenda
  (presenters' emails included) and its series' memo recipients and partners.
* ``memo.follow_event_change`` receives ``event.changed``: the copy follows the forum's new
  title, times and venue; ``memo.close_cancelled_forum`` receives ``event.cancelled``: the copy
  is marked cancelled, and no memo is drafted from it.
* ``memo.draft_from_feedback`` receives ``feedback.window_closed``: the forum's memo is drafted
  from feedback's approved comments and registration's attendance; the secretaries are told.
* ``memo.record_delivery`` receives ``memo.delivered``: one recipient's delivery status.
* ``memo.send_review_reminders`` runs periodically: members who have not answered a review round
  after ``MEMO_REMINDER_WORKING_DAYS`` working days are reminded, once per round.

Each runs at most once per message (:func:`shared.outbox.consumer`).
"""

import logging

from services.memo import delivery, drafting, forums, reminders
from services.memo.errors import AlreadyDrafted, SourceUnavailable
from services.memo.models import OutboxMessage, ProcessedMessage, db
from shared import outbox
from shared.celery import celery_app, periodic
from shared.contracts import events

log = logging.getLogger(__name__)

relay_outbox = outbox.relay_task("memo", db, OutboxMessage)
RELAY_OUTBOX = relay_outbox.name

SYNC_FORUM = "memo.sync_forum"
FOLLOW_EVENT_CHANGE = "memo.follow_event_change"
CLOSE_CANCELLED_FORUM = "memo.close_cancelled_forum"
DRAFT_FROM_FEEDBACK = "memo.draft_from_feedback"
RECORD_DELIVERY = "memo.record_delivery"
SEND_REVIEW_REMINDERS = "memo.send_review_reminders"
#: how often beat looks for overdue review answers (a reminder is due per working day at most)
REMINDER_EVERY_SECONDS = 3600
periodic(SEND_REVIEW_REMINDERS, seconds=REMINDER_EVERY_SECONDS)
#: seconds before the first retry when feedback's API did not answer (doubles each time)
RETRY_SECONDS = 30


@celery_app.task(name=SYNC_FORUM)
@outbox.consumer(db, ProcessedMessage, events.EVENT_PUBLISHED)
def sync_forum(data):
    """Keep memo's copy of the announced forum; returns its id, or None (targeted, stale)."""
    forum = forums.sync_forum(data)
    return forum.id if forum else None


@celery_app.task(name=FOLLOW_EVENT_CHANGE)
@outbox.consumer(db, ProcessedMessage, events.EVENT_CHANGED)
def follow_event_change(data):
    """Move memo's copy of a changed forum; returns its id, or None (unknown, stale)."""
    forum = forums.follow(data)
    return forum.id if forum else None


@celery_app.task(name=CLOSE_CANCELLED_FORUM)
@outbox.consumer(db, ProcessedMessage, events.EVENT_CANCELLED)
def close_cancelled_forum(data):
    """Mark memo's copy of a cancelled forum cancelled; returns its id, or None (targeted)."""
    forum = forums.cancel(data)
    return forum.id if forum else None


@celery_app.task(name=DRAFT_FROM_FEEDBACK, autoretry_for=(SourceUnavailable,),
                 retry_backoff=RETRY_SECONDS, max_retries=6)
@outbox.consumer(db, ProcessedMessage, events.FEEDBACK_WINDOW_CLOSED)
def draft_from_feedback(data):
    """Draft the forum's memo once; returns its id (the existing one's if it was drafted before).

    When feedback's API does not answer nothing is stored and the task is retried. A cancelled
    forum gets no memo (None).
    """
    if forums.is_cancelled(data["event_id"]):
        log.info("memo: forum %s is cancelled; no memo is drafted", data["event_id"])
        return None
    topic_items = {topic["topic_id"]: topic["agenda_item_id"] for topic in data["topics"]}
    try:
        memo = drafting.draft_forum(data["event_id"], comments_url=data["comments_url"],
                                    topic_items=topic_items)
    except AlreadyDrafted:
        log.info("memo: forum %s has a memo already", data["event_id"])
        return drafting.memo_of(data["event_id"]).id
    return memo.id


@celery_app.task(name=RECORD_DELIVERY)
@outbox.consumer(db, ProcessedMessage, events.MEMO_DELIVERED)
def record_delivery(data):
    """Record one recipient's delivery; returns the delivery's id, or None if unknown."""
    found = delivery.record(data)
    return found.id if found else None


@celery_app.task(name=SEND_REVIEW_REMINDERS)
def send_review_reminders():
    """Remind the members whose review answer is overdue (once per round); returns how many."""
    sent = reminders.send_due()
    db.session.commit()
    return sent
