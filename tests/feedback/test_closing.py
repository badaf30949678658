"""A forum whose last topic closed is announced once as ``feedback.window_closed``."""

import datetime as dt

from services.feedback import closing, topics
from services.feedback.models import CommentStatus, Forum, Topic, db
from shared.contracts import SCHEMAS, events
from shared.db import utcnow


def close_now(app, now):
    """Run the closing check at ``now`` and commit; returns the announced forum ids."""
    with app.app_context():
        ids = closing.close_due_forums(now)
        db.session.commit()
        return ids


def after_floor(app, forum_id=1, hours=1):
    """A moment ``hours`` after the forum's floor (when every default window has closed)."""
    with app.app_context():
        return topics.floor(db.session.get(Forum, forum_id)) + dt.timedelta(hours=hours)


def test_an_open_forum_is_not_announced(app, create_forum, outbox):
    create_forum()
    assert close_now(app, utcnow()) == []
    assert outbox(events.FEEDBACK_WINDOW_CLOSED) == []


def test_the_forum_is_announced_once_with_its_topics_and_counts(app, create_forum, create_comment,
                                                                outbox):
    first, _second = create_forum()
    create_comment(first)
    create_comment(first, status=CommentStatus.PENDING)
    moment = after_floor(app)
    assert close_now(app, moment) == [1]
    assert close_now(app, moment + dt.timedelta(hours=1)) == []
    [payload] = outbox(events.FEEDBACK_WINDOW_CLOSED)
    data = SCHEMAS[events.FEEDBACK_WINDOW_CLOSED]().load(payload)
    assert data["event_id"] == 1 and data["title"] == "Autumn provider forum"
    assert data["comments_url"] == "http://localhost/feedback/api/v1/forums/1/comments"
    assert [(t["title"], t["approved_comments"]) for t in data["topics"]] == [
        ("Item 1", 1), ("Item 2", 0)]
    with app.app_context():
        assert db.session.get(Forum, 1).window_closed_at == moment


def test_a_forum_waits_for_its_last_open_topic(app, create_forum, outbox):
    first, second = create_forum()
    with app.app_context():
        topic = db.session.get(Topic, second)
        topics.set_window(topic, topic.closes_at + dt.timedelta(days=3))
        db.session.commit()
    assert close_now(app, after_floor(app)) == []
    assert close_now(app, after_floor(app, hours=3 * 24 + 1)) == [1]


def test_a_reopened_window_is_announced_again_when_it_closes(app, create_forum, outbox):
    first, _ = create_forum()
    moment = after_floor(app)
    close_now(app, moment)
    with app.app_context():
        topic = db.session.get(Topic, first)
        topics.set_window(topic, moment + dt.timedelta(days=2))
        closing.reopen_if_open(topic.forum, moment)
        db.session.commit()
        assert db.session.get(Forum, 1).window_closed_at is None
    assert close_now(app, moment + dt.timedelta(days=1)) == []
    assert close_now(app, moment + dt.timedelta(days=3)) == [1]
    assert len(outbox(events.FEEDBACK_WINDOW_CLOSED)) == 2
