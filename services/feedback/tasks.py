"""Celery tasks of the feedback service and its periodic schedule.

* ``feedback.sync_topics`` receives ``event.published``: topics follow the published agenda.
* ``feedback.expire_comments`` runs from beat: unconfirmed comments expire after 48 h.
"""

from services.feedback import comments, topics
from services.feedback.models import OutboxMessage, ProcessedMessage, db
from shared import outbox
from shared.celery import celery_app, periodic
from shared.contracts import events

relay_outbox = outbox.relay_task("feedback", db, OutboxMessage)
RELAY_OUTBOX = relay_outbox.name

SYNC_TOPICS = "feedback.sync_topics"
EXPIRE_COMMENTS = "feedback.expire_comments"
#: how often beat expires unconfirmed comments (seconds)
EXPIRE_EVERY_SECONDS = 900

periodic(EXPIRE_COMMENTS, seconds=EXPIRE_EVERY_SECONDS)


@celery_app.task(name=SYNC_TOPICS)
@outbox.consumer(db, ProcessedMessage, events.EVENT_PUBLISHED)
def sync_topics(data):
    """Create or update the forum's topics from the announcement, once per message.

    Returns the forum's id, or None when the message was ignored (targeted session, stale).
    """
    forum = topics.sync_forum(data)
    return forum.id if forum is not None else None


@celery_app.task(name=EXPIRE_COMMENTS)
def expire_comments():
    """Expire comments left unconfirmed past their link's lifetime; returns how many."""
    count = comments.expire_unconfirmed()
    db.session.commit()
    return count
