"""A forum's change and cancellation, as registration announced them.

* ``event.cancelled``: the forum's topics close at once (:func:`topics.window_state` says
  closed), no ``feedback.window_closed`` is sent for it (no memo of a forum that did not take
  place), and later announcements of it change nothing. Comments already given stay with the
  moderators.
* ``event.changed`` into a targeted session: every topic is hidden (withdrawn); targeted
  sessions are never handled in the open forum.
* ``event.changed`` otherwise: the forum's times follow and each comment window is recomputed,
  never closing before the policy's floor after the new end.

A message older than the newest one applied (``Forum.announced_at``) changes nothing, and the
consumer's dedupe makes a redelivery a no-op. Flush only.
"""

from services.feedback import closing, topics
from services.feedback.models import Forum, db


def _forum(event_id):
    """The forum, locked for the change on PostgreSQL, or None."""
    return db.session.get(Forum, event_id, with_for_update=db.is_postgresql())


def _stale(forum, data):
    """Whether the forum is cancelled or has applied a newer announcement."""
    return forum.cancelled_at is not None or bool(
        forum.announced_at and data["occurred_at"] < forum.announced_at)


def cancel(data):
    """Close a cancelled forum's topics; returns the Forum, or None for a targeted session.

    A forum never announced is stored as cancelled, so that its announcement, if it arrives
    late, changes nothing.
    """
    forum = _forum(data["event_id"])
    if forum is None:
        if data["kind"] not in topics.COMMENTED_KINDS:
            return None
        forum = Forum(id=data["event_id"], title=data["title"][:200], url=data["url"],
                      starts_at=data["starts_at"], ends_at=data["ends_at"])
        db.session.add(forum)
    if forum.cancelled_at is None:
        forum.cancelled_at = data["cancelled_at"]
    forum.announced_at = max(filter(None, (forum.announced_at, data["occurred_at"])))
    db.session.flush()
    return forum


def follow(data):
    """Apply a changed event to its forum: hide it (targeted) or move it; the Forum or None."""
    forum = _forum(data["event_id"])
    if forum is None or _stale(forum, data):
        return None
    if data["kind"] not in topics.COMMENTED_KINDS:
        return topics.hide(forum, data["occurred_at"])
    topics.move(forum, data)
    closing.reopen_if_open(forum)
    return forum
