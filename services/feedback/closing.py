"""The end of a forum's commenting: when its last topic closes, tell whoever drafts the memo.

:func:`close_due_forums` (run by beat) finds the forums whose every live topic has closed and
that were not yet announced as closed (nor cancelled: no memo of a forum that did not take
place), and writes one ``feedback.window_closed`` message per
forum to the outbox in the same transaction that stamps ``Forum.window_closed_at``, so the
message goes out exactly once. A window the secretary later reopens (by moving its close time)
clears the stamp, and the forum is announced again when it closes anew. Flush only.
"""

import sqlalchemy as sa

from services.feedback import links, queries, topics
from services.feedback.models import Forum, OutboxMessage, Topic, db
from shared.contracts import events
from shared.db import utcnow
from shared.outbox import emit


def _due(now):
    """Forums not yet announced as closed whose live topics have all closed (at least one)."""
    still_open = sa.select(Topic.forum_id).where(Topic.withdrawn.is_(False), Topic.closes_at > now)
    has_live = sa.select(Topic.forum_id).where(Topic.withdrawn.is_(False))
    query = sa.select(Forum).where(Forum.window_closed_at.is_(None), Forum.cancelled_at.is_(None),
                                   Forum.id.in_(has_live), Forum.id.not_in(still_open)
                                   ).order_by(Forum.id)
    if db.is_postgresql():
        query = query.with_for_update(skip_locked=True)
    return db.session.scalars(query).all()


def _announce(forum, now):
    """Stamp the forum closed and write its message."""
    live = topics.live(forum)
    counts = queries.approved_counts([topic.id for topic in live])
    forum.window_closed_at = now
    emit(db.session, OutboxMessage, events.FEEDBACK_WINDOW_CLOSED, event_id=forum.id,
         title=forum.title, closed_at=max(topic.closes_at for topic in live).isoformat(),
         comments_url=links.forum_comments_api_url(forum.id),
         topics=[{"topic_id": t.id, "agenda_item_id": t.agenda_item_id, "position": t.position,
                  "title": t.title, "approved_comments": counts[t.id]} for t in live])


def close_due_forums(now=None):
    """Announce every forum whose comments have all closed; returns their ids."""
    now = now or utcnow()
    forums = _due(now)
    for forum in forums:
        _announce(forum, now)
    db.session.flush()
    return [forum.id for forum in forums]


def reopen_if_open(forum, now=None):
    """Clear the closed stamp of a forum that has an open topic again (its window moved)."""
    now = now or utcnow()
    if forum.cancelled_at is None and forum.window_closed_at and any(
            t.closes_at > now for t in topics.live(forum)):
        forum.window_closed_at = None
