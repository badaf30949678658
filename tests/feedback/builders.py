"""Builders of the feedback tests: announcements as registration sends them, comments in a state."""

import datetime as dt
import uuid

from services.feedback import topics
from services.feedback.models import Comment, CommentStatus, db
from shared.contracts.events import EventPublishedPayload
from shared.db import utcnow

EVENT_URL = "http://localhost/registration/events/{id}"
MATERIAL_URL = "http://localhost/registration/materials/{id}"


def agenda_item(item_id, position=None, title=None, **values):
    """One agenda item of an ``event.published`` payload."""
    return {"id": item_id, "position": position or item_id, "title": title or f"Item {item_id}",
            "description": values.get("description", f"About item {item_id}."),
            "presenter_name": values.get("presenter_name", "Finance director"),
            "material_urls": values.get("material_urls", [MATERIAL_URL.format(id=item_id)])}


def announcement(event_id=1, agenda=None, starts_at=None, ends_at=None, occurred_at=None,
                 kind="forum", title="Autumn provider forum"):
    """An ``event.published`` payload loaded through its contract, as the consumer gets it.

    By default the forum started two days ago and ended yesterday: its window is open.
    """
    starts_at = starts_at or utcnow() - dt.timedelta(days=2)
    ends_at = ends_at or starts_at + dt.timedelta(days=1)
    payload = {
        "message_id": str(uuid.uuid4()),
        "occurred_at": (occurred_at or utcnow()).isoformat(),
        "event_id": event_id, "kind": kind, "title": title, "theme": "budget",
        "starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat(),
        "url": EVENT_URL.format(id=event_id),
        "agenda": [agenda_item(1), agenda_item(2)] if agenda is None else agenda,
    }
    return EventPublishedPayload().dump(EventPublishedPayload().load(payload))


def sync(payload):
    """Apply an announcement (in an app context) and commit; returns the forum id or None."""
    forum = topics.sync_forum(EventPublishedPayload().load(payload))
    db.session.commit()
    return forum.id if forum else None


def add_comment(topic_id, status=CommentStatus.APPROVED, parent_id=None, **values):
    """A comment stored directly in ``status`` (in an app context, committed); returns its id."""
    now = utcnow()
    defaults = {
        "author_name": "Maija Meikäläinen", "author_email": "maija@example.fi",
        "organisation": "Hoiva Oy", "body": "A *good* point.", "locale": "en",
        "submitted_at": now if status != CommentStatus.UNCONFIRMED else None,
        "approved_at": now if status == CommentStatus.APPROVED else None,
    }
    comment = Comment(topic_id=topic_id, parent_id=parent_id, status=status,
                      **{**defaults, **values})
    db.session.add(comment)
    db.session.commit()
    return comment.id
