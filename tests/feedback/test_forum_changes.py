"""A forum's change and cancellation reach its topics (``event.changed``, ``event.cancelled``).

Before issue 14, a cancelled forum's topics stayed open, and a forum edited into a targeted
session kept its public topics: feedback heard of neither.
"""

import datetime as dt
import uuid

import sqlalchemy as sa

from services.feedback import closing, tasks, topics
from services.feedback.models import Comment, Forum, OutboxMessage, Topic, db
from shared.contracts import ROUTES, events
from shared.db import utcnow
from tests.feedback.builders import EVENT_URL, announcement, sync

WEEK = dt.timedelta(days=7)


def cancelled(event_id=1, kind="forum", occurred_at=None):
    """An ``event.cancelled`` payload as registration sends it."""
    now = occurred_at or utcnow()
    start = utcnow() + dt.timedelta(days=10)
    return {"message_id": str(uuid.uuid4()), "occurred_at": now.isoformat(),
            "event_id": event_id, "kind": kind, "title": "Autumn provider forum",
            "starts_at": start.isoformat(), "ends_at": (start + dt.timedelta(hours=3)).isoformat(),
            "url": EVENT_URL.format(id=event_id), "sequence": 1, "reason": "No venue",
            "cancelled_at": now.isoformat()}


def changed(event_id=1, kind="forum", starts_at=None, occurred_at=None):
    """An ``event.changed`` payload as registration sends it."""
    start = starts_at or utcnow() + dt.timedelta(days=20)
    return {"message_id": str(uuid.uuid4()),
            "occurred_at": (occurred_at or utcnow()).isoformat(), "event_id": event_id,
            "kind": kind, "title": "Autumn provider forum", "starts_at": start.isoformat(),
            "ends_at": (start + dt.timedelta(hours=3)).isoformat(), "venue": "Hall",
            "url": EVENT_URL.format(id=event_id), "sequence": 1, "changed": ["starts_at"],
            "reason": "Moved", "late_override": False}


def in_app(app, task, payload):
    """Run a receiving task as a worker would, in a fresh app context."""
    with app.app_context():
        return task(payload)


def states(app, forum_id=1):
    """(withdrawn, window state) of the forum's topics in order."""
    with app.app_context():
        rows = db.session.scalars(sa.select(Topic).where(Topic.forum_id == forum_id)
                                  .order_by(Topic.position)).all()
        return [(t.withdrawn, topics.window_state(t)) for t in rows]


def test_feedback_listens_to_changes_and_cancellations():
    assert tasks.FOLLOW_EVENT_CHANGE in ROUTES[events.EVENT_CHANGED]
    assert tasks.CLOSE_CANCELLED_FORUM in ROUTES[events.EVENT_CANCELLED]


def test_a_cancelled_forums_topics_close_once(app, client, create_forum):
    topic_ids = create_forum()
    assert states(app) == [(False, "open"), (False, "open")]
    payload = cancelled()
    assert in_app(app, tasks.close_cancelled_forum, payload) == 1
    assert in_app(app, tasks.close_cancelled_forum, payload) is None  # redelivered: no effect
    assert states(app) == [(False, "closed"), (False, "closed")]
    page = client.get(f"/topics/{topic_ids[0]}", headers={"Accept-Language": "en"})
    assert "The forum was cancelled. Comments are closed." in page.get_data(as_text=True)
    response = client.post(f"/topics/{topic_ids[0]}/comments", data={
        "name": "Maija", "organisation": "Hoiva Oy", "email": "maija@example.fi", "text": "Hi"})
    assert response.status_code == 409
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Comment.id))) == 0


def test_a_cancelled_forum_is_never_announced_as_closed_for_its_memo(app, create_forum):
    create_forum()
    in_app(app, tasks.close_cancelled_forum, cancelled())
    with app.app_context():
        assert closing.close_due_forums(now=utcnow() + 4 * WEEK) == []
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0


def test_announcements_after_a_cancellation_change_nothing(app):
    in_app(app, tasks.close_cancelled_forum, cancelled())  # before its announcement arrived
    with app.app_context():
        assert sync(announcement(occurred_at=utcnow() - dt.timedelta(days=1))) is None
        assert sync(announcement()) is None
        forum = db.session.get(Forum, 1)
        assert forum.cancelled_at is not None and forum.topics == []
    assert in_app(app, tasks.follow_event_change, changed()) is None


def test_a_forum_made_targeted_hides_every_topic(app, client, create_forum):
    topic_ids = create_forum()
    payload = changed(kind="targeted")
    assert in_app(app, tasks.follow_event_change, payload) == 1
    assert in_app(app, tasks.follow_event_change, payload) is None
    assert states(app) == [(True, "closed"), (True, "closed")]
    assert client.get(f"/topics/{topic_ids[0]}").status_code == 404
    assert client.get(f"/api/v1/topics/{topic_ids[0]}").status_code == 404
    assert all(f["id"] != 1 for f in client.get("/api/v1/forums").json)


def test_a_targeted_announcement_hides_the_topics_too(app, create_forum):
    create_forum()
    with app.app_context():
        assert sync(announcement(kind="targeted")) is None
    assert states(app) == [(True, "closed"), (True, "closed")]
    with app.app_context():  # made an open forum again, its topics come back
        sync(announcement())
    assert states(app) == [(False, "open"), (False, "open")]


def test_a_rescheduled_forum_moves_its_windows_never_below_the_floor(app, create_forum):
    create_forum()
    start = utcnow() + dt.timedelta(days=20)
    assert in_app(app, tasks.follow_event_change, changed(starts_at=start)) == 1
    with app.app_context():
        forum = db.session.get(Forum, 1)
        assert forum.starts_at == start
        for topic in forum.topics:
            assert topic.opens_at == start
            assert topic.closes_at == start + dt.timedelta(hours=3) + WEEK
    assert states(app) == [(False, "not_open_yet"), (False, "not_open_yet")]


def test_an_older_change_than_the_newest_applied_is_ignored(app, create_forum):
    create_forum()
    newest = changed(starts_at=utcnow() + dt.timedelta(days=30))
    in_app(app, tasks.follow_event_change, newest)
    stale = changed(starts_at=utcnow() + dt.timedelta(days=5),
                    occurred_at=utcnow() - dt.timedelta(hours=1))
    assert in_app(app, tasks.follow_event_change, stale) is None
    with app.app_context():
        assert db.session.get(Forum, 1).starts_at > utcnow() + dt.timedelta(days=29)


def test_an_unknown_forum_is_ignored(app):
    assert in_app(app, tasks.follow_event_change, changed(event_id=77)) is None
    assert in_app(app, tasks.close_cancelled_forum, cancelled(event_id=78, kind="targeted")) is None
    with app.app_context():
        assert db.session.scalars(sa.select(Forum)).all() == []
