"""Other services' messages as their outboxes carry them, for the milestone consumer's tests."""

import datetime as dt
import uuid

from shared.contracts import SCHEMAS, events
from shared.db import utcnow


def message(topic, **values):
    """A dumped payload of ``topic`` (a fresh message id), validated by its schema."""
    schema = SCHEMAS[topic]()
    payload = {"message_id": str(uuid.uuid4()), "occurred_at": utcnow().isoformat(), **values}
    return schema.dump(schema.load(payload))


def window_opened(event_id, opened_at, topics=2):
    """feedback's ``feedback.window_opened``."""
    return message(events.FEEDBACK_WINDOW_OPENED, event_id=event_id,
                   opened_at=opened_at.isoformat(), topics=topics)


def window_closed(event_id, closed_at, approved=(3, 2)):
    """feedback's ``feedback.window_closed`` with one topic per count of approved comments."""
    topics = [{"topic_id": 10 + n, "agenda_item_id": 20 + n, "position": n, "title": f"Item {n}",
               "approved_comments": count} for n, count in enumerate(approved, 1)]
    return message(events.FEEDBACK_WINDOW_CLOSED, event_id=event_id, title="Budget forum",
                   closed_at=closed_at.isoformat(), topics=topics,
                   comments_url=f"http://localhost/feedback/api/v1/forums/{event_id}/comments")


def memo_drafted(event_id, memo_id=3, comments=5):
    """memo's ``memo.drafted``."""
    return message(events.MEMO_DRAFTED, event_id=event_id, memo_id=memo_id, title="Budget forum",
                   url=f"http://localhost/memo/staff/memos/{memo_id}", comments=comments)


def memo_approved(event_id, memo_id=3, version=2, approvals=4):
    """memo's ``memo.approved``."""
    return message(events.MEMO_APPROVED, event_id=event_id, memo_id=memo_id, title="Budget forum",
                   version=version, approvals=approvals)


def memo_delivered(email, status="sent", memo_id=3, publication_id=4, error=""):
    """notify's ``memo.delivered`` for one recipient."""
    return message(events.MEMO_DELIVERED, memo_id=memo_id, publication_id=publication_id,
                   email=email, status=status, error=error)


def newsletter_sent(event_ids, campaign_id=8, recipients=120, finished_at=None):
    """notify's ``notify.newsletter_sent``."""
    finished_at = finished_at or utcnow() - dt.timedelta(minutes=5)
    return message(events.NEWSLETTER_SENT, campaign_id=campaign_id, subject="Syksyn foorumi",
                   finished_at=finished_at.isoformat(), event_ids=list(event_ids),
                   recipients=recipients)
