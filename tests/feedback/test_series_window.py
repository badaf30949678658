"""A forum's topics stay open at least its series' comment days after it ends (not a constant),
kept on the forum so that a rescheduling ``event.changed`` (which has no series) keeps them."""

import datetime as dt
import uuid

import pytest

from services.feedback import closing, tasks, topics
from services.feedback.models import Forum, db
from shared.db import utcnow
from tests.feedback.builders import EVENT_URL, announcement, sync


def with_series(payload, days):
    """``payload`` of a forum whose series keeps comments open ``days`` days."""
    return {**payload, "series": {"slug": "jarjestofoorumi", "name": "Järjestöfoorumi",
                                  "comment_window_days": days, "recording_visible_days": 14}}


def changed(starts_at):
    """An ``event.changed`` moving forum 1 to ``starts_at`` (three hours)."""
    return {"message_id": str(uuid.uuid4()), "occurred_at": utcnow().isoformat(),
            "event_id": 1, "kind": "forum", "title": "Autumn provider forum",
            "starts_at": starts_at.isoformat(),
            "ends_at": (starts_at + dt.timedelta(hours=3)).isoformat(), "venue": "Hall",
            "url": EVENT_URL.format(id=1), "sequence": 1, "changed": ["starts_at"],
            "reason": "Moved", "late_override": False}


def closes(app):
    """The close times of forum 1's topics."""
    with app.app_context():
        return {topic.closes_at for topic in db.session.get(Forum, 1).topics}


def test_a_ten_day_series_keeps_topics_open_ten_days(app):
    with app.app_context():
        payload = announcement()
        sync(with_series(payload, 10))
        forum = db.session.get(Forum, 1)
        assert forum.comment_window_days == 10
        assert topics.floor_days(forum) == 10
        end = forum.ends_at
    assert closes(app) == {end + dt.timedelta(days=10)}
    with app.app_context():  # the settings' 7 days have passed: still open, nothing announced
        now = end + dt.timedelta(days=8)
        assert all(topics.is_open(t, now) for t in db.session.get(Forum, 1).topics)
        assert closing.close_due_forums(now=now) == []
        assert closing.close_due_forums(now=end + dt.timedelta(days=10, seconds=1)) == [1]


def test_a_forum_without_series_keeps_the_settings_days(app):
    with app.app_context():
        sync(announcement())
        forum = db.session.get(Forum, 1)
        assert forum.comment_window_days is None
        end = forum.ends_at
    assert closes(app) == {end + dt.timedelta(days=app.config["POLICY_COMMENT_WINDOW_MIN_DAYS"])}


def test_the_secretary_cannot_close_before_the_series_floor(app):
    with app.app_context():
        sync(with_series(announcement(), 10))
        forum = db.session.get(Forum, 1)
        with pytest.raises(topics.WindowTooEarly) as caught:
            topics.set_window(forum.topics[0], forum.ends_at + dt.timedelta(days=9))
        assert caught.value.floor == forum.ends_at + dt.timedelta(days=10)


def test_a_rescheduled_forum_keeps_its_series_days(app):
    start = utcnow() + dt.timedelta(days=30)
    with app.app_context():
        sync(with_series(announcement(starts_at=start, ends_at=start + dt.timedelta(hours=3),
                                      occurred_at=utcnow() - dt.timedelta(hours=1)), 12))
    new_start = start + dt.timedelta(days=5)
    with app.app_context():
        assert tasks.follow_event_change(changed(new_start)) == 1
    assert closes(app) == {new_start + dt.timedelta(hours=3, days=12)}


def test_a_shorter_series_window_is_its_own_floor(app):
    with app.app_context():
        sync(with_series(announcement(), 3))
        end = db.session.get(Forum, 1).ends_at
    assert closes(app) == {end + dt.timedelta(days=3)}
