"""Celery tasks of the feedback service and its periodic schedule.

* ``feedback.sync_topics`` receives ``event.published``: topics follow the published agenda.
* ``feedback.follow_event_change`` receives ``event.changed``: windows follow a rescheduled
  forum; a forum made a targeted session hides its topics.
* ``feedback.close_cancelled_forum`` receives ``event.cancelled``: the forum's topics close.
* ``feedback.expire_comments`` runs from beat: unconfirmed comments expire after 48 h.
* ``feedback.close_windows`` runs from beat: a forum whose topics opened is announced
  (``feedback.window_opened``) once, and a forum whose last topic closed
  (``feedback.window_closed``) once.
* ``feedback.send_moderation_digest`` runs from beat every hour: the moderators' daily digest.
* ``feedback.link_memo`` receives ``memo.published``: the forum's topics link the memo.
"""

from services.feedback import closing, comments, digest, forum_changes, memos, opening, topics
from services.feedback.models import OutboxMessage, ProcessedMessage, db
from shared import outbox
from shared.celery import celery_app, periodic
from shared.contracts import events

relay_outbox = outbox.relay_task("feedback", db, OutboxMessage)
RELAY_OUTBOX = relay_outbox.name

SYNC_TOPICS = "feedback.sync_topics"
EXPIRE_COMMENTS = "feedback.expire_comments"
CLOSE_WINDOWS = "feedback.close_windows"
SEND_MODERATION_DIGEST = "feedback.send_moderation_digest"
LINK_MEMO = "feedback.link_memo"
FOLLOW_EVENT_CHANGE = "feedback.follow_event_change"
CLOSE_CANCELLED_FORUM = "feedback.close_cancelled_forum"
#: how often beat expires unconfirmed comments and looks for closed windows (seconds)
EXPIRE_EVERY_SECONDS = 900
#: how often beat asks whether today's digest is due (seconds)
DIGEST_EVERY_SECONDS = 3600

periodic(EXPIRE_COMMENTS, seconds=EXPIRE_EVERY_SECONDS)
periodic(CLOSE_WINDOWS, seconds=EXPIRE_EVERY_SECONDS)
periodic(SEND_MODERATION_DIGEST, seconds=DIGEST_EVERY_SECONDS)


@celery_app.task(name=SYNC_TOPICS)
@outbox.consumer(db, ProcessedMessage, events.EVENT_PUBLISHED)
def sync_topics(data):
    """Create or update the forum's topics from the announcement, once per message.

    Returns the forum's id, or None when the message was ignored (targeted session, stale).
    """
    forum = topics.sync_forum(data)
    if forum is None:
        return None
    closing.reopen_if_open(forum)
    return forum.id


@celery_app.task(name=FOLLOW_EVENT_CHANGE)
@outbox.consumer(db, ProcessedMessage, events.EVENT_CHANGED)
def follow_event_change(data):
    """Move the forum's windows, or hide its topics if it became targeted (once per message).

    Returns the forum's id, or None when the message was ignored (unknown, cancelled, stale).
    """
    forum = forum_changes.follow(data)
    return forum.id if forum is not None else None


@celery_app.task(name=CLOSE_CANCELLED_FORUM)
@outbox.consumer(db, ProcessedMessage, events.EVENT_CANCELLED)
def close_cancelled_forum(data):
    """Close a cancelled forum's topics (once per message); the forum's id, or None."""
    forum = forum_changes.cancel(data)
    return forum.id if forum is not None else None


@celery_app.task(name=EXPIRE_COMMENTS)
def expire_comments():
    """Expire comments left unconfirmed past their link's lifetime; returns how many."""
    count = comments.expire_unconfirmed()
    db.session.commit()
    return count


@celery_app.task(name=CLOSE_WINDOWS)
def close_windows():
    """Announce the forums whose comment windows opened, then those whose windows have all
    closed; returns the closed ones' ids."""
    opening.open_due_forums()
    ids = closing.close_due_forums()
    db.session.commit()
    return ids


@celery_app.task(name=SEND_MODERATION_DIGEST)
def send_moderation_digest():
    """Email today's digest to the moderators if anything waited too long; returns how many."""
    count = digest.send_due()
    db.session.commit()
    return count


@celery_app.task(name=LINK_MEMO)
@outbox.consumer(db, ProcessedMessage, events.MEMO_PUBLISHED)
def link_memo(data):
    """Keep the published memo's address on its forum (once per message); the forum id or None."""
    forum = memos.link_memo(data)
    return forum.id if forum is not None else None
